using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using OperandoXrd.Pipeline.Hosting;

namespace OperandoXrd.Pipeline.Stages;

/// <summary>
/// Integrates frames as they come, in any order, with the one sparse matrix built at start. The kernel itself runs on
/// every core, so one worker is the default; more workers overlap decompression and integration on bigger machines.
/// It reads its channel to the end even after a stop request, so frames in flight are not lost.
/// </summary>
public sealed class IntegrationStage(ReductionContext context) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var writer = context.Patterns.Writer;
        try
        {
            var workers = Enumerable.Range(0, context.Options.IntegrationWorkers).Select(_ => Task.Run(Work, CancellationToken.None)).ToArray();
            await Task.WhenAll(workers).ConfigureAwait(false);
        }
        finally
        {
            writer.TryComplete();
        }
    }

    private async Task Work()
    {
        var reader = context.Frames.Reader;
        var writer = context.Patterns.Writer;
        var pattern = context.Integrator.CreatePattern();
        var pixels = context.Poni.Detector.Rows * context.Poni.Detector.Columns;
        await foreach (var raw in reader.ReadAllAsync().ConfigureAwait(false))
        {
            IntegratedFrame result;
            if (raw.Pixels is null)
            {
                result = new IntegratedFrame(raw.Index, raw.Timing, null, null, raw.Error);
            }
            else
            {
                var started = Stopwatch.GetTimestamp();
                try
                {
                    // The shared integrator's engine is not re-entrant: workers take turns on it.
                    lock (context.Integrator)
                    {
                        context.Integrator.Integrate(raw.Pixels.AsSpan(0, pixels), pattern);
                    }

                    result = new IntegratedFrame(raw.Index, raw.Timing, (double[])pattern.Intensity.Clone(), (double[])pattern.Sigma.Clone(), null);
                    context.Statistics.Integrated(Stopwatch.GetTimestamp() - started);
                }
                catch (ArgumentException e)
                {
                    result = new IntegratedFrame(raw.Index, raw.Timing, null, null, $"integration: {e.Message}");
                }
                finally
                {
                    context.FrameBuffers.Return(raw.Pixels);
                }
            }

            await writer.WriteAsync(result).ConfigureAwait(false);
        }
    }
}
