namespace OperandoXrd.Core.Frames;

/// <summary>
/// A file missing from a LIMA series (scan_0002.h5 between scan_0001.h5 and scan_0003.h5) and the frames it would have
/// held: <paramref name="FirstFrame"/>..FirstFrame+FrameCount−1 in the global numbering, which therefore stays that
/// of the complete series. FrameCount is 0 when the files on either side belong to different acquisitions (their
/// start_time differs) and the missing file's size cannot be known. <paramref name="Unreadable"/> is set when the file
/// is there but cannot be read (truncated, not HDF5, no frame dataset): the reason, and the file is treated as missing.
/// </summary>
public sealed record SeriesGap(string MissingFile, string Before, string After, int FirstFrame, int FrameCount, string? Unreadable = null)
{
    public override string ToString() => Unreadable is not null
        ? $"{MissingFile} cannot be read ({Unreadable}): frames {FirstFrame}..{FirstFrame + FrameCount - 1} skipped"
        : FrameCount > 0
        ? $"{MissingFile} is missing from the series (between {System.IO.Path.GetFileName(Before)} and {System.IO.Path.GetFileName(After)}): frames {FirstFrame}..{FirstFrame + FrameCount - 1} skipped"
        : $"{MissingFile} is missing from the series (between {System.IO.Path.GetFileName(Before)} and {System.IO.Path.GetFileName(After)}, which belong to different acquisitions): its frames are unknown, none reserved";
}

/// <summary>
/// A source over a numbered file series in which files may be missing (a LIMA series today; a folder of CBF or TIFF
/// files alike): the host reports each gap once and turns its frames into failed rows instead of renumbering.
/// </summary>
public interface ISeriesFrameSource : IFrameSource
{
    /// <summary>Files missing from the series' numbering (or unreadable), in frame order, with the frames they would have held.</summary>
    IReadOnlyList<SeriesGap> Gaps { get; }

    /// <summary>True when frame <paramref name="index"/> belongs to a file missing from the series (see <see cref="Gaps"/>).</summary>
    bool IsMissing(int index);
}
