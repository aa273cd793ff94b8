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
    /// Several files of one folder written together (a run's figures): each to its temporary name, all flushed to disk at
    /// once (the fsyncs overlap instead of queueing one after the other), then each renamed over its target, then the
    /// folder flushed once so that the renames survive a power cut too. A reader sees each file old or new, never half;
    /// a crash leaves some files new and some old, each whole.
    /// </summary>
    public static void WriteAll(IReadOnlyList<(string Path, ReadOnlyMemory<byte> Content)> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        var temps = files.Select(f => TemporaryPathFor(f.Path)).ToArray();
        try
        {
            Parallel.For(0, files.Count, new ParallelOptions { MaxDegreeOfParallelism = Math.Min(files.Count, 8) }, i =>
            {
                using var stream = new FileStream(temps[i], FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
                stream.Write(files[i].Content.Span);
                stream.Flush(flushToDisk: true);
            });
            for (var i = 0; i < files.Count; i++)
            {
                File.Move(temps[i], files[i].Path, overwrite: true);
            }
        }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0)
        {
            foreach (var temp in temps)
            {
                TryDelete(temp);
            }

            // The first error as itself (an IOException for a full disk), as a single write would throw it.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
            throw;
        }
        catch
        {
            foreach (var temp in temps)
            {
                TryDelete(temp);
            }

            throw;
        }

        foreach (var folder in files.Select(f => Path.GetDirectoryName(Path.GetFullPath(f.Path)) ?? ".").Distinct(StringComparer.Ordinal))
        {
            DirectorySync.Flush(folder);
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
