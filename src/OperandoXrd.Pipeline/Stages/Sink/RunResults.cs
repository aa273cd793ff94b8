using System.Globalization;
using Microsoft.Extensions.Logging;
using OperandoXrd.Core.Integration;
using OperandoXrd.Core.IO;
using OperandoXrd.Core.Patterns;
using OperandoXrd.Fitting.Output;
using OperandoXrd.Pipeline.Checkpoints;
using OperandoXrd.Pipeline.Configuration;
using OperandoXrd.Pipeline.Hosting;
using OperandoXrd.Pipeline.Outputs;

namespace OperandoXrd.Pipeline.Stages;

/// <summary>
/// Everything a run writes, and the rows done so far: the journal (every pattern), the curve spool, lattice.csv, the
/// checkpoint, reduced.h5, the figures and (with <c>--xye</c>) one .xye file per frame. Created ready at start — the
/// state folder made, the spool truncated, the journal opened (cut back to the checkpoint on <c>--resume</c>) — and
/// then used by one thread at a time: the resume replay, then the sink.
/// </summary>
public sealed class RunResults : IDisposable
{
    private readonly ReduceOptions _options;
    private readonly RunFolders _folders;
    private readonly RunIntegrator _integration;
    private readonly List<(string Phase, IReadOnlyList<string> Cell)> _columns;
    private readonly bool _hasPeek;
    private readonly RunFitter _fitter;
    private readonly Dictionary<string, (long Length, DateTime Modified, string Line)> _inputHashes = new(StringComparer.Ordinal);

    // The inputs' SHA-256 for /entry/provenance, computed in the background from the start of the run (765 MB of a
    // 300-frame archive took ≈ 0.4 s, at the end of the run before): the first reduced.h5 waits for it, and files that
    // changed since (a live run) are hashed again then. Until it finishes only this task touches _inputHashes.
    private Task? _hashing;

    private RunResults(ReduceOptions options, RunFolders folders, RunIntegrator integration, RunFitter fitter, Checkpoint? resumeFrom)
    {
        _options = options;
        _folders = folders;
        _integration = integration;
        _fitter = fitter;
        var model = fitter.Fitter.Model;
        _columns = [.. LatticeCsv.Columns(model)];
        _hasPeek = model.PeekScaleIndex >= 0;
        ResumeFrom = resumeFrom;
        Curves = new FitCurveSpool(folders.Curves, fitter.Layout);
        try
        {
            Journal = ResultsJournal.Open(folders.Journal, integration.Radial.Length, resumeFrom?.JournalBytes);
        }
        catch
        {
            Curves.Dispose();
            throw;
        }

        if (options.WriteXye)
        {
            Directory.CreateDirectory(folders.Patterns);
        }

        if (!options.Follow)
        {
            var files = InputFiles().ToList();
            _hashing = Task.Factory.StartNew(() => ReducedFileWriter.DescribeInputs(files, _inputHashes), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        }
    }


    public RunFolders Folders => _folders;

    /// <summary>The emergence detector's events and emergence.csv (null when off).</summary>
    public Emergence.EmergenceWatch? Emergence => _fitter.Emergence;

    /// <summary>The checkpoint a resumed run continues from (null for a new run).</summary>
    public Checkpoint? ResumeFrom { get; }

    public ResultsJournal Journal { get; }

    /// <summary>Every frame's fitted curve and ticks, in row order, for reduced.h5 and the figures.</summary>
    public FitCurveSpool Curves { get; }

    /// <summary>Rows done, in frame order (small: no patterns; those live in the journal).</summary>
    public List<FrameRow> Rows { get; } = [];

    /// <exception cref="PipelineConfigException">The checkpoint belongs to another run.</exception>
    public static RunResults Create(ReduceOptions options, RunFolders folders, RunIntegrator integration, RunFitter fitter, ILogger log)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(folders);
        ArgumentNullException.ThrowIfNull(integration);
        ArgumentNullException.ThrowIfNull(fitter);
        ArgumentNullException.ThrowIfNull(log);
        Directory.CreateDirectory(folders.State);
        var checkpoint = options.Resume ? Checkpoint.Load(folders.Checkpoint) : null;
        if (checkpoint is not null && (checkpoint.Npt != integration.Radial.Length || !string.Equals(checkpoint.InputsKey, folders.InputsKey, StringComparison.Ordinal)))
        {
            throw new PipelineConfigException($"{folders.Checkpoint}: the checkpoint belongs to another run (inputs or bins differ); remove {folders.State} or drop --resume.");
        }

        if (options.Resume && checkpoint is null)
        {
            log.LogInformation("resume: no checkpoint in {Folder}, starting from the first frame", folders.State);
        }

        return new RunResults(options, folders, integration, fitter, checkpoint);
    }

    /// <summary>A frame restored from the journal by the resume replay: its row and curve (the journal has its pattern already).</summary>
    public void Restore(FrameRow row, double[]? curve)
    {
        ArgumentNullException.ThrowIfNull(row);
        OutputWriteException.Guard(Curves.Path, () => Curves.Append(curve));
        Add(row);
    }

    /// <summary>A new frame: its pattern to the journal (and the .xye file), its curve to the spool, its row to the table.</summary>
    public void Append(CompletedFrame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var row = frame.Row;
        var pattern = frame.Pattern;
        OutputWriteException.Guard(Curves.Path, () => Curves.Append(frame.Curve));
        OutputWriteException.Guard(_folders.Journal, () => Journal.Append(new JournalRecord(row.Index, row.Timing, row.Error, pattern?.Intensity, pattern?.Sigma)));
        Add(row);
        if (_options.WriteXye && pattern is not null)
        {
            WriteXye(row, pattern);
        }
    }

    // A phase that joined the model mid-run (auto-add) brings its columns with its first row: lattice.csv is rewritten
    // whole at every checkpoint, so from then on the file has them, empty in the rows before.
    private void Add(FrameRow row)
    {
        Rows.Add(row);
        foreach (var phase in row.Fit?.Phases ?? [])
        {
            if (!_columns.Exists(c => string.Equals(c.Phase, phase.Name, StringComparison.Ordinal)))
            {
                _columns.Add((phase.Name, [.. phase.Cell.Select(q => q.Name)]));
            }
        }
    }

    private void WriteXye(FrameRow row, Pattern1D pattern)
    {
        var path = Path.Combine(_folders.Patterns, XyeFile.FileName(row.Index));
        OutputWriteException.Guard(path, () => XyeFile.Write(path, pattern, _integration.Unit,
            [string.Create(CultureInfo.InvariantCulture, $"frame {row.Index}, start {row.Timing.Start:o}, exposure {row.Timing.ExposureSeconds} s"),
             $"pipeline {_options.Pipeline!.Name}"], _integration.Poni.Wavelength * 1e10));
    }

    /// <summary>
    /// Journal first, then the checkpoint naming it, then lattice.csv: whichever write fails, the checkpoint on disk
    /// names only data that is on disk (a failed atomic write leaves the previous file in place). Returns the journal
    /// bytes the checkpoint names.
    /// </summary>
    public long SaveCheckpoint()
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var bytes = OutputWriteException.Guard(_folders.Journal, Journal.Flush);
        OutputWriteException.Guard(_folders.Checkpoint, () =>
            new Checkpoint(Checkpoint.CurrentVersion, Rows.Count, bytes, _integration.Radial.Length, _folders.InputsKey, DateTimeOffset.UtcNow).Save(_folders.Checkpoint));
        var checkpoint = watch.Elapsed.TotalSeconds;
        OutputWriteException.Guard(_folders.Lattice, () => AtomicFile.Write(_folders.Lattice, stream => LatticeCsv.WriteTo(stream, _columns, _hasPeek, _fitter.Fitter.Settings.Esd, WriteRows)));
        Timings["journal + checkpoint"] = checkpoint;
        Timings["lattice.csv"] = watch.Elapsed.TotalSeconds - checkpoint;
        return bytes;
    }

    /// <summary>Seconds the last write of each output took (journal + checkpoint, lattice.csv, reduced.h5, hash wait, each figure).</summary>
    public Dictionary<string, double> Timings { get; } = new(StringComparer.Ordinal);

    // Every frame in order, fitted or not; time_s is the frame's mid-exposure time in seconds from the first frame's start.
    private void WriteRows(LatticeCsv csv)
    {
        var t0 = Rows.Count > 0 ? Rows[0].Timing.StartUnixSeconds : 0;
        foreach (var row in Rows)
        {
            var time = row.Timing.MidExposureUnixSeconds - t0;
            var echem = new FrameEchem(row.Echem.Voltage_V, row.Echem.Current_mA, row.Echem.Capacity_mAh_g, row.Echem.XLi);
            if (row.Fit is { } fit)
            {
                csv.Write(fit, time, echem);
            }
            else
            {
                csv.WriteUnfitted(row.Index, time, echem, row.Reason);
            }
        }
    }

    /// <summary>reduced.h5 from the journal's first <paramref name="journalBytes"/> bytes, the rows and the spool (atomic).</summary>
    public void WriteReduced(long journalBytes)
    {
        if (_hashing is { } hashing)
        {
            var waited = System.Diagnostics.Stopwatch.StartNew();
            // Its result is not needed: it fills the cache that DescribeInputs reads below. An I/O error there is
            // reported in the provenance line of the file, as before.
            hashing.Wait();
            Timings["waiting for input hashes"] = waited.Elapsed.TotalSeconds;
            _hashing = null;
        }

        var watch = System.Diagnostics.Stopwatch.StartNew();

        var pipeline = _options.Pipeline!;
        var provenance = new Provenance(pipeline.Json, _integration.PoniText, ReducedFileWriter.ProgramVersion(), ReducedFileWriter.DescribeInputs(InputFiles(), _inputHashes));
        OutputWriteException.Guard(_folders.Reduced, () => ReducedFileWriter.Write(_folders.Reduced, _folders.Journal, journalBytes, _integration.Radial, pipeline.Integration.Unit, Rows, provenance, Curves, Emergence?.Events));
        Timings["reduced.h5"] = watch.Elapsed.TotalSeconds;
    }

    /// <summary>The figures (bounded in size whatever the run's length); the files written.</summary>
    public IReadOnlyList<string> WriteFigures()
    {
        var fit = _options.Pipeline!.Fit.Fit;
        return RunFigures.Write(_folders.Figures, _folders.Journal, Journal.Length, _integration.Radial,
            _options.Pipeline.Integration.Unit, Rows, (fit.RangeMin, fit.RangeMax),
            (i, _) => Curves.ReadCalculated(i), (name, seconds) => Timings["figure " + name] = seconds);
    }

    /// <summary>What the checkpoint on disk says, for the message of a run that could not write.</summary>
    public string DescribeCheckpoint()
    {
        try
        {
            var checkpoint = Checkpoint.Load(_folders.Checkpoint);
            return checkpoint is null
                ? "no checkpoint was written yet: run again"
                : $"the checkpoint ({checkpoint.FramesDone} frames) is intact: make room and run again with --resume";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            return $"the checkpoint could not be read ({e.Message})";
        }
    }

    private IEnumerable<string> InputFiles()
    {
        foreach (var input in _options.Inputs)
        {
            if (Directory.Exists(input))
            {
                // HDF5 frame files and image frames (CBF, TIFF, EDF) of a scan folder.
                foreach (var f in Directory.GetFiles(input).Where(f => f.EndsWith(".h5", StringComparison.OrdinalIgnoreCase) || Images.Formats.ImageFile.IsImageFileName(f)).Order(StringComparer.Ordinal))
                {
                    yield return f;
                }
            }
            else if (File.Exists(input))
            {
                yield return input;
            }
        }
    }

    public void Dispose()
    {
        // A run that ends before writing reduced.h5 (a bad frame source) must not leave the hashing reading its inputs.
        try
        {
            _hashing?.Wait();
        }
        catch (AggregateException)
        {
        }

        Journal.Dispose();
        Curves.Dispose();
    }
}
