using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace OperandoXrd.Pipeline.Hosting;

/// <summary>
/// What a stage does when something it did not expect goes wrong: the run ends with that error (logged with its
/// stack), and the stage keeps reading its input to the end, so that no stage before it is left blocked on a full
/// channel that nobody reads any more (the host would wait for it for ever).
/// </summary>
public static class StageFailure
{
    public static async Task EndRunAsync<T>(Exception error, string stage, ChannelReader<T> input, RunCompletion completion, IHostApplicationLifetime lifetime, ILogger log, Action<T>? release = null)
    {
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(completion);
        ArgumentNullException.ThrowIfNull(lifetime);
        completion.Failed(error);
        lifetime.StopApplication();
        log.LogError(error, "the run failed in the {Stage} stage: {Message}", stage, error.Message);
        await DrainAsync(input, release).ConfigureAwait(false);
    }

    /// <summary>Reads <paramref name="input"/> to its end, handing each item to <paramref name="release"/> (buffers back to their pools).</summary>
    public static async Task DrainAsync<T>(ChannelReader<T> input, Action<T>? release = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        while (await input.WaitToReadAsync().ConfigureAwait(false))
        {
            while (input.TryRead(out var item))
            {
                release?.Invoke(item);
            }
        }
    }
}
