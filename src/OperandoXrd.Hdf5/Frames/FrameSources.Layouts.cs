using System.Globalization;
using System.Text.RegularExpressions;
using OperandoXrd.Core.Frames;

namespace OperandoXrd.Hdf5.Frames;

/// <summary>Recognising a file's layout (LIMA, BLISS scan, Dectris master, virtual datasets, link groups) and its frame segments.</summary>
public static partial class FrameSources
{
    /// <summary>A file's layout and segments; EndTimes: where the writer marks the end of the scan (BLISS <c>/&lt;scan&gt;/end_time</c>).</summary>
    private sealed record Detected(string Layout, List<FrameSegment> Segments, TimeCandidates? Sequence)
    {
        public IReadOnlyList<(string File, string Path)> EndTimes { get; init; } = [];
    }

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
            return new Detected($"BLISS scan {string.Join(", ", scanNames)} ({what})", bliss, scans.Count == 1 ? scanTimes : null)
            {
                EndTimes = [.. scanNames.Select(scan => (h5.FilePath, "/" + scan + "/end_time"))],
            };
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

    /// <summary>Opens a file another process may be writing, for a look at its metadata.</summary>
    internal static Hdf5File OpenForLook(string file) => OpenMetadata(file, follow: true);

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

    [GeneratedRegex(@"^data_\d{6}$")]
    private static partial Regex DectrisDataName();

    [GeneratedRegex(@"^\d+\.\d+$")]
    private static partial Regex BlissScanName();
}
