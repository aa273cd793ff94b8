using System.Text;

namespace OperandoXrd.Core.IO;

/// <summary>
/// Writes files so that a reader (a user, a viewer in another process, a resumed run) sees either the old content or
/// the new, never half of one: write to a temporary name beside the target, flush to disk, rename over the target.
/// A rename within one folder is atomic on POSIX file systems.
/// </summary>
public static class AtomicFile
{
    public static void WriteAllText(string path, string content) =>
        Write(path, stream =>
        {
            var bytes = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(content);
            stream.Write(bytes);
        });

    public static void WriteAllBytes(string path, ReadOnlySpan<byte> content)
    {
        var temp = TemporaryPathFor(path);
        try
        {
            using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                stream.Write(content);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    public static void Write(string path, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        var temp = TemporaryPathFor(path);
        try
        {
            using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>
    /// Replaces <paramref name="path"/> with what <paramref name="writeTemporary"/> writes to the temporary path it is
    /// given (for writers that open files by name, as HDF5 does), then renamed over the target; on any failure the
    /// temporary file is removed and the target left as it was. Not flushed to disk: the writer decides.
    /// </summary>
    public static void Replace(string path, Action<string> writeTemporary)
    {
        ArgumentNullException.ThrowIfNull(writeTemporary);
        var temp = TemporaryPathFor(path);
        try
        {
            writeTemporary(temp);
            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    /// <summary>
    /// A temporary name in the target's folder (so the final rename never crosses file systems), unique per process,
    /// starting with a dot so that folder watchers looking for <c>*.h5</c> or <c>*.csv</c> ignore it.
    /// </summary>
    public static string TemporaryPathFor(string path)
    {
        var full = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(full) ?? ".";
        return Path.Combine(folder, $".{Path.GetFileName(full)}.{Environment.ProcessId}.tmp");
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
