using System.Globalization;
using System.Text;
using OperandoXrd.Core.Frames;
using OperandoXrd.Core.IO;
using OperandoXrd.Hdf5.Frames;
using OperandoXrd.Images.Formats;

namespace OperandoXrd.Images.Frames;

/// <summary>
/// A scan of image files — Pilatus miniCBF, TIFF, EDF; one frame per file (EDF: every image block) — as one frame
/// sequence in the order given (folders: natural numeric order of the names). Shape and type come from the first file
/// that parses. A file that does not parse or is truncated stays in the sequence as a failed frame: reading it throws a
/// <see cref="FrameSourceException"/> naming the file. Following a folder, a new file joins once it is complete: it
/// parses, holds the bytes its header declares (for a CBF, the binary section's <c>X-Binary-Size</c>) and, for TIFF and
/// EDF, its size did not change since the previous look. Reads are thread-safe.
/// </summary>
public sealed class ImageFrameSource : IFollowingFrameSource
{
    private readonly FollowedInputs _inputs;
    private readonly FrameTimeOptions? _fallback;
    private readonly bool _follow;
    private readonly Dictionary<string, long> _lastSeenLength = new(StringComparer.Ordinal);
    private readonly object _refreshLock = new();
    private volatile Snapshot _snapshot;

    private ImageFrameSource(FollowedInputs inputs, FrameTimeOptions? fallback, bool follow, List<Entry> entries, ImageFile first)
    {
        _inputs = inputs;
        _fallback = fallback;
        _follow = follow;
        Rows = first.Rows;
        Columns = first.Columns;
        DType = first.DType;
        Format = first.Format;
        _snapshot = Resolve(entries);
    }

    public string Description => DescribeInputs(_snapshot.Entries);

    /// <summary>The first file's format, e.g. "Pilatus miniCBF (byte-offset)".</summary>
    public string Format { get; }

    public int FrameCount => _snapshot.Entries.Length;

    public int Rows { get; }

    public int Columns { get; }

    public FrameDType DType { get; }

    public FrameTimeRule TimeRule => _snapshot.Rule;

    /// <summary>One line on how the frame times were found (for the log and <c>oxrd inspect</c>).</summary>
    public string TimeRuleDetail => _snapshot.Detail;

    public bool IsComplete => !_follow || !_inputs.MayGrow;

    /// <summary>Image files say nothing about the end of a scan: only a list of files, all read, ends it.</summary>
    public string? ScanEnd => IsComplete ? string.Create(CultureInfo.InvariantCulture, $"every listed image file read ({FrameCount} frames)") : null;

    public string WaitingFor => _inputs.MayGrow
        ? _inputs.WaitingFor(_snapshot.Entries.Length > 0 ? _snapshot.Entries[^1].Path : null)
        : "nothing (every listed file read)";

    /// <summary>The file holding frame <paramref name="index"/>.</summary>
    public string FileOf(int index) => _snapshot.Entries[index].Path;

    public FrameTiming GetTiming(int index) => _snapshot.Timing[index];

    public void ReadFrame(int index, Span<int> destination) => Open(index).Read(_snapshot.Entries[index].FrameInFile, destination);

    public void ReadFrame(int index, Span<float> destination) => Open(index).Read(_snapshot.Entries[index].FrameInFile, destination);

    /// <summary>Looks at the followed folders again; complete new files (in natural order after the last known one) join.</summary>
    public int Refresh()
    {
        if (!_follow || !_inputs.MayGrow)
        {
            return FrameCount;
        }

        lock (_refreshLock)
        {
            var entries = _snapshot.Entries.ToList();
            var last = entries.Count > 0 ? Path.GetFileName(entries[^1].Path) : null;
            var known = entries.Select(e => e.Path).ToHashSet(StringComparer.Ordinal);
            var added = false;
            var blocked = false;
            foreach (var file in ImageFrameSources.ImageFilesIn([.. _inputs.Folders]))
            {
                if (known.Contains(file) || (last is not null && NaturalFileOrder.Instance.Compare(Path.GetFileName(file), last) <= 0))
                {
                    continue;
                }

                var ready = TryComplete(file);
                if (ready is null)
                {
                    // Keep the order: nothing after a file still being written joins before it.
                    blocked = true;
                    break;
                }

                entries.AddRange(ready);
                added = true;
            }

            // Listed files not there at the start join in the order given, each once it is complete.
            while (!blocked && _inputs.TryPeekNextListed(out var next))
            {
                if (Directory.Exists(next))
                {
                    _inputs.Took();
                    break;
                }

                var ready = TryComplete(next);
                if (ready is null)
                {
                    break;
                }

                _inputs.Took();
                entries.AddRange(ready);
                added = true;
            }

            if (added)
            {
                _snapshot = Resolve(entries);
            }

            return FrameCount;
        }
    }

    /// <summary>What <c>oxrd inspect</c> prints about these files.</summary>
    public string Describe()
    {
        var s = _snapshot;
        var b = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        b.Append(inv, $"layout:    {Format} images, one frame per file{(_inputs.Folders.Count > 0 ? ", folders in natural order" : "")}\n");
        b.Append(inv, $"files:     {DescribeInputs(s.Entries)}\n");
        foreach (var failed in s.Entries.Where(e => e.Error is not null).Take(20))
        {
            b.Append(inv, $"unreadable: {failed.Path}: {failed.Error}\n");
        }

        b.Append(inv, $"shape:     {s.Entries.Length} × {Rows} × {Columns} (frames × rows × columns, row 0 as fabio reads it)\n");
        b.Append(inv, $"dtype:     {DType}\n");
        b.Append(inv, $"frames:    {s.Entries.Length}{(_follow ? " (following)" : "")}\n");
        b.Append(inv, $"times:     {s.Rule}: {s.Detail}\n");
        if (s.Entries.Length > 0)
        {
            var first = s.Timing[0];
            var last = s.Timing[^1];
            b.Append(inv, $"first:     {Iso(first)}  exposure {first.ExposureSeconds:0.######} s\n");
            b.Append(inv, $"last:      {Iso(last)}  exposure {last.ExposureSeconds:0.######} s  ({last.StartUnixSeconds - first.StartUnixSeconds:0.###} s after the first)\n");
        }

        return b.ToString();
    }

    public void Dispose()
    {
        // Files are opened per read: nothing held.
    }

    internal static ImageFrameSource Create(IReadOnlyList<(string File, bool Listed)> files, FollowedInputs inputs, FrameTimeOptions? fallback, bool follow)
    {
        var entries = new List<Entry>();
        foreach (var (file, _) in files)
        {
            entries.AddRange(OpenEntries(file));
        }

        if (follow)
        {
            // The newest files may still be being written: only the complete prefix now, the rest joins on Refresh
            // (listed files go back in front of the list of files still to come).
            var complete = entries.TakeWhile(e => e.File is not null && new FileInfo(e.Path).Length >= e.File.RequiredLength).Count();
            var done = entries.Take(complete).Select(e => e.Path).ToHashSet(StringComparer.Ordinal);
            inputs.Defer([.. files.Where(f => f.Listed && !done.Contains(f.File)).Select(f => f.File)]);
            entries = entries.Take(complete).ToList();
        }

        var shape = entries.Select(e => e.File).FirstOrDefault(f => f is not null);
        if (shape is null)
        {
            var where = string.Join(", ", inputs.Folders.Count > 0 ? inputs.Folders : files.Select(f => f.File));
            if (follow)
            {
                throw new FramesNotYetException(where, inputs.WaitingFor(null));
            }

            throw entries.Count == 0
                ? new FrameSourceException(where, null, null, "no image files found")
                : new FrameSourceException(entries[0].Path, null, null, entries[0].Error ?? "not readable");
        }

        return new ImageFrameSource(inputs, fallback, follow, entries, shape);
    }

    private static List<Entry> OpenEntries(string file)
    {
        try
        {
            var image = ImageFile.Open(file);
            return [.. Enumerable.Range(0, image.FrameCount).Select(k => new Entry(file, image, k, null))];
        }
        catch (FrameSourceException e)
        {
            return [new Entry(file, null, 0, e.Reason)];
        }
    }

    private List<Entry>? TryComplete(string file)
    {
        long length;
        try
        {
            length = new FileInfo(file).Length;
        }
        catch (IOException)
        {
            return null;
        }

        var stable = _lastSeenLength.TryGetValue(file, out var before) && before == length;
        _lastSeenLength[file] = length;
        ImageFile image;
        try
        {
            image = ImageFile.Open(file);
        }
        catch (FrameSourceException)
        {
            // Not parsable yet (header still being written), or never: a file that stays unparsable while its size
            // stands still joins as a failed frame so that the scan goes on past it.
            return stable && length > 0 ? [new Entry(file, null, 0, "not a readable image")] : null;
        }

        var complete = length >= image.RequiredLength && (image is CbfImage || stable);
        return complete ? [.. Enumerable.Range(0, image.FrameCount).Select(k => new Entry(file, image, k, null))] : null;
    }

    private ImageFile Open(int index)
    {
        var entry = _snapshot.Entries[index];
        if (entry.File is null)
        {
            throw new FrameSourceException(entry.Path, null, null, entry.Error ?? "not readable");
        }

        if (entry.File.Rows != Rows || entry.File.Columns != Columns)
        {
            throw new FrameSourceException(entry.Path, null, null, string.Create(CultureInfo.InvariantCulture,
                $"image is {entry.File.Rows} x {entry.File.Columns}, the scan's first image {Rows} x {Columns}"));
        }

        return entry.File;
    }

    /// <summary>
    /// Frame times, first rule that applies: (1) every file's header date (Pilatus date line, TIFF DateTime, EDF
    /// <c>date</c>) as the frame start, with the header's exposure; (3) the first date + index × the header's
    /// Exposure_period; (4) <c>--start-time</c> / <c>--frame-period</c>; else the index in seconds.
    /// </summary>
    private Snapshot Resolve(List<Entry> entries)
    {
        var n = entries.Count;
        var timing = new FrameTiming[n];
        var headers = entries.Select(e => e.File?.Times).ToArray();
        var firstHeader = headers.FirstOrDefault(h => h is not null);
        var exposure = firstHeader?.Exposure ?? _fallback?.ExposureSeconds;
        var period = firstHeader?.Period ?? _fallback?.FramePeriodSeconds ?? exposure;
        var dated = entries.Where((e, i) => e.FrameInFile == 0 && headers[i]?.Date is not null).Count();
        var files = entries.Count(e => e.FrameInFile == 0 && e.File is not null);
        var inv = CultureInfo.InvariantCulture;
        if (files > 0 && dated == files && (files > 1 || n == 1))
        {
            // Frames between dated files (EDF blocks after the first, unreadable files) continue from the last date.
            var step = period ?? MedianStep(entries, headers) ?? 0;
            double previous = 0;
            for (var i = 0; i < n; i++)
            {
                previous = headers[i]?.Date is { } d && entries[i].FrameInFile == 0 ? ToUnix(d) : previous + step;
                timing[i] = new FrameTiming(previous, headers[i]?.Exposure ?? exposure ?? step);
            }

            var detail = $"each file's header date ({firstHeader!.DateText}, no zone: taken as UTC) + exposure "
                + (exposure is { } e ? string.Create(inv, $"{e:0.######} s from the header") : "not given (median frame spacing)");
            return new Snapshot([.. entries], timing, FrameTimeRule.EpochPerFrame, detail);
        }

        if (firstHeader?.Date is { } start && firstHeader.Period is { } headerPeriod)
        {
            for (var i = 0; i < n; i++)
            {
                timing[i] = new FrameTiming(ToUnix(start) + (i * headerPeriod), exposure ?? headerPeriod);
            }

            return new Snapshot([.. entries], timing, FrameTimeRule.StartTimePlusPeriod,
                string.Create(inv, $"first file's date {firstHeader.DateText} + index × Exposure_period {headerPeriod:0.######} s"));
        }

        if (_fallback is { } f && (f.StartTime is not null || f.FramePeriodSeconds is not null))
        {
            var origin = f.StartTime is { } t0 ? ToUnix(t0) : 0;
            var step = f.FramePeriodSeconds ?? exposure ?? 1;
            for (var i = 0; i < n; i++)
            {
                timing[i] = new FrameTiming(origin + (i * step), exposure ?? step);
            }

            return new Snapshot([.. entries], timing, FrameTimeRule.Configured,
                string.Create(inv, $"configured start {(f.StartTime is { } s ? s.ToString("o", inv) : "1970-01-01T00:00:00Z (not given)")} + index × {step:0.######} s"));
        }

        for (var i = 0; i < n; i++)
        {
            timing[i] = new FrameTiming(i, exposure ?? 0);
        }

        return new Snapshot([.. entries], timing, FrameTimeRule.Unknown,
            "no dates in the file headers and none configured: time = frame index in seconds (give --start-time and --frame-period)");
    }

    private static double? MedianStep(List<Entry> entries, PilatusHeader?[] headers)
    {
        var dates = headers.Where((h, i) => h?.Date is not null && entries[i].FrameInFile == 0).Select(h => ToUnix(h!.Date!.Value)).ToArray();
        if (dates.Length < 2)
        {
            return null;
        }

        var steps = dates.Zip(dates.Skip(1), (a, b) => b - a).Order().ToArray();
        return steps[steps.Length / 2];
    }

    private string DescribeInputs(Entry[] entries)
    {
        var inv = CultureInfo.InvariantCulture;
        var files = entries.Select(e => e.Path).Distinct(StringComparer.Ordinal).Count();
        if (files == 1 && entries.Length > 0)
        {
            return entries[0].Path;
        }

        var where = _inputs.Folders.Count == 1 ? _inputs.Folders[0] : string.Join(", ", entries.Select(e => Path.GetDirectoryName(e.Path)).Distinct(StringComparer.Ordinal));
        return string.Create(inv, $"{files} {Format} files in {where}");
    }

    private static double ToUnix(DateTimeOffset t) => (t.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / (double)TimeSpan.TicksPerSecond;

    private static string Iso(FrameTiming t) =>
        t.StartUnixSeconds < 1e8 ? t.StartUnixSeconds.ToString("0.######", CultureInfo.InvariantCulture) + " s (relative)" : t.Start.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    private sealed record Entry(string Path, ImageFile? File, int FrameInFile, string? Error);

    private sealed record Snapshot(Entry[] Entries, FrameTiming[] Timing, FrameTimeRule Rule, string Detail);
}
