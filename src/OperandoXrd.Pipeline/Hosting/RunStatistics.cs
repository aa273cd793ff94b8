using System.Diagnostics;

namespace OperandoXrd.Pipeline.Hosting;

/// <summary>Per-stage busy time and counts, updated by the stages, read by the progress display and the summary.</summary>
public sealed class RunStatistics
{
    private readonly List<string> _missingFiles = [];
    private long _read, _integrated, _fitted, _written, _readTicks, _integrateTicks, _fitTicks, _firstWrittenTicks, _steadyStartTicks, _lastWrittenTicks;

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
        if (Interlocked.Increment(ref _fitted) == 1)
        {
            ReferenceFitSeconds = ticks / (double)Stopwatch.Frequency;
        }

        Interlocked.Add(ref _fitTicks, ticks);
    }

    /// <summary>The first frame's fit (the reference fit, from the pipeline's starting values), seconds; NaN before.</summary>
    public double ReferenceFitSeconds { get; private set; } = double.NaN;

    /// <summary>
    /// Frames written before the steady rate starts counting. While the reference frame is fitted, the reader and
    /// the integrator run ahead and fill the channels; the frames in that backlog then come out at the fitter's rate
    /// alone. The host sets this to a little more than what the channels and the reorder buffer can hold.
    /// </summary>
    public int SteadyAfter { get; set; } = 24;

    public void Written()
    {
        var n = Interlocked.Increment(ref _written);
        var now = Wall.ElapsedTicks;
        if (n == 1)
        {
            _firstWrittenTicks = now;
        }

        if (n == SteadyAfter)
        {
            _steadyStartTicks = now;
        }

        _lastWrittenTicks = now;
    }

    /// <summary>Files missing from the input series, as the source reported them (for the summary).</summary>
    public IReadOnlyList<string> MissingFiles
    {
        get
        {
            lock (_missingFiles)
            {
                return [.. _missingFiles];
            }
        }
    }

    public void MissingFile(string description)
    {
        lock (_missingFiles)
        {
            _missingFiles.Add(description);
        }
    }

    /// <summary>
    /// Frames per second once the run is set up and the start-up backlog is out, without the final outputs: what a
    /// long archive or a live run sees. Runs too short for that fall back to first frame written to last.
    /// </summary>
    public double SteadyRate()
    {
        var n = Interlocked.Read(ref _written);
        var (from, count) = n >= 2 * SteadyAfter ? (_steadyStartTicks, n - SteadyAfter) : (_firstWrittenTicks, n - 1);
        var span = (_lastWrittenTicks - from) / (double)Stopwatch.Frequency;
        return count > 0 && span > 0 ? count / span : double.NaN;
    }

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
    /// <summary>Frames/s once set up (see <see cref="RunStatistics.SteadyRate"/>); NaN for under 2 frames.</summary>
    public double SteadyFramesPerSecond { get; init; } = double.NaN;

    /// <summary>The process's peak resident memory when the run ended (bytes): what a beamline machine must have free.</summary>
    public long PeakResidentBytes { get; init; }

    /// <summary>Files missing from the input series, each with the frames it would have held (those are failed rows).</summary>
    public IReadOnlyList<string> MissingFiles { get; init; } = [];

    /// <summary>What set-up and wrap-up cost, part by part (matrix, reference fit, each final output), for the summary's timing line.</summary>
    public IReadOnlyList<(string Part, double Seconds)> SetUpAndWrapUp { get; init; } = [];

    /// <summary>New phases (or unindexed peaks) the emergence detector reported, in order.</summary>
    public IReadOnlyList<Fitting.Emergence.EmergenceEvent> Emergence { get; init; } = [];
}

/// <summary>Watches a run from outside the host: progress display, live viewer.</summary>
public interface IReductionObserver
{
    void OnProgress(RunProgress progress);

    /// <summary>A frame is done, in frame order. Must not block: the viewer drops frames rather than slow the run.</summary>
    void OnFrame(Outputs.FrameRow row, ReadOnlySpan<double> radial, ReadOnlySpan<double> intensity, ReadOnlySpan<double> calculated);

    /// <summary>A new phase (or a set of unindexed peaks) was seen; on the fitting thread, must not block.</summary>
    void OnEmergence(Fitting.Emergence.EmergenceEvent emergence)
    {
    }
}
