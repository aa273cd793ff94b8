using System.Collections.Concurrent;

namespace OperandoXrd.Pipeline.Hosting;

/// <summary>
/// Pixel buffers for raw frames, rented by the source and returned by the integrator. The run's own pool rather than
/// <c>ArrayPool.Shared</c>: the shared pool keeps returned arrays per core and per thread, so how many multi-megabyte
/// frames it holds on to depended on how long the run had been cycling them (peak memory grew over the first few
/// hundred frames). Here at most <see cref="MaxRetained"/> buffers are kept — what the channels can hold in flight —
/// and a buffer beyond that goes to the GC.
/// </summary>
public sealed class FrameBufferPool(int length, int maxRetained)
{
    private readonly ConcurrentBag<int[]> _free = [];

    public int Length { get; } = length;

    public int MaxRetained { get; } = maxRetained;

    public int[] Rent() => _free.TryTake(out var buffer) ? buffer : GC.AllocateUninitializedArray<int>(Length);

    public void Return(int[] buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        // Two threads returning at once may both see room: the bound is kept to within a buffer or two, which is all
        // it is for.
        if (buffer.Length == Length && _free.Count < MaxRetained)
        {
            _free.Add(buffer);
        }
    }
}
