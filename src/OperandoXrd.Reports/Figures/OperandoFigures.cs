using OperandoXrd.Reports.Color;
using OperandoXrd.Reports.Plotting;
using OperandoXrd.Reports.Png;

namespace OperandoXrd.Reports.Figures;

/// <summary>
/// The figures an operando XRD run ends in, as functions over plain arrays: the contour plot beside the voltage
/// profile (seed paper Fig. 4), lattice parameters with esd against x(Li) or time, Rwp per frame, and one fitted
/// pattern with its difference curve and phase tick marks.
/// </summary>
public static class OperandoFigures
{
    private const double Left = 80, Right = 25, Bottom = 62, Gap = 14;

    // Tick-mark colours for phases: the series cycle without blue and red, which observed/calculated use.
    private static readonly Png.Rgba[] PhaseColors = [Palette.Green, Palette.Purple, Palette.Brown, Palette.Orange, Palette.Grey];

    /// <summary>Heat map of intensity (radial across, time or x(Li) up) beside voltage on the same vertical axis, with a colour bar.</summary>
    public static Figure Contour(ContourData data, ContourOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        options ??= new ContourOptions();
        int frames = data.Intensity.GetLength(0), bins = data.Intensity.GetLength(1);
        if (data.Radial.Length != bins)
            throw new ArgumentException($"contour: {data.Radial.Length} radial values for {bins} intensity columns");
        if (data.TimeSeconds.Length != frames)
            throw new ArgumentException($"contour: {data.TimeSeconds.Length} frame times for {frames} intensity rows");
        if (frames == 0 || bins == 0)
            throw new ArgumentException("contour: no frames or no bins to draw");

        // Bins of interest.
        int first = 0, last = bins - 1;
        while (first < bins && data.Radial[first] < (options.RadialMin ?? double.NegativeInfinity))
            first++;
        while (last >= 0 && data.Radial[last] > (options.RadialMax ?? double.PositiveInfinity))
            last--;
        if (last < first)
            throw new ArgumentException($"contour: no radial bin inside [{options.RadialMin}, {options.RadialMax}]");

        // Vertical coordinate of each frame.
        double t0 = data.TimeSeconds.Min();
        double[] rowCoordinate;
        string verticalLabel;
        if (options.Vertical == ContourAxis.XLi)
        {
            if (data.XLi is null || data.XLi.Length != frames)
                throw new ArgumentException("contour against x(Li) needs one x(Li) value per frame");
            rowCoordinate = data.XLi;
            verticalLabel = "x(Li)";
        }
        else
        {
            rowCoordinate = data.TimeSeconds.Select(t => (t - t0) / 3600.0).ToArray();
            verticalLabel = "Time (h)";
        }
        for (int i = 0; i < frames; i++)
            if (!double.IsFinite(rowCoordinate[i]))
                throw new ArgumentException($"contour: frame {i} has no {verticalLabel} ({rowCoordinate[i]}); leave such frames out or plot against the other axis");
        int[] order = Enumerable.Range(0, frames).OrderBy(i => rowCoordinate[i]).ToArray();
        for (int k = 1; k < frames; k++)
            if (!(rowCoordinate[order[k]] > rowCoordinate[order[k - 1]]))
                throw new ArgumentException($"contour: frames {order[k - 1]} and {order[k]} have the same {verticalLabel} ({rowCoordinate[order[k]]}); "
                    + (options.Vertical == ContourAxis.XLi ? "x(Li) must be monotonic over the frames shown (plot one half-cycle, or against time)" : "frame times must differ"));
        var sorted = new float[frames, bins];
        for (int k = 0; k < frames; k++)
            for (int b = first; b <= last; b++)
                sorted[k, b] = data.Intensity[order[k], b];
        double[] sortedRows = order.Select(i => rowCoordinate[i]).ToArray();

        bool log = options.IntensityScale == ScaleKind.Log;
        var (low, high) = ColourLimits(sorted, first, last, log, options);

        RgbaImage image = HeatMap.Render(sorted, sortedRows, data.Radial, first, last, options.ColorMap, low, high, log,
            out double yBottom, out double yTop, out double xLeft, out double xRight);

        bool withVoltage = data.Voltage is not null && data.VoltageTimeSeconds is not null;
        double top = options.Title is null ? 25 : 50;
        double height = options.Height - top - Bottom;
        const double colourBarWidth = 18, colourBarSpace = 95;
        double voltageWidth = withVoltage ? Math.Round(0.2 * options.Width) : 0;
        double contourWidth = options.Width - Left - colourBarSpace - colourBarWidth - (withVoltage ? voltageWidth + Gap : 0) - 12;

        var figure = new Figure(options.Width, options.Height) { Title = options.Title };
        Panel contour = figure.AddPanel("contour", Left, top, contourWidth, height);
        contour.Legend = LegendPosition.None;
        contour.X.Label = data.RadialLabel;
        contour.X.Min = xLeft;
        contour.X.Max = xRight;
        contour.Y.Label = verticalLabel;
        contour.Y.Min = yBottom;
        contour.Y.Max = yTop;
        contour.Add(new ImageSeries(image, xLeft, xRight, yBottom, yTop));

        double next = Left + contourWidth;
        if (withVoltage)
        {
            Panel voltage = figure.AddPanel("voltage", next + Gap, top, voltageWidth, height);
            voltage.Legend = LegendPosition.None;
            voltage.X.Label = data.VoltageLabel;
            voltage.Y.ShareWith(contour.Y);
            voltage.Y.ShowTickLabels = false;
            double[] vy = options.Vertical == ContourAxis.XLi
                ? Interpolate(data.TimeSeconds, data.XLi!, data.VoltageTimeSeconds!)
                : data.VoltageTimeSeconds!.Select(t => (t - t0) / 3600.0).ToArray();
            voltage.Add(new LineSeries(data.Voltage!, vy) { Color = Palette.Black, Width = 1.5 });
            next += Gap + voltageWidth;
        }

        Panel bar = figure.AddPanel("colorbar", next + 24, top, colourBarWidth, height);
        bar.Legend = LegendPosition.None;
        bar.X.Hidden = true;
        bar.X.Min = 0;
        bar.X.Max = 1;
        bar.Y.OnRight = true;
        bar.Y.Label = data.IntensityLabel;
        bar.Y.Scale = options.IntensityScale;
        bar.Y.Min = low;
        bar.Y.Max = high;
        bar.Add(new ImageSeries(ColourBarImage(options.ColorMap), 0, 1, low, high));
        return figure;
    }

    /// <summary>The 256 colours of a map as a one-pixel-wide bar, high values at the top.</summary>
    public static RgbaImage ColourBarImage(ColorMap map)
    {
        ArgumentNullException.ThrowIfNull(map);
        var image = new RgbaImage(1, 256);
        for (int r = 0; r < 256; r++)
            image[0, r] = map[255 - r];
        return image;
    }

    private static (double Low, double High) ColourLimits(float[,] intensity, int first, int last, bool log, ContourOptions options)
    {
        double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
        for (int f = 0; f < intensity.GetLength(0); f++)
            for (int b = first; b <= last; b++)
            {
                double v = intensity[f, b];
                if (!double.IsFinite(v) || (log && v <= 0))
                    continue;
                lo = Math.Min(lo, v);
                hi = Math.Max(hi, v);
            }
        if (options.SymmetricLimits)
        {
            if (log)
                throw new ArgumentException("contour: symmetric colour limits need a linear intensity scale");
            double m = Math.Max(Math.Abs(lo), Math.Abs(hi));
            (lo, hi) = (-m, m);
        }
        double low = options.IntensityMin ?? lo, high = options.IntensityMax ?? hi;
        if (!double.IsFinite(low) || !double.IsFinite(high))
            (low, high) = log ? (1, 10) : (0, 1);
        if (log && !(low > 0))
            throw new ArgumentException($"contour: a log colour scale needs a positive lower limit, got {low}");
        if (!(high > low))
            high = log ? low * 10 : low + 1;
        return (low, high);
    }

    /// <summary>Linear interpolation of y(x) at each point of <paramref name="at"/>; NaN outside the frames.</summary>
    private static double[] Interpolate(double[] x, double[] y, double[] at)
    {
        int[] idx = Enumerable.Range(0, x.Length).OrderBy(i => x[i]).ToArray();
        double[] xs = idx.Select(i => x[i]).ToArray(), ys = idx.Select(i => y[i]).ToArray();
        var result = new double[at.Length];
        for (int k = 0; k < at.Length; k++)
        {
            int j = Array.BinarySearch(xs, at[k]);
            if (j >= 0)
            {
                result[k] = ys[j];
                continue;
            }
            j = ~j;
            result[k] = j == 0 || j == xs.Length ? double.NaN
                : ys[j - 1] + (ys[j] - ys[j - 1]) * (at[k] - xs[j - 1]) / (xs[j] - xs[j - 1]);
        }
        return result;
    }

    /// <summary>Lattice parameters (one panel each, sharing x) with esd error bars, against x(Li).</summary>
    public static Figure LatticeVersusXLi(double[] xLi, IReadOnlyList<ParameterSeries> parameters, string? title = null) =>
        StackedParameters(xLi, "x(Li)", parameters, title);

    /// <summary>Lattice parameters (one panel each, sharing x) with esd error bars, against time in hours.</summary>
    public static Figure LatticeVersusTime(double[] timeHours, IReadOnlyList<ParameterSeries> parameters, string? title = null) =>
        StackedParameters(timeHours, "Time (h)", parameters, title);

    private static Figure StackedParameters(double[] x, string xLabel, IReadOnlyList<ParameterSeries> parameters, string? title)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(parameters);
        if (parameters.Count == 0)
            throw new ArgumentException("lattice figure: no parameters to plot");
        foreach (ParameterSeries p in parameters)
            if (p.Values.Length != x.Length || p.Esd.Length != x.Length)
                throw new ArgumentException($"lattice figure: {p.Phase} {p.Name} has {p.Values.Length} values and {p.Esd.Length} esds for {x.Length} frames");

        const double width = 800, panelHeight = 170;
        double top = title is null ? 20 : 45;
        double height = top + parameters.Count * panelHeight + (parameters.Count - 1) * Gap + Bottom;
        var figure = new Figure(width, height) { Title = title };
        var phases = parameters.Select(p => p.Phase).Distinct().ToList();
        Axis? shared = null;
        for (int i = 0; i < parameters.Count; i++)
        {
            ParameterSeries p = parameters[i];
            Panel panel = figure.AddPanel($"param-{i}", Left + 10, top + i * (panelHeight + Gap), width - Left - 10 - Right, panelHeight);
            panel.Y.Label = p.Unit.Length > 0 ? $"{p.Phase} {p.Name} ({p.Unit})" : $"{p.Phase} {p.Name}";
            panel.Legend = LegendPosition.None; // the axis title names the series
            if (shared is null)
            {
                panel.X.Label = xLabel;
                double lo = x.Where(double.IsFinite).DefaultIfEmpty(0).Min(), hi = x.Where(double.IsFinite).DefaultIfEmpty(1).Max();
                if (hi > lo)
                {
                    // Every panel gets the same fixed range, so shared ticks line up exactly.
                    double pad = (hi - lo) * 0.03;
                    panel.X.Min = lo - pad;
                    panel.X.Max = hi + pad;
                }
                shared = panel.X;
            }
            else
            {
                panel.X.ShareWith(shared);
                panel.X.Label = xLabel;
            }
            panel.Add(new ScatterSeries(x, p.Values, p.Esd)
            {
                Label = $"{p.Phase} {p.Name}",
                Color = Palette.Cycle(phases.IndexOf(p.Phase)),
                MarkerSize = 4,
            });
        }
        // Only the bottom panel keeps its x tick labels and title.
        for (int i = 0; i < figure.Panels.Count - 1; i++)
            figure.Panels[i].X.ShowTickLabels = false;
        return figure;
    }

    /// <summary>Rwp (%) per frame; failed frames, when given, in red.</summary>
    public static Figure Rwp(double[] frame, double[] rwp, bool[]? failed = null, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(frame);
        ArgumentNullException.ThrowIfNull(rwp);
        if (failed is not null && failed.Length != frame.Length)
            throw new ArgumentException($"Rwp figure: {failed.Length} status flags for {frame.Length} frames");
        double top = title is null ? 20 : 45;
        var figure = new Figure(800, top + 300 + Bottom) { Title = title };
        Panel panel = figure.AddPanel("rwp", Left, top, 800 - Left - Right, 300);
        panel.X.Label = "Frame";
        panel.Y.Label = "Rwp (%)";
        double[] ok = rwp.Select((v, i) => failed?[i] == true ? double.NaN : v).ToArray();
        panel.Add(new LineSeries(frame, ok) { Color = Palette.Blue, Width = 1 });
        panel.Add(new ScatterSeries(frame, ok) { Label = "Rwp", Color = Palette.Blue, MarkerSize = 3.5 });
        if (failed is not null && failed.Any(f => f))
        {
            double[] bad = rwp.Select((v, i) => failed[i] ? v : double.NaN).ToArray();
            panel.Add(new ScatterSeries(frame, bad) { Label = "failed", Color = Palette.Red, MarkerSize = 5, Shape = MarkerShape.Square });
        }
        return figure;
    }

    /// <summary>One pattern: observed (markers), calculated (line), tick marks per phase, difference below.</summary>
    public static Figure Pattern(double[] radial, double[] observed, double[] calculated, IReadOnlyList<PhaseTicks> phases,
        string radialLabel = "2θ (°)", double[]? background = null, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(radial);
        ArgumentNullException.ThrowIfNull(observed);
        ArgumentNullException.ThrowIfNull(calculated);
        ArgumentNullException.ThrowIfNull(phases);
        if (observed.Length != radial.Length || calculated.Length != radial.Length || (background is not null && background.Length != radial.Length))
            throw new ArgumentException($"pattern figure: {radial.Length} radial points but {observed.Length} observed, {calculated.Length} calculated values");

        const double width = 900, mainHeight = 330, tickHeight = 16, diffHeight = 110;
        double top = title is null ? 20 : 45;
        double tickBand = Math.Max(1, phases.Count) * tickHeight;
        var figure = new Figure(width, top + mainHeight + tickBand + diffHeight + 2 * 6 + Bottom) { Title = title };
        double plotWidth = width - Left - Right;

        Panel main = figure.AddPanel("pattern", Left, top, plotWidth, mainHeight);
        main.Y.Label = "Intensity";
        main.X.Min = radial.Min();
        main.X.Max = radial.Max();
        main.X.ShowTickLabels = false;
        main.Add(new ScatterSeries(radial, observed) { Label = "observed", Color = Palette.Blue, MarkerSize = 3, Hollow = true });
        main.Add(new LineSeries(radial, calculated) { Label = "calculated", Color = Palette.Red, Width = 1.3 });
        if (background is not null)
            main.Add(new LineSeries(radial, background) { Label = "background", Color = Palette.Grey, Width = 1, Dash = [4, 3] });

        Panel ticks = figure.AddPanel("phase-ticks", Left, top + mainHeight + 6, plotWidth, tickBand);
        ticks.X.ShareWith(main.X);
        ticks.X.ShowTickLabels = false;
        ticks.Y.Hidden = true;
        ticks.Y.Min = 0;
        ticks.Y.Max = Math.Max(1, phases.Count);
        ticks.Legend = LegendPosition.None;
        for (int i = 0; i < phases.Count; i++)
        {
            int row = phases.Count - 1 - i; // first phase on top
            ticks.Add(new TickMarkSeries(phases[i].Positions, row + 0.15, row + 0.85) { Color = PhaseColors[i % PhaseColors.Length] });
            figure.AddText(Left - 6, top + mainHeight + 6 + (i + 0.5) * tickHeight, phases[i].Phase, 11, align: TextAlign.Right);
        }

        Panel diff = figure.AddPanel("difference", Left, top + mainHeight + 6 + tickBand + 6, plotWidth, diffHeight);
        diff.X.ShareWith(main.X);
        diff.X.Label = radialLabel;
        diff.Y.Label = "obs − calc";
        diff.Legend = LegendPosition.None;
        double[] difference = observed.Zip(calculated, (o, c) => o - c).ToArray();
        diff.Add(new LineSeries([radial.Min(), radial.Max()], [0, 0]) { Color = Palette.Grey, Width = 0.8 });
        diff.Add(new LineSeries(radial, difference) { Color = Palette.Black, Width = 1 });
        return figure;
    }
}
