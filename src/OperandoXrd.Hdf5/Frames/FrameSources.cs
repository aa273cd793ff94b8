using System.Globalization;
using OperandoXrd.Core.Frames;

namespace OperandoXrd.Hdf5.Frames;

/// <summary>
/// Opens whatever <c>--input</c> names — files, folders (every <c>*.h5</c> in name order), a Dectris master — as one
/// frame sequence, recognising the layouts of docs/formats.md (LIMA, LIMA series, BLISS scan, Dectris master/data).
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

        var split = FollowedInputs.Split(inputs, follow);
        var files = ExpandInputs(split.Present);
        var segments = new List<FrameSegment>();
        var layouts = new List<string>();
        var endTimes = new List<(string File, string Path)>();
        TimeCandidates? sequence = null;
        var watchFolders = follow && split.Folders.Count > 0;
        var unreadable = new Dictionary<string, FrameSourceException>(StringComparer.Ordinal);
        try
        {
            for (var i = 0; i < files.Count; i++)
            {
                var (file, listed) = files[i];
                Detected found;
                try
                {
                    found = Detect(file, dataset, follow);
                }
                catch (FrameSourceException e) when (IsSeriesFileName(file) && (!follow || FollowedFiles.ScanMovedOn(file, dataset)))
                {
                    // A file of a series that cannot be read (truncated, not HDF5, no frame dataset) is a hole in the
                    // numbering like a missing file, bridged by the next readable file (before the first: by the
                    // first; after the last: sized like the file before it). Live only once the scan has moved on.
                    unreadable[Path.GetFullPath(file)] = e;
                    continue;
                }
                catch (FrameSourceException e) when (follow && !HasFrames(segments))
                {
                    // The writer may have created the file a moment ago: wait for it (until the idle timeout).
                    throw new FramesNotYetException(file, $"{file} to become readable ({e.Reason})", e.InnerException ?? e);
                }
                catch (FrameSourceException) when (follow)
                {
                    // Not readable yet: it and the files after it wait for the next look (folders are looked at again;
                    // listed files go back in front of the list).
                    split.Defer([.. files.Skip(i).Where(f => f.Listed).Select(f => f.File)]);
                    break;
                }

                var waiting = false;
                for (var k = 0; k < found.Segments.Count; k++)
                {
                    // Live with scan folders, a hole in the numbering waits until the file after it is complete (the
                    // folder is looked at again); offline, or with files named one by one, it is bridged at once.
                    if (!TryAppend(segments, found.Segments[k], waitForCompleteLaterFile: watchFolders, unreadable))
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
                endTimes.AddRange(found.EndTimes);
            }

            if (!follow && HasFrames(segments))
            {
                AppendTrailing(segments, unreadable);
            }

            if (!HasFrames(segments))
            {
                if (unreadable.Count > 0)
                {
                    throw unreadable.Values.First();
                }

                throw follow
                    ? new FramesNotYetException(string.Join(", ", inputs), split.WaitingFor(null))
                    : new FrameSourceException(string.Join(", ", inputs), dataset, null, "no frame files found");
            }

            if (unreadable.Count > 0)
            {
                throw unreadable.Values.First();
            }

            var followed = follow ? new FollowedFiles(split, dataset) : null;
            var layout = layouts.Count == 1 ? layouts[0] : SeriesName(layouts[0], segments);
            return new Hdf5FrameSource(layout, segments, sequence, fallback, follow, followed, endTimes);
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

    private static bool HasFrames(List<FrameSegment> segments) => segments.Exists(s => !s.IsMissing);

    /// <summary>The segments of one file (its layout detected), for <see cref="FollowedFiles"/>.</summary>
    internal static List<FrameSegment> DetectSegments(string file, string? dataset, bool follow) => Detect(file, dataset, follow).Segments;

    internal static string SeriesName(string firstLayout, List<FrameSegment> segments)
    {
        var files = segments.Where(s => !s.IsMissing).Select(s => s.Stack.File).Distinct(StringComparer.Ordinal).Count();
        var kind = firstLayout.Split(' ')[0];
        return files == 1 ? firstLayout : $"{kind} series ({files.ToString(CultureInfo.InvariantCulture)} files)";
    }

    /// <summary>Files in the order their frames come: folders contribute every frame file in ordinal name order; Listed: named on the command line.</summary>
    private static List<(string File, bool Listed)> ExpandInputs(IReadOnlyList<string> inputs)
    {
        var files = new List<(string, bool)>();
        foreach (var input in inputs)
        {
            if (Directory.Exists(input))
            {
                files.AddRange(FrameFilesIn(input).Select(f => (f, false)));
            }
            else
            {
                files.Add((input, true));
            }
        }

        return files;
    }

    /// <summary>Whether a file name is an HDF5 frame file's (.h5, .hdf5, .nxs).</summary>
    public static bool IsFrameFile(string path) => FrameFileExtensions.Contains(Path.GetExtension(path), StringComparer.OrdinalIgnoreCase);

    /// <summary>Whether a folder holds HDF5 frame files.</summary>
    public static bool HasFrameFiles(string folder) => Directory.EnumerateFiles(folder).Any(IsFrameFile);

    internal static List<string> FrameFilesIn(string folder)
    {
        var all = Directory.EnumerateFiles(folder)
            .Where(IsFrameFile)
            .OrderBy(f => Path.GetFileName(f), StringComparer.Ordinal)
            .ToList();

        // A Dectris folder holds the master and its data files; the master already links every data file.
        var masters = all.Where(f => Path.GetFileNameWithoutExtension(f).EndsWith("_master", StringComparison.Ordinal)).ToList();
        return masters.Count > 0 ? masters : all;
    }
}
