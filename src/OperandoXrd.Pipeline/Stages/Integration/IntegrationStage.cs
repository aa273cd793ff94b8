using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OperandoXrd.Pipeline.Configuration;
using OperandoXrd.Pipeline.Hosting;

namespace OperandoXrd.Pipeline.Stages;

/// <summary>
/// Integrates frames as they come, in any order, with the one sparse matrix built at start. The kernel itself runs on
/// every core, so one worker is the default; more workers overlap decompression and integration on bigger machines.
/// Each frame is integrated into a pattern from the run's pool, which travels on to the sink as it is (no copy).
/// It reads its channel to the end even after a stop request, so frames in flight are not lost.
/// </summary>
public sealed class IntegrationStage(IOptions<ReduceOptions> options, RunIntegrator integration, RunChannels channels, RunStatistics statistics) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var writer = channels.Patterns.Writer;
        try
        {
            var workers = Enumerable.Range(0, options.Value.IntegrationWorkers).Select(_ => Task.Run(Work, CancellationToken.None)).ToArray();
            await Task.WhenAll(workers).ConfigureAwait(false);
        }
        finally
        {
            writer.TryComplete();
        }
    }

    private async Task Work()
    {
        var reader = channels.Frames.Reader;
        var writer = channels.Patterns.Writer;
        var integrator = integration.Integrator;
        await foreach (var raw in reader.ReadAllAsync().ConfigureAwait(false))
        {
            IntegratedFrame result;
            if (raw.Pixels is null)
            {
                result = new IntegratedFrame(raw.Index, raw.Timing, null, raw.Error);
            }
            else
            {
                var started = Stopwatch.GetTimestamp();
                var pattern = integration.Patterns.Rent();
                try
                {
                    // The shared integrator's engine is not re-entrant: workers take turns on it.
                    lock (integrator)
                    {
                        integrator.Integrate(raw.Pixels.AsSpan(0, integration.FramePixels), pattern);
                    }

                    result = new IntegratedFrame(raw.Index, raw.Timing, pattern, null);
                    statistics.Integrated(Stopwatch.GetTimestamp() - started);
                }
                catch (ArgumentException e)
                {
                    integration.Patterns.Return(pattern);
                    result = new IntegratedFrame(raw.Index, raw.Timing, null, $"integration: {e.Message}");
                }
                finally
                {
                    integration.PixelBuffers.Return(raw.Pixels);
                }
            }

            await writer.WriteAsync(result).ConfigureAwait(false);
        }
    }
}
