using System.Runtime.InteropServices;

namespace OperandoXrd.Core.IO;

/// <summary>
/// fsync of a folder (POSIX): makes the renames done in it durable. .NET opens no directory as a file, hence libc.
/// Elsewhere (Windows) a rename is made durable by the file system and this does nothing.
/// </summary>
internal static partial class DirectorySync
{
    private const int ReadOnlyDirectory = 0x10000; // O_RDONLY | O_DIRECTORY (Linux)

    public static void Flush(string folder)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var fd = Open(folder, ReadOnlyDirectory);
        if (fd < 0)
        {
            throw new IOException($"{folder}: cannot open the folder to flush it (errno {Marshal.GetLastPInvokeError()})");
        }

        try
        {
            if (Fsync(fd) != 0)
            {
                throw new IOException($"{folder}: fsync of the folder failed (errno {Marshal.GetLastPInvokeError()})");
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);
}
