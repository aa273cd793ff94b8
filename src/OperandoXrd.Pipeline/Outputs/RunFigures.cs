using OperandoXrd.Core.Geometry;
using OperandoXrd.Core.IO;
using OperandoXrd.Fitting.Sequential;
using OperandoXrd.Pipeline.Checkpoints;
using OperandoXrd.Reports;
using OperandoXrd.Reports.Figures;

namespace OperandoXrd.Pipeline.Outputs;

/// <summary>
/// The figures a run ends with (figures/*.svg + .png): the contour beside the voltage (seed paper Fig. 4 style),
/// lattice parameters with esd against x(Li) and time, Rwp per frame, and the last fitted pattern.
/// </summary>
public static class RunFigures
{
    /// <summary>
    /// At most this many frames and bins go into the contour image (longer runs are thinned evenly, finer grids
    /// averaged over neighbouring bins): more than the figure has pixels would show nothing more, and it keeps the
    /// figure's memory the same however long the run.
    /// </summary>
    private const int MaxContourRows = 300, MaxContourColumns = 600;

    /// <summary>
    /// Likewise at most this many frames per series in the lattice and Rwp plots (every k-th frame, the last always
    /// kept): a 1000-frame run otherwise gives 4 MB SVGs, growing with the run, that show no more than this.
    /// </summary>
    private const int MaxSeriesPoints = 300;

    public static IReadOnlyList<string> Write(string folder, string journalPath, long journalBytes, double[] radial, RadialUnit unit,
        IReadOnlyList<FrameRow> rows, (double Min, double Max) fitRange, Func<int, double[], double[]?>? calculate = null, Action<string, double>? timed = null)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        ArgumentNullException.ThrowIfNull(rows);
        Directory.CreateDirectory(folder);
        if (rows.Count == 0)
        {
            return [];
        }

        var figures = new List<(string Name, Reports.Plotting.Figure Figure, double Seconds)>();

        var radialLabel = RadialUnits.AxisLabel(unit);
        var t0 = rows[0].Timing.StartUnixSeconds;
        var time = rows.Select(r => r.Timing.MidExposureUnixSeconds - t0).ToArray();

        // Contour: stream the journal, keep the thinned rows only, bins averaged in groups.
        var step = Math.Max(1, (rows.Count + MaxContourRows - 1) / MaxContourRows);
        var keep = (rows.Count + step - 1) / step;
        var group = Math.Max(1, (radial.Length + MaxContourColumns - 1) / MaxContourColumns);
        var columns = radial.Length / group;
        var contourRadial = new double[columns];
        for (var c = 0; c < columns; c++)
        {
            contourRadial[c] = radial.AsSpan(c * group, group).ToArray().Average();
        }

        var intensity = new float[keep, columns];
        var keptTime = new double[keep];
        var keptX = new double[keep];
        double[]? lastObserved = null;
        var lastIndex = -1;
        var i = 0;
        foreach (var record in ResultsJournal.Read(journalPath, journalBytes, reuseArrays: true))
        {
            if (i >= rows.Count)
            {
                break;
            }

            if (i % step == 0)
            {
                var k = i / step;
                for (var c = 0; c < columns; c++)
                {
                    var sum = 0.0;
                    for (var b = c * group; b < (c + 1) * group; b++)
                    {
                        sum += record.Intensity is null ? double.NaN : record.Intensity[b];
                    }

                    intensity[k, c] = (float)(sum / group);
                }

                keptTime[k] = time[i];
                keptX[k] = rows[i].Echem.XLi;
            }

            if (record.Intensity is not null && rows[i].Fit is { Status: not Fitting.Sequential.FrameStatus.Failed })
            {
                // The journal hands out one array for every record: keep a copy.
                lastObserved ??= new double[record.Intensity.Length];
                record.Intensity.CopyTo(lastObserved, 0);
                lastIndex = i;
            }

            i++;
        }

        var voltage = rows.Select(r => r.Echem.Voltage_V).ToArray();
        var hasEchem = voltage.Any(double.IsFinite);
        var contour = new ContourData
        {
            Radial = contourRadial,
            Intensity = intensity,
            TimeSeconds = keptTime,
            XLi = hasEchem ? keptX : null,
            VoltageTimeSeconds = hasEchem ? time : null,
            Voltage = hasEchem ? voltage : null,
            RadialLabel = radialLabel,
        };
        Add(figures, watch, "contour", OperandoFigures.Contour(contour, new ContourOptions { RadialMin = fitRange.Min, RadialMax = fitRange.Max, IntensityScale = Reports.Plotting.ScaleKind.Log }));

        var fitted = rows.FirstOrDefault(r => r.Fit is { Phases.Count: > 0 })?.Fit;
        var every = Math.Max(1, (rows.Count + MaxSeriesPoints - 1) / MaxSeriesPoints);
        var shown = Enumerable.Range(0, rows.Count).Where(k => k % every == 0 || k == rows.Count - 1).ToArray();
        var shownRows = shown.Select(k => rows[k]).ToArray();
        var shownTime = shown.Select(k => time[k]).ToArray();
        if (fitted is not null)
        {
            var series = new List<ParameterSeries>();
            foreach (var phase in fitted.Phases)
            {
                foreach (var q in phase.Cell.Where(q => q.Name is "a" or "b" or "c" or "beta"))
                {
                    var values = shownRows.Select(r => Pick(r, phase.Name, q.Name).Value).ToArray();
                    var esd = shownRows.Select(r => Pick(r, phase.Name, q.Name).Esd).ToArray();
                    series.Add(new ParameterSeries(phase.Name, q.Name, q.Name == "beta" ? "°" : "Å", values, esd));
                }
            }

            Add(figures, watch, "lattice_vs_time", OperandoFigures.LatticeVersusTime(shownTime.Select(t => t / 3600).ToArray(), series));
            if (hasEchem)
            {
                Add(figures, watch, "lattice_vs_xli", OperandoFigures.LatticeVersusXLi(shownRows.Select(r => r.Echem.XLi).ToArray(), series));
            }

            Add(figures, watch, "rwp", OperandoFigures.Rwp(shownRows.Select(r => (double)r.Index).ToArray(), shownRows.Select(r => r.Fit?.Rwp ?? double.NaN).ToArray(),
                shownRows.Select(r => r.Status == FrameStatuses.Failed).ToArray()));
        }

        if (calculate is not null && lastObserved is not null)
        {
            var calc = calculate(lastIndex, lastObserved);
            if (calc is not null)
            {
                Add(figures, watch, "last_pattern", OperandoFigures.Pattern(radial, lastObserved, calc, [], radialLabel, title: $"frame {rows[lastIndex].Index}"));
            }
        }

        return Render(folder, figures, timed);
    }

    /// <summary>
    /// Draws every figure as SVG and PNG, the figures side by side on the cores (each figure its own ScottPlot plots and
    /// Skia canvases), then writes the files in one go (<see cref="AtomicFile.WriteAll"/>: the fsyncs overlap, one fsync
    /// of the folder). Before, five figures drawn and written one after the other, each file fsync'd in turn and a full
    /// collection after each figure, made most of a short run's wrap-up (issue 18).
    /// </summary>
    private static List<string> Render(string folder, List<(string Name, Reports.Plotting.Figure Figure, double Seconds)> figures, Action<string, double>? timed)
    {
        var files = new (string Path, ReadOnlyMemory<byte> Content)[2 * figures.Count];
        var seconds = new double[figures.Count];
        try
        {
            Parallel.For(0, figures.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, k =>
            {
                var watch = System.Diagnostics.Stopwatch.StartNew();
                var (name, figure, _) = figures[k];
                var path = Path.Combine(folder, name);
                var svg = new MemoryStream();
                FigureWriter.WriteSvg(figure, svg);
                files[2 * k] = (path + ".svg", svg.GetBuffer().AsMemory(0, (int)svg.Length));
                var png = new MemoryStream();
                FigureWriter.WritePng(figure, png);
                files[(2 * k) + 1] = (path + ".png", png.GetBuffer().AsMemory(0, (int)png.Length));
                seconds[k] = watch.Elapsed.TotalSeconds;
            });
        }
        catch (AggregateException e)
        {
            // The first error as itself, as drawing one figure after the other threw it.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
            throw;
        }
        finally
        {
            foreach (var f in figures)
            {
                f.Figure.Dispose();
            }
        }

        var writing = System.Diagnostics.Stopwatch.StartNew();
        AtomicFile.WriteAll(files);
        for (var k = 0; k < figures.Count; k++)
        {
            // Gathering the figure's data (sequential) and drawing it (in parallel with the others).
            timed?.Invoke(figures[k].Name, figures[k].Seconds + seconds[k]);
        }

        timed?.Invoke("files written", writing.Elapsed.TotalSeconds);
        // The figures' cells and rasters are large-object-heap garbage once written (their native bitmaps are freed by
        // the Dispose above), and only a full collection returns it: without one, a long run's figures stack up tens of
        // MB on top of the run's peak. One collection for all of them (was one per figure). SkiaSharp's rasters live
        // in native memory, where glibc keeps freed blocks of that size: hand them back too.
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        Hdf5.Hdf5Library.ReleaseFreeMemory();
        return [.. files.Select(f => f.Path)];
    }

    private static Fitting.Parameters.DerivedQuantity Pick(FrameRow row, string phase, string name)
    {
        var p = row.Fit?.Phases.FirstOrDefault(x => string.Equals(x.Name, phase, StringComparison.Ordinal));
        return p?.Cell.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.Ordinal)) ?? new Fitting.Parameters.DerivedQuantity(name, double.NaN, double.NaN);
    }

    /// <summary>
    /// Draws one small figure of each kind into memory and throws it away: the first figure of a process pays for
    /// compiling ScottPlot's and our drawing code and loading the fonts (several tenths of a second), which a run does
    /// in the background while its frames go through (the sink starts it), not in its wrap-up.
    /// </summary>
    public static void WarmUp()
    {
        double[] x = [1, 2, 3, 4], y = [1, 3, 2, 4];
        var cells = new float[3, 4];
        for (var r = 0; r < 3; r++)
        {
            for (var c = 0; c < 4; c++)
            {
                cells[r, c] = 1 + r + c;
            }
        }

        var contour = new ContourData { Radial = x, Intensity = cells, TimeSeconds = [0, 10, 20], XLi = [0, 0.1, 0.2], VoltageTimeSeconds = [0, 10, 20], Voltage = [3.5, 3.6, 3.7], RadialLabel = "2θ (°)" };
        var series = new List<ParameterSeries> { new("phase", "a", "Å", y, [0.1, 0.1, 0.1, 0.1]) };
        foreach (var figure in new[]
        {
            OperandoFigures.Contour(contour, new ContourOptions { IntensityScale = Reports.Plotting.ScaleKind.Log }),
            OperandoFigures.LatticeVersusTime(x, series),
            OperandoFigures.Rwp(x, y),
            OperandoFigures.Pattern(x, y, y, [], "2θ (°)"),
        })
        {
            using (figure)
            {
                FigureWriter.WriteSvg(figure, Stream.Null);
                FigureWriter.WritePng(figure, Stream.Null);
            }
        }
    }

    /// <summary>Keeps a figure to draw, with the seconds spent gathering its data since the last one.</summary>
    private static void Add(List<(string Name, Reports.Plotting.Figure Figure, double Seconds)> figures, System.Diagnostics.Stopwatch watch, string name, Reports.Plotting.Figure figure)
    {
        figures.Add((name, figure, watch.Elapsed.TotalSeconds));
        watch.Restart();
    }
}
