using System.Globalization;
using System.Text.RegularExpressions;
using OperandoXrd.Core.Frames;

namespace OperandoXrd.Hdf5.Frames;

/// <summary>A LIMA series across files: numbering, holes bridged by stand-in segments, acquisitions linked.</summary>
public static partial class FrameSources
{
    /// <summary>
    /// Appends one detected segment, first bridging a hole in a LIMA series' numbering before it (scan_0001.h5 then
    /// scan_0003.h5): each missing file gets a stand-in segment holding the frames it would have held — as many as the
    /// file before the hole, since LIMA pre-sizes every file of a series but the last to frames_per_file — so that the
    /// frames after the hole keep the global index, times and rule-3 offsets they have in the complete series, and a
    /// resumed run means the same frames by the same numbers. Across acquisitions (start_time differs) the size of the
    /// missing file is unknown: the gap is recorded with no frames. Returns false, appending nothing, when
    /// <paramref name="waitForCompleteLaterFile"/> is set and the file after the hole is not complete yet. A file that is
    /// there but could not be read (<paramref name="unreadable"/>, by full path) was left out of the segments, so it is
    /// a hole like a missing file; its stand-in carries the reason, and the entry is removed once bridged.
    /// </summary>
    internal static bool TryAppend(List<FrameSegment> segments, FrameSegment segment, bool waitForCompleteLaterFile,
        Dictionary<string, FrameSourceException>? unreadable = null)
    {
        var previous = segments.Count > 0 ? segments[^1] : null;
        if (previous is null && segment.SeriesFile && unreadable is { Count: > 0 })
        {
            // Unreadable files before the first readable one: each held as many frames as this file (LIMA pre-sizes
            // every file of a series but the last to frames_per_file), so that this file's frames keep their numbers.
            foreach (var file in unreadable.Keys.Where(f => IsLaterInSeries(f, segment.Stack.File)).Order(StringComparer.Ordinal).ToList())
            {
                var hole = StandIn(file, segment, segment.Capacity, ("", segment.Stack.File), unreadable);
                LinkAcquisition(segments, [hole]);
                segments.Add(hole);
            }

            previous = segments.Count > 0 ? segments[^1] : null;
        }

        if (previous is { SeriesFile: true } && segment.SeriesFile && MissingBetween(previous.Stack.File, segment.Stack.File) is { Count: > 0 } missing)
        {
            if (waitForCompleteLaterFile && !IsCompleteNow(segment))
            {
                return false;
            }

            var sameAcquisition = string.Equals(previous.Candidates.StartTimeText, segment.Candidates.StartTimeText, StringComparison.Ordinal);
            var frames = sameAcquisition ? previous.Capacity : 0;
            foreach (var file in missing)
            {
                var hole = StandIn(file, previous, frames, (previous.Stack.File, segment.Stack.File), unreadable);
                LinkAcquisition(segments, [hole]);
                segments.Add(hole);
            }
        }

        LinkAcquisition(segments, [segment]);
        segments.Add(segment);
        return true;
    }

    /// <summary>
    /// Offline, unreadable files after the last readable one of its series: each held as many frames as the file
    /// before it, or — when the acquisition's planned frame count is known — what is left of it (LIMA's last file
    /// holds the remainder), so that they are failed rows like a hole in the middle.
    /// </summary>
    internal static void AppendTrailing(List<FrameSegment> segments, Dictionary<string, FrameSourceException> unreadable)
    {
        var last = segments.FindLast(s => !s.IsMissing);
        if (last is null || !last.SeriesFile)
        {
            return;
        }

        foreach (var file in unreadable.Keys.Where(f => IsLaterInSeries(last.Stack.File, f)).Order(StringComparer.Ordinal).ToList())
        {
            var before = segments[^1];
            var frames = before.Capacity;
            if (last.Candidates.PlannedFrames is int planned)
            {
                frames = Math.Clamp(planned - segments.Sum(s => s.Capacity), 0, frames);
            }

            var hole = StandIn(file, before, frames, (before.Stack.File, file), unreadable);
            LinkAcquisition(segments, [hole]);
            segments.Add(hole);
        }
    }

    /// <summary>The stand-in segment of a missing or unreadable file (the reason taken out of <paramref name="unreadable"/>).</summary>
    private static FrameSegment StandIn(string file, FrameSegment like, int frames, (string Before, string After) between,
        Dictionary<string, FrameSourceException>? unreadable)
    {
        string? reason = null;
        if (unreadable is not null && unreadable.Remove(Path.GetFullPath(file), out var failure))
        {
            reason = failure.Reason;
        }

        return new FrameSegment
        {
            Stack = new FrameStack(file, like.Stack.DatasetPath, follow: false),
            DatasetStart = 0,
            Count = frames,
            FixedCount = frames,
            Candidates = like.Candidates,
            MissingBetween = between,
            Unreadable = reason,
            SeriesFile = true,
        };
    }

    /// <summary>Whether <paramref name="later"/> is a later-numbered file of <paramref name="file"/>'s LIMA series (same folder, stem, digits, extension).</summary>
    internal static bool IsLaterInSeries(string file, string later)
    {
        var a = SeriesNumber(file);
        var b = SeriesNumber(later);
        return a is not null && b is not null && a.Value.Stem == b.Value.Stem && a.Value.Digits == b.Value.Digits && a.Value.Extension == b.Value.Extension
            && b.Value.Number > a.Value.Number
            && string.Equals(Path.GetDirectoryName(Path.GetFullPath(file)), Path.GetDirectoryName(Path.GetFullPath(later)), StringComparison.Ordinal);
    }

    /// <summary>Every pre-sized frame of the segment written, as seen through a fresh look at its file.</summary>
    internal static bool IsCompleteNow(FrameSegment segment)
    {
        try
        {
            segment.Stack.Reopen();
            return segment.Stack.CountWrittenFrames(segment.DatasetStart) >= segment.DatasetStart + segment.Capacity;
        }
        catch (Exception e) when (e is Hdf5Exception or FrameSourceException)
        {
            return false;
        }
    }

    /// <summary>The files between two files of a LIMA series whose numbers are not consecutive (same folder, stem, digits and extension).</summary>
    internal static List<string> MissingBetween(string before, string after)
    {
        var missing = new List<string>();
        var a = SeriesNumber(before);
        var b = SeriesNumber(after);
        if (a is null || b is null || a.Value.Stem != b.Value.Stem || a.Value.Digits != b.Value.Digits || a.Value.Extension != b.Value.Extension
            || !string.Equals(Path.GetDirectoryName(Path.GetFullPath(before)), Path.GetDirectoryName(Path.GetFullPath(after)), StringComparison.Ordinal))
        {
            return missing;
        }

        // A run of thousands of missing numbers is not a lost file but two different series: leave it alone.
        if (b.Value.Number - a.Value.Number - 1 > 1000)
        {
            return missing;
        }

        var folder = Path.GetDirectoryName(after) ?? "";
        for (var n = a.Value.Number + 1; n < b.Value.Number; n++)
        {
            missing.Add(Path.Combine(folder, a.Value.Stem + "_" + n.ToString("D" + a.Value.Digits.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture) + a.Value.Extension));
        }

        return missing;
    }

    /// <summary>Whether a file is named as a file of a LIMA series (<c>&lt;stem&gt;_NNNN.h5</c>).</summary>
    internal static bool IsSeriesFileName(string file) => SeriesNumber(file) is not null;

    private static (string Stem, long Number, int Digits, string Extension)? SeriesNumber(string file)
    {
        var m = SeriesFileName().Match(Path.GetFileName(file));
        return m.Success && long.TryParse(m.Groups["number"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            ? (m.Groups["stem"].Value, n, m.Groups["number"].Length, m.Groups["ext"].Value)
            : null;
    }

    /// <summary>LIMA series share the acquisition's start_time: number rule-3 frames from the acquisition start, not the file.</summary>
    internal static void LinkAcquisition(List<FrameSegment> before, IReadOnlyList<FrameSegment> added)
    {
        foreach (var s in added)
        {
            var previous = before.Count > 0 ? before[^1] : null;
            if (previous is not null && previous.Candidates.StartTimeText is { } t && t == s.Candidates.StartTimeText && s.AcquisitionOffset == 0)
            {
                s.AcquisitionOffset = previous.AcquisitionOffset + previous.Capacity;
            }

            before = [.. before, s];
        }
    }

    [GeneratedRegex(@"^(?<stem>.+)_(?<number>\d{4,})(?<ext>\.(?:h5|hdf5|nxs))$", RegexOptions.IgnoreCase)]
    private static partial Regex SeriesFileName();
}
