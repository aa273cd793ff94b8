using OperandoXrd.Core.Frames;

namespace OperandoXrd.Hdf5.Frames;

/// <summary>
/// HDF5 frames (LIMA, LIMA series, BLISS scans, Dectris master/data) as a <see cref="IFrameSourceFormat"/>: inputs
/// whose files end in .h5, .hdf5 or .nxs, or folders holding such files.
/// </summary>
public sealed class Hdf5FrameFormat : IFrameSourceFormat
{
    public static Hdf5FrameFormat Instance { get; } = new();

    private Hdf5FrameFormat()
    {
    }

    public string Name => "HDF5";

    public bool Recognizes(IReadOnlyList<string> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        return inputs.Any(input => Directory.Exists(input) ? FrameSources.HasFrameFiles(input) : FrameSources.IsFrameFile(input));
    }

    public IFrameSource Open(FrameSourceRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return FrameSources.Open(request.Inputs, request.Dataset, request.Fallback);
    }

    public IFollowingFrameSource Follow(FrameSourceRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return FrameSources.Follow(request.Inputs, request.Dataset, request.Fallback);
    }
}
