using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OperandoXrd.Fitting.Sequential;
using OperandoXrd.Pipeline.Checkpoints;
using OperandoXrd.Pipeline.Configuration;
using OperandoXrd.Pipeline.Hosting;
using OperandoXrd.Pipeline.Outputs;

namespace OperandoXrd.Pipeline.Stages;

/// <summary>
/// Writes the finished frames, in frame order: the journal, the curve spool and the rows at once; lattice.csv and the
/// checkpoint at every checkpoint interval; reduced.h5 and the figures at the end (and now and then in a live run).
/// It computes nothing: the fit and the electrochemistry come with each frame. It hands each frame to the observer
/// (progress display, viewer) and returns its buffers to their pools. Finishing the channel — end of input or a
/// stop request upstream — ends the run cleanly.
/// </summary>
public sealed class SinkStage(IOptions<ReduceOptions> options, RunResults results, RunIntegrator integration, RunFitter fitter, RunStart start,
    RunChannels channels, RunStatistics statistics, RunCompletion completion, IHostApplicationLifetime lifetime, ILogger<SinkStage> log,
    IReductionObserver? observer = null) : BackgroundService
{
    private readonly Stopwatch _sinceCheckpoint = Stopwatch.StartNew();
    private readonly Stopwatch _sinceResults = Stopwatch.StartNew();
    private double _resultsEvery_s;
    private int _failed;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var reader = channels.Completed.Reader;
        // The figure code compiled and its fonts loaded while the frames go through, not in the wrap-up (issue 18).
        var warmUp = Task.Factory.StartNew(WarmUpFigures, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        try
        {
            var o = options.Value;
            var rows = results.Rows;
            var interval = TimeSpan.FromSeconds(o.CheckpointInterval_s);
            var saved = start.FirstFrame;
            while (true)
            {
                // Wait for the next frame, but never longer than a checkpoint interval while rows are unsaved: the
                // last frame of a burst must reach lattice.csv without waiting for the next one to arrive.
                bool more;
                using (var wait = new CancellationTokenSource(interval))
                {
                    try
                    {
                        more = await reader.WaitToReadAsync(rows.Count > saved ? wait.Token : CancellationToken.None).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                        more = true;
                    }
                }

                while (reader.TryRead(out var frame))
                {
                    Write(frame);
                    if (_sinceCheckpoint.Elapsed >= interval)
                    {
                        break;
                    }
                }

                if (!more)
                {
                    break;
                }

                if (rows.Count > saved && _sinceCheckpoint.Elapsed >= interval)
                {
                    var live = o.Follow && _sinceResults.Elapsed.TotalSeconds >= Math.Max(o.ResultsInterval_s, _resultsEvery_s);
                    var writing = Stopwatch.StartNew();
                    SaveCheckpoint(finalOutputs: live);
                    if (live)
                    {
                        // Live, the figures follow the run too (the viewer shows every frame; the files are for
                        // anyone looking at the folder). reduced.h5 and the figures are made anew from the journal
                        // and the spool each time, so in a long run they take longer and longer: keep them to a fifth
                        // of the time at most, so that they never crowd out the frames.
                        WriteFigures();
                        _resultsEvery_s = 5 * writing.Elapsed.TotalSeconds;
                    }

                    saved = rows.Count;
                }
            }

            var finishing = Stopwatch.StartNew();
            // CPU time beside the wall time: on a shared machine the wall time of the wrap-up says little, its CPU
            // time (all threads of the process; the other stages are done by now) what it costs.
            var cpuBefore = ProcessorTime();
            SaveCheckpoint(finalOutputs: true);
            var tables = finishing.Elapsed.TotalSeconds;

            var outputs = new List<string> { results.Folders.Lattice, results.Folders.Reduced };
            if (results.Emergence is { } emergence)
            {
                outputs.Add(emergence.FilePath);
            }

            await warmUp.ConfigureAwait(false);
            outputs.AddRange(WriteFigures());
            var total = finishing.Elapsed.TotalSeconds;
            results.Timings["final outputs, CPU of all threads"] = (ProcessorTime() - cpuBefore).TotalSeconds;
            log.LogInformation("final outputs: lattice.csv, checkpoint and reduced.h5 in {Tables:F2} s, figures in {Figures:F2} s",
                tables, total - tables);
            completion.Finished(Summarize(outputs, stoppingToken.IsCancellationRequested, total));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The run is ended first, so that nothing below (reading the checkpoint from a failing disk) can keep it
            // hanging. Disk full, a folder gone: the checkpoint on disk still names only data flushed before. Anything
            // else (a bug, out of memory) is logged with its stack.
            completion.Failed(e);
            lifetime.StopApplication();
            if (e is IOException or UnauthorizedAccessException or InvalidDataException or InvalidOperationException)
            {
                log.LogError("writing results failed: {Message}; {Checkpoint}", e.Message, results.DescribeCheckpoint());
            }
            else
            {
                log.LogError(e, "the run failed: {Message}", e.Message);
            }

            // The source stops on the application's stop; frames already on their way must not leave the stages
            // before blocked on a full channel that nobody reads any more (the host would wait for them for ever).
            await StageFailure.DrainAsync(reader, Release).ConfigureAwait(false);
        }
        finally
        {
            lifetime.StopApplication();
        }
    }

    private static TimeSpan ProcessorTime()
    {
        using var self = System.Diagnostics.Process.GetCurrentProcess();
        return self.TotalProcessorTime;
    }

    private static long PeakResident()
    {
        using var self = System.Diagnostics.Process.GetCurrentProcess();
        return self.PeakWorkingSet64;
    }

    private void Write(CompletedFrame frame)
    {
        try
        {
            results.Append(frame);
            var row = frame.Row;
            statistics.Written();
            if (row.Status == FrameStatuses.Failed)
            {
                _failed++;
                log.LogWarning("frame {Frame} failed: {Reason}", row.Index, row.Reason);
            }

            if (observer is not null)
            {
                var intensity = frame.Pattern is { } p ? p.Intensity : [];
                var calculated = frame.Pattern is not null && frame.Curve is { } c ? c.AsSpan(0, fitter.Layout.Npt) : [];
                observer.OnFrame(row, integration.Radial, intensity, calculated);
                observer.OnProgress(Progress(row));
            }
        }
        finally
        {
            Release(frame);
        }
    }

    // The pattern and the curve go back to their pools: the observer copies what it keeps.
    private void Release(CompletedFrame frame)
    {
        if (frame.Pattern is { } pattern)
        {
            integration.Patterns.Return(pattern);
        }

        if (frame.Curve is { } curve)
        {
            fitter.Curves.Return(curve);
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

        var s = statistics;
        return new RunProgress(s.FramesWritten, Math.Max(s.FramesKnown, s.FramesWritten), _failed, s.FramesWritten / Math.Max(s.Wall.Elapsed.TotalSeconds, 1e-9), row.Fit?.GoF ?? double.NaN, values);
    }

    private void SaveCheckpoint(bool finalOutputs)
    {
        var bytes = results.SaveCheckpoint();
        _sinceCheckpoint.Restart();
        if (finalOutputs)
        {
            results.WriteReduced(bytes);
            _sinceResults.Restart();
        }

        // Frames, patterns and fits are short-lived, but those caught in flight by a gen0/gen1 collection get promoted,
        // and the workstation GC may go a long time without a full collection: the heap then creeps up with a run's
        // length although what is alive stays the same. One full collection per checkpoint (1 s by default; a few ms
        // on this heap) keeps peak memory independent of the number of frames.
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: finalOutputs);
        Hdf5.Hdf5Library.ReleaseFreeMemory();
    }

    private void WarmUpFigures()
    {
        try
        {
            RunFigures.WarmUp();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Only a warm-up: the real figures report what goes wrong with them.
            log.LogDebug(e, "figure warm-up failed: {Message}", e.Message);
        }
    }

    private IReadOnlyList<string> WriteFigures()
    {
        try
        {
            return results.WriteFigures();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Figures are for looking at; whatever goes wrong with them (a full disk, a plotting edge case) must not
            // end a reduction, least of all a live one that rewrites them every results interval.
            log.LogWarning(e is IOException or ArgumentException or InvalidOperationException ? null : e, "figures not written: {Message}", e.Message);
            return [];
        }
    }

    private RunSummary Summarize(List<string> outputs, bool cancelled, double finalOutputs)
    {
        var integrator = integration.Integrator;
        var parts = new List<(string, double)>
        {
            (integrator.LoadedFromCache ? "matrix from cache" : "matrix built", integrator.BuildTime.TotalSeconds),
            ("reference fit", statistics.ReferenceFitSeconds),
            ("final outputs", finalOutputs),
        };
        parts.AddRange(results.Timings.Select(t => (t.Key, t.Value)));
        var rows = results.Rows;
        var failures = rows.Where(r => r.Status == FrameStatuses.Failed).Select(r => (r.Index, r.Reason)).ToList();
        return new RunSummary(rows.Count, rows.Count(r => r.Status == FrameStatuses.Ok), rows.Count(r => r.Status == FrameStatuses.Gated), failures.Count, failures,
            statistics.Wall.Elapsed, statistics.StageRates(), outputs, cancelled)
        {
            SteadyFramesPerSecond = statistics.SteadyRate(),
            PeakResidentBytes = PeakResident(),
            MissingFiles = statistics.MissingFiles,
            Emergence = results.Emergence?.Events ?? [],
            SetUpAndWrapUp = parts,
        };
    }
}
