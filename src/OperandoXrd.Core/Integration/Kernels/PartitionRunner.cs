using System.Runtime.ExceptionServices;

namespace OperandoXrd.Core.Integration.Kernels;

/// <summary>Work split into a fixed number of partitions, each run by exactly one thread.</summary>
internal interface IPartitionedWork
{
    void RunPartition(int partition, int partitions);
}

/// <summary>
/// A tiny fork-join pool: <c>workers − 1</c> dedicated background threads plus the caller. Parallel.For would do,
/// but it allocates its loop state and task objects on every call; a detector at 250 frames/s makes that thousands
/// of garbage objects per second for nothing. Here a frame costs two semaphore hand-offs and no allocation.
/// Not re-entrant: one <see cref="Run"/> at a time per runner (each integrator owns one).
/// </summary>
internal sealed class PartitionRunner : IDisposable
{
    private readonly Thread[] _threads;
    private readonly SemaphoreSlim[] _start;
    private readonly ManualResetEventSlim _done = new(false);
    private IPartitionedWork? _work;
    private int _remaining;
    private Exception? _error;
    private volatile bool _disposed;

    public PartitionRunner(int workers)
    {
        Workers = Math.Max(1, workers);
        _threads = new Thread[Workers - 1];
        _start = new SemaphoreSlim[Workers - 1];
        for (var i = 0; i < _threads.Length; i++)
        {
            _start[i] = new SemaphoreSlim(0);
            _threads[i] = new Thread(Loop) { IsBackground = true, Name = $"oxrd-integrate-{i + 1}" };
            _threads[i].Start(i);
        }
    }

    public int Workers { get; }

    public void Run(IPartitionedWork work)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (Workers == 1)
        {
            work.RunPartition(0, 1);
            return;
        }

        _work = work;
        _error = null;
        _done.Reset();
        Volatile.Write(ref _remaining, Workers - 1);
        foreach (var s in _start)
        {
            s.Release();
        }

        try
        {
            work.RunPartition(0, Workers);
        }
        catch (Exception e)
        {
            Interlocked.CompareExchange(ref _error, e, null);
        }

        _done.Wait();
        _work = null;
        if (_error is { } error)
        {
            ExceptionDispatchInfo.Capture(error).Throw();
        }
    }

    private void Loop(object? state)
    {
        var index = (int)state!;
        while (true)
        {
            _start[index].Wait();
            if (_disposed)
            {
                return;
            }

            try
            {
                _work!.RunPartition(index + 1, Workers);
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref _error, e, null);
            }

            if (Interlocked.Decrement(ref _remaining) == 0)
            {
                _done.Set();
            }
        }
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        foreach (var s in _start)
        {
            s.Release();
        }

        foreach (var t in _threads)
        {
            t.Join();
        }

        foreach (var s in _start)
        {
            s.Dispose();
        }

        _done.Dispose();
    }
}
