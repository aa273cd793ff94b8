using OperandoXrd.Core.Frames;
using OperandoXrd.Hdf5.Frames;
using OperandoXrd.Images.Frames;

namespace OperandoXrd.Pipeline.Stages;

/// <summary>
/// Opens frames whatever their format: the first registered format that recognises the inputs opens them; inputs no
/// format recognises go to the first (HDF5), whose messages then say what is wrong (file not found, no frame files).
/// The host and every command that reads frames (integrate, inspect, peek-model, bench) open them here, and here the
/// request's flip (<c>--flip-ud</c>, pipeline <c>integration.flip</c>) wraps whatever was opened, so that every command
/// sees the same image.
/// </summary>
/// <remarks>
/// A new format is one class implementing <see cref="IFrameSourceFormat"/> (in its own project, e.g.
/// OperandoXrd.Images for CBF/TIFF/EDF) and one line in <see cref="Formats"/>; a source that can follow growing files
/// implements <see cref="IFollowingFrameSource"/>, one over a numbered file series <see cref="ISeriesFrameSource"/>.
/// </remarks>
public static class FrameSourceFactory
{
    /// <summary>The registered formats, in the order they are asked.</summary>
    public static IReadOnlyList<IFrameSourceFormat> Formats { get; } =
    [
        Hdf5FrameFormat.Instance,
        ImageFrameFormat.Instance,
    ];

    /// <summary>The format that reads <paramref name="inputs"/>.</summary>
    public static IFrameSourceFormat FormatOf(IReadOnlyList<string> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        return Formats.FirstOrDefault(f => f.Recognizes(inputs)) ?? Formats[0];
    }

    /// <summary>Opens finished files.</summary>
    public static IFrameSource Open(FrameSourceRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return FrameFlips.Apply(FormatOf(request.Inputs).Open(request), request.Flip);
    }

    /// <summary>Opens files another process may still be writing.</summary>
    public static IFollowingFrameSource Follow(FrameSourceRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return FrameFlips.Apply(FormatOf(request.Inputs).Follow(request), request.Flip);
    }
}
