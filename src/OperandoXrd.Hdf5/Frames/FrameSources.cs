using System.Globalization;
using System.Text.RegularExpressions;
using OperandoXrd.Core.Frames;

namespace OperandoXrd.Hdf5.Frames;

/// <summary>
/// Opens whatever <c>--input</c> names — files, folders (every <c>*.h5</c> in name order), a Dectris master — as one
/// frame sequence, recognising the layouts of the design brief (LIMA, LIMA series, BLISS scan, Dectris master/data).
/// </summary>
public static partial class FrameSources
{
    private static readonly string[] FrameFileExtensions = [".h5", ".hdf5", ".nxs"];

    /// <summary>How long <see cref="Follow"/> retries a file that looks half-written before reporting it.</summary>
    public static TimeSpan FollowOpenPatience { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Opens <paramref name="inputs"/> for reading finished files.</summary>
    /// <param name="dataset">Frame dataset path (or a group of links to such datasets) overriding layout detection.</param>
    /// <param name="fallback">Rule 4 of the frame-time rules, used when the files say nothing about time.</param>
    public static Hdf5FrameSource Open(IReadOnlyList<string> inputs, string? dataset = null, FrameTimeOptions? fallback = null) =>
        OpenCore(inputs, dataset, fallback, follow: false);

    /// <summary>Opens a path for reading.</summary>
    public static Hdf5FrameSource Open(string input, string? dataset = null, FrameTimeOptions? fallback = null) =>
        OpenCore([input], dataset, fallback, follow: false);

    /// <summary>
    /// Opens files another process is still writing: read-only, file locking off, SWMR when the writer uses it; the
    /// frame count grows with <see cref="IFollowingFrameSource.Refresh"/>. Folders are watched for new files.
    /// </summary>
    public static Hdf5FrameSource Follow(IReadOnlyList<string> inputs, string? dataset = null, FrameTimeOptions? fallback = null)
    {
        // A file caught in the middle of the writer's flush looks truncated or inconsistent for a moment: try again
        // for a little while before calling it bad.
        Hdf5FrameSource source;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            try
            {
                source = OpenCore(inputs, dataset, fallback, follow: true);
                break;
            }
            catch (FrameSourceException e) when (e.InnerException is Hdf5Exception && clock.Elapsed < FollowOpenPatience)
            {
                Thread.Sleep(25);
            }
        }

        // Detection looked at the files through several handles opened one after another; HDF5 shares one cache per
        // file while any handle is open, so counts and times may come from different moments. Look once more through
        // the segments' own handles alone.
        _ = source.Refresh();
        return source;
    }

    private static Hdf5FrameSource OpenCore(IReadOnlyList<string> inputs, string? dataset, FrameTimeOptions? fallback, bool follow)
    {
        if (inputs.Count == 0)
        {
            throw new ArgumentException("no input given", nameof(inputs));
        }

        var files = ExpandInputs(inputs, follow);
        var segments = new List<FrameSegment>();
        var layouts = new List<string>();
        TimeCandidates? sequence = null;
        var folders = inputs.Where(Directory.Exists).ToArray();
        try
        {
            foreach (var file in files)
            {
                var found = Detect(file, dataset, follow);
                var waiting = false;
                for (var k = 0; k < found.Segments.Count; k++)
                {
                    // Live with scan folders, a hole in the numbering waits until the file after it is complete (the
                    // folder is looked at again); offline, or with files named one by one, it is bridged at once.
                    if (!TryAppend(segments, found.Segments[k], waitForCompleteLaterFile: follow && folders.Length > 0))
                    {
                        foreach (var rest in found.Segments.Skip(k))
                        {
                            rest.Stack.Dispose();
                        }

                        waiting = true;
                        break;
                    }
                }

                if (waiting)
                {
                    break;
                }

                layouts.Add(found.Layout);
                sequence ??= found.Sequence;
            }

            if (segments.Count == 0)
            {
                throw new FrameSourceException(string.Join(", ", inputs), dataset, null, follow ? "no frame file yet" : "no frame files found");
            }

            Func<IReadOnlyCollection<string>, IReadOnlyList<FrameSegment>>? discover = follow && folders.Length > 0
                ? known => DiscoverNew(folders, known, dataset)
                : null;
            var layout = layouts.Count == 1 ? layouts[0] : SeriesName(layouts[0], segments);
            return new Hdf5FrameSource(layout, segments, sequence, fallback, follow, discover);
        }
        catch
        {
            foreach (var s in segments)
            {
                s.Stack.Dispose();
            }

            throw;
        }
    }

    internal static string SeriesName(string firstLayout, List<FrameSegment> segments)
    {
        var files = segments.Where(s => !s.IsMissing).Select(s => s.Stack.File).Distinct(StringComparer.Ordinal).Count();
        var kind = firstLayout.Split(' ')[0];
        return files == 1 ? firstLayout : $"{kind} series ({files.ToString(CultureInfo.InvariantCulture)} files)";
    }

    /// <summary>Files in the order their frames come: folders contribute every frame file in ordinal name order.</summary>
    private static List<string> ExpandInputs(IReadOnlyList<string> inputs, bool follow)
    {
        var files = new List<string>();
        foreach (var input in inputs)
        {
            if (Directory.Exists(input))
            {
                files.AddRange(FrameFilesIn(input));
            }
            else if (File.Exists(input))
            {
                files.Add(input);
            }
            else if (!follow)
            {
                throw new FrameSourceException(input, null, null, "file not found");
            }
        }

        return files;
    }

    private static List<string> FrameFilesIn(string folder)
    {
        var all = Directory.EnumerateFiles(folder)
            .Where(f => FrameFileExtensions.Contains(Path.GetExtension(f), StringComparer.OrdinalIgnoreCase))
            .OrderBy(f => Path.GetFileName(f), StringComparer.Ordinal)
            .ToList();

        // A Dectris folder holds the master and its data files; the master already links every data file.
        var masters = all.Where(f => Path.GetFileNameWithoutExtension(f).EndsWith("_master", StringComparison.Ordinal)).ToList();
        return masters.Count > 0 ? masters : all;
    }

    private static List<FrameSegment> DiscoverNew(string[] folders, IReadOnlyCollection<string> known, string? dataset)
    {
        var added = new List<FrameSegment>();
        foreach (var folder in folders)
        {
            foreach (var file in FrameFilesIn(folder))
            {
                if (known.Contains(file, StringComparer.Ordinal))
                {
                    continue;
                }

                try
                {
                    added.AddRange(Detect(file, dataset, follow: true).Segments);
                }
                catch (FrameSourceException)
                {
                    // A file just created by the writer may not be readable yet; the next refresh tries again.
                    break;
                }
            }
        }

        return added;
    }

    /// <summary>
    /// Appends one detected segment, first bridging a hole in a LIMA series' numbering before it (scan_0001.h5 then
    /// scan_0003.h5): each missing file gets a stand-in segment holding the frames it would have held — as many as the
    /// file before the hole, since LIMA pre-sizes every file of a series but the last to frames_per_file — so that the
    /// frames after the hole keep the global index, times and rule-3 offsets they have in the complete series, and a
    /// resumed run means the same frames by the same numbers. Across acquisitions (start_time differs) the size of the
    /// missing file is unknown: the gap is recorded with no frames. Returns false, appending nothing, when
    /// <paramref name="waitForCompleteLaterFile"/> is set and the file after the hole is not complete yet.
    /// </summary>
    internal static bool TryAppend(List<FrameSegment> segments, FrameSegment segment, bool waitForCompleteLaterFile)
    {
        var previous = segments.Count > 0 ? segments[^1] : null;
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
                var hole = new FrameSegment
                {
                    Stack = new FrameStack(file, previous.Stack.DatasetPath, follow: false),
                    DatasetStart = 0,
                    Count = frames,
                    FixedCount = frames,
                    Candidates = previous.Candidates,
                    MissingBetween = (previous.Stack.File, segment.Stack.File),
                };
                LinkAcquisition(segments, [hole]);
                segments.Add(hole);
            }
        }

        LinkAcquisition(segments, [segment]);
        segments.Add(segment);
        return true;
    }

    /// <summary>Every pre-sized frame of the segment written, as seen through a fresh look at its file.</summary>
    private static bool IsCompleteNow(FrameSegment segment)
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

    private sealed record Detected(string Layout, List<FrameSegment> Segments, TimeCandidates? Sequence);

    private static Detected Detect(string file, string? dataset, bool follow)
    {
        using var h5 = OpenMetadata(file, follow, dataset);
        if (dataset is not null)
        {
            return h5.GetObjectKind(dataset) switch
            {
                // Times for a group of links are looked for next to the links, as for a dataset inside the group.
                Hdf5ObjectKind.Group => new Detected("HDF5 group of frame datasets", LinkGroup(h5, dataset, follow, CandidatesFor(h5, dataset.TrimEnd('/') + "/data")), null),
                Hdf5ObjectKind.Dataset => new Detected(DescribeKind(h5, dataset, "HDF5 dataset"), StackSegments(h5, dataset, follow, null), ScanCandidates(h5, dataset)),
                _ => throw Missing(h5, dataset),
            };
        }

        // Dectris master: /entry/data/data_000001... external links to the data files.
        if (h5.GetObjectKind("/entry/data") == Hdf5ObjectKind.Group)
        {
            var names = h5.OpenGroup("/entry/data").LinkNamesDisposing();
            if (names.Any(n => DectrisDataName().IsMatch(n)))
            {
                var master = CandidatesFor(h5, "/entry/instrument/detector/data");
                var segments = LinkGroup(h5, "/entry/data", follow, master, DectrisDataName());
                return new Detected($"Dectris master ({segments.Count.ToString(CultureInfo.InvariantCulture)} data files)", segments, null);
            }
        }

        if (h5.GetLinkKind("/entry_0000/measurement/data") != Hdf5LinkKind.Missing)
        {
            var lima = StackSegments(h5, "/entry_0000/measurement/data", follow, null);
            foreach (var s in lima)
            {
                // Only a LIMA file holding its own frames counts for gaps in the numbering (not one linking elsewhere).
                s.SeriesFile = lima.Count == 1 && string.Equals(Path.GetFullPath(s.Stack.File), Path.GetFullPath(file), StringComparison.Ordinal);
            }

            return new Detected("LIMA", lima, null);
        }

        // BLISS: /<scan>.<sub>/measurement/<detector> for every scan in the file, in scan order.
        var scans = h5.LinkNames().Where(n => BlissScanName().IsMatch(n)).OrderBy(ScanKey).ToList();
        var bliss = new List<FrameSegment>();
        TimeCandidates? scanTimes = null;
        var scanNames = new List<string>();
        foreach (var scan in scans)
        {
            var detector = FindDetector(h5, "/" + scan + "/measurement");
            if (detector is null)
            {
                continue;
            }

            scanNames.Add(scan);
            scanTimes ??= ScanCandidates(h5, detector);
            bliss.AddRange(StackSegments(h5, detector, follow, null));
        }

        if (bliss.Count > 0)
        {
            var what = DescribeKind(h5, "/" + scanNames[0] + "/measurement/" + FindDetector(h5, "/" + scanNames[0] + "/measurement")!.Split('/')[^1], "dataset");
            return new Detected($"BLISS scan {string.Join(", ", scanNames)} ({what})", bliss, scans.Count == 1 ? scanTimes : null);
        }

        if (h5.GetObjectKind("/entry/data/data") == Hdf5ObjectKind.Dataset)
        {
            return new Detected("NeXus /entry/data/data", StackSegments(h5, "/entry/data/data", follow, null), null);
        }

        throw new FrameSourceException(file, null, null,
            "no frame dataset found (looked for /entry/data/data_NNNNNN, /entry_0000/measurement/data, /<scan>/measurement/<detector>, /entry/data/data); pass --dataset");
    }

    private static IReadOnlyList<string> LinkNamesDisposing(this Hdf5Group group)
    {
        using (group)
        {
            return group.LinkNames();
        }
    }

    private static string DescribeKind(Hdf5File h5, string path, string plain)
    {
        if (h5.GetExternalLinkTarget(path) is not null)
        {
            return "external link to a LIMA file";
        }

        if (h5.GetObjectKind(path) != Hdf5ObjectKind.Dataset)
        {
            return plain;
        }

        using var d = h5.OpenDataset(path);
        if (!d.IsVirtual)
        {
            return plain;
        }

        var files = d.VirtualMappings().Select(m => m.SourceFile).Distinct(StringComparer.Ordinal).Count();
        return $"virtual dataset over {files.ToString(CultureInfo.InvariantCulture)} file(s)";
    }

    private static Hdf5File OpenMetadata(string file, bool follow, string? dataset = null)
    {
        if (!File.Exists(file))
        {
            throw new FrameSourceException(file, dataset, null, "file not found");
        }

        try
        {
            if (!follow)
            {
                return Hdf5File.Open(file);
            }

            // A SWMR writer's file refuses a plain open ("already open for write"); an ordinary writer's refuses SWMR.
            try
            {
                return Hdf5File.Open(file, new Hdf5OpenOptions { SwmrRead = true, DisableFileLocking = true });
            }
            catch (Hdf5Exception)
            {
                return Hdf5File.Open(file, new Hdf5OpenOptions { DisableFileLocking = true });
            }
        }
        catch (Hdf5Exception e)
        {
            throw new FrameSourceException(file, dataset, null, "cannot open as HDF5 (truncated or not an HDF5 file): " + e.LibraryMessage, e);
        }
    }

    private static FrameSourceException Missing(Hdf5File h5, string path)
    {
        if (h5.GetExternalLinkTarget(path) is { } target)
        {
            return new FrameSourceException(h5.FilePath, path, null, $"external link target missing: {target.File}:{target.ObjectPath}");
        }

        return new FrameSourceException(h5.FilePath, path, null, "no such dataset");
    }

    /// <summary>The frame dataset in a BLISS measurement group: the rank-3 entry (links followed).</summary>
    private static string? FindDetector(Hdf5File h5, string measurement)
    {
        if (h5.GetObjectKind(measurement) != Hdf5ObjectKind.Group)
        {
            return null;
        }

        using var group = h5.OpenGroup(measurement);
        foreach (var name in group.LinkNames())
        {
            var path = measurement + "/" + name;
            if (h5.GetExternalLinkTarget(path) is { } link)
            {
                // Resolved here rather than by the library, whose search order depends on the working directory and
                // which refuses a target already open with other access properties.
                var target = ResolveRelative(h5.FilePath, link.File);
                if (!File.Exists(target))
                {
                    throw Missing(h5, path);
                }

                using var other = OpenMetadata(target, follow: false);
                if (other.GetObjectKind(link.ObjectPath) == Hdf5ObjectKind.Dataset)
                {
                    using var linked = other.OpenDataset(link.ObjectPath);
                    if (linked.Rank == 3)
                    {
                        return path;
                    }
                }

                continue;
            }

            if (h5.GetObjectKind(path) != Hdf5ObjectKind.Dataset)
            {
                continue;
            }

            using var d = h5.OpenDataset(path);
            if (d.Rank == 3)
            {
                return path;
            }
        }

        return null;
    }

    /// <summary>Segments for one frame dataset path: follows soft and external links, expands a virtual dataset into its sources.</summary>
    private static List<FrameSegment> StackSegments(Hdf5File h5, string path, bool follow, TimeCandidates? shared)
    {
        if (h5.GetExternalLinkTarget(path) is { } link)
        {
            var target = ResolveRelative(h5.FilePath, link.File);
            if (!File.Exists(target))
            {
                throw new FrameSourceException(h5.FilePath, path, null, $"external link target missing: {link.File}:{link.ObjectPath}");
            }

            using var other = OpenMetadata(target, follow);
            return StackSegments(other, link.ObjectPath, follow, shared);
        }

        var resolved = ResolveSoft(h5, path);
        if (h5.GetObjectKind(resolved) != Hdf5ObjectKind.Dataset)
        {
            throw Missing(h5, path);
        }

        using (var d = h5.OpenDataset(resolved))
        {
            if (d.IsVirtual && TryVirtualSegments(h5, d, follow) is { } sources)
            {
                return sources;
            }
        }

        var stack = new FrameStack(h5.FilePath, resolved, follow);
        stack.Open();
        // In follow mode frames are counted by the source's first Refresh, through this stack's handle alone.
        var written = follow ? 0 : stack.CountThroughLastWritten();
        return [new FrameSegment { Stack = stack, DatasetStart = 0, Count = written, Candidates = shared ?? CandidatesFor(h5, resolved) }];
    }

    private static List<FrameSegment>? TryVirtualSegments(Hdf5File h5, Hdf5Dataset vds, bool follow)
    {
        var mappings = vds.VirtualMappings().OrderBy(m => m.VirtualStart.Length > 0 ? m.VirtualStart[0] : 0).ToList();
        if (mappings.Count == 0 || vds.Rank != 3)
        {
            return null;
        }

        for (var i = 0; i < mappings.Count; i++)
        {
            // 1.10 reports the source selection of an H5S_ALL source (what h5py writes for a whole dataset) as rank 0:
            // the whole source, as many frames as the virtual block.
            var m = mappings[i];
            if (m.SourceStart.Length == 0 && m.VirtualCount.Length == 3)
            {
                m = mappings[i] = m with { SourceStart = [0, 0, 0], SourceCount = [.. m.VirtualCount] };
            }

            var fullFrames = m.VirtualStart.Length == 3 && m.SourceStart.Length == 3
                && m.VirtualStart[1] == 0 && m.VirtualStart[2] == 0 && m.VirtualCount[1] == vds.Dims[1] && m.VirtualCount[2] == vds.Dims[2]
                && m.SourceStart[1] == 0 && m.SourceStart[2] == 0 && m.SourceCount[0] == m.VirtualCount[0];
            if (!fullFrames)
            {
                // Anything fancier than whole frames from whole frames is left to the library's own VDS reader.
                return null;
            }
        }

        var segments = new List<FrameSegment>(mappings.Count);
        try
        {
            foreach (var m in mappings)
            {
                var file = m.SourceFile == "." ? h5.FilePath : ResolveRelative(h5.FilePath, m.SourceFile);
                if (!File.Exists(file))
                {
                    throw new FrameSourceException(h5.FilePath, vds.Path, checked((int)m.VirtualStart[0]),
                        $"virtual dataset source missing: {m.SourceFile}:{m.SourceDataset}");
                }

                var stack = new FrameStack(file, m.SourceDataset, follow);
                stack.Open();
                var count = checked((int)m.VirtualCount[0]);
                var start = checked((int)m.SourceStart[0]);
                if (!follow && stack.Extent < start + count)
                {
                    stack.Dispose();
                    throw new FrameSourceException(h5.FilePath, vds.Path, checked((int)m.VirtualStart[0]),
                        $"virtual dataset source {m.SourceFile}:{m.SourceDataset} has {stack.Extent} frames, the mapping needs {start + count}");
                }

                var written = follow ? 0 : count;
                segments.Add(new FrameSegment
                {
                    Stack = stack,
                    DatasetStart = start,
                    Count = written,
                    FixedCount = count,
                    Candidates = CandidatesFor(stack.OpenedFile, m.SourceDataset),
                });
            }
        }
        catch
        {
            foreach (var s in segments)
            {
                s.Stack.Dispose();
            }

            throw;
        }

        return segments;
    }

    /// <summary>A group whose links (external, in name order) each point at a frame dataset: Dectris <c>/entry/data</c>.</summary>
    private static List<FrameSegment> LinkGroup(Hdf5File h5, string groupPath, bool follow, TimeCandidates shared, Regex? filter = null)
    {
        IReadOnlyList<string> names;
        using (var group = h5.OpenGroup(groupPath))
        {
            names = group.LinkNames().Where(n => filter is null || filter.IsMatch(n)).ToList();
        }

        var segments = new List<FrameSegment>();
        var offset = 0;
        try
        {
            foreach (var name in names)
            {
                var path = groupPath.TrimEnd('/') + "/" + name;
                if (h5.GetExternalLinkTarget(path) is { } link && !File.Exists(ResolveRelative(h5.FilePath, link.File)))
                {
                    if (follow)
                    {
                        break;
                    }

                    throw new FrameSourceException(h5.FilePath, path, offset, $"external link target missing: {link.File}:{link.ObjectPath}");
                }

                foreach (var s in StackSegments(h5, path, follow, shared))
                {
                    s.AcquisitionOffset = offset;
                    offset += s.Capacity;
                    segments.Add(s);
                }
            }
        }
        catch
        {
            foreach (var s in segments)
            {
                s.Stack.Dispose();
            }

            throw;
        }

        return segments;
    }

    private static string ResolveSoft(Hdf5File h5, string path)
    {
        for (var hops = 0; hops < 16; hops++)
        {
            var target = h5.GetSoftLinkTarget(path);
            if (target is null)
            {
                return path;
            }

            path = target.StartsWith('/') ? target : path[..(path.LastIndexOf('/') + 1)] + target;
        }

        return path;
    }

    private static string ResolveRelative(string hostFile, string linked) =>
        Path.IsPathRooted(linked) ? linked : Path.Combine(Path.GetDirectoryName(Path.GetFullPath(hostFile)) ?? ".", linked);

    private static (int, int) ScanKey(string name)
    {
        var parts = name.Split('.');
        return (int.Parse(parts[0], CultureInfo.InvariantCulture), int.Parse(parts[1], CultureInfo.InvariantCulture));
    }

    /// <summary>BLISS scan-level times: <c>/&lt;scan&gt;/measurement/epoch</c>, <c>start_time</c>, <c>elapsed_time</c>.</summary>
    private static TimeCandidates? ScanCandidates(Hdf5File h5, string detectorPath)
    {
        var scan = "/" + detectorPath.TrimStart('/').Split('/')[0];
        if (!BlissScanName().IsMatch(scan[1..]))
        {
            return null;
        }

        var c = new TimeCandidates();
        if (ReadDoubles(h5, scan + "/measurement/epoch") is { } epoch)
        {
            c.Epoch = epoch;
            c.EpochSource = scan + "/measurement/epoch";
        }

        ReadStartTime(h5, scan + "/start_time", c);
        if (ReadDoubles(h5, scan + "/measurement/elapsed_time") is { } elapsed)
        {
            c.Relative = elapsed;
            c.RelativeSource = scan + "/measurement/elapsed_time";
        }

        var detector = detectorPath.Split('/')[^1];
        c.Exposure = ReadScalar(h5, $"{scan}/instrument/{detector}/acquisition/exposure_time")
            ?? ReadScalar(h5, $"{scan}/instrument/{detector}/acq_parameters/acq_expo_time");
        return c;
    }

    /// <summary>What a LIMA or Dectris file says about time next to the frame dataset at <paramref name="datasetPath"/>.</summary>
    internal static TimeCandidates CandidatesFor(Hdf5File h5, string datasetPath, TimeCandidates? previous = null)
    {
        var c = new TimeCandidates();
        var parts = datasetPath.TrimStart('/').Split('/');
        var entry = "/" + parts[0];
        var detector = datasetPath[..datasetPath.LastIndexOf('/')];
        if (detector.Length == 0)
        {
            detector = "/";
        }

        if (!ReadStartTime(h5, entry + "/start_time", c))
        {
            _ = ReadStartTime(h5, "/entry/instrument/detector/detectorSpecific/data_collection_date", c);
        }

        foreach (var relative in new[] { detector + "/time_of_frame", detector + "/header/time_of_frame", entry + "/measurement/elapsed_time" })
        {
            if (ReadDoubles(h5, relative) is { } values)
            {
                c.Relative = values;
                c.RelativeSource = relative;
                break;
            }
        }

        c.Exposure = ReadScalar(h5, detector + "/acquisition/exposure_time") ?? ReadScalar(h5, "/entry/instrument/detector/count_time");
        c.Latency = ReadScalar(h5, detector + "/acquisition/latency_time");
        if (ReadScalar(h5, "/entry/instrument/detector/frame_time") is { } period && entry == "/entry")
        {
            c.Period = period;
            c.PeriodSource = "/entry/instrument/detector/frame_time";
        }

        var planned = ReadScalar(h5, detector + "/acquisition/nb_frames") ?? ReadScalar(h5, "/entry/instrument/detector/detectorSpecific/nimages");
        c.PlannedFrames = planned is double p && p > 0 ? (int)p : previous?.PlannedFrames;
        return c;
    }

    private static bool ReadStartTime(Hdf5File h5, string path, TimeCandidates c)
    {
        if (h5.GetObjectKind(path) != Hdf5ObjectKind.Dataset)
        {
            return false;
        }

        try
        {
            var text = h5.ReadString(path);
            if (FrameTimes.ParseIso(text) is { } t)
            {
                c.StartTime = t;
                c.StartTimeText = text;
                c.StartTimeSource = path;
                return true;
            }
        }
        catch (Hdf5Exception)
        {
        }

        return false;
    }

    private static double? ReadScalar(Hdf5File h5, string path) => ReadDoubles(h5, path) is { Length: > 0 } v ? v[0] : null;

    private static double[]? ReadDoubles(Hdf5File h5, string path)
    {
        if (h5.GetObjectKind(path) != Hdf5ObjectKind.Dataset)
        {
            return null;
        }

        try
        {
            using var d = h5.OpenDataset(path);
            if (!(d.ElementType.IsInteger || d.ElementType.IsFloat))
            {
                return null;
            }

            if (h5.IsSwmrRead)
            {
                // A SWMR reader would otherwise keep the dataset's layout (and its fill values) as first seen.
                d.Refresh();
            }

            var values = new double[d.ElementCount];
            d.Read<double>(values);
            return values;
        }
        catch (Hdf5Exception)
        {
            return null;
        }
    }

    [GeneratedRegex(@"^data_\d{6}$")]
    private static partial Regex DectrisDataName();

    [GeneratedRegex(@"^(?<stem>.+)_(?<number>\d{4,})(?<ext>\.(?:h5|hdf5|nxs))$", RegexOptions.IgnoreCase)]
    private static partial Regex SeriesFileName();

    [GeneratedRegex(@"^\d+\.\d+$")]
    private static partial Regex BlissScanName();
}
