using OperandoXrd.Reports.Axes;
using OperandoXrd.Reports.Color;
using OperandoXrd.Reports.Plotting;
using ScottPlot;
using SkiaSharp;

namespace OperandoXrd.Reports.Figures;

/// <summary>
/// The figures an operando XRD run ends in, as functions over plain arrays: the contour plot beside the voltage
/// profile (seed paper Fig. 4), lattice parameters with esd against x(Li) or time, Rwp per frame, and one fitted
/// pattern with its difference curve and phase tick marks. Each panel is a ScottPlot plot placed at a fixed data
/// area (<see cref="Figure"/>), so stacked panels share their edges and limits exactly.
/// </summary>
public static class OperandoFigures
{
    private const double Left = 90, Right = 25, Bottom = 62, Gap = 14;

    // Observed/calculated blue and red (matplotlib's tab10), tick-mark colours for phases without them.
    private static readonly Rgba Blue = new(31, 119, 180), Red = new(214, 39, 40), Grey = new(127, 127, 127), Black = new(0, 0, 0);
    private static readonly Rgba[] PhaseColors = [new(44, 160, 44), new(148, 103, 189), new(140, 86, 75), new(255, 127, 14), new(127, 127, 127)];
    private static readonly Rgba[] SeriesColors = [Blue, new(255, 127, 14), new(44, 160, 44), new(148, 103, 189), new(140, 86, 75)];

    /// <summary>Heat map of intensity (radial across, time or x(Li) up) beside voltage on the same vertical axis, with a colour bar.</summary>
    public static Figure Contour(ContourData data, ContourOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        options ??= new ContourOptions();
        int frames = data.Intensity.GetLength(0), bins = data.Intensity.GetLength(1);
        if (data.Radial.Length != bins)
        {
            throw new ArgumentException($"contour: {data.Radial.Length} radial values for {bins} intensity columns");
        }

        if (data.TimeSeconds.Length != frames)
        {
            throw new ArgumentException($"contour: {data.TimeSeconds.Length} frame times for {frames} intensity rows");
        }

        if (frames == 0 || bins == 0)
        {
            throw new ArgumentException("contour: no frames or no bins to draw");
        }

        // Bins of interest.
        int first = 0, last = bins - 1;
        while (first < bins && data.Radial[first] < (options.RadialMin ?? double.NegativeInfinity))
        {
            first++;
        }

        while (last >= 0 && data.Radial[last] > (options.RadialMax ?? double.PositiveInfinity))
        {
            last--;
        }

        if (last < first)
        {
            throw new ArgumentException($"contour: no radial bin inside [{options.RadialMin}, {options.RadialMax}]");
        }

        // Vertical coordinate of each frame.
        var t0 = data.TimeSeconds.Min();
        double[] rowCoordinate;
        string verticalLabel;
        if (options.Vertical == ContourAxis.XLi)
        {
            if (data.XLi is null || data.XLi.Length != frames)
            {
                throw new ArgumentException("contour against x(Li) needs one x(Li) value per frame");
            }

            rowCoordinate = data.XLi;
            verticalLabel = "x(Li)";
        }
        else
        {
            rowCoordinate = data.TimeSeconds.Select(t => (t - t0) / 3600.0).ToArray();
            verticalLabel = "Time (h)";
        }

        for (var i = 0; i < frames; i++)
        {
            if (!double.IsFinite(rowCoordinate[i]))
            {
                throw new ArgumentException($"contour: frame {i} has no {verticalLabel} ({rowCoordinate[i]}); leave such frames out or plot against the other axis");
            }
        }

        var order = Enumerable.Range(0, frames).OrderBy(i => rowCoordinate[i]).ToArray();
        for (var k = 1; k < frames; k++)
        {
            if (!(rowCoordinate[order[k]] > rowCoordinate[order[k - 1]]))
            {
                throw new ArgumentException($"contour: frames {order[k - 1]} and {order[k]} have the same {verticalLabel} ({rowCoordinate[order[k]]}); "
                    + (options.Vertical == ContourAxis.XLi ? "x(Li) must be monotonic over the frames shown (plot one half-cycle, or against time)" : "frame times must differ"));
            }
        }

        var sorted = new float[frames, bins];
        for (var k = 0; k < frames; k++)
        {
            for (var b = first; b <= last; b++)
            {
                sorted[k, b] = data.Intensity[order[k], b];
            }
        }

        var sortedRows = order.Select(i => rowCoordinate[i]).ToArray();
        var log = options.IntensityScale == ScaleKind.Log;
        var (low, high) = ColourLimits(sorted, first, last, log, options);
        var cells = HeatMap.Render(sorted, sortedRows, data.Radial, first, last, low, high, log,
            out var yBottom, out var yTop, out var xLeft, out var xRight);

        var withVoltage = data.Voltage is not null && data.VoltageTimeSeconds is not null;
        double top = options.Title is null ? 25 : 50;
        var height = options.Height - top - Bottom;
        const double colourBarWidth = 18, colourBarSpace = 100;
        var voltageWidth = withVoltage ? Math.Round(0.2 * options.Width) : 0;
        var contourWidth = options.Width - Left - colourBarSpace - colourBarWidth - (withVoltage ? voltageWidth + Gap : 0) - 12;

        var figure = new Figure(options.Width, options.Height) { Title = options.Title };
        var contour = figure.AddPanel("contour", Left, top, contourWidth, height);
        var heat = contour.Plot.Add.Heatmap(cells);
        heat.Colormap = new PlotColormap(options.ColorMap);
        heat.ManualRange = new ScottPlot.Range(0, 1);
        heat.NaNCellColor = Colors.Transparent;
        heat.Extent = new CoordinateRect(xLeft, xRight, yBottom, yTop);
        contour.Plot.XLabel(data.RadialLabel);
        contour.Plot.YLabel(verticalLabel);
        contour.Plot.Axes.SetLimits(xLeft, xRight, yBottom, yTop);
        contour.Plot.HideGrid();

        var next = Left + contourWidth;
        if (withVoltage)
        {
            var voltage = figure.AddPanel("voltage", next + Gap, top, voltageWidth, height);
            var vy = options.Vertical == ContourAxis.XLi
                ? Interpolate(data.TimeSeconds, data.XLi!, data.VoltageTimeSeconds!)
                : data.VoltageTimeSeconds!.Select(t => (t - t0) / 3600.0).ToArray();
            var (vx, vyShown) = FinitePairs(data.Voltage!, vy);
            if (vx.Length > 0)
            {
                var line = voltage.Plot.Add.ScatterLine(vx, vyShown, Figure.ToColor(Black));
                line.LineWidth = 1.5f;
                var (vMin, vMax) = Padded(vx, vx, 0.05);
                voltage.Plot.Axes.SetLimitsX(vMin, vMax);
            }

            voltage.Plot.Axes.SetLimitsY(yBottom, yTop);
            voltage.Plot.XLabel(data.VoltageLabel);
            voltage.Plot.Axes.Left.TickLabelStyle.IsVisible = false;
            next += Gap + voltageWidth;
        }

        ColourBar(figure, next + 24, top, colourBarWidth, height, options.ColorMap, new ValueRange(low, high, options.IntensityScale), data.IntensityLabel);
        return figure;
    }

    /// <summary>A vertical bar of the map's 256 colours with the intensity scale on its right.</summary>
    private static void ColourBar(Figure figure, double left, double top, double width, double height, ColorMap map, ValueRange range, string label)
    {
        var bar = figure.AddPanel("colorbar", left, top, width, height);
        bar.ColourScale = range;
        // Two columns: ScottPlot 5.1.59 draws nothing for a one-column heat map.
        var column = new double[256, 2];
        for (var r = 0; r < 256; r++)
        {
            column[r, 0] = column[r, 1] = (255 - r + 0.5) / 256; // top row = highest value
        }

        var heat = bar.Plot.Add.Heatmap(column);
        heat.Colormap = new PlotColormap(map);
        heat.ManualRange = new ScottPlot.Range(0, 1);
        heat.Extent = new CoordinateRect(0, 1, 0, 1);
        // On the right axis, which carries the scale: ScottPlot lays out ticks only for an axis that has a plottable.
        heat.Axes.YAxis = bar.Plot.Axes.Right;
        bar.Plot.Axes.SetLimits(0, 1, 0, 1);
        bar.Plot.HideGrid();
        bar.Plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.EmptyTickGenerator();
        bar.Plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.EmptyTickGenerator();

        // Ticks of the intensity scale (nice linear steps or decades with 2..9 minor ticks) at their place on the bar.
        AxisScale scale = range.Scale == ScaleKind.Log ? new LogScale(range.Min, range.Max) : new LinearScale(range.Min, range.Max);
        var ticks = new ScottPlot.TickGenerators.NumericManual();
        foreach (var tick in scale.Ticks(Math.Max(2, (int)(height / 45))))
        {
            var at = scale.Normalize(tick.Value);
            if (at is >= -1e-9 and <= 1 + 1e-9)
            {
                if (tick.Major)
                {
                    ticks.AddMajor(at, tick.Label);
                }
                else
                {
                    ticks.AddMinor(at);
                }
            }
        }

        var right = bar.Plot.Axes.Right;
        bar.Plot.Axes.SetLimitsY(0, 1, right);
        right.TickGenerator = ticks;
        right.Label.Text = label;
        right.Label.FontSize = Figure.AxisLabelSize;
        right.Label.Bold = false;
        right.TickLabelStyle.FontSize = Figure.TickLabelSize;
    }

    private static (double Low, double High) ColourLimits(float[,] intensity, int first, int last, bool log, ContourOptions options)
    {
        double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
        for (var f = 0; f < intensity.GetLength(0); f++)
        {
            for (var b = first; b <= last; b++)
            {
                double v = intensity[f, b];
                if (!double.IsFinite(v) || (log && v <= 0))
                {
                    continue;
                }

                lo = Math.Min(lo, v);
                hi = Math.Max(hi, v);
            }
        }

        if (options.SymmetricLimits)
        {
            if (log)
            {
                throw new ArgumentException("contour: symmetric colour limits need a linear intensity scale");
            }

            var m = Math.Max(Math.Abs(lo), Math.Abs(hi));
            (lo, hi) = (-m, m);
        }

        double low = options.IntensityMin ?? lo, high = options.IntensityMax ?? hi;
        if (!double.IsFinite(low) || !double.IsFinite(high))
        {
            (low, high) = log ? (1, 10) : (0, 1);
        }

        if (log && !(low > 0))
        {
            throw new ArgumentException($"contour: a log colour scale needs a positive lower limit, got {low}");
        }

        if (!(high > low))
        {
            high = log ? low * 10 : low + 1;
        }

        return (low, high);
    }

    /// <summary>Linear interpolation of y(x) at each point of <paramref name="at"/>; NaN outside the frames.</summary>
    private static double[] Interpolate(double[] x, double[] y, double[] at)
    {
        var idx = Enumerable.Range(0, x.Length).OrderBy(i => x[i]).ToArray();
        double[] xs = idx.Select(i => x[i]).ToArray(), ys = idx.Select(i => y[i]).ToArray();
        var result = new double[at.Length];
        for (var k = 0; k < at.Length; k++)
        {
            var j = Array.BinarySearch(xs, at[k]);
            if (j >= 0)
            {
                result[k] = ys[j];
                continue;
            }

            j = ~j;
            result[k] = j == 0 || j == xs.Length ? double.NaN
                : ys[j - 1] + ((ys[j] - ys[j - 1]) * (at[k] - xs[j - 1]) / (xs[j] - xs[j - 1]));
        }

        return result;
    }

    /// <summary>Lattice parameters (one panel each, sharing x) with esd error bars, against x(Li).</summary>
    public static Figure LatticeVersusXLi(double[] xLi, IReadOnlyList<ParameterSeries> parameters, string? title = null) =>
        StackedParameters(xLi, "x(Li)", parameters, title);

    /// <summary>Lattice parameters (one panel each, sharing x) with esd error bars, against time in hours.</summary>
    public static Figure LatticeVersusTime(double[] timeHours, IReadOnlyList<ParameterSeries> parameters, string? title = null) =>
        StackedParameters(timeHours, "Time (h)", parameters, title);

    /// <summary>Lattice parameters (one panel each, sharing x) with esd error bars, against temperature in kelvin.</summary>
    public static Figure LatticeVersusTemperature(double[] kelvin, IReadOnlyList<ParameterSeries> parameters, string? title = null) =>
        StackedParameters(kelvin, "Temperature (K)", parameters, title);

    private static Figure StackedParameters(double[] x, string xLabel, IReadOnlyList<ParameterSeries> parameters, string? title)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(parameters);
        if (parameters.Count == 0)
        {
            throw new ArgumentException("lattice figure: no parameters to plot");
        }

        foreach (var p in parameters)
        {
            if (p.Values.Length != x.Length || p.Esd.Length != x.Length)
            {
                throw new ArgumentException($"lattice figure: {p.Phase} {p.Name} has {p.Values.Length} values and {p.Esd.Length} esds for {x.Length} frames");
            }
        }

        const double width = 800, panelHeight = 170;
        double top = title is null ? 20 : 45;
        var height = top + (parameters.Count * panelHeight) + ((parameters.Count - 1) * Gap) + Bottom;
        var figure = new Figure(width, height) { Title = title };
        var phases = parameters.Select(p => p.Phase).Distinct().ToList();
        // Every panel gets the same fixed x range, so the shared ticks line up exactly.
        var (xMin, xMax) = Padded(x, x, 0.03);
        for (var i = 0; i < parameters.Count; i++)
        {
            var p = parameters[i];
            var panel = figure.AddPanel($"param-{i}", Left, top + (i * (panelHeight + Gap)), width - Left - Right, panelHeight);
            var plot = panel.Plot;
            plot.YLabel(p.Unit.Length > 0 ? $"{p.Phase} {p.Name} ({p.Unit})" : $"{p.Phase} {p.Name}");
            var color = Figure.ToColor(SeriesColors[phases.IndexOf(p.Phase) % SeriesColors.Length]);
            var shown = Enumerable.Range(0, x.Length).Where(k => double.IsFinite(x[k]) && double.IsFinite(p.Values[k])).ToArray();
            double[] xs = shown.Select(k => x[k]).ToArray(), ys = shown.Select(k => p.Values[k]).ToArray();
            var es = shown.Select(k => double.IsFinite(p.Esd[k]) ? p.Esd[k] : 0).ToArray();
            if (shown.Length > 0)
            {
                var bars = plot.Add.ErrorBar(xs, ys, es);
                bars.Color = color;
                bars.LineWidth = 1;
                bars.CapSize = 3;
                plot.Add.Markers(xs, ys, MarkerShape.FilledCircle, 5, color); // the axis title names the series
            }

            var (yMin, yMax) = Padded(ys.Zip(es, (v, e) => v - e).ToArray(), ys.Zip(es, (v, e) => v + e).ToArray(), 0.06);
            plot.Axes.SetLimits(xMin, xMax, yMin, yMax);
            // Only the bottom panel keeps its x tick labels and title.
            if (i < parameters.Count - 1)
            {
                plot.Axes.Bottom.TickLabelStyle.IsVisible = false;
            }
            else
            {
                plot.XLabel(xLabel);
            }
        }

        return figure;
    }

    /// <summary>Rwp (%) per frame; failed frames, when given, in red.</summary>
    public static Figure Rwp(double[] frame, double[] rwp, bool[]? failed = null, string? title = null)
    {
        ArgumentNullException.ThrowIfNull(frame);
        ArgumentNullException.ThrowIfNull(rwp);
        if (failed is not null && failed.Length != frame.Length)
        {
            throw new ArgumentException($"Rwp figure: {failed.Length} status flags for {frame.Length} frames");
        }

        double top = title is null ? 20 : 45;
        var figure = new Figure(800, top + 300 + Bottom) { Title = title };
        var panel = figure.AddPanel("rwp", Left, top, 800 - Left - Right, 300);
        var plot = panel.Plot;
        plot.XLabel("Frame");
        plot.YLabel("Rwp (%)");
        var good = Enumerable.Range(0, frame.Length).Where(i => failed?[i] != true && double.IsFinite(rwp[i]) && double.IsFinite(frame[i])).ToArray();
        // The line breaks where a frame failed or has no Rwp, rather than joining the frames on either side.
        foreach (var run in Runs(good))
        {
            if (run.Length > 1)
            {
                var line = plot.Add.ScatterLine(run.Select(i => frame[i]).ToArray(), run.Select(i => rwp[i]).ToArray(), Figure.ToColor(Blue));
                line.LineWidth = 1;
            }
        }

        if (good.Length > 0)
        {
            plot.Add.Markers(good.Select(i => frame[i]).ToArray(), good.Select(i => rwp[i]).ToArray(), MarkerShape.FilledCircle, 5, Figure.ToColor(Blue)).LegendText = "Rwp";
        }

        var bad = failed is null ? [] : Enumerable.Range(0, frame.Length).Where(i => failed[i] && double.IsFinite(rwp[i])).ToArray();
        if (bad.Length > 0)
        {
            plot.Add.Markers(bad.Select(i => frame[i]).ToArray(), bad.Select(i => rwp[i]).ToArray(), MarkerShape.FilledSquare, 7, Figure.ToColor(Red)).LegendText = "failed";
            plot.ShowLegend(Alignment.UpperRight);
        }

        var finite = Enumerable.Range(0, frame.Length).Where(i => double.IsFinite(rwp[i])).ToArray();
        var (xMin, xMax) = Padded(frame, frame, 0.03);
        var (yMin, yMax) = Padded(finite.Select(i => rwp[i]).ToArray(), finite.Select(i => rwp[i]).ToArray(), 0.08);
        plot.Axes.SetLimits(xMin, xMax, yMin, yMax);
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
        {
            throw new ArgumentException($"pattern figure: {radial.Length} radial points but {observed.Length} observed, {calculated.Length} calculated values");
        }

        const double width = 900, mainHeight = 330, tickHeight = 16, diffHeight = 110;
        double top = title is null ? 20 : 45;
        // The tick-mark band only when there are phases to mark.
        double tickBand = phases.Count * tickHeight, tickGap = phases.Count > 0 ? 6 : 0;
        var figure = new Figure(width, top + mainHeight + tickBand + tickGap + diffHeight + 6 + Bottom) { Title = title };
        var plotWidth = width - Left - Right;
        double xMin = radial.Min(), xMax = radial.Max();

        var main = figure.AddPanel("pattern", Left, top, plotWidth, mainHeight);
        main.Plot.YLabel("Intensity (counts)");
        main.Plot.Axes.Bottom.TickLabelStyle.IsVisible = false;
        var (ox, oy) = FinitePairs(radial, observed);
        var obs = main.Plot.Add.Markers(ox, oy, MarkerShape.OpenCircle, 4, Figure.ToColor(Blue));
        obs.LegendText = "observed";
        var (cx, cy) = FinitePairs(radial, calculated);
        var calc = main.Plot.Add.ScatterLine(cx, cy, Figure.ToColor(Red));
        calc.LineWidth = 1.3f;
        calc.LegendText = "calculated";
        var yValues = oy.Concat(cy).ToList();
        if (background is not null)
        {
            var (bx, by) = FinitePairs(radial, background);
            var bg = main.Plot.Add.ScatterLine(bx, by, Figure.ToColor(Grey));
            bg.LinePattern = LinePattern.Dashed;
            bg.LegendText = "background";
            yValues.AddRange(by);
        }

        var (yMin, yMax) = Padded(yValues.ToArray(), yValues.ToArray(), 0.05);
        main.Plot.Axes.SetLimits(xMin, xMax, yMin, yMax);
        main.Plot.ShowLegend(Alignment.UpperRight);

        if (phases.Count > 0)
        {
            PhaseTickBand(figure, phases, top + mainHeight + tickGap, plotWidth, tickHeight, xMin, xMax);
        }

        var diff = figure.AddPanel("difference", Left, top + mainHeight + tickGap + tickBand + 6, plotWidth, diffHeight);
        diff.Plot.XLabel(radialLabel);
        diff.Plot.YLabel("obs − calc");
        var difference = observed.Zip(calculated, (o, c) => o - c).ToArray();
        var (dx, dy) = FinitePairs(radial, difference);
        diff.Plot.Add.HorizontalLine(0, 0.8f, Figure.ToColor(Grey));
        diff.Plot.Add.ScatterLine(dx, dy, Figure.ToColor(Black)).LineWidth = 1;
        var (dMin, dMax) = Padded(dy, dy, 0.08);
        diff.Plot.Axes.SetLimits(xMin, xMax, dMin, dMax);
        return figure;
    }

    /// <summary>One row of reflection tick marks per phase under the pattern, the phase's name to its left.</summary>
    private static void PhaseTickBand(Figure figure, IReadOnlyList<PhaseTicks> phases, double top, double plotWidth, double tickHeight, double xMin, double xMax)
    {
        var ticks = figure.AddPanel("phase-ticks", Left, top, plotWidth, phases.Count * tickHeight);
        ticks.Plot.Axes.SetLimits(xMin, xMax, 0, phases.Count);
        ticks.Plot.Axes.Bottom.TickLabelStyle.IsVisible = false;
        ticks.Plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.EmptyTickGenerator();
        ticks.Plot.HideGrid();
        for (var i = 0; i < phases.Count; i++)
        {
            var row = phases.Count - 1 - i; // first phase on top
            var inside = phases[i].Positions.Where(t => t >= xMin && t <= xMax).ToArray();
            if (inside.Length > 0)
            {
                ticks.Plot.Add.Markers(inside, inside.Select(_ => row + 0.5).ToArray(), MarkerShape.VerticalBar, (float)(tickHeight * 0.7),
                    Figure.ToColor(PhaseColors[i % PhaseColors.Length]));
            }

            figure.AddText(Left - 6, top + ((i + 0.5) * tickHeight), phases[i].Phase, 11, SKTextAlign.Right);
        }
    }

    /// <summary>The (x, y) pairs where both are finite.</summary>
    private static (double[] X, double[] Y) FinitePairs(double[] x, double[] y)
    {
        var keep = Enumerable.Range(0, Math.Min(x.Length, y.Length)).Where(i => double.IsFinite(x[i]) && double.IsFinite(y[i])).ToArray();
        return (keep.Select(i => x[i]).ToArray(), keep.Select(i => y[i]).ToArray());
    }

    /// <summary>
    /// The finite range of <paramref name="low"/>..<paramref name="high"/> widened by <paramref name="fraction"/> on
    /// each side; a single value gets ±1 % of itself (or ±1), no value at all 0..1.
    /// </summary>
    private static (double Min, double Max) Padded(double[] low, double[] high, double fraction)
    {
        double lo = low.Where(double.IsFinite).DefaultIfEmpty(double.NaN).Min(), hi = high.Where(double.IsFinite).DefaultIfEmpty(double.NaN).Max();
        if (!double.IsFinite(lo) || !double.IsFinite(hi))
        {
            return (0, 1);
        }

        if (!(hi > lo))
        {
            var half = lo == 0 ? 1 : Math.Abs(lo) * 0.01;
            return (lo - half, hi + half);
        }

        var pad = (hi - lo) * fraction;
        return (lo - pad, hi + pad);
    }

    /// <summary>Consecutive runs in a sorted list of indices.</summary>
    private static IEnumerable<int[]> Runs(int[] indices)
    {
        var start = 0;
        for (var k = 1; k <= indices.Length; k++)
        {
            if (k == indices.Length || indices[k] != indices[k - 1] + 1)
            {
                yield return indices[start..k];
                start = k;
            }
        }
    }
}
