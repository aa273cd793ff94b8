namespace OperandoXrd.Core.Frames;

/// <summary>Element type of the frames as stored on disk. Readers convert once into the integrator's input type.</summary>
public enum FrameDType
{
    Int32,
    UInt32,
    UInt16,
    Float32,
}

/// <summary>Which of the frame-time rules (docs/formats.md) produced the frame times (reported in the log and by <c>oxrd inspect</c>).</summary>
public enum FrameTimeRule
{
    /// <summary>Rule 1: per-frame absolute times (BLISS <c>measurement/epoch</c>).</summary>
    EpochPerFrame,
    /// <summary>Rule 2: NeXus <c>start_time</c> plus per-frame relative seconds (<c>time_of_frame</c>, <c>elapsed_time</c>).</summary>
    StartTimePlusRelative,
    /// <summary>Rule 3: <c>start_time</c> plus index × (exposure + latency).</summary>
    StartTimePlusPeriod,
    /// <summary>Rule 4: <c>--start-time</c> and <c>--frame-period</c> from the command line or pipeline config.</summary>
    Configured,
    /// <summary>Nothing known: times are the frame index in seconds from 0 and say so.</summary>
    Unknown,
}

/// <summary>
/// When a frame was taken. Absolute time as seconds since 1970-01-01 UTC in a double: 52 bits of mantissa keep
/// sub-microsecond resolution for dates of this century, far finer than any detector's exposure.
/// </summary>
public readonly record struct FrameTiming(double StartUnixSeconds, double ExposureSeconds)
{
    public double MidExposureUnixSeconds => StartUnixSeconds + 0.5 * ExposureSeconds;

    public DateTimeOffset Start => DateTimeOffset.UnixEpoch.AddTicks((long)Math.Round(StartUnixSeconds * TimeSpan.TicksPerSecond));
}

/// <summary>
/// A sequence of 2D detector frames (one file, a file series, a virtual dataset, a Dectris master...). Frames are
/// addressed by a global index 0..FrameCount-1. Implementations are not required to be thread-safe for reads;
/// callers that read in parallel take one source per worker or serialize through the source's own lock.
/// </summary>
public interface IFrameSource : IDisposable
{
    /// <summary>File and dataset, for messages.</summary>
    string Description { get; }

    /// <summary>Frames readable now. For a source that follows a growing file this grows after <see cref="IFollowingFrameSource.Refresh"/>.</summary>
    int FrameCount { get; }

    /// <summary>Slow axis (detector rows, 1679 for Pilatus2M).</summary>
    int Rows { get; }

    /// <summary>Fast axis (detector columns, 1475 for Pilatus2M).</summary>
    int Columns { get; }

    FrameDType DType { get; }

    FrameTimeRule TimeRule { get; }

    FrameTiming GetTiming(int index);

    /// <summary>Reads frame <paramref name="index"/> as counts. Float32 sources throw: read them as float.</summary>
    void ReadFrame(int index, Span<int> destination);

    /// <summary>Reads frame <paramref name="index"/> as float32 (exact for counts below 2^24, which covers Pilatus' 20-bit counter).</summary>
    void ReadFrame(int index, Span<float> destination);
}

/// <summary>A source over files that another process is still writing.</summary>
public interface IFollowingFrameSource : IFrameSource
{
    /// <summary>Looks again at the files and returns the new <see cref="IFrameSource.FrameCount"/>. Never goes backwards.</summary>
    int Refresh();

    /// <summary>True once the writer has closed the sequence (all pre-sized frames written, or the writer marked it finished).</summary>
    bool IsComplete { get; }

    /// <summary>
    /// Why the scan is over as the files say (a LIMA acquisition's <c>nb_frames</c> all written, BLISS <c>end_time</c>
    /// written, every listed file's pre-sized frames written), null while more frames may come. Looked at by
    /// <see cref="Refresh"/>, before it counts the frames, so that frames written before the end are counted.
    /// </summary>
    string? ScanEnd { get; }

    /// <summary>What the source waits for when <see cref="Refresh"/> finds nothing new, for one line in the log ("the next file in /data/scan (after scan_0002.h5)").</summary>
    string WaitingFor { get; }
}
