using System.Buffers;
using System.Runtime.InteropServices;
using OperandoXrd.Core.Frames;

namespace OperandoXrd.Hdf5.Frames;

/// <summary>A run of frames taken from one dataset: frames DatasetStart..DatasetStart+Count-1 of <see cref="Stack"/>.</summary>
internal sealed class FrameSegment
{
    public required FrameStack Stack { get; init; }

    public required int DatasetStart { get; init; }

    /// <summary>Frames readable now.</summary>
    public int Count { get; set; }

    /// <summary>Frames this segment will hold when complete (a VDS mapping's block, else the dataset extent).</summary>
    public int? FixedCount { get; init; }

    public required TimeCandidates Candidates { get; set; }

    /// <summary>Position of the segment's first frame in its acquisition (rule 3 counts from the acquisition start).</summary>
    public int AcquisitionOffset { get; set; }

    public int Capacity => FixedCount ?? Stack.Extent;

    /// <summary>When the count last grew (or the file was last re-opened), for the SWMR stale-cache safety net.</summary>
    public long LastProgress { get; set; } = System.Diagnostics.Stopwatch.GetTimestamp();

    /// <summary>A file of a LIMA series (<c>&lt;stem&gt;_NNNN.h5</c>): a hole in the numbering between two such files is a missing file.</summary>
    public bool SeriesFile { get; set; }

    /// <summary>
    /// Set for the stand-in of a file missing from a LIMA series: <see cref="Stack"/> names the missing file (never
    /// opened), Count is the frames it would have held, and reading any of them is an error naming the file.
    /// </summary>
    public (string Before, string After)? MissingBetween { get; init; }

    /// <summary>Set when the stand-in replaces a file that is there but cannot be read: why (the open's reason).</summary>
    public string? Unreadable { get; init; }

    public bool IsMissing => MissingBetween is not null;
}

/// <summary>
/// Every frame layout of docs/formats.md behind one <see cref="IFollowingFrameSource"/>: a list of segments (one per
/// LIMA file, Dectris data file or VDS source) addressed by one global frame index. Thread-safe for reads, also while
/// another thread calls <see cref="Refresh"/>: the native part of a read is serialized by <see cref="Hdf5Library.Sync"/>,
/// decoding runs in the caller's thread.
/// </summary>
public sealed class Hdf5FrameSource : IFollowingFrameSource, ISeriesFrameSource
{
    // A reduction reads a series front to back, so a file it has left is not visited again; each open file costs
    // HDF5 about a megabyte (metadata cache, B-tree nodes), which with 32 open files showed up as peak memory growing
    // with the length of the series. Four leaves room for a VDS or a growing last file beside the current one.
    private const int MaxOpenFiles = 4;

    private readonly Lock _gate = new();
    private readonly List<FrameSegment> _segments;
    private readonly FrameTimeOptions? _fallback;
    private readonly TimeCandidates? _sequenceCandidates;
    private readonly bool _follow;
    private readonly FollowedFiles? _followed;
    private readonly IReadOnlyList<(string File, string Path)> _endTimes;
    private int[] _offsets = [];
    private double[] _start = [];
    private double[] _exposure = [];
    private long _useClock;
    private FrameReadPath _readPath;

    internal Hdf5FrameSource(string layout, List<FrameSegment> segments, TimeCandidates? sequenceCandidates, FrameTimeOptions? fallback,
        bool follow, FollowedFiles? followed, IReadOnlyList<(string File, string Path)> endTimes)
    {
        Layout = layout;
        _segments = segments;
        _sequenceCandidates = sequenceCandidates;
        _fallback = fallback;
        _follow = follow;
        _followed = followed;
        _endTimes = endTimes;
        var first = Reference.Stack;
        Rows = first.Rows;
        Columns = first.Columns;
        DType = first.DType;
        foreach (var s in segments)
        {
            CheckCompatible(s);
        }

        Rebuild();
        CloseAfterScan();
    }

    /// <summary>
    /// Opening the source scans every file of a series (extents, times); leaving them all open would keep HDF5's
    /// per-file memory for the whole series (about a megabyte per file),
    /// so peak memory would grow with the length of the series. Files reopen on first read, a few at a time. In
    /// follow mode the last file, the one still growing, stays open.
    /// </summary>
    private void CloseAfterScan()
    {
        var keep = _follow ? _segments[^1].Stack : Reference.Stack;
        foreach (var s in _segments)
        {
            if (s.Stack != keep)
            {
                s.Stack.Close();
            }
        }

        Hdf5Library.ReleaseFreeMemory();
    }

    /// <summary>What was recognised: "LIMA", "LIMA series (12 files)", "BLISS scan 1.1, virtual dataset over 3 LIMA files", "Dectris master (4 data files)"...</summary>
    public string Layout { get; private set; }

    public string Description => _segments.Count == 1
        ? $"{_segments[0].Stack.File}:{_segments[0].Stack.DatasetPath}"
        : $"{_segments[0].Stack.File}:{_segments[0].Stack.DatasetPath} and {_segments.Count - 1} more";

    public int FrameCount { get; private set; }

    public int Rows { get; }

    public int Columns { get; }

    public FrameDType DType { get; }

    public FrameTimeRule TimeRule { get; private set; }

    /// <summary>One line for the log: which rule and which datasets gave the times.</summary>
    public string TimeRuleDetail { get; private set; } = "";

    /// <summary>Filters of the (first) frame dataset, as stored.</summary>
    public IReadOnlyList<Hdf5Filter> Filters => Reference.Stack.Filters;

    /// <summary>Chunk shape of the (first) frame dataset; null when not chunked.</summary>
    public IReadOnlyList<long>? ChunkShape => Reference.Stack.ChunkDims;

    /// <summary>True when frames go through direct chunk reads and the managed decoders.</summary>
    public bool UsesDirectChunks => Reference.Stack.UsesDirectChunks && _readPath == FrameReadPath.Auto;

    /// <summary>Element type as stored (numpy spelling).</summary>
    public string StoredType => Reference.Stack.ElementType.ToString();

    /// <summary>The first segment read from a file (not the stand-in of an unreadable first file): shape, type, filters.</summary>
    private FrameSegment Reference => _segments.Find(s => !s.IsMissing) ?? _segments[0];

    /// <summary>File and dataset of every segment, in frame order.</summary>
    public IReadOnlyList<(string File, string Dataset, int FirstFrame, int Count)> Parts
    {
        get
        {
            lock (_gate)
            {
                var parts = new List<(string, string, int, int)>(_segments.Count);
                for (var i = 0; i < _segments.Count; i++)
                {
                    parts.Add((_segments[i].Stack.File, _segments[i].Stack.DatasetPath, _offsets[i], _segments[i].Count));
                }

                return parts;
            }
        }
    }

    /// <summary>Files missing from a LIMA series' numbering, in frame order, with the frames they would have held.</summary>
    public IReadOnlyList<SeriesGap> Gaps
    {
        get
        {
            lock (_gate)
            {
                var gaps = new List<SeriesGap>();
                for (var i = 0; i < _segments.Count; i++)
                {
                    if (_segments[i].MissingBetween is { } between)
                    {
                        gaps.Add(new SeriesGap(_segments[i].Stack.File, between.Before, between.After, _offsets[i], _segments[i].Count, _segments[i].Unreadable));
                    }
                }

                return gaps;
            }
        }
    }

    /// <summary>True when frame <paramref name="index"/> belongs to a file missing from the series (see <see cref="Gaps"/>).</summary>
    public bool IsMissing(int index) => Locate(index).Segment.IsMissing;

    /// <summary>Direct chunks with managed decoders (default) or the library with its plugins.</summary>
    public FrameReadPath ReadPath
    {
        get => _readPath;
        set
        {
            _readPath = value;
            foreach (var s in _segments)
            {
                s.Stack.ReadPath = value;
            }
        }
    }

    public bool IsComplete { get; private set; }

    public string? ScanEnd { get; private set; }

    public string WaitingFor
    {
        get
        {
            lock (_gate)
            {
                var last = _segments.FindLast(s => !s.IsMissing) ?? _segments[^1];
                if (last.Count < last.Capacity)
                {
                    return string.Create(System.Globalization.CultureInfo.InvariantCulture,
                        $"frame {last.Count + 1} of {last.Capacity} in {last.Stack.File}");
                }

                return _followed?.Inputs.MayGrow == true
                    ? _followed.Inputs.WaitingFor(_segments[^1].Stack.File)
                    : ScanEnd is null ? "the writer to mark the end of the scan" : "nothing (the scan is over)";
            }
        }
    }

    /// <summary>Frames the datasets have room for (pre-sized extents, VDS blocks); above <see cref="FrameCount"/> while incomplete.</summary>
    public int Capacity
    {
        get
        {
            lock (_gate)
            {
                return _segments.Sum(s => s.Capacity);
            }
        }
    }

    public FrameTiming GetTiming(int index)
    {
        CheckIndex(index);
        return new FrameTiming(_start[index], _exposure[index]);
    }

    public void ReadFrame(int index, Span<int> destination)
    {
        if (DType == FrameDType.Float32)
        {
            throw new FrameSourceException(_segments[0].Stack.File, _segments[0].Stack.DatasetPath, index, "float32 frames are read as float, not as integer counts");
        }

        CheckDestination(destination.Length);
        var (segment, frame) = Locate(index);
        if (DType is FrameDType.Int32 or FrameDType.UInt32)
        {
            // Stored 32-bit integers decode straight into the caller's frame: no copy, no conversion.
            Read(segment, frame, index, MemoryMarshal.AsBytes(destination[..(Rows * Columns)]));
            return;
        }

        var raw = ArrayPool<byte>.Shared.Rent(segment.Stack.FrameBytes);
        try
        {
            Read(segment, frame, index, raw.AsSpan(0, segment.Stack.FrameBytes));
            PixelConversion.ToInt32(DType, raw.AsSpan(0, segment.Stack.FrameBytes), destination[..(Rows * Columns)]);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(raw);
        }
    }

    public void ReadFrame(int index, Span<float> destination)
    {
        CheckDestination(destination.Length);
        var (segment, frame) = Locate(index);
        if (DType == FrameDType.Float32)
        {
            Read(segment, frame, index, MemoryMarshal.AsBytes(destination[..(Rows * Columns)]));
            return;
        }

        var raw = ArrayPool<byte>.Shared.Rent(segment.Stack.FrameBytes);
        try
        {
            Read(segment, frame, index, raw.AsSpan(0, segment.Stack.FrameBytes));
            PixelConversion.ToSingle(DType, raw.AsSpan(0, segment.Stack.FrameBytes), destination[..(Rows * Columns)]);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(raw);
        }
    }

    /// <summary>
    /// Looks again at the files: under SWMR an <c>H5Drefresh</c>, otherwise a fresh read-only open (with file locking
    /// off), then counts the chunks written since (the pre-sized extent says nothing). Transient errors of a file
    /// caught mid-write are swallowed: the count simply stays until the next call.
    /// </summary>
    public int Refresh()
    {
        lock (_gate)
        {
            // The end of the scan is looked at before the frames are counted: frames written before the writer marked
            // the end are then all counted by this look.
            var ended = ScanEnd is null ? EndMarked() : null;
            foreach (var s in _segments)
            {
                // A SWMR file can grow past its extent, but only the last file of a series is still being written:
                // polling the others would reopen every finished file at every look.
                // A resizable dataset (BLISS) grows its extent frame by frame, with or without SWMR: also looked at when full.
                if (!s.IsMissing && (s.Count < s.Capacity || ((s.Stack.IsSwmr || s.Stack.Extensible) && ReferenceEquals(s, _segments[^1]))))
                {
                    Update(s);
                }
            }

            if (_followed is not null && _segments.TrueForAll(s => s.Count >= s.Capacity))
            {
                // Stand-ins of missing files count as known: a file that turns up after its gap was bridged is not
                // read (its frame numbers are taken), rather than appended out of order.
                var known = _segments.ConvertAll(s => s.Stack.File);
                var (added, unreadable) = _followed.Discover(known);
                var waiting = false;
                foreach (var segment in added)
                {
                    try
                    {
                        if (waiting)
                        {
                            segment.Stack.Dispose();
                            continue;
                        }

                        CheckCompatible(segment);
                        segment.Stack.ReadPath = _readPath;

                        // A hole in the numbering before this file is bridged only once this file is complete (a copy
                        // may deliver files out of order); until then it and the files after it wait for the next look.
                        if (!FrameSources.TryAppend(_segments, segment, waitForCompleteLaterFile: true, unreadable))
                        {
                            segment.Stack.Dispose();
                            waiting = true;
                            continue;
                        }

                        Layout = FrameSources.SeriesName(Layout, _segments);
                        Update(segment);
                    }
                    catch (FrameSourceException)
                    {
                        segment.Stack.Dispose();
                    }
                }
            }

            // Looking at new files opened them; a live series would otherwise keep every file of the run open.
            CloseLeastRecentlyUsed(_segments[^1].Stack);
            Rebuild();
            ScanEnd ??= ended ?? (IsComplete ? CompleteReason() : null);
            return FrameCount;
        }
    }

    /// <summary>BLISS: every scan's <c>end_time</c> written (null when not, or not a BLISS scan).</summary>
    private string? EndMarked()
    {
        if (!_follow || _endTimes.Count == 0)
        {
            return null;
        }

        try
        {
            foreach (var file in _endTimes.Select(e => e.File).Distinct(StringComparer.Ordinal))
            {
                // The scan file is usually open already (the frames are in it): HDF5 refuses a second open with other
                // properties, and the segment's handle is as fresh as the last count (a non-SWMR file is re-opened at
                // every look), which is what the order "end first, then count" needs.
                var open = _segments.Find(s => !s.IsMissing && s.Stack.IsOpen && string.Equals(s.Stack.File, file, StringComparison.Ordinal));
                using var own = open is null ? FrameSources.OpenForLook(file) : null;
                var h5 = open?.Stack.OpenedFile ?? own!;
                if (_endTimes.Where(e => e.File == file).Any(e => h5.GetObjectKind(e.Path) != Hdf5ObjectKind.Dataset))
                {
                    return null;
                }
            }
        }
        catch (Exception e) when (e is Hdf5Exception or FrameSourceException)
        {
            // A file caught mid-flush may not open: the next look tries again.
            return null;
        }

        return $"BLISS {string.Join(", ", _endTimes.Select(e => e.Path))} written in {_endTimes[0].File}";
    }

    /// <summary>Why <see cref="IsComplete"/> holds, in the files' words.</summary>
    private string CompleteReason()
    {
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        var c = _segments[0].Candidates;
        return c.PlannedFrames is int planned && planned > 0
            ? string.Create(inv, $"all {planned} frames of the acquisition written ({c.PlannedFramesSource ?? "planned frame count"} = {planned})")
            : string.Create(inv, $"every pre-sized frame of the listed files written ({FrameCount} frames)");
    }

    /// <summary>Re-reads one segment's written-frame count and times; transient errors leave it as it was.</summary>
    private static void Update(FrameSegment s)
    {
        try
        {
            // H5Drefresh is what SWMR readers are meant to use, but a reader's cache can still hold an object as first
            // seen; after a second without news, a full re-open (cheap) settles it.
            if (s.Stack.IsSwmr && System.Diagnostics.Stopwatch.GetElapsedTime(s.LastProgress) > TimeSpan.FromSeconds(1))
            {
                s.Stack.Reopen();
                s.LastProgress = System.Diagnostics.Stopwatch.GetTimestamp();
            }
            else
            {
                s.Stack.Refresh();
            }

            var written = Math.Min(s.Stack.CountWrittenFrames(s.DatasetStart + s.Count) - s.DatasetStart, s.Capacity);

            // Times are re-read on every look. Without SWMR nothing orders the writer's flushes for a reader, and a
            // chunk can be on disk before its time_of_frame entry: a frame whose relative time is not yet larger than
            // its predecessor's is held back until the next look.
            s.Candidates = FrameSources.CandidatesFor(s.Stack.OpenedFile, s.Stack.DatasetPath, s.Candidates);
            if (s.Candidates.Relative is { } relative)
            {
                while (written > s.Count && written > 1 && s.DatasetStart + written - 1 < relative.Length
                       && relative[s.DatasetStart + written - 1] <= relative[s.DatasetStart + written - 2])
                {
                    written--;
                }
            }

            if (written > s.Count)
            {
                s.Count = written;
                s.LastProgress = System.Diagnostics.Stopwatch.GetTimestamp();
            }
        }
        catch (Exception e) when (e is Hdf5Exception or FrameSourceException or InvalidDataException)
        {
            s.Stack.Close();
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var s in _segments)
            {
                s.Stack.Dispose();
            }
        }
    }

    private void Read(FrameSegment segment, int frame, int globalIndex, Span<byte> destination)
    {
        var stack = segment.Stack;
        if (segment.MissingBetween is { } between)
        {
            throw new FrameSourceException(stack.File, null, globalIndex, segment.Unreadable is { } reason
                ? $"file cannot be read ({reason}); its frames are skipped"
                : $"file missing from the series (between {Path.GetFileName(between.Before)} and {Path.GetFileName(between.After)}); its frames are skipped");
        }

        try
        {
            lock (_gate)
            {
                stack.LastUse = ++_useClock;
                if (!stack.IsOpen)
                {
                    CloseLeastRecentlyUsed(stack);
                }
            }

            try
            {
                stack.ReadRaw(frame, destination);
            }
            catch (Exception e) when (_follow && e is Hdf5Exception or InvalidDataException)
            {
                // Without SWMR the writer may have rewritten index nodes since our last open: look again, once.
                lock (_gate)
                {
                    stack.Refresh();
                }

                stack.ReadRaw(frame, destination);
            }
        }
        catch (FrameSourceException e) when (e.Frame is null || e.Frame != globalIndex)
        {
            throw new FrameSourceException(stack.File, stack.DatasetPath, globalIndex, Local(frame, globalIndex) + e.Reason, e);
        }
        catch (Exception e) when (e is Hdf5Exception or InvalidDataException or IOException or ArgumentException)
        {
            var reason = e is InvalidDataException ? "corrupt chunk: " + e.Message : e.Message;
            throw new FrameSourceException(stack.File, stack.DatasetPath, globalIndex, Local(frame, globalIndex) + reason, e);
        }
    }

    private static string Local(int frame, int globalIndex) => frame == globalIndex ? "" : $"(frame {frame} of this dataset) ";

    /// <summary>Keeps at most <see cref="MaxOpenFiles"/> files open for long series (the file limit, and HDF5's memory per file).</summary>
    private void CloseLeastRecentlyUsed(FrameStack keep)
    {
        var open = _segments.Where(s => s.Stack.IsOpen && s.Stack != keep).Select(s => s.Stack).Distinct().ToList();
        open.Sort((a, b) => a.LastUse.CompareTo(b.LastUse));
        for (var k = 0; open.Count - k >= MaxOpenFiles; k++)
        {
            open[k].Close();
        }
    }

    private void CheckCompatible(FrameSegment s)
    {
        if (s.IsMissing)
        {
            return;
        }

        if (s.Stack.Rows != Rows || s.Stack.Columns != Columns || s.Stack.DType != DType)
        {
            throw new FrameSourceException(s.Stack.File, s.Stack.DatasetPath, null,
                $"frames of {s.Stack.Rows}×{s.Stack.Columns} {s.Stack.DType} do not match the first file's {Rows}×{Columns} {DType}");
        }
    }

    private (FrameSegment Segment, int Frame) Locate(int index)
    {
        CheckIndex(index);
        var offsets = _offsets;
        var k = Array.BinarySearch(offsets, index);
        if (k < 0)
        {
            k = ~k - 1;
        }

        // Empty segments share their offset with the next one; step to the one that holds the frame.
        while (k < _segments.Count - 1 && offsets[k + 1] <= index)
        {
            k++;
        }

        var segment = _segments[k];
        return (segment, segment.DatasetStart + index - offsets[k]);
    }

    private void CheckIndex(int index)
    {
        if ((uint)index >= (uint)FrameCount)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"{Description}: frame {index} is outside 0..{FrameCount - 1}");
        }
    }

    private void CheckDestination(int length)
    {
        if (length < Rows * Columns)
        {
            throw new ArgumentException($"{Description}: destination holds {length} pixels, a frame has {Rows * Columns}");
        }
    }

    /// <summary>
    /// Frames of a missing file have no times of their own: they are spaced evenly between the frames on either side
    /// (exact for a regular acquisition), or, with nothing after them yet, continue the previous frames' spacing.
    /// </summary>
    private void TimeMissingFrames(int[] offsets, double[] start, double[] exposure)
    {
        var total = start.Length;
        var isMissing = new bool[total];
        for (var i = 0; i < _segments.Count; i++)
        {
            if (_segments[i].IsMissing)
            {
                Array.Fill(isMissing, true, offsets[i], _segments[i].Count);
            }
        }

        for (var a = 0; a < total; a++)
        {
            if (!isMissing[a])
            {
                continue;
            }

            var b = a;
            while (b < total && isMissing[b])
            {
                b++;
            }

            var e = a > 0 ? exposure[a - 1] : b < total ? exposure[b] : 0;
            double origin, step;
            if (a > 0 && b < total)
            {
                origin = start[a - 1];
                step = (start[b] - start[a - 1]) / (b - a + 1);
            }
            else if (a > 1)
            {
                origin = start[a - 1];
                step = start[a - 1] - start[a - 2];
            }
            else
            {
                step = e > 0 ? e : 1;
                origin = a > 0 ? start[a - 1] : b < total ? start[b] - (b - a + 1) * step : 0;
            }

            for (var k = a; k < b; k++)
            {
                start[k] = origin + (k - a + 1) * step;
                exposure[k] = e;
            }

            a = b;
        }
    }

    private void Rebuild()
    {
        var offsets = new int[_segments.Count];
        var total = 0;
        for (var i = 0; i < _segments.Count; i++)
        {
            offsets[i] = total;
            total += _segments[i].Count;
        }

        var start = new double[total];
        var exposure = new double[total];
        var worst = FrameTimeRule.EpochPerFrame;
        string? detail = null;
        ResolvedTimes? sequence = null;
        if (_sequenceCandidates is not null)
        {
            if (_sequenceCandidates.Exposure is null && _segments.Count > 0)
            {
                _sequenceCandidates.Exposure = _segments[0].Candidates.Exposure;
            }

            sequence = FrameTimes.Resolve(_sequenceCandidates, total, 0, 0, null);
            if (sequence.Rule is not (FrameTimeRule.EpochPerFrame or FrameTimeRule.StartTimePlusRelative))
            {
                sequence = null;
            }
        }

        if (sequence is not null)
        {
            start = sequence.Start;
            exposure = sequence.Exposure;
            worst = sequence.Rule;
            detail = sequence.Detail;
        }
        else
        {
            for (var i = 0; i < _segments.Count; i++)
            {
                var s = _segments[i];
                if (s.IsMissing)
                {
                    continue;
                }

                var r = FrameTimes.Resolve(s.Candidates, s.Count, s.AcquisitionOffset, offsets[i], _fallback, s.DatasetStart);
                if (r.Rule == FrameTimeRule.Unknown && _sequenceCandidates is not null)
                {
                    var scan = FrameTimes.Resolve(_sequenceCandidates, s.Count, offsets[i], offsets[i], _fallback);
                    if (scan.Rule < r.Rule)
                    {
                        r = scan;
                    }
                }

                r.Start.CopyTo(start, offsets[i]);
                r.Exposure.CopyTo(exposure, offsets[i]);
                if (detail is null || r.Rule > worst)
                {
                    worst = r.Rule;
                    detail = r.Detail;
                }
            }
        }

        var missing = false;
        for (var i = 0; i < _segments.Count; i++)
        {
            missing |= _segments[i].IsMissing && _segments[i].Count > 0;
        }

        if (missing)
        {
            TimeMissingFrames(offsets, start, exposure);
            detail += "; frames of missing files timed by interpolation";
        }

        _offsets = offsets;
        _start = start;
        _exposure = exposure;
        TimeRule = worst;
        TimeRuleDetail = (detail ?? "no frames") + (_segments.Count > 1 && sequence is null ? $" (per file, {_segments.Count} files)" : "");
        FrameCount = total;
        var planned = _segments[0].Candidates.PlannedFrames;
        // The acquisition's planned frame count decides when known (a series may still get files); otherwise every
        // pre-sized dataset is full.
        // A followed folder or a listed file still to come may bring more files, a dataset that can grow more frames,
        // and a BLISS scan says when it is over (end_time): then a full extent does not end the scan.
        IsComplete = planned is int p && p > 0
            ? total >= p
            : total > 0 && _segments.TrueForAll(s => s.Count >= s.Capacity)
              && (!_follow || (_followed?.Inputs.MayGrow != true && _endTimes.Count == 0 && _segments.TrueForAll(s => s.IsMissing || s.FixedCount is not null || !s.Stack.Extensible)));
    }
}
