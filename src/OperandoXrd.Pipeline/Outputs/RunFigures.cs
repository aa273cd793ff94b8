using OperandoXrd.Core.Geometry;
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
        IReadOnlyList<FrameRow> rows, (double Min, double Max) fitRange, Func<int, double[], double[]?>? calculate = null)
    {
        ArgumentNullException.ThrowIfNull(rows);
        Directory.CreateDirectory(folder);
        var written = new List<string>();
        if (rows.Count == 0)
        {
            return written;
        }

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
        Add(written, folder, "contour", OperandoFigures.Contour(contour, new ContourOptions { RadialMin = fitRange.Min, RadialMax = fitRange.Max, IntensityScale = Reports.Plotting.ScaleKind.Log }));

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

            Add(written, folder, "lattice_vs_time", OperandoFigures.LatticeVersusTime(shownTime.Select(t => t / 3600).ToArray(), series));
            if (hasEchem)
            {
                Add(written, folder, "lattice_vs_xli", OperandoFigures.LatticeVersusXLi(shownRows.Select(r => r.Echem.XLi).ToArray(), series));
            }

            Add(written, folder, "rwp", OperandoFigures.Rwp(shownRows.Select(r => (double)r.Index).ToArray(), shownRows.Select(r => r.Fit?.Rwp ?? double.NaN).ToArray(),
                shownRows.Select(r => r.Status == FrameStatuses.Failed).ToArray()));
        }

        if (calculate is not null && lastObserved is not null)
        {
            var calc = calculate(lastIndex, lastObserved);
            if (calc is not null)
            {
                Add(written, folder, "last_pattern", OperandoFigures.Pattern(radial, lastObserved, calc, [], radialLabel, title: $"frame {rows[lastIndex].Index}"));
            }
        }

        return written;
    }

    private static Fitting.Parameters.DerivedQuantity Pick(FrameRow row, string phase, string name)
    {
        var p = row.Fit?.Phases.FirstOrDefault(x => string.Equals(x.Name, phase, StringComparison.Ordinal));
        return p?.Cell.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.Ordinal)) ?? new Fitting.Parameters.DerivedQuantity(name, double.NaN, double.NaN);
    }

    private static void Add(List<string> written, string folder, string name, Reports.Plotting.Figure figure)
    {
        var path = Path.Combine(folder, name);
        using (figure)
        {
            FigureWriter.Write(figure, path);
        }

        written.Add(path + ".svg");
        written.Add(path + ".png");
        // A figure's cells and raster are large-object-heap garbage once written (its native bitmaps are freed by the
        // Dispose above), and only a full collection returns it; without one, five figures of a long run stack up tens
        // of MB on top of the run's peak. A few ms once per figure at the end of a run (or of a live results interval)
        // keeps the peak what the run needs.
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        // SkiaSharp's rasters live in native memory; glibc keeps freed blocks of that size (its mmap threshold grows
        // after the first free), so hand them back before the next figure.
        Hdf5.Hdf5Library.ReleaseFreeMemory();
    }
}
