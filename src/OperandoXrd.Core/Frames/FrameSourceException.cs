namespace OperandoXrd.Core.Frames;

/// <summary>
/// A frame or a dataset could not be read. The message always names the file, and the dataset and frame where known,
/// so that a user at the beamline can find the culprit without a debugger.
/// </summary>
public class FrameSourceException : Exception
{
    public FrameSourceException(string file, string? dataset, int? frame, string reason, Exception? inner = null)
        : base(Compose(file, dataset, frame, reason), inner)
    {
        File = file;
        Dataset = dataset;
        Frame = frame;
        Reason = reason;
    }

    public FrameSourceException() : base("frame source error") { File = ""; Reason = ""; }

    public FrameSourceException(string message) : base(message) { File = ""; Reason = message; }

    public FrameSourceException(string message, Exception inner) : base(message, inner) { File = ""; Reason = message; }

    public string File { get; }

    public string? Dataset { get; }

    public int? Frame { get; }

    public string Reason { get; }

    private static string Compose(string file, string? dataset, int? frame, string reason)
    {
        var where = file;
        if (dataset is not null)
        {
            where += ":" + dataset;
        }

        if (frame is int f)
        {
            where += $" frame {f}";
        }

        return $"{where}: {reason}";
    }
}
