using System.Diagnostics;
using System.Globalization;
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
            var idle = Stopwatch.StartNew();
            var following = o.Follow ? await OpenWhenThere(o, idle, stoppingToken).ConfigureAwait(false) : null;
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
            var last = o.ExpectedFrames ?? int.MaxValue;
            var marker = EndMarkerPath(o);
            string? waitLogged = null;
            idle.Restart();
            var gapsReported = 0;
            while (!stoppingToken.IsCancellationRequested)
            {
                statistics.FramesKnown = Math.Min(source.FrameCount, last);
                gapsReported = ReportGaps(source, gapsReported);
                while (next < Math.Min(source.FrameCount, last) && !stoppingToken.IsCancellationRequested)
                {
                    await writer.WriteAsync(Read(source, next, pixels), stoppingToken).ConfigureAwait(false);
                    next++;
                    idle.Restart();
                }

                if (following is null)
                {
                    break;
                }

                if (next >= last)
                {
                    End($"--frames {last.ToString(CultureInfo.InvariantCulture)}: every expected frame read");
                    break;
                }

                // The marker is looked for before the files: frames written before it appeared are read first.
                var marked = marker is not null && File.Exists(marker);
                if (following.Refresh() > next)
                {
                    continue;
                }

                if (marked)
                {
                    End($"end marker {marker} present");
                    break;
                }

                if (following.ScanEnd is { } scanEnd)
                {
                    End(scanEnd);
                    break;
                }

                if (idle.Elapsed.TotalSeconds > o.IdleTimeout_s)
                {
                    End(string.Create(CultureInfo.InvariantCulture, $"idle timeout: no new frame for {idle.Elapsed.TotalSeconds:F0} s (waiting for {following.WaitingFor})"));
                    break;
                }

                // A pause is said once, with what the run waits for; not at every look, nor between frames of a steady scan.
                if (idle.Elapsed > WaitWorthSaying && following.WaitingFor is var waiting && waiting != waitLogged)
                {
                    log.LogInformation("live: waiting for {What}", waiting);
                    waitLogged = waiting;
                }

                await Task.Delay(TimeSpan.FromSeconds(o.PollInterval_s), stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            log.LogInformation("stop requested: finishing the frames in flight");
            statistics.EndedBy ??= "stop requested (Ctrl-C or SIGTERM)";
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

        void End(string why)
        {
            log.LogInformation("live: end of scan: {Why}", why);
            statistics.EndedBy = why;
        }
    }

    /// <summary>How long a live run goes without a frame before the log says what it waits for.</summary>
    private static readonly TimeSpan WaitWorthSaying = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Live: opens the inputs once there is something to read — the folder's first file, the first listed file, a
    /// first file readable — saying once what it waits for; gives up after the idle timeout.
    /// </summary>
    private async Task<IFollowingFrameSource> OpenWhenThere(ReduceOptions o, Stopwatch idle, CancellationToken stoppingToken)
    {
        string? said = null;
        while (true)
        {
            try
            {
                return (IFollowingFrameSource)OpenInputs(o);
            }
            catch (FramesNotYetException e)
            {
                if (e.Reason != said)
                {
                    log.LogInformation("live: waiting for {What}", e.Reason);
                    said = e.Reason;
                }

                if (idle.Elapsed.TotalSeconds > o.IdleTimeout_s)
                {
                    throw new FrameSourceException(e.File, null, null,
                        string.Create(CultureInfo.InvariantCulture, $"nothing to read after the idle timeout ({o.IdleTimeout_s:0.#} s): still waiting for {e.Reason}"), e);
                }
            }

            await Task.Delay(TimeSpan.FromSeconds(o.PollInterval_s), stoppingToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The pipeline's <c>follow.endMarker</c> as a path: an absolute path as is, a name in the scan folder (the first
    /// input folder, else the folder of the first input file).
    /// </summary>
    public static string? EndMarkerPath(ReduceOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        if (o.Pipeline?.EndMarker is not { } marker || o.Inputs.Count == 0)
        {
            return null;
        }

        var folder = o.Inputs.FirstOrDefault(Directory.Exists) ?? Path.GetDirectoryName(Path.GetFullPath(o.Inputs[0])) ?? ".";
        return Path.GetFullPath(Path.Combine(folder, marker));
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
