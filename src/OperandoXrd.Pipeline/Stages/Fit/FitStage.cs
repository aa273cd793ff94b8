using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OperandoXrd.Pipeline.Checkpoints;
using OperandoXrd.Pipeline.Hosting;

namespace OperandoXrd.Pipeline.Stages;

/// <summary>
/// Puts integrated frames back in frame order and fits them one after another (frame n starts from frame n−1, so this
/// stage is sequential by nature). The pattern travels on with the fit; the fitted curve goes on in a pooled record.
/// Reads its channel to the end even after a stop request, so frames in flight are not lost; once the run has failed
/// (the sink could not write) the frames still coming are passed on unfitted, only to be drained.
/// </summary>
public sealed class FitStage(RunFitter fitter, RunStart start, RunChannels channels, RunCompletion completion,
    IHostApplicationLifetime lifetime, ILogger<FitStage> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var reader = channels.Patterns.Reader;
        var writer = channels.Fitted.Writer;
        try
        {
            var reorder = new ReorderBuffer<IntegratedFrame>(start.FirstFrame);
            var ready = new List<IntegratedFrame>();
            await foreach (var frame in reader.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
            {
                ready.Clear();
                reorder.Add(frame.Index, frame, ready);
                foreach (var f in ready)
                {
                    var fitted = completion.Task.IsFaulted ? new FittedFrame(f, null, null) : fitter.Fit(f);
                    await writer.WriteAsync(fitted, CancellationToken.None).ConfigureAwait(false);
                }
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await StageFailure.EndRunAsync(e, "fit", reader, completion, lifetime, log).ConfigureAwait(false);
        }
        finally
        {
            writer.TryComplete();
        }
    }
}
