using OperandoXrd.Reports.Png;

namespace OperandoXrd.Reports.Plotting;

/// <summary>
/// A laid-out figure as pixel-space drawing primitives. The SVG writer and the fallback rasterizer both draw
/// from this one list, so the PNG without rsvg-convert shows the same figure as the SVG.
/// </summary>
internal sealed class Scene(double width, double height)
{
    public double Width { get; } = width;

    public double Height { get; } = height;

    public List<SceneGroup> Groups { get; } = [];

    public List<ClipRect> Clips { get; } = [];

    public SceneGroup AddGroup(string cssClass, string? id = null)
    {
        var g = new SceneGroup(cssClass, id);
        Groups.Add(g);
        return g;
    }

    public int AddClip(double x, double y, double w, double h)
    {
        Clips.Add(new ClipRect(x, y, w, h));
        return Clips.Count - 1;
    }
}

internal readonly record struct ClipRect(double X, double Y, double W, double H);

/// <summary>A named group (a panel, a legend); its attributes become data-* attributes in the SVG.</summary>
internal sealed class SceneGroup(string cssClass, string? id)
{
    public string CssClass { get; } = cssClass;

    public string? Id { get; } = id;

    public List<KeyValuePair<string, string>> Attributes { get; } = [];

    public List<Primitive> Items { get; } = [];
}

internal enum TextAnchor
{
    Start,
    Middle,
    End,
}

internal enum TextBaseline
{
    /// <summary>y is the text's baseline.</summary>
    Alphabetic,
    /// <summary>y is the middle of the digits.</summary>
    Middle,
    /// <summary>y is the top of the capitals.</summary>
    Hanging,
}

internal enum MarkerShape
{
    Circle,
    Square,
    Diamond,
    Triangle,
}

internal abstract record Primitive(int Clip);

internal sealed record PolylinePrimitive(IReadOnlyList<(double X, double Y)> Points, Rgba Stroke, double Width, double[]? Dash, int Clip)
    : Primitive(Clip);

internal sealed record RectPrimitive(double X, double Y, double W, double H, Rgba? Fill, Rgba? Stroke, double StrokeWidth, int Clip = -1)
    : Primitive(Clip);

internal sealed record MarkerPrimitive(double X, double Y, double Size, MarkerShape Shape, Rgba Fill, Rgba Stroke, int Clip)
    : Primitive(Clip);

internal sealed record TextPrimitive(double X, double Y, string Text, double Size, TextAnchor Anchor, TextBaseline Baseline,
    bool Vertical, Rgba Color, string CssClass) : Primitive(-1);

internal sealed record ImagePrimitive(double X, double Y, double W, double H, RgbaImage Image, string CssClass, int Clip)
    : Primitive(Clip);
