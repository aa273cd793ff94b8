using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OperandoXrd.Core.Integration;
using OperandoXrd.Core.Integration.Output;
using OperandoXrd.Fitting.Output;
using OperandoXrd.Fitting.Sequential;
using OperandoXrd.Pipeline.Checkpoints;
using OperandoXrd.Pipeline.Hosting;
using OperandoXrd.Pipeline.Outputs;

namespace OperandoXrd.Pipeline.Stages;

/// <summary>
/// Puts integrated frames back in frame order, fits them one after another (frame n starts from frame n−1, so this
/// part is sequential by nature), adds the electrochemistry, appends to the journal and writes the outputs:
/// lattice.csv and the checkpoint at every checkpoint interval, reduced.h5 and the figures at the end (and now and then
/// in a live run). Finishing the channel — end of input or a stop request upstream — ends the run cleanly.
/// </summary>
public sealed class SinkStage(ReductionContext context, IHostApplicationLifetime lifetime, ILogger<SinkStage> log) : BackgroundService
{
    private readonly Stopwatch _sinceCheckpoint = Stopwatch.StartNew();
    private readonly Stopwatch _sinceResults = Stopwatch.StartNew();
    private readonly Dictionary<string, (long Length, DateTime Modified, string Line)> _inputHashes = new(StringComparer.Ordinal);
    private double _resultsEvery_s;
    private int _failed;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            var o = context.Options;
            var reorder = new ReorderBuffer<IntegratedFrame>(context.FirstFrame);
            var ready = new List<IntegratedFrame>();
            var patternsFolder = Path.Combine(context.OutputFolder, "patterns");
            if (o.WriteXye)
            {
                Directory.CreateDirectory(patternsFolder);
            }

            var xye = o.WriteXye ? context.Integrator.CreatePattern() : null;
            var reader = context.Patterns.Reader;
            var interval = TimeSpan.FromSeconds(o.CheckpointInterval_s);
            var saved = context.Rows.Count;
            while (true)
            {
                // Wait for the next frame, but never longer than a checkpoint interval while rows are unsaved: the
                // last frame of a burst must reach lattice.csv without waiting for the next one to arrive.
                bool more;
                using (var wait = new CancellationTokenSource(interval))
                {
                    try
                    {
                        more = await reader.WaitToReadAsync(context.Rows.Count > saved ? wait.Token : CancellationToken.None).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                        more = true;
                    }
                }

                while (reader.TryRead(out var frame))
                {
                    ready.Clear();
                    reorder.Add(frame.Index, frame, ready);
                    foreach (var f in ready)
                    {
                        Process(f, xye, patternsFolder);
                    }

                    if (_sinceCheckpoint.Elapsed >= interval)
                    {
                        break;
                    }
                }

                if (!more)
                {
                    break;
                }

                if (context.Rows.Count > saved && _sinceCheckpoint.Elapsed >= interval)
                {
                    var results = o.Follow && _sinceResults.Elapsed.TotalSeconds >= Math.Max(o.ResultsInterval_s, _resultsEvery_s);
                    var writing = Stopwatch.StartNew();
                    SaveCheckpoint(finalOutputs: results);
                    if (results)
                    {
                        // Live, the figures follow the run too (the viewer shows every frame; the files are for
                        // anyone looking at the folder). reduced.h5 and the figures are made anew from the journal
                        // and the spool each time, so in a long run they take longer and longer: keep them to a fifth
                        // of the time at most, so that they never crowd out the frames.
                        WriteFigures();
                        _resultsEvery_s = 5 * writing.Elapsed.TotalSeconds;
                    }

                    saved = context.Rows.Count;
                }
            }

            var finishing = Stopwatch.StartNew();
            SaveCheckpoint(finalOutputs: true);
            var tables = finishing.Elapsed.TotalSeconds;

            var outputs = new List<string> { LatticePath, ReducedPath };
            if (context.Emergence is { } emergence)
            {
                outputs.Add(emergence.FilePath);
            }

            outputs.AddRange(WriteFigures());
            log.LogInformation("final outputs: lattice.csv, checkpoint and reduced.h5 in {Tables:F2} s, figures in {Figures:F2} s",
                tables, finishing.Elapsed.TotalSeconds - tables);
            var summary = Summarize(outputs, stoppingToken.IsCancellationRequested);
            context.Completion.TrySetResult(summary);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The run is ended first, so that nothing below (reading the checkpoint from a failing disk) can keep it
            // hanging. Disk full, a folder gone: the checkpoint on disk still names only data flushed before. Anything
            // else (a bug, out of memory) is logged with its stack.
            context.Completion.TrySetException(e);
            lifetime.StopApplication();
            if (e is IOException or UnauthorizedAccessException or InvalidDataException or InvalidOperationException)
            {
                log.LogError("writing results failed: {Message}; {Checkpoint}", e.Message, DescribeCheckpoint());
            }
            else
            {
                log.LogError(e, "the run failed: {Message}", e.Message);
            }

            // The source stops on the application's stop; frames already on their way must not leave the integration
            // workers blocked on a full channel that nobody reads any more (the host would wait for them for ever).
            await DrainAsync().ConfigureAwait(false);
        }
        finally
        {
            lifetime.StopApplication();
        }
    }

    private string DescribeCheckpoint()
    {
        try
        {
            var checkpoint = Checkpoint.Load(context.CheckpointPath);
            return checkpoint is null
                ? "no checkpoint was written yet: run again"
                : $"the checkpoint ({checkpoint.FramesDone} frames) is intact: make room and run again with --resume";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            return $"the checkpoint could not be read ({e.Message})";
        }
    }

    private async Task DrainAsync()
    {
        var reader = context.Patterns.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (reader.TryRead(out _))
            {
            }
        }
    }

    private static long PeakResident()
    {
        using var self = System.Diagnostics.Process.GetCurrentProcess();
        return self.PeakWorkingSet64;
    }

    private string LatticePath => Path.Combine(context.OutputFolder, "lattice.csv");

    private string ReducedPath => Path.Combine(context.OutputFolder, "reduced.h5");

    private void Process(IntegratedFrame frame, Pattern1D? xye, string patternsFolder)
    {
        var row = context.CompleteFrame(frame.Index, frame.Timing, frame.Error, frame.Intensity, frame.Sigma, out var calculated);
        OutputWriteException.Guard(context.JournalPath, () => context.Journal.Append(new JournalRecord(frame.Index, frame.Timing, frame.Error, frame.Intensity, frame.Sigma)));
        context.Rows.Add(row);
        context.Statistics.Written();
        if (row.Status == "failed")
        {
            _failed++;
            log.LogWarning("frame {Frame} failed: {Reason}", row.Index, row.Reason);
        }

        if (xye is not null && frame.Intensity is not null && frame.Sigma is not null)
        {
            frame.Intensity.CopyTo(xye.Intensity, 0);
            frame.Sigma.CopyTo(xye.Sigma, 0);
            var path = Path.Combine(patternsFolder, XyeWriter.FileName(frame.Index));
            OutputWriteException.Guard(path, () => XyeWriter.Write(path, xye, context.Pipeline.Integration.Unit,
                [string.Create(CultureInfo.InvariantCulture, $"frame {frame.Index}, start {frame.Timing.Start:o}, exposure {frame.Timing.ExposureSeconds} s"),
                 $"pipeline {context.Pipeline.Name}"]));
        }

        if (context.Observer is { } observer)
        {
            observer.OnFrame(row, context.Radial, frame.Intensity ?? [], frame.Intensity is null ? [] : calculated ?? []);
            observer.OnProgress(Progress(row));
        }
    }

    private RunProgress Progress(FrameRow row)
    {
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        if (row.Fit is { } fit)
        {
            foreach (var phase in fit.Phases)
            {
                foreach (var q in phase.Cell)
                {
                    values[$"{phase.Name}_{q.Name}"] = q.Value;
                }
            }
        }

        var s = context.Statistics;
        return new RunProgress(s.FramesWritten, Math.Max(s.FramesKnown, s.FramesWritten), _failed, s.FramesWritten / Math.Max(s.Wall.Elapsed.TotalSeconds, 1e-9), row.Fit?.GoF ?? double.NaN, values);
    }

    private void SaveCheckpoint(bool finalOutputs)
    {
        // Journal first, then the checkpoint naming it: whichever write fails, the checkpoint on disk names only data
        // that is on disk (a failed atomic write leaves the previous file in place).
        var bytes = OutputWriteException.Guard(context.JournalPath, context.Journal.Flush);
        OutputWriteException.Guard(context.CheckpointPath, () =>
            new Checkpoint(Checkpoint.CurrentVersion, context.Rows.Count, bytes, context.Radial.Length, context.InputsKey, DateTimeOffset.UtcNow).Save(context.CheckpointPath));
        OutputWriteException.Guard(LatticePath, () =>
            LatticeTable.Write(LatticePath, context.Rows, LatticeCsv.Columns(context.Fitter.Model), context.Fitter.Model.PeekScaleIndex >= 0));
        _sinceCheckpoint.Restart();
        if (finalOutputs)
        {
            WriteReduced(bytes);
            _sinceResults.Restart();
        }

        context.VoltageLog?.Refresh();
        // Frames, patterns and fits are short-lived, but those caught in flight by a gen0/gen1 collection get promoted,
        // and the workstation GC may go a long time without a full collection: the heap then creeps up with a run's
        // length although what is alive stays the same. One full collection per checkpoint (1 s by default; a few ms
        // on this heap) keeps peak memory independent of the number of frames.
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: finalOutputs);
        Hdf5.Hdf5Library.ReleaseFreeMemory();
    }

    private void WriteReduced(long journalBytes)
    {
        var provenance = new Provenance(context.Pipeline.Json, context.PoniText, ReducedFileWriter.ProgramVersion(), ReducedFileWriter.DescribeInputs(InputFiles(), _inputHashes));
        OutputWriteException.Guard(ReducedPath, () => ReducedFileWriter.Write(ReducedPath, context.JournalPath, journalBytes, context.Radial, context.Pipeline.Integration.Unit, context.Rows, provenance, context.Curves, context.Emergence?.Events));
    }

    private IEnumerable<string> InputFiles()
    {
        foreach (var input in context.Options.Inputs)
        {
            if (Directory.Exists(input))
            {
                foreach (var f in Directory.GetFiles(input, "*.h5").Order(StringComparer.Ordinal))
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

    private IReadOnlyList<string> WriteFigures()
    {
        try
        {
            var fit = context.Pipeline.Fit.Fit;
            return RunFigures.Write(Path.Combine(context.OutputFolder, "figures"), context.JournalPath, context.Journal.Length, context.Radial,
                context.Pipeline.Integration.Unit, context.Rows, (fit.RangeMin, fit.RangeMax),
                (i, _) => context.Curves.ReadCalculated(i));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Figures are for looking at; whatever goes wrong with them (a full disk, a plotting edge case) must not
            // end a reduction, least of all a live one that rewrites them every results interval.
            log.LogWarning(e is IOException or ArgumentException or InvalidOperationException ? null : e, "figures not written: {Message}", e.Message);
            return [];
        }
    }

    private RunSummary Summarize(List<string> outputs, bool cancelled)
    {
        var rows = context.Rows;
        var failures = rows.Where(r => r.Status == "failed").Select(r => (r.Index, r.Reason)).ToList();
        return new RunSummary(rows.Count, rows.Count(r => r.Status == "ok"), rows.Count(r => r.Status == "gated"), failures.Count, failures,
            context.Statistics.Wall.Elapsed, context.Statistics.StageRates(), outputs, cancelled)
        {
            SteadyFramesPerSecond = context.Statistics.SteadyRate(),
            PeakResidentBytes = PeakResident(),
            MissingFiles = context.MissingFiles,
            Emergence = context.Emergence?.Events ?? [],
        };
    }
}
