using OperandoXrd.Core.Frames;

namespace OperandoXrd.Hdf5.Frames;

/// <summary>
/// Where a followed HDF5 scan's next files come from: new frame files in the watched folders, then the listed files
/// not there yet, in the order given. A file of a LIMA series that exists but cannot be read (being written,
/// truncated) is tried again at every look until it is readable, or until the scan has moved on — a later file of the
/// same series is complete and this one has not changed for <see cref="SettleTime"/> — and is then handed back as
/// unreadable, to become a stand-in segment carrying the reason (as offline).
/// </summary>
internal sealed class FollowedFiles(FollowedInputs inputs, string? dataset)
{
    /// <summary>A file not written to for this long is not still being written (a copy or a slow flush would touch it).</summary>
    public static TimeSpan SettleTime { get; set; } = TimeSpan.FromSeconds(2);

    public FollowedInputs Inputs { get; } = inputs;

    /// <summary>
    /// New segments after <paramref name="known"/> (files already read, stand-ins of missing files included), and the
    /// series files given up as unreadable on the way (by full path, for <see cref="FrameSources.TryAppend"/>).
    /// </summary>
    public (List<FrameSegment> Added, Dictionary<string, FrameSourceException> Unreadable) Discover(IReadOnlyCollection<string> known)
    {
        var added = new List<FrameSegment>();
        var unreadable = new Dictionary<string, FrameSourceException>(StringComparer.Ordinal);
        var folderFiles = Inputs.Folders.SelectMany(FrameSources.FrameFilesIn).Where(f => !known.Contains(f, StringComparer.Ordinal)).ToList();
        if (!TryAdd(folderFiles, added, unreadable))
        {
            return (added, unreadable);
        }

        // Listed files come after everything before them in the list: one at a time, once each exists.
        while (Inputs.TryPeekNextListed(out var next))
        {
            if (Directory.Exists(next))
            {
                Inputs.Took();
                if (!TryAdd([.. FrameSources.FrameFilesIn(next)], added, unreadable))
                {
                    break;
                }

                continue;
            }

            if (!TryAdd([next], added, unreadable))
            {
                break;
            }

            Inputs.Took();
        }

        return (added, unreadable);
    }

    /// <summary>Detects <paramref name="files"/> in order; false at the first that is not readable yet (it and the rest wait).</summary>
    private bool TryAdd(List<string> files, List<FrameSegment> added, Dictionary<string, FrameSourceException> unreadable)
    {
        for (var i = 0; i < files.Count; i++)
        {
            try
            {
                added.AddRange(FrameSources.DetectSegments(files[i], dataset, follow: true));
            }
            catch (FrameSourceException e)
            {
                if (!ScanMovedOn(files[i], dataset))
                {
                    return false;
                }

                unreadable[Path.GetFullPath(files[i])] = e;
            }
        }

        return true;
    }

    /// <summary>
    /// True when <paramref name="file"/>, a file of a LIMA series that cannot be read, has not changed for
    /// <see cref="SettleTime"/> and a later-numbered file of its series in the same folder is complete.
    /// </summary>
    public static bool ScanMovedOn(string file, string? dataset)
    {
        if (!FrameSources.IsSeriesFileName(file))
        {
            return false;
        }

        try
        {
            if (DateTime.UtcNow - File.GetLastWriteTimeUtc(file) < SettleTime)
            {
                return false;
            }
        }
        catch (IOException)
        {
            return false;
        }

        var folder = Path.GetDirectoryName(Path.GetFullPath(file)) ?? ".";
        foreach (var later in FrameSources.FrameFilesIn(folder).Where(f => FrameSources.IsLaterInSeries(file, f)))
        {
            List<FrameSegment> segments;
            try
            {
                segments = FrameSources.DetectSegments(later, dataset, follow: true);
            }
            catch (FrameSourceException)
            {
                continue;
            }

            try
            {
                if (segments.Count == 1 && FrameSources.IsCompleteNow(segments[0]))
                {
                    return true;
                }
            }
            finally
            {
                foreach (var s in segments)
                {
                    s.Stack.Dispose();
                }
            }
        }

        return false;
    }
}
