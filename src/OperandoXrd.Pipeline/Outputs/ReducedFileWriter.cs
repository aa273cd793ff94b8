using System.Globalization;
using System.Text;
using OperandoXrd.Core.Geometry;
using OperandoXrd.Core.IO;
using OperandoXrd.Hdf5;
using OperandoXrd.Pipeline.Checkpoints;

namespace OperandoXrd.Pipeline.Outputs;

/// <summary>
/// The fitted curve of every frame on the run's radial grid (NaN outside the fit range) and each phase's reflection
/// positions for that frame's cell, for /entry/fit/calculated and /entry/fit/&lt;phase&gt;/ticks, read in frame order.
/// </summary>
public interface IFitCurves
{
    IReadOnlyList<string> Phases { get; }

    /// <summary>Reflections per phase (constant over the run: the hkl list is fixed).</summary>
    int TickCount(int phase);

    /// <summary>Visits the first <paramref name="count"/> frames in order: (position, curve, ticks per phase), nulls for a frame without a fit.</summary>
    void ReadAll(long count, Action<long, double[]?, double[][]?> visit);
}

/// <summary>What goes into /entry/provenance.</summary>
public sealed record Provenance(string PipelineJson, string PoniText, string ProgramVersion, IReadOnlyList<string> InputFiles);

/// <summary>
/// Writes reduced.h5 (NeXus) from the journal and the frame rows: /entry/integrated, /entry/fit, /entry/echem,
/// /entry/contour, /entry/provenance. The file is built under a temporary name and renamed over the old one, so a
/// viewer or a user opening it mid-run never sees half a file. Patterns stream from the journal row by row: memory
/// does not grow with the number of frames.
/// </summary>
public static class ReducedFileWriter
{
    public static void Write(string path, string journalPath, long journalBytes, double[] radial, RadialUnit unit, IReadOnlyList<FrameRow> rows, Provenance provenance, IFitCurves? curves = null,
        IReadOnlyList<Fitting.Emergence.EmergenceEvent>? emergence = null)
    {
        ArgumentNullException.ThrowIfNull(radial);
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(provenance);
        AtomicFile.Replace(path, temp =>
        {
            using var file = Hdf5File.Create(temp);
            WriteContent(file, journalPath, journalBytes, radial, unit, rows, provenance, curves, emergence);
        });
    }

    private static void WriteContent(Hdf5File file, string journalPath, long journalBytes, double[] radial, RadialUnit unit, IReadOnlyList<FrameRow> rows, Provenance provenance, IFitCurves? curves,
        IReadOnlyList<Fitting.Emergence.EmergenceEvent>? emergence)
    {
        var n = rows.Count;
        var npt = radial.Length;
        // NeXus' default plot is a chain from the root (silx, NeXpy and h5web follow it): file → entry → contour.
        file.WriteAttribute("default", "entry");
        using var entry = file.CreateGroup("entry", "NXentry");
        entry.WriteAttribute("default", "contour");
        if (n > 0)
        {
            entry.WriteString("start_time", rows[0].Timing.Start.ToString("o", CultureInfo.InvariantCulture));
        }

        var t0 = n > 0 ? rows[0].Timing.StartUnixSeconds : 0;
        var time = rows.Select(r => r.Timing.StartUnixSeconds).ToArray();
        var midTime = rows.Select(r => r.Timing.MidExposureUnixSeconds - t0).ToArray();

        using (var integrated = entry.CreateGroup("integrated", "NXdata"))
        {
            integrated.WriteAttribute("signal", "intensity");
            integrated.WriteAttribute("axes", ["frame", "radial"]);
            integrated.WriteAttribute("frame_indices", 0L);
            integrated.WriteAttribute("radial_indices", 1L);
            if (curves is not null)
            {
                // The fitted curve beside the observed one (NeXus auxiliary signal: same shape, plotted together).
                integrated.WriteAttribute("auxiliary_signals", ["calculated"]);
                integrated.CreateSoftLink("calculated", "/entry/fit/calculated");
            }

            WriteVector(integrated, "radial", radial, RadialUnits.Name(unit));
            WriteVector(integrated, "time", time, "s since 1970-01-01T00:00:00Z (frame start)");
            WriteVector(integrated, "exposure", rows.Select(r => r.Timing.ExposureSeconds).ToArray(), "s");
            WriteVector(integrated, "frame", rows.Select(r => (double)r.Index).ToArray());
            using var intensityDataset = integrated.CreateExtendable<double>("intensity", npt, rowsPerChunk: RowsPerChunk);
            using var sigmaDataset = integrated.CreateExtendable<double>("sigma", npt, rowsPerChunk: RowsPerChunk);
            using var intensity = new RowBlock(intensityDataset, npt);
            using var sigma = new RowBlock(sigmaDataset, npt);
            var nan = Enumerable.Repeat(double.NaN, npt).ToArray();
            var written = 0;
            foreach (var record in ResultsJournal.Read(journalPath, journalBytes, reuseArrays: true))
            {
                if (written == n)
                {
                    break;
                }

                intensity.Add(record.Intensity ?? nan);
                sigma.Add(record.Sigma ?? nan);
                written++;
            }

            for (; written < n; written++)
            {
                intensity.Add(nan);
                sigma.Add(nan);
            }
        }

        using (var fit = entry.CreateGroup("fit", "NXcollection"))
        {
            WriteVector(fit, "rwp", rows.Select(r => r.Fit?.Rwp ?? double.NaN).ToArray());
            WriteVector(fit, "gof", rows.Select(r => r.Fit?.GoF ?? double.NaN).ToArray());
            WriteVector(fit, "iterations", rows.Select(r => (double)(r.Fit?.Iterations ?? 0)).ToArray());
            WriteVector(fit, "PEEK_scale", rows.Select(r => r.Fit?.PeekScale ?? double.NaN).ToArray());
            fit.WriteString("status", string.Join('\n', rows.Select(r => r.Status)));
            fit.WriteString("reason", string.Join('\n', rows.Select(r => r.Reason.ReplaceLineEndings(" "))));
            // Every phase any frame fitted, in order of appearance: one that joined mid-run (auto-add) is NaN before.
            var phases = rows.SelectMany(r => r.Fit?.Phases ?? []).DistinctBy(p => p.Name, StringComparer.Ordinal).ToList();
            foreach (var phase in phases)
            {
                using var group = fit.CreateGroup(phase.Name, "NXcollection");
                foreach (var q in phase.Cell)
                {
                    var name = q.Name.Replace("/", "_over_", StringComparison.Ordinal);
                    WriteVector(group, name, rows.Select(r => Quantity(r, phase.Name, q.Name).Value).ToArray());
                    WriteVector(group, name + "_esd", rows.Select(r => Quantity(r, phase.Name, q.Name).Esd).ToArray());
                }

                WriteVector(group, "scale", rows.Select(r => r.Fit?.Phases.FirstOrDefault(p => p.Name == phase.Name)?.Scale ?? double.NaN).ToArray());
            }

            if (curves is not null)
            {
                WriteCurves(fit, rows, npt, curves);
            }
        }

        using (var echem = entry.CreateGroup("echem", "NXcollection"))
        {
            WriteVector(echem, "voltage", rows.Select(r => r.Echem.Voltage_V).ToArray(), "V");
            WriteVector(echem, "current", rows.Select(r => r.Echem.Current_mA).ToArray(), "mA");
            WriteVector(echem, "capacity", rows.Select(r => r.Echem.Capacity_mAh_g).ToArray(), "mAh/g");
            WriteVector(echem, "x_li", rows.Select(r => r.Echem.XLi).ToArray());
            echem.WriteString("status", string.Join('\n', rows.Select(r => r.Echem.Status)));
        }

        if (emergence is not null)
        {
            WriteEmergence(entry, emergence);
        }

        using (var contour = entry.CreateGroup("contour", "NXdata"))
        {
            // The contour plot of the seed paper: intensity against radial and time (or x(Li)). The intensity is the
            // integrated one, linked rather than copied.
            contour.WriteAttribute("signal", "intensity");
            contour.WriteAttribute("axes", ["time", "radial"]);
            contour.WriteAttribute("time_indices", 0L);
            contour.WriteAttribute("x_li_indices", 0L);
            contour.WriteAttribute("radial_indices", 1L);
            contour.CreateSoftLink("intensity", "/entry/integrated/intensity");
            contour.CreateSoftLink("radial", "/entry/integrated/radial");
            WriteVector(contour, "time", midTime, "s (mid-exposure, from the first frame's start)");
            WriteVector(contour, "x_li", rows.Select(r => r.Echem.XLi).ToArray());
            WriteVector(contour, "voltage", rows.Select(r => r.Echem.Voltage_V).ToArray(), "V");
        }

        using (var prov = entry.CreateGroup("provenance", "NXcollection"))
        {
            prov.WriteString("pipeline", provenance.PipelineJson);
            prov.WriteString("poni", provenance.PoniText);
            prov.WriteString("program_version", provenance.ProgramVersion);
            prov.WriteString("input_files", string.Join('\n', provenance.InputFiles));
        }
    }

    private static void WriteCurves(Hdf5Group fit, IReadOnlyList<FrameRow> rows, int npt, IFitCurves curves)
    {
        // One pass over the curves: the calculated dataset and every phase's ticks dataset grow side by side.
        var phases = Enumerable.Range(0, curves.Phases.Count).Where(k => curves.TickCount(k) > 0).ToArray();
        // Every handle goes on this list as it is made and is closed in reverse order whatever happens (a full disk
        // on the last write must not leave the temporary file open in the library).
        var handles = new List<IDisposable>();
        try
        {
            var calculatedDataset = fit.CreateExtendable<double>("calculated", npt, rowsPerChunk: RowsPerChunk);
            handles.Add(calculatedDataset);
            var calculated = new RowBlock(calculatedDataset, npt);
            handles.Add(calculated);
            var ticks = new RowBlock[phases.Length];
            for (var p = 0; p < phases.Length; p++)
            {
                var group = fit.CreateGroup(curves.Phases[phases[p]], "NXcollection");
                handles.Add(group);
                var dataset = group.CreateExtendable<double>("ticks", curves.TickCount(phases[p]), rowsPerChunk: RowsPerChunk);
                handles.Add(dataset);
                dataset.WriteAttribute("units", "2th_deg");
                ticks[p] = new RowBlock(dataset, curves.TickCount(phases[p]));
                handles.Add(ticks[p]);
            }

            var nan = Enumerable.Repeat(double.NaN, npt).ToArray();
            var nanTicks = phases.Select(k => Enumerable.Repeat(double.NaN, curves.TickCount(k)).ToArray()).ToArray();
            long written = 0;
            curves.ReadAll(rows.Count, (_, curve, phaseTicks) =>
            {
                calculated.Add(curve ?? nan);
                for (var p = 0; p < phases.Length; p++)
                {
                    ticks[p].Add(phaseTicks is null ? nanTicks[p] : phaseTicks[phases[p]]);
                }

                written++;
            });
            for (; written < rows.Count; written++)
            {
                calculated.Add(nan);
                for (var p = 0; p < phases.Length; p++)
                {
                    ticks[p].Add(nanTicks[p]);
                }
            }
        }
        finally
        {
            DisposeAll(handles);
        }
    }

    /// <summary>Disposes in reverse order of creation; the first failure is rethrown once all are closed.</summary>
    private static void DisposeAll(List<IDisposable> handles)
    {
        Exception? first = null;
        for (var k = handles.Count - 1; k >= 0; k--)
        {
            try
            {
                handles[k].Dispose();
            }
            catch (IOException e)
            {
                first ??= e;
            }
        }

        if (first is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(first);
        }
    }

    private const int RowsPerChunk = 16;

    /// <summary>
    /// Collects rows and appends them a chunk at a time: HDF5 then writes whole chunks straight to the file instead
    /// of extending the dataset and revisiting a partial chunk for every frame (which also grew the library's caches
    /// with the length of the run).
    /// </summary>
    private sealed class RowBlock(Hdf5Dataset dataset, int rowLength) : IDisposable
    {
        private readonly double[] _rows = new double[RowsPerChunk * rowLength];
        private int _count;

        public void Add(ReadOnlySpan<double> row)
        {
            row.CopyTo(_rows.AsSpan(_count * rowLength, rowLength));
            if (++_count == RowsPerChunk)
            {
                Flush();
            }
        }

        private void Flush()
        {
            if (_count > 0)
            {
                dataset.AppendRows<double>(_rows.AsSpan(0, _count * rowLength));
                _count = 0;
            }
        }

        public void Dispose() => Flush();
    }

    private static Fitting.Parameters.DerivedQuantity Quantity(FrameRow row, string phase, string name)
    {
        var p = row.Fit?.Phases.FirstOrDefault(x => string.Equals(x.Name, phase, StringComparison.Ordinal));
        var q = p?.Cell.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.Ordinal));
        return q ?? new Fitting.Parameters.DerivedQuantity(name, double.NaN, double.NaN);
    }

    // /entry/emergence: one entry per event, as in emergence.csv, plus the frame it was reported at and the strain.
    private static void WriteEmergence(Hdf5Group entry, IReadOnlyList<Fitting.Emergence.EmergenceEvent> events)
    {
        using var group = entry.CreateGroup("emergence", "NXcollection");
        group.WriteAttribute("events", (long)events.Count);
        group.WriteString("phase", string.Join('\n', events.Select(e => e.Phase)));
        WriteVector(group, "first_frame", events.Select(e => (double)e.FirstFrame).ToArray());
        WriteVector(group, "detected_frame", events.Select(e => (double)e.DetectedFrame).ToArray());
        WriteVector(group, "score", events.Select(e => e.Score).ToArray());
        WriteVector(group, "strain", events.Select(e => e.Strain).ToArray());
        group.WriteString("peaks_d_A", string.Join('\n', events.Select(e => string.Join(' ', e.Peaks.Select(p => p.D.ToString("F4", CultureInfo.InvariantCulture))))));
        group.WriteString("peaks_two_theta_deg", string.Join('\n', events.Select(e => string.Join(' ', e.Peaks.Select(p => p.TwoTheta.ToString("F4", CultureInfo.InvariantCulture))))));
    }

    private static void WriteVector(Hdf5Group group, string name, double[] values, string? units = null)
    {
        using var dataset = group.CreateExtendable<double>(name);
        if (values.Length > 0)
        {
            dataset.AppendRows<double>(values);
        }

        if (units is not null)
        {
            dataset.WriteAttribute("units", units);
        }
    }

    /// <summary>"path size sha256" per input file, for /entry/provenance.</summary>
    /// <param name="files">Input files.</param>
    /// <param name="cache">
    /// Lines of earlier calls, by path: a file whose size and modification time are unchanged is not hashed again.
    /// A live run writes reduced.h5 every results interval; without the cache it re-read every input file each time.
    /// </param>
    public static IReadOnlyList<string> DescribeInputs(IEnumerable<string> files, Dictionary<string, (long Length, DateTime Modified, string Line)>? cache = null)
    {
        var result = new List<string>();
        foreach (var f in files.Distinct(StringComparer.Ordinal))
        {
            try
            {
                var info = new FileInfo(f);
                var (length, modified) = (info.Length, info.LastWriteTimeUtc);
                if (cache is not null && cache.TryGetValue(f, out var known) && known.Length == length && known.Modified == modified)
                {
                    result.Add(known.Line);
                    continue;
                }

                using var stream = File.OpenRead(f);
                var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(stream));
                var line = string.Create(CultureInfo.InvariantCulture, $"{f} {stream.Length} sha256:{hash}");
                result.Add(line);
                if (cache is not null)
                {
                    cache[f] = (length, modified, line);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                result.Add($"{f} unreadable: {e.Message}");
            }
        }

        return result;
    }

    public static string ProgramVersion() =>
        new StringBuilder("OperandoXrd ")
            .Append(typeof(ReducedFileWriter).Assembly.GetName().Version?.ToString() ?? "?")
            .Append(" (.NET ").Append(Environment.Version).Append(')').ToString();
}
