using System.Globalization;
using OperandoXrd.Reports.Color;
using OperandoXrd.Reports.Fonts;
using ScottPlot;
using SkiaSharp;

namespace OperandoXrd.Reports.Plotting;

/// <summary>Linear or base-10 logarithmic values (the contour's colour scale).</summary>
public enum ScaleKind
{
    Linear,
    Log,
}

/// <summary>A colour scale a panel shows: its limits and whether they are logarithmic.</summary>
public readonly record struct ValueRange(double Min, double Max, ScaleKind Scale);

/// <summary>
/// One panel of a figure: a ScottPlot plot whose data area is exactly <see cref="DataArea"/> (figure pixels, top-left
/// origin). Panels that share an axis get the same limits and the same left and right edges, so their ticks line up.
/// </summary>
public sealed class FigurePanel
{
    internal FigurePanel(string id, Plot plot, PixelRect dataArea)
    {
        Id = id;
        Plot = plot;
        DataArea = dataArea;
    }

    public string Id { get; }

    public Plot Plot { get; }

    public PixelRect DataArea { get; }

    /// <summary>For a colour bar: the data values its ends stand for.</summary>
    public ValueRange? ColourScale { get; internal set; }
}

/// <summary>
/// A figure of several ScottPlot panels on one canvas, drawn once per output: the same drawing calls go to an SVG
/// canvas and to a raster surface (<see cref="FigureWriter"/>), so the SVG and the PNG are one picture. Text is the
/// bundled DejaVu Sans (<see cref="BundledFont"/>).
/// </summary>
public sealed class Figure : IDisposable
{
    public const float AxisLabelSize = 14, TickLabelSize = 12, TitleSize = 15;

    private readonly List<FigurePanel> _panels = [];
    private readonly List<(float X, float Y, string Text, float Size, SKTextAlign Align)> _texts = [];

    static Figure() => PlotFonts.Install();

    public Figure(double width, double height)
    {
        Width = (int)Math.Round(width);
        Height = (int)Math.Round(height);
    }

    public int Width { get; }

    public int Height { get; }

    public string? Title { get; init; }

    public IReadOnlyList<FigurePanel> Panels => _panels;

    public FigurePanel Panel(string id) => _panels.Single(p => string.Equals(p.Id, id, StringComparison.Ordinal));

    /// <summary>A panel whose data area is the given rectangle; axis labels and ticks go outside it.</summary>
    public FigurePanel AddPanel(string id, double left, double top, double width, double height)
    {
        var plot = new Plot();
        // Panels are drawn one over the other on the figure's canvas: none may clear it or paint its background.
        plot.RenderManager.ClearCanvasBeforeEachRender = false;
        plot.FigureBackground.Color = Colors.Transparent;
        plot.DataBackground.Color = Colors.White;
        plot.Grid.MajorLineColor = Colors.Black.WithAlpha(0.08);
        var area = new PixelRect((float)left, (float)(left + width), (float)(top + height), (float)top);
        plot.Layout.Fixed(area);
        // Plain numbers on every axis ("3000", not "3,000"), and ticks no closer than a label needs.
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { LabelFormatter = Number, TickDensity = 0.8 };
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { LabelFormatter = Number, TickDensity = 0.6 };
        foreach (var axis in plot.Axes.GetAxes())
        {
            axis.Label.FontSize = AxisLabelSize;
            axis.Label.Bold = false;
            axis.TickLabelStyle.FontSize = TickLabelSize;
            axis.FrameLineStyle.Color = Colors.Black;
            axis.MajorTickStyle.Color = Colors.Black;
            axis.MinorTickStyle.Color = Colors.Black;
        }

        var panel = new FigurePanel(id, plot, area);
        _panels.Add(panel);
        return panel;
    }

    /// <summary>A free label in figure pixels (baseline centre of the text's height at <paramref name="y"/>).</summary>
    public void AddText(double x, double y, string text, double size, SKTextAlign align = SKTextAlign.Left) =>
        _texts.Add(((float)x, (float)y, text, (float)size, align));

    /// <summary>Draws the figure onto <paramref name="canvas"/> at 1 unit per figure pixel.</summary>
    public void Render(SKCanvas canvas)
    {
        ArgumentNullException.ThrowIfNull(canvas);
        canvas.Clear(SKColors.White);
        var whole = new PixelRect(0, Width, Height, 0);
        foreach (var panel in _panels)
        {
            panel.Plot.Render(canvas, whole);
        }

        using var paint = new SKPaint { Color = SKColors.Black, IsAntialias = true };
        if (Title is not null)
        {
            using var bold = new SKFont(BundledFont.Bold, TitleSize);
            canvas.DrawText(Title, Width / 2f, 8 + TitleSize, SKTextAlign.Center, bold, paint);
        }

        foreach (var (x, y, text, size, align) in _texts)
        {
            using var font = new SKFont(BundledFont.Regular, size);
            canvas.DrawText(text, x, y + size * 0.35f, align, font, paint);
        }
    }

    /// <summary>A tick label: up to six significant digits, invariant culture, no group separators.</summary>
    public static string Number(double value) => Math.Abs(value) < 1e-12 ? "0" : value.ToString("G6", CultureInfo.InvariantCulture);

    /// <summary>Frees the panels' native drawing resources (heat-map bitmaps) now rather than at finalization.</summary>
    public void Dispose()
    {
        foreach (var panel in _panels)
        {
            panel.Plot.Dispose();
        }
    }

    /// <summary>ScottPlot's colour for one of ours.</summary>
    public static ScottPlot.Color ToColor(Rgba c) => new(c.R, c.G, c.B, c.A);
}
