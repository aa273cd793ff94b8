using System.Diagnostics.CodeAnalysis;
using System.Threading.Channels;

namespace OperandoXrd.Viewer.Feeds;

/// <summary>
/// Where the viewer's frames come from. The render loop only ever calls <see cref="TryRead"/>, so a feed must never
/// make it wait, and a slow viewer must never make the feed's producer wait either.
/// </summary>
public interface IRunFeed : IDisposable
{
    /// <summary>What the feed follows, for the title bar (a folder, "live pipeline").</summary>
    string Description { get; }

    /// <summary>The next frame if one is ready, without waiting.</summary>
    bool TryRead([MaybeNullWhen(false)] out ViewerFrame frame);

    /// <summary>Frames the producer handed over that the viewer never got (dropped to keep up).</summary>
    long Dropped { get; }

    /// <summary>Frames the source holds right now (read or not yet read): the default for <c>--after-frames</c>.</summary>
    int AvailableFrames { get; }

    /// <summary>True when no frame will ever come again (the channel was completed).</summary>
    bool IsComplete { get; }

    /// <summary>A short note on the feed's state ("waiting for reduced.h5", a parse problem), or null.</summary>
    string? Status { get; }

    /// <summary>The run's emergence events so far, in the order reported: the same list object until a new one comes.</summary>
    IReadOnlyList<EmergenceMark> Emergence { get; }
}

/// <summary>
/// The in-process link from the pipeline host to the viewer: a bounded channel that drops its oldest frame instead
/// of making the writer wait, and counts what it dropped.
/// </summary>
public sealed class ViewerChannel
{
    private readonly Channel<ViewerFrame> _channel;
    private long _dropped;
    private volatile IReadOnlyList<EmergenceMark> _emergence = [];

    public ViewerChannel(int capacity = 32)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        _channel = Channel.CreateBounded<ViewerFrame>(
            new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            _ => Interlocked.Increment(ref _dropped));
    }

    /// <summary>The host's end: <c>TryWrite</c> always succeeds at once (until completed).</summary>
    public ChannelWriter<ViewerFrame> Writer => _channel.Writer;

    public ChannelReader<ViewerFrame> Reader => _channel.Reader;

    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>The host's end for emergence events (rare: the list is copied, so the viewer's stays unchanged).</summary>
    public void Report(EmergenceMark mark)
    {
        ArgumentNullException.ThrowIfNull(mark);
        lock (_channel)
        {
            _emergence = [.. _emergence, mark];
        }
    }

    /// <summary>The viewer's end.</summary>
    public IRunFeed ToFeed(string description = "live pipeline") => new ChannelRunFeed(Reader, description, () => Dropped, () => _emergence);
}

/// <summary>
/// A feed over any <see cref="ChannelReader{T}"/>; <paramref name="dropped"/> reports the producer's drop count,
/// <paramref name="emergence"/> its emergence events.
/// </summary>
public sealed class ChannelRunFeed(ChannelReader<ViewerFrame> reader, string description, Func<long>? dropped = null, Func<IReadOnlyList<EmergenceMark>>? emergence = null) : IRunFeed
{
    private static readonly IReadOnlyList<EmergenceMark> None = [];
    private int _read;

    public string Description => description;

    public long Dropped => dropped?.Invoke() ?? 0;

    public int AvailableFrames => _read + (reader.CanCount ? reader.Count : 0);

    public bool IsComplete => reader.Completion.IsCompleted;

    public string? Status => null;

    public IReadOnlyList<EmergenceMark> Emergence => emergence?.Invoke() ?? None;

    public bool TryRead([MaybeNullWhen(false)] out ViewerFrame frame)
    {
        if (reader.TryRead(out frame))
        {
            _read++;
            return true;
        }

        return false;
    }

    public void Dispose() { }
}
