namespace OperandoXrd.Pipeline.Hosting;

/// <summary>
/// Several workers finish frames out of order; the sinks (lattice.csv, reduced.h5, the viewer) want them in frame
/// order. Items wait here until every earlier index has arrived. The buffer holds at most the number of frames in
/// flight, which the bounded channels upstream already limit, so memory stays flat however long the run.
/// </summary>
public sealed class ReorderBuffer<T>
{
    private readonly SortedDictionary<long, T> _pending = [];

    public ReorderBuffer(long firstIndex) => NextIndex = firstIndex;

    /// <summary>The index the sinks expect next.</summary>
    public long NextIndex { get; private set; }

    public int PendingCount => _pending.Count;

    /// <summary>Adds one finished item and appends to <paramref name="ready"/> every item now in order.</summary>
    public void Add(long index, T item, List<T> ready)
    {
        ArgumentNullException.ThrowIfNull(ready);
        if (index < NextIndex || !_pending.TryAdd(index, item))
        {
            throw new InvalidOperationException($"frame {index} arrived twice (next expected {NextIndex})");
        }

        while (_pending.Remove(NextIndex, out var next))
        {
            ready.Add(next);
            NextIndex++;
        }
    }
}
