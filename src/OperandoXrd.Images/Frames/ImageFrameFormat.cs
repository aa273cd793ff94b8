using OperandoXrd.Core.Frames;

namespace OperandoXrd.Images.Frames;

/// <summary>
/// Pilatus miniCBF, TIFF and ESRF EDF images as a <see cref="IFrameSourceFormat"/>: inputs that are image files
/// (<c>.cbf</c>, <c>.tif</c>/<c>.tiff</c>, <c>.edf</c>) or folders holding them and no HDF5 frame files; a folder is
/// one scan in natural numeric order (<see cref="ImageFrameSources"/>).
/// </summary>
public sealed class ImageFrameFormat : IFrameSourceFormat
{
    public static ImageFrameFormat Instance { get; } = new();

    private ImageFrameFormat()
    {
    }

    public string Name => "CBF/TIFF/EDF images";

    public bool Recognizes(IReadOnlyList<string> inputs) => ImageFrameSources.Handles(inputs);

    public IFrameSource Open(FrameSourceRequest request) => OpenCore(request, follow: false);

    public IFollowingFrameSource Follow(FrameSourceRequest request) => OpenCore(request, follow: true);

    private static ImageFrameSource OpenCore(FrameSourceRequest request, bool follow)
    {
        ArgumentNullException.ThrowIfNull(request);
        return ImageFrameSources.TryOpen(request.Inputs, request.Fallback, follow)
            ?? throw new FrameSourceException(string.Join(", ", request.Inputs), null, null, "not CBF, TIFF or EDF images");
    }
}
