using System.Diagnostics;

namespace OperandoXrd.Pipeline.Hosting;

/// <summary>Per-stage busy time and counts, updated by the stages, read by the progress display and the summary.</summary>
public sealed class RunStatistics
{
    private long _read, _integrated, _fitted, _written, _readTicks, _integrateTicks, _fitTicks;

    public Stopwatch Wall { get; } = Stopwatch.StartNew();

    public int FramesRead => (int)Interlocked.Read(ref _read);

    public int FramesIntegrated => (int)Interlocked.Read(ref _integrated);

    public int FramesFitted => (int)Interlocked.Read(ref _fitted);

    public int FramesWritten => (int)Interlocked.Read(ref _written);

    /// <summary>Frames the source knows of (grows in live mode).</summary>
    public int FramesKnown { get; set; }

    public void Read(long ticks)
    {
        Interlocked.Increment(ref _read);
        Interlocked.Add(ref _readTicks, ticks);
    }

    public void Integrated(long ticks)
    {
        Interlocked.Increment(ref _integrated);
        Interlocked.Add(ref _integrateTicks, ticks);
    }

    public void Fitted(long ticks)
    {
        Interlocked.Increment(ref _fitted);
        Interlocked.Add(ref _fitTicks, ticks);
    }

    public void Written() => Interlocked.Increment(ref _written);

    /// <summary>Frames per second of busy time in each stage: what the stage could sustain on its own.</summary>
    public (double Read, double Integrate, double Fit) StageRates() =>
        (Rate(_read, _readTicks), Rate(_integrated, _integrateTicks), Rate(_fitted, _fitTicks));

    private static double Rate(long count, long ticks) => ticks > 0 ? count / (ticks / (double)Stopwatch.Frequency) : double.NaN;
}

/// <summary>One line of progress: what a terminal display or a log line shows.</summary>
public sealed record RunProgress(int FramesWritten, int FramesKnown, int FramesFailed, double FramesPerSecond, double LastGoF, IReadOnlyDictionary<string, double> LastValues);

/// <summary>What a finished run reports.</summary>
public sealed record RunSummary(
    int Frames,
    int Ok,
    int Gated,
    int Failed,
    IReadOnlyList<(int Frame, string Reason)> Failures,
    TimeSpan Elapsed,
    (double Read, double Integrate, double Fit) StageRates,
    IReadOnlyList<string> Outputs,
    bool Cancelled)
{
    /// <summary>Files missing from the input series, each with the frames it would have held (those are failed rows).</summary>
    public IReadOnlyList<string> MissingFiles { get; init; } = [];
}

/// <summary>Watches a run from outside the host: progress display, live viewer.</summary>
public interface IReductionObserver
{
    void OnProgress(RunProgress progress);

    /// <summary>A frame is done, in frame order. Must not block: the viewer drops frames rather than slow the run.</summary>
    void OnFrame(Outputs.FrameRow row, ReadOnlySpan<double> radial, ReadOnlySpan<double> intensity, ReadOnlySpan<double> calculated);
}
