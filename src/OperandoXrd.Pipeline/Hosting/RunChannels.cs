using System.Threading.Channels;
using OperandoXrd.Pipeline.Configuration;
using OperandoXrd.Pipeline.Stages;

namespace OperandoXrd.Pipeline.Hosting;

/// <summary>
/// The bounded channels between the stages: source → integration → fit → correlation → sink. Each holds at most
/// <see cref="ReduceOptions.ChannelCapacity"/> frames, so a slow stage holds the ones before it back instead of
/// letting frames pile up in memory.
/// </summary>
public sealed class RunChannels
{
    public RunChannels(ReduceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Capacity = options.ChannelCapacity;
        Frames = Bounded<RawFrame>(singleReader: false, singleWriter: true);
        Patterns = Bounded<IntegratedFrame>(singleReader: true, singleWriter: false);
        Fitted = Bounded<FittedFrame>(singleReader: true, singleWriter: true);
        Completed = Bounded<CompletedFrame>(singleReader: true, singleWriter: true);
    }

    public int Capacity { get; }

    /// <summary>Source → integration workers (pixels in the run's pixel-buffer pool).</summary>
    public Channel<RawFrame> Frames { get; }

    /// <summary>Integration workers → fit stage, in any order (patterns in the run's pattern pool).</summary>
    public Channel<IntegratedFrame> Patterns { get; }

    /// <summary>Fit stage → correlation stage, in frame order.</summary>
    public Channel<FittedFrame> Fitted { get; }

    /// <summary>Correlation stage → sink, in frame order.</summary>
    public Channel<CompletedFrame> Completed { get; }

    /// <summary>Frames that can be on their way at once between the integrator and the sink (for sizing the pools).</summary>
    public int InFlight(int integrationWorkers) => (3 * Capacity) + integrationWorkers + 4;

    private Channel<T> Bounded<T>(bool singleReader, bool singleWriter) =>
        Channel.CreateBounded<T>(new BoundedChannelOptions(Capacity) { SingleReader = singleReader, SingleWriter = singleWriter, FullMode = BoundedChannelFullMode.Wait });
}
