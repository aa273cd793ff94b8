namespace OperandoXrd.Pipeline.Outputs;

/// <summary>
/// An output of the run (journal, checkpoint, lattice.csv, reduced.h5, a pattern file) could not be written: disk
/// full, quota, folder removed or made read-only. Names the file and keeps the system's reason ("No space left on
/// device"). The checkpoint on disk still names only data flushed before, so <c>--resume</c> continues from it.
/// </summary>
public sealed class OutputWriteException : IOException
{
    private OutputWriteException(string path, string message, Exception inner)
        : base(message, inner)
    {
        Path = path;
    }

    public OutputWriteException() : base("cannot write an output") => Path = "";

    public OutputWriteException(string message) : base(message) => Path = "";

    public OutputWriteException(string message, Exception inner) : base(message, inner) => Path = "";

    /// <summary>The output that could not be written (its final name, not the temporary one it was being written under).</summary>
    public string Path { get; }

    /// <summary>The failure to write <paramref name="path"/>, with the system's reason.</summary>
    public static OutputWriteException For(string path, Exception inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        return new OutputWriteException(path, $"cannot write {path}: {inner.Message}", inner);
    }

    /// <summary>Runs <paramref name="write"/>, turning a failure to write into an exception that names <paramref name="path"/>.</summary>
    public static void Guard(string path, Action write)
    {
        ArgumentNullException.ThrowIfNull(write);
        try
        {
            write();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException && e is not OutputWriteException)
        {
            throw For(path, e);
        }
    }

    public static T Guard<T>(string path, Func<T> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        try
        {
            return write();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException && e is not OutputWriteException)
        {
            throw For(path, e);
        }
    }
}
