using System.Buffers;

namespace OperandoXrd.Core.Frames;

/// <summary>
/// A mirror applied to every frame as it is read, so that every command sees the same image. Dioptas flips each image
/// up–down when it loads it (<c>data[::-1]</c>), so a PONI calibrated in Dioptas describes the flipped image:
/// <see cref="UpDown"/> reproduces that (<c>--flip-ud</c>, pipeline <c>"integration": { "flip": "ud" }</c>).
/// </summary>
public enum FrameFlip
{
    /// <summary>Rows as stored (as fabio reads them).</summary>
    None,

    /// <summary>Row order reversed: row 0 becomes the last stored row (numpy <c>flipud</c>, what Dioptas shows).</summary>
    UpDown,
}

/// <summary>Parsing and applying <see cref="FrameFlip"/>.</summary>
public static class FrameFlips
{
    /// <summary>"none" or "ud" (also "updown", "up-down", "flipud"); anything else throws <see cref="ArgumentException"/>.</summary>
    public static FrameFlip Parse(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        null or "" or "none" => FrameFlip.None,
        "ud" or "updown" or "up-down" or "flipud" => FrameFlip.UpDown,
        _ => throw new ArgumentException($"flip '{text}' is not known (none or ud)"),
    };

    public static string Name(FrameFlip flip) => flip == FrameFlip.UpDown ? "ud" : "none";

    /// <summary>Reverses the row order of a row-major <paramref name="rows"/> × <paramref name="columns"/> frame in place.</summary>
    public static void FlipUpDown<T>(Span<T> frame, int rows, int columns)
    {
        var row = ArrayPool<T>.Shared.Rent(columns);
        try
        {
            var temp = row.AsSpan(0, columns);
            for (int top = 0, bottom = rows - 1; top < bottom; top++, bottom--)
            {
                var a = frame.Slice(top * columns, columns);
                var b = frame.Slice(bottom * columns, columns);
                a.CopyTo(temp);
                b.CopyTo(a);
                temp.CopyTo(b);
            }
        }
        finally
        {
            ArrayPool<T>.Shared.Return(row);
        }
    }

    /// <summary><paramref name="source"/> itself for <see cref="FrameFlip.None"/>, else a source that mirrors every frame it reads.</summary>
    public static IFrameSource Apply(IFrameSource source, FrameFlip flip) =>
        flip == FrameFlip.None ? source : new FlippedFrameSource(source, flip);

    /// <summary>The same for a source that follows growing files.</summary>
    public static IFollowingFrameSource Apply(IFollowingFrameSource source, FrameFlip flip) =>
        flip == FrameFlip.None ? source : new FlippedFrameSource(source, flip);
}

/// <summary>
/// Any frame source, mirrored (<see cref="FrameFlip"/>); times, count, following and series gaps are the inner
/// source's (a source that does not follow reports itself complete; one without series has no gaps).
/// </summary>
public sealed class FlippedFrameSource(IFrameSource inner, FrameFlip flip) : IFollowingFrameSource, ISeriesFrameSource
{
    /// <summary>The source as read from disk.</summary>
    public IFrameSource Inner { get; } = inner;

    public FrameFlip Flip { get; } = flip;

    public string Description => $"{Inner.Description} (flipped {FrameFlips.Name(Flip)})";

    public int FrameCount => Inner.FrameCount;

    public int Rows => Inner.Rows;

    public int Columns => Inner.Columns;

    public FrameDType DType => Inner.DType;

    public FrameTimeRule TimeRule => Inner.TimeRule;

    public bool IsComplete => Inner is not IFollowingFrameSource f || f.IsComplete;

    public string? ScanEnd => Inner is IFollowingFrameSource f ? f.ScanEnd : "finished files";

    public string WaitingFor => Inner is IFollowingFrameSource f ? f.WaitingFor : "nothing (finished files)";

    public IReadOnlyList<SeriesGap> Gaps => Inner is ISeriesFrameSource s ? s.Gaps : [];

    public bool IsMissing(int index) => Inner is ISeriesFrameSource s && s.IsMissing(index);

    public FrameTiming GetTiming(int index) => Inner.GetTiming(index);

    public int Refresh() => Inner is IFollowingFrameSource f ? f.Refresh() : Inner.FrameCount;

    public void ReadFrame(int index, Span<int> destination)
    {
        Inner.ReadFrame(index, destination);
        FrameFlips.FlipUpDown(destination, Rows, Columns);
    }

    public void ReadFrame(int index, Span<float> destination)
    {
        Inner.ReadFrame(index, destination);
        FrameFlips.FlipUpDown(destination, Rows, Columns);
    }

    public void Dispose() => Inner.Dispose();
}
