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
    private int _retained;

    public int Length { get; } = length;

    public int MaxRetained { get; } = maxRetained;

    public int[] Rent()
    {
        if (_free.TryTake(out var buffer))
        {
            Interlocked.Decrement(ref _retained);
            return buffer;
        }

        return GC.AllocateUninitializedArray<int>(Length);
    }

    public void Return(int[] buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        if (buffer.Length != Length || Interlocked.Increment(ref _retained) > MaxRetained)
        {
            if (buffer.Length == Length)
            {
                Interlocked.Decrement(ref _retained);
            }

            return;
        }

        _free.Add(buffer);
    }
}
