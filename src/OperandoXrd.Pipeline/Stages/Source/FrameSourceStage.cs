using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OperandoXrd.Core.Frames;
using OperandoXrd.Pipeline.Checkpoints;
using OperandoXrd.Pipeline.Configuration;
using OperandoXrd.Pipeline.Hosting;

namespace OperandoXrd.Pipeline.Stages;

/// <summary>
/// Reads frames in order into pooled buffers. Offline it reads every frame of the inputs; live it follows the files
/// (and new files in the scan folders) until the idle timeout or a stop. A frame that cannot be read goes downstream
/// as an error: it is reported in lattice.csv and the summary, and the run goes on. Any format the
/// <see cref="FrameSourceFactory"/> knows will do: following growing files and gaps in a file series are what a source
/// offers through <see cref="IFollowingFrameSource"/> and <see cref="ISeriesFrameSource"/>.
/// </summary>
public sealed class FrameSourceStage(IOptions<ReduceOptions> options, EchemCorrelator echem, RunIntegrator integration, RunStart start, RunChannels channels, RunStatistics statistics,
    RunCompletion completion, IHostApplicationLifetime lifetime, ILogger<FrameSourceStage> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken serviceStopping)
    {
        // The host stops services in reverse order, and the sink (registered last) waits for the frames in flight,
        // so this stage must hear Ctrl-C / SIGTERM from the application, not only from its own StopAsync — which
        // would come only after the sink had finished, that is never while frames keep coming.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(serviceStopping, lifetime.ApplicationStopping);
        var stoppingToken = stop.Token;
        var writer = channels.Frames.Writer;
        try
        {
            var o = options.Value;
            var following = o.Follow ? (IFollowingFrameSource)OpenInputs(o) : null;
            using var source = following ?? OpenInputs(o);
            var detector = integration.Poni.Detector;
            if (source.Rows != detector.Rows || source.Columns != detector.Columns)
            {
                throw new PipelineConfigException($"{source.Description}: frames are {source.Rows} x {source.Columns} but the PONI's detector {detector.Name} is {detector.Rows} x {detector.Columns}");
            }

            log.LogInformation("frames: {Description}, {Count} frames of {Rows} x {Columns} {DType}; times by rule {Rule}", source.Description, source.FrameCount, source.Rows, source.Columns, source.DType, source.TimeRule);
            WarnIfLogMissesFrames(source);
            var pixels = source.Rows * source.Columns;
            var next = start.FirstFrame;
            var idle = Stopwatch.StartNew();
            var gapsReported = 0;
            while (!stoppingToken.IsCancellationRequested)
            {
                statistics.FramesKnown = source.FrameCount;
                gapsReported = ReportGaps(source, gapsReported);
                while (next < source.FrameCount && !stoppingToken.IsCancellationRequested)
                {
                    await writer.WriteAsync(Read(source, next, pixels), stoppingToken).ConfigureAwait(false);
                    next++;
                    idle.Restart();
                }

                if (following is null)
                {
                    break;
                }

                if (following.Refresh() > next)
                {
                    continue;
                }

                if (idle.Elapsed.TotalSeconds > o.IdleTimeout_s)
                {
                    log.LogInformation("live: no new frame for {Seconds:F0} s, stopping", idle.Elapsed.TotalSeconds);
                    break;
                }

                await Task.Delay(TimeSpan.FromSeconds(o.PollInterval_s), stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            log.LogInformation("stop requested: finishing the frames in flight");
        }
        catch (Exception e) when (e is PipelineConfigException or FrameSourceException or IOException or InvalidDataException or UnauthorizedAccessException)
        {
            completion.Failed(e);
            lifetime.StopApplication();
        }
        finally
        {
            writer.TryComplete();
        }
    }

    /// <summary>The run's inputs as frames (following them live), time rule 4 from the options, the flip applied.</summary>
    public static IFrameSource OpenInputs(ReduceOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        var request = new FrameSourceRequest(o.Inputs, o.Dataset, new FrameTimeOptions { StartTime = o.StartTime, FramePeriodSeconds = o.FramePeriod_s }, o.Flip);
        return o.Follow ? FrameSourceFactory.Follow(request) : FrameSourceFactory.Open(request);
    }

    /// <summary>Before the first frame: a voltage log that misses the frames' time span, in full or in part, is said at once.</summary>
    private void WarnIfLogMissesFrames(IFrameSource source)
    {
        if (source.FrameCount == 0)
        {
            return;
        }

        var first = source.GetTiming(0);
        var last = source.GetTiming(source.FrameCount - 1);
        if (echem.Overlap(first.StartUnixSeconds, last.StartUnixSeconds + last.ExposureSeconds) is { } message)
        {
            log.LogWarning("echem: {Message}", message);
        }
    }

    /// <summary>
    /// Files missing from a LIMA series: one warning per file, naming it and the frames it would have held (each of
    /// those frames then goes downstream as a failed row, so lattice.csv and the numbering stay whole).
    /// </summary>
    private int ReportGaps(IFrameSource source, int reported)
    {
        if (source is not ISeriesFrameSource series)
        {
            return reported;
        }

        var gaps = series.Gaps;
        for (var k = reported; k < gaps.Count; k++)
        {
            var text = gaps[k].ToString();
            if (gaps[k].Unreadable is null)
            {
                log.LogWarning("missing file: {Gap}", text);
            }
            else
            {
                log.LogWarning("unreadable file: {Gap}", text);
            }

            statistics.MissingFile(text);
        }

        return gaps.Count;
    }

    private RawFrame Read(IFrameSource source, int index, int pixels)
    {
        var started = Stopwatch.GetTimestamp();
        FrameTiming timing = default;
        var buffer = integration.PixelBuffers.Rent();
        try
        {
            timing = source.GetTiming(index);
            source.ReadFrame(index, buffer.AsSpan(0, pixels));
            statistics.Read(Stopwatch.GetTimestamp() - started);
            return new RawFrame(index, timing, buffer, null);
        }
        catch (Exception e) when (e is FrameSourceException or InvalidDataException or IOException)
        {
            integration.PixelBuffers.Return(buffer);
            if (source is not ISeriesFrameSource series || !series.IsMissing(index))
            {
                // Frames of a missing file were reported with the file, once.
                log.LogWarning("frame {Frame} skipped: {Reason}", index, e.Message);
            }

            return new RawFrame(index, timing, null, e.Message);
        }
    }
}
