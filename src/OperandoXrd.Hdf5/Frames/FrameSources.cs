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

        var files = ExpandInputs(inputs, follow);
        var segments = new List<FrameSegment>();
        var layouts = new List<string>();
        TimeCandidates? sequence = null;
        var folders = inputs.Where(Directory.Exists).ToArray();
        var unreadable = new Dictionary<string, FrameSourceException>(StringComparer.Ordinal);
        try
        {
            foreach (var file in files)
            {
                Detected found;
                try
                {
                    found = Detect(file, dataset, follow);
                }
                catch (FrameSourceException e) when (!follow && segments.Count > 0 && IsSeriesFileName(file))
                {
                    // A file of a series that cannot be read (truncated, not HDF5, no frame dataset) is a hole in the
                    // numbering like a missing file, bridged by the next readable file; one with no file after it
                    // stops the run below, as before.
                    unreadable[Path.GetFullPath(file)] = e;
                    continue;
                }

                var waiting = false;
                for (var k = 0; k < found.Segments.Count; k++)
                {
                    // Live with scan folders, a hole in the numbering waits until the file after it is complete (the
                    // folder is looked at again); offline, or with files named one by one, it is bridged at once.
                    if (!TryAppend(segments, found.Segments[k], waitForCompleteLaterFile: follow && folders.Length > 0, unreadable))
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

            if (unreadable.Count > 0)
            {
                throw unreadable.Values.First();
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

    /// <summary>Whether a file name is an HDF5 frame file's (.h5, .hdf5, .nxs).</summary>
    public static bool IsFrameFile(string path) => FrameFileExtensions.Contains(Path.GetExtension(path), StringComparer.OrdinalIgnoreCase);

    /// <summary>Whether a folder holds HDF5 frame files.</summary>
    public static bool HasFrameFiles(string folder) => Directory.EnumerateFiles(folder).Any(IsFrameFile);

    private static List<string> FrameFilesIn(string folder)
    {
        var all = Directory.EnumerateFiles(folder)
            .Where(IsFrameFile)
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
}
