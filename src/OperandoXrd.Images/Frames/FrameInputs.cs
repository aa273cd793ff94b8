using OperandoXrd.Core.Frames;
using OperandoXrd.Hdf5.Frames;

namespace OperandoXrd.Images.Frames;

/// <summary>How the commands open their <c>--input</c>: image files (CBF, TIFF, EDF) or HDF5, then the flip.</summary>
public sealed record FrameInputOptions
{
    /// <summary>HDF5 dataset path overriding layout detection (HDF5 only).</summary>
    public string? Dataset { get; init; }

    /// <summary>Rule 4 of the frame-time rules.</summary>
    public FrameTimeOptions? Times { get; init; }

    /// <summary>Follow files (and folders) still being written.</summary>
    public bool Follow { get; init; }

    /// <summary>Mirror applied to every frame (Dioptas PONI files: <see cref="FrameFlip.UpDown"/>).</summary>
    public FrameFlip Flip { get; init; }
}

/// <summary>
/// The one place where a command turns its inputs into frames: image files when the inputs are image files or
/// folders of them, else the HDF5 layouts; the flip applied on top, so that every command sees the same image.
/// </summary>
public static class FrameInputs
{
    public static IFollowingFrameSource Open(IReadOnlyList<string> inputs, FrameInputOptions? options = null)
    {
        options ??= new FrameInputOptions();
        IFollowingFrameSource? source = ImageFrameSources.TryOpen(inputs, options.Times, options.Follow);
        source ??= options.Follow ? FrameSources.Follow(inputs, options.Dataset, options.Times) : FrameSources.Open(inputs, options.Dataset, options.Times);
        return FrameFlips.Apply(source, options.Flip);
    }

    /// <summary>The source as read from disk, under any flip.</summary>
    public static IFrameSource Unflipped(IFrameSource source) => source is FlippedFrameSource f ? f.Inner : source;

    /// <summary>The human summary of <c>oxrd inspect</c>, for any source.</summary>
    public static string Describe(IFrameSource source)
    {
        var text = Unflipped(source) switch
        {
            Hdf5FrameSource h5 => FrameInspection.Describe(h5),
            ImageFrameSource images => images.Describe(),
            var other => $"layout:    {other.Description}\n",
        };
        return source is FlippedFrameSource flipped ? text + $"flip:      {FrameFlips.Name(flipped.Flip)} (applied to every frame)\n" : text;
    }
}
