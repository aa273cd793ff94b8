using System.Collections.Concurrent;

namespace OperandoXrd.Pipeline.Hosting;

/// <summary>
/// Buffers that travel down the stages and come back: pixel buffers (source → integrator), patterns (integrator →
/// sink) and fitted curves (fitter → sink). The run's own pools rather than <c>ArrayPool.Shared</c>: the shared pool
/// keeps returned arrays per core and per thread, so how many multi-megabyte frames it held on to depended on how
/// long the run had been cycling them (peak memory grew over the first few hundred frames). Here at most
/// <see cref="MaxRetained"/> buffers are kept — what the channels can hold in flight — and one beyond that goes to
/// the GC; a rent from an empty pool makes a new one, so a stage never waits on the pool.
/// </summary>
public sealed class BoundedPool<T>(Func<T> create, int maxRetained)
    where T : class
{
    private readonly ConcurrentBag<T> _free = [];

    public int MaxRetained { get; } = maxRetained;

    public T Rent() => _free.TryTake(out var item) ? item : create();

    public void Return(T item)
    {
        ArgumentNullException.ThrowIfNull(item);
        // Two threads returning at once may both see room: the bound is kept to within a buffer or two, which is all
        // it is for.
        if (_free.Count < MaxRetained)
        {
            _free.Add(item);
        }
    }
}
