namespace OperandoXrd.Core.Frames;

/// <summary>What <c>--input</c> names (files, folders, a master file) and how to read it.</summary>
/// <param name="Inputs">Files and folders, in the order given.</param>
/// <param name="Dataset">A format-specific location inside the files (HDF5: the frame dataset), or null to detect it.</param>
/// <param name="Fallback">Rule 4 of the frame-time rules, for files that say nothing about time.</param>
/// <param name="Flip">Mirror applied to every frame as it is read, whatever the format (Dioptas PONI files: <see cref="FrameFlip.UpDown"/>).</param>
public sealed record FrameSourceRequest(IReadOnlyList<string> Inputs, string? Dataset = null, FrameTimeOptions? Fallback = null, FrameFlip Flip = FrameFlip.None);

/// <summary>
/// One frame file format (HDF5 today; CBF, TIFF, EDF next): whether it recognises a set of inputs, and how to open
/// them for finished files or for files another process is still writing. Registered once, in
/// <c>FrameSourceFactory</c> (OperandoXrd.Pipeline), which every command and the host open frames through.
/// </summary>
public interface IFrameSourceFormat
{
    /// <summary>Short name for messages ("HDF5").</summary>
    string Name { get; }

    /// <summary>True when <paramref name="inputs"/> are this format's (by file name, or a folder holding such files).</summary>
    bool Recognizes(IReadOnlyList<string> inputs);

    /// <summary>Opens finished files.</summary>
    /// <exception cref="FrameSourceException">Nothing readable (names the file and why).</exception>
    IFrameSource Open(FrameSourceRequest request);

    /// <summary>Opens files that may still grow; the frame count grows with <see cref="IFollowingFrameSource.Refresh"/>.</summary>
    IFollowingFrameSource Follow(FrameSourceRequest request);
}
