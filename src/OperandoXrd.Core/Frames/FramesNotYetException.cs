namespace OperandoXrd.Core.Frames;

/// <summary>
/// Following a scan, nothing can be read yet: the folder has no frame file, a listed file does not exist yet, or the
/// first file is still being written. Not an error while the idle timeout lasts: the host waits and opens again.
/// <see cref="FrameSourceException.Reason"/> says what is waited for ("the first frame file in /data/scan0001").
/// </summary>
public sealed class FramesNotYetException : FrameSourceException
{
    public FramesNotYetException(string file, string waitingFor, Exception? inner = null)
        : base(file, null, null, waitingFor, inner)
    {
    }

    public FramesNotYetException()
    {
    }

    public FramesNotYetException(string message) : base(message)
    {
    }

    public FramesNotYetException(string message, Exception inner) : base(message, inner)
    {
    }
}
