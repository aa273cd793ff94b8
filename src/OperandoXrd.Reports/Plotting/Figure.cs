using OperandoXrd.Reports.Png;
using OperandoXrd.Reports.Raster;
using OperandoXrd.Reports.Svg;

namespace OperandoXrd.Reports.Plotting;

/// <summary>
/// A figure of panels placed at pixel rectangles. Render it with <see cref="ToSvg"/> (real text and vectors)
/// or <see cref="Rasterize"/> (our own anti-aliased raster of the same drawing).
/// </summary>
public sealed class Figure
{
    private readonly List<Panel> _panels = [];
    private readonly List<(double X, double Y, string Text, double Size, bool Vertical, TextAlign Align)> _texts = [];

    public Figure(double width, double height)
    {
        if (!(width >= 50) || !(height >= 50) || width > 20000 || height > 20000)
            throw new ArgumentException($"figure size {width} x {height} px is outside 50..20000");
        Width = width;
        Height = height;
    }

    public double Width { get; }

    public double Height { get; }

    public string? Title { get; set; }

    public IReadOnlyList<Panel> Panels => _panels;

    /// <summary>Adds a panel whose plot area is the given rectangle in figure pixels.</summary>
    public Panel AddPanel(string id, double left, double top, double width, double height)
    {
        if (_panels.Any(p => p.Id == id))
            throw new ArgumentException($"a panel '{id}' already exists in this figure");
        var panel = new Panel(id, left, top, width, height);
        _panels.Add(panel);
        return panel;
    }

    /// <summary>Free text (an annotation or a label shared by several panels).</summary>
    public void AddText(double x, double y, string text, double size = 13, bool vertical = false, TextAlign align = TextAlign.Center) =>
        _texts.Add((x, y, text ?? throw new ArgumentNullException(nameof(text)), size, vertical, align));

    /// <summary>The figure as an SVG document (text stays text; heat maps are embedded PNGs).</summary>
    public string ToSvg() => SvgWriter.Write(Layout());

    /// <summary>Draws the figure with our own rasterizer at <paramref name="scale"/> pixels per figure pixel.</summary>
    public RgbaImage Rasterize(double scale = 1) => Rasterizer.Draw(Layout(), scale);

    internal Scene Layout()
    {
        var scene = new Scene(Width, Height);
        SceneGroup page = scene.AddGroup("figure");
        page.Items.Add(new RectPrimitive(0, 0, Width, Height, Rgba.White, null, 0));
        if (Title is not null)
            page.Items.Add(new TextPrimitive(Width / 2, 22, Title, 15, TextAnchor.Middle, TextBaseline.Alphabetic, false, Palette.Black, "figure-title"));
        foreach (var (x, y, text, size, vertical, align) in _texts)
        {
            TextAnchor anchor = align switch { TextAlign.Left => TextAnchor.Start, TextAlign.Right => TextAnchor.End, _ => TextAnchor.Middle };
            page.Items.Add(new TextPrimitive(x, y, text, size, anchor, TextBaseline.Middle, vertical, Palette.Black, "annotation"));
        }
        foreach (Panel p in _panels)
            p.Draw(scene);
        return scene;
    }
}

/// <summary>Horizontal alignment of free text relative to its anchor point.</summary>
public enum TextAlign
{
    Left,
    Center,
    Right,
}
