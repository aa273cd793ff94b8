using System.Globalization;
using OperandoXrd.Reports.Axes;
using OperandoXrd.Reports.Png;

namespace OperandoXrd.Reports.Plotting;

public enum LegendPosition
{
    None,
    /// <summary>The corner that hides the fewest data points.</summary>
    Best,
    TopRight,
    TopLeft,
    BottomRight,
    BottomLeft,
}

/// <summary>A plot area at a fixed pixel rectangle of its figure, with two axes and its series.</summary>
public sealed class Panel
{
    internal const double FontSize = 12;
    private const double TickLength = 5, MinorTickLength = 3;

    internal Panel(string id, double left, double top, double width, double height)
    {
        if (!(width > 0) || !(height > 0))
            throw new ArgumentException($"panel '{id}' has an empty plot area ({width} x {height} px)");
        Id = id;
        Left = left;
        Top = top;
        Width = width;
        Height = height;
    }

    public string Id { get; }

    /// <summary>Plot area in figure pixels (axes, labels and legend are drawn around and inside it).</summary>
    public double Left { get; }

    public double Top { get; }

    public double Width { get; }

    public double Height { get; }

    public Axis X { get; } = new();

    public Axis Y { get; } = new();

    public string? Title { get; set; }

    public LegendPosition Legend { get; set; } = LegendPosition.Best;

    public List<Series> Series { get; } = [];

    /// <summary>Adds a series and returns it.</summary>
    public T Add<T>(T series)
        where T : Series
    {
        ArgumentNullException.ThrowIfNull(series);
        Series.Add(series);
        return series;
    }

    /// <summary>The scales the panel will be drawn with (resolved from the data and the axis settings).</summary>
    public (AxisScale X, AxisScale Y) ResolveScales() =>
        (X.Resolve(Series.SelectMany(s => s.Extent()).Select(p => p.X)),
         Y.Resolve(Series.SelectMany(s => s.Extent()).Select(p => p.Y)));

    internal static double TextWidth(string text, double size) => 0.6 * size * text.Length;

    internal void Draw(Scene scene)
    {
        var (xs, ys) = ResolveScales();
        SceneGroup g = scene.AddGroup("panel", Id);
        g.Attributes.Add(new("x-min", Invariant(xs.Min)));
        g.Attributes.Add(new("x-max", Invariant(xs.Max)));
        g.Attributes.Add(new("y-min", Invariant(ys.Min)));
        g.Attributes.Add(new("y-max", Invariant(ys.Max)));
        g.Attributes.Add(new("x-scale", X.Scale == ScaleKind.Log ? "log" : "linear"));
        g.Attributes.Add(new("y-scale", Y.Scale == ScaleKind.Log ? "log" : "linear"));

        double Px(double v) => Left + xs.Normalize(v) * Width;
        double Py(double v) => Top + (1 - ys.Normalize(v)) * Height;
        int clip = scene.AddClip(Left, Top, Width, Height);

        foreach (Series s in Series)
            DrawSeries(g, s, Px, Py, clip);

        // The 1 px frame sits on the pixel row/column just outside the plot area, so it is crisp and never
        // covers the heat map's edge cells.
        g.Items.Add(new RectPrimitive(Left - 0.5, Top - 0.5, Width + 1, Height + 1, null, Palette.Black, 1));
        if (!X.Hidden)
            DrawXAxis(g, xs, Px);
        if (!Y.Hidden)
            DrawYAxis(g, ys, Py);
        if (Title is not null)
            g.Items.Add(new TextPrimitive(Left + Width / 2, Top - 8, Title, FontSize + 1, TextAnchor.Middle, TextBaseline.Alphabetic, false, Palette.Black, "panel-title"));
        if (Legend != LegendPosition.None)
            DrawLegend(scene, Px, Py);
    }

    private LegendPosition LeastCrowdedCorner(double width, double height, Func<double, double> px, Func<double, double> py)
    {
        var points = new List<(double X, double Y)>();
        foreach (Series s in Series)
        {
            if (s is LineSeries l)
                points.AddRange(l.X.Zip(l.Y).Select(p => (px(p.First), py(p.Second))));
            else if (s is ScatterSeries sc)
                points.AddRange(sc.Extent().Select(p => (px(p.X), py(p.Y))));
        }
        LegendPosition best = LegendPosition.TopRight;
        int fewest = int.MaxValue;
        foreach (LegendPosition corner in new[] { LegendPosition.TopRight, LegendPosition.TopLeft, LegendPosition.BottomRight, LegendPosition.BottomLeft })
        {
            double x0 = corner is LegendPosition.TopLeft or LegendPosition.BottomLeft ? Left : Left + Width - 16 - width;
            double y0 = corner is LegendPosition.TopLeft or LegendPosition.TopRight ? Top : Top + Height - 16 - height;
            int count = points.Count(p => p.X >= x0 && p.X <= x0 + width + 16 && p.Y >= y0 && p.Y <= y0 + height + 16);
            if (count < fewest)
            {
                fewest = count;
                best = corner;
            }
        }
        return best;
    }

    // A 1 px tick on a pixel centre is one crisp pixel wide instead of two grey ones (matplotlib snaps too).
    private static double Snap(double v) => Math.Floor(v) + 0.5;

    private static string Invariant(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    private static void DrawSeries(SceneGroup g, Series s, Func<double, double> px, Func<double, double> py, int clip)
    {
        switch (s)
        {
            case ImageSeries image:
                double x0 = px(image.XLeft), x1 = px(image.XRight), yb = py(image.YBottom), yt = py(image.YTop);
                g.Items.Add(new ImagePrimitive(Math.Min(x0, x1), Math.Min(yt, yb), Math.Abs(x1 - x0), Math.Abs(yb - yt), image.Image, "heatmap", clip));
                break;
            case LineSeries line:
                var run = new List<(double, double)>();
                for (int i = 0; i < line.X.Length; i++)
                {
                    double x = px(line.X[i]), y = py(line.Y[i]);
                    if (double.IsFinite(x) && double.IsFinite(y))
                    {
                        run.Add((x, y));
                        continue;
                    }
                    Flush();
                }
                Flush();
                void Flush()
                {
                    if (run.Count > 1)
                        g.Items.Add(new PolylinePrimitive(run.ToArray(), line.Color, line.Width, line.Dash, clip));
                    run.Clear();
                }
                break;
            case ScatterSeries scatter:
                for (int i = 0; i < scatter.X.Length; i++)
                {
                    double x = px(scatter.X[i]), y = py(scatter.Y[i]);
                    if (!double.IsFinite(x) || !double.IsFinite(y))
                        continue;
                    if (scatter.YError is { } err && double.IsFinite(err[i]) && err[i] > 0)
                    {
                        double lo = py(scatter.Y[i] - err[i]), hi = py(scatter.Y[i] + err[i]);
                        if (double.IsFinite(lo) && double.IsFinite(hi))
                        {
                            double cap = Math.Max(2, scatter.MarkerSize * 0.6);
                            g.Items.Add(new PolylinePrimitive([(x, lo), (x, hi)], scatter.Color, 1, null, clip));
                            g.Items.Add(new PolylinePrimitive([(x - cap, lo), (x + cap, lo)], scatter.Color, 1, null, clip));
                            g.Items.Add(new PolylinePrimitive([(x - cap, hi), (x + cap, hi)], scatter.Color, 1, null, clip));
                        }
                    }
                    g.Items.Add(new MarkerPrimitive(x, y, scatter.MarkerSize, scatter.Shape, scatter.Hollow ? Rgba.White : scatter.Color, scatter.Color, clip));
                }
                break;
            case TickMarkSeries ticks:
                foreach (double p in ticks.Positions)
                {
                    double x = px(p);
                    if (double.IsFinite(x))
                        g.Items.Add(new PolylinePrimitive([(x, py(ticks.Bottom)), (x, py(ticks.Top))], ticks.Color, 1.2, null, clip));
                }
                break;
        }
    }

    private void DrawXAxis(SceneGroup g, AxisScale scale, Func<double, double> px)
    {
        double bottom = Top + Height + 1;
        foreach (Tick t in scale.Ticks(Math.Max(3, (int)(Width / 75))))
        {
            double x = Snap(px(t.Value));
            if (!double.IsFinite(x) || x < Left - 1 || x > Left + Width + 1)
                continue;
            g.Items.Add(new PolylinePrimitive([(x, bottom), (x, bottom + (t.Major ? TickLength : MinorTickLength))], Palette.Black, 1, null, -1));
            if (t.Major && X.ShowTickLabels)
                g.Items.Add(new TextPrimitive(x, bottom + TickLength + 3, t.Label, FontSize, TextAnchor.Middle, TextBaseline.Hanging, false, Palette.Black, "tick-label x"));
        }
        if (X.Label.Length > 0 && X.ShowTickLabels)
            g.Items.Add(new TextPrimitive(Left + Width / 2, bottom + TickLength + 3 + FontSize + 8, X.Label, FontSize + 1, TextAnchor.Middle, TextBaseline.Hanging, false, Palette.Black, "axis-label x"));
    }

    private void DrawYAxis(SceneGroup g, AxisScale scale, Func<double, double> py)
    {
        bool right = Y.OnRight;
        double edge = right ? Left + Width + 1 : Left - 1;
        double direction = right ? 1 : -1;
        double widest = 0;
        foreach (Tick t in scale.Ticks(Math.Max(3, (int)(Height / 40))))
        {
            double y = Snap(py(t.Value));
            if (!double.IsFinite(y) || y < Top - 1 || y > Top + Height + 1)
                continue;
            g.Items.Add(new PolylinePrimitive([(edge, y), (edge + direction * (t.Major ? TickLength : MinorTickLength), y)], Palette.Black, 1, null, -1));
            if (t.Major && Y.ShowTickLabels)
            {
                g.Items.Add(new TextPrimitive(edge + direction * (TickLength + 3), y, t.Label, FontSize, right ? TextAnchor.Start : TextAnchor.End, TextBaseline.Middle, false, Palette.Black, "tick-label y"));
                widest = Math.Max(widest, TextWidth(t.Label, FontSize));
            }
        }
        if (Y.Label.Length > 0)
        {
            double x = edge + direction * (TickLength + 3 + widest + 6 + (right ? FontSize : 0));
            g.Items.Add(new TextPrimitive(x, Top + Height / 2, Y.Label, FontSize + 1, TextAnchor.Middle, TextBaseline.Alphabetic, true, Palette.Black, "axis-label y"));
        }
    }

    private void DrawLegend(Scene scene, Func<double, double> px, Func<double, double> py)
    {
        var entries = Series.Where(s => s.Label is not null).ToList();
        if (entries.Count == 0)
            return;
        const double pad = 6, sample = 22, line = FontSize + 5;
        double width = pad * 3 + sample + entries.Max(s => TextWidth(s.Label!, FontSize));
        double height = pad * 2 + line * entries.Count - 4;
        LegendPosition corner = Legend == LegendPosition.Best ? LeastCrowdedCorner(width, height, px, py) : Legend;
        double x = corner is LegendPosition.TopLeft or LegendPosition.BottomLeft ? Left + 8 : Left + Width - 8 - width;
        double y = corner is LegendPosition.TopLeft or LegendPosition.TopRight ? Top + 8 : Top + Height - 8 - height;

        SceneGroup g = scene.AddGroup("legend", Id + "-legend");
        g.Items.Add(new RectPrimitive(x, y, width, height, new Rgba(255, 255, 255, 230), new Rgba(0xbb, 0xbb, 0xbb), 1));
        for (int i = 0; i < entries.Count; i++)
        {
            Series s = entries[i];
            double cy = y + pad + line * i + line / 2 - 2;
            double sx = x + pad;
            switch (s)
            {
                case LineSeries l:
                    g.Items.Add(new PolylinePrimitive([(sx, cy), (sx + sample, cy)], l.Color, l.Width, l.Dash, -1));
                    break;
                case ScatterSeries sc:
                    if (sc.YError is not null)
                        g.Items.Add(new PolylinePrimitive([(sx + sample / 2, cy - 5), (sx + sample / 2, cy + 5)], sc.Color, 1, null, -1));
                    g.Items.Add(new MarkerPrimitive(sx + sample / 2, cy, sc.MarkerSize, sc.Shape, sc.Hollow ? Rgba.White : sc.Color, sc.Color, -1));
                    break;
                case TickMarkSeries:
                    g.Items.Add(new PolylinePrimitive([(sx + sample / 2, cy - 5), (sx + sample / 2, cy + 5)], s.Color, 1.2, null, -1));
                    break;
                default:
                    g.Items.Add(new RectPrimitive(sx, cy - 5, sample, 10, s.Color, null, 0));
                    break;
            }
            g.Items.Add(new TextPrimitive(sx + sample + pad, cy, s.Label!, FontSize, TextAnchor.Start, TextBaseline.Middle, false, Palette.Black, "legend-label"));
        }
    }
}
