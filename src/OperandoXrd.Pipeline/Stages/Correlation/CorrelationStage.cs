using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OperandoXrd.Pipeline.Configuration;
using OperandoXrd.Pipeline.Hosting;
using OperandoXrd.Pipeline.Outputs;

namespace OperandoXrd.Pipeline.Stages;

/// <summary>
/// Puts each fitted frame on the voltage log's clock (voltage, current, capacity, x(Li) at its mid-exposure time) and
/// hands the finished row to the sink, in frame order. Live, the log is read again every checkpoint interval, so
/// frames are matched with the rows the cycler has written by then. Reads its channel to the end, so frames in flight
/// are not lost.
/// </summary>
public sealed class CorrelationStage(IOptions<ReduceOptions> options, EchemCorrelator correlator, RunChannels channels, RunCompletion completion,
    IHostApplicationLifetime lifetime, ILogger<CorrelationStage> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var reader = channels.Fitted.Reader;
        var writer = channels.Completed.Writer;
        var refreshed = Stopwatch.StartNew();
        var interval = TimeSpan.FromSeconds(options.Value.CheckpointInterval_s);
        try
        {
            await foreach (var fitted in reader.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
            {
                if (refreshed.Elapsed >= interval)
                {
                    correlator.Refresh();
                    refreshed.Restart();
                }

                await writer.WriteAsync(Complete(correlator, fitted), CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await StageFailure.EndRunAsync(e, "correlation", reader, completion, lifetime, log).ConfigureAwait(false);
        }
        finally
        {
            writer.TryComplete();
        }
    }

    /// <summary>The row of a fitted frame, with the buffers the sink writes.</summary>
    public static CompletedFrame Complete(EchemCorrelator correlator, FittedFrame fitted)
    {
        ArgumentNullException.ThrowIfNull(correlator);
        ArgumentNullException.ThrowIfNull(fitted);
        var frame = fitted.Frame;
        var row = new FrameRow(frame.Index, frame.Timing, frame.Error, fitted.Fit, correlator.At(frame.Timing));
        return new CompletedFrame(row, frame.Pattern, fitted.Curve);
    }
}
