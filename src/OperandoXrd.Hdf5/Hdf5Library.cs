using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using OperandoXrd.Hdf5.Native;

namespace OperandoXrd.Hdf5;

/// <summary>
/// The one lock every native HDF5 call goes through. Debian's <c>libhdf5_serial</c> is built without thread safety,
/// so two threads inside the library at once corrupt its caches; the safe layer takes this lock around each call and
/// does everything else (decompression, conversion) outside it so that several frames still decode in parallel.
/// </summary>
public static partial class Hdf5Library
{
    /// <summary>Where Debian's <c>hdf5-filter-plugin</c> and <c>bitshuffle</c> packages install the filter plugins.</summary>
    public const string DebianPluginFolder = "/usr/lib/x86_64-linux-gnu/hdf5/serial/plugins";

    private static int s_pluginsAdded;

    private static bool s_noTrim;

    private static readonly Lock SyncLock = new();

    [ThreadStatic]
    private static bool t_quiet;

    /// <summary>
    /// Held around every native call. Taking it also silences the library's own error printing for the calling thread:
    /// Debian's build keeps that setting per thread, and our exceptions carry the same text.
    /// </summary>
    public static Lock Sync
    {
        get
        {
            if (!t_quiet)
            {
                t_quiet = true;
                Hdf5Native.EnsureInitialized();
                lock (SyncLock)
                {
                    _ = H5E.set_auto(H5E.DEFAULT, 0, 0);
                }
            }

            return SyncLock;
        }
    }

    /// <summary>
    /// Gives memory that HDF5 has freed back to the system: the library's free lists, then glibc's. glibc keeps what a
    /// thread freed in that thread's arena; after a long series has been scanned (every file opened once) that was
    /// 20–30 MB that the process held for the rest of the run, a peak that grew with the number of files. Cheap
    /// (well under a millisecond); call it after closing files, not per frame.
    /// </summary>
    public static void ReleaseFreeMemory()
    {
        lock (Sync)
        {
            _ = H5.garbage_collect();
        }

        if (OperatingSystem.IsLinux() && !s_noTrim)
        {
            try
            {
                _ = MallocTrim(0);
            }
            catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
            {
                // Not glibc (musl): nothing to trim, and no point in asking again.
                s_noTrim = true;
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "malloc_trim")]
    private static partial int MallocTrim(nuint pad);

    /// <summary>"1.10.8" for Debian 12's library.</summary>
    public static unsafe string Version
    {
        get
        {
            uint major, minor, release;
            lock (Sync)
            {
                _ = H5.get_libversion(&major, &minor, &release);
            }

            return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{major}.{minor}.{release}");
        }
    }

    /// <summary>Open objects of every kind in every file (<c>H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL)</c>); 0 when nothing leaks.</summary>
    public static long OpenObjectCount
    {
        get
        {
            lock (Sync)
            {
                return H5F.get_obj_count((long)H5F.OBJ_ALL, H5F.OBJ_ALL);
            }
        }
    }

    /// <summary>
    /// Makes the filter plugins findable for the plugin read path (the fallback, and the cross-check of our managed
    /// decoders) without requiring <c>HDF5_PLUGIN_PATH</c> in the environment. Idempotent.
    /// </summary>
    public static void EnsurePluginPath()
    {
        if (Interlocked.Exchange(ref s_pluginsAdded, 1) == 1)
        {
            return;
        }

        if (Directory.Exists(DebianPluginFolder))
        {
            lock (Sync)
            {
                _ = H5PL.append(DebianPluginFolder);
            }
        }
    }

    /// <summary>True when the library can apply <paramref name="filterId"/> itself (built in or plugin found).</summary>
    public static bool IsFilterAvailable(int filterId)
    {
        EnsurePluginPath();
        lock (Sync)
        {
            var available = H5Z.filter_avail(filterId) > 0;
            _ = H5E.clear(H5E.DEFAULT);
            return available;
        }
    }

    /// <summary>
    /// Builds the exception for a failed call from the library's error stack (most specific message first), then
    /// clears the stack. Call it while still holding <see cref="Sync"/>.
    /// </summary>
    internal static Hdf5Exception Error(string call, string file, string? objectPath)
    {
        var details = ErrorStackText();
        var message = objectPath is null ? $"{file}: {call} failed" : $"{file}:{objectPath}: {call} failed";
        if (details.Length > 0)
        {
            message += ": " + details;
        }

        return new Hdf5Exception(message, file, objectPath, details);
    }

    [ThreadStatic]
    private static List<string>? t_errorLines;

    internal static unsafe string ErrorStackText()
    {
        var lines = t_errorLines ??= [];
        lines.Clear();
        _ = H5E.walk(H5E.DEFAULT, H5E.WALK_UPWARD, &CollectError, 0);
        _ = H5E.clear(H5E.DEFAULT);

        // The innermost entries carry the useful part ("unable to open file: name = ..., errno = 2, ...");
        // the outer ones repeat "not found" up the call chain, so keep the first two distinct texts.
        var distinct = new List<string>(2);
        foreach (var line in lines)
        {
            if (line.Length > 0 && !distinct.Contains(line))
            {
                distinct.Add(line);
                if (distinct.Count == 2)
                {
                    break;
                }
            }
        }

        return string.Join("; ", distinct);
    }

    [UnmanagedCallersOnly]
    private static unsafe int CollectError(uint n, H5E.error_t* error, nint clientData)
    {
        var text = error->desc is null ? "" : Marshal.PtrToStringUTF8((nint)error->desc) ?? "";
        var func = error->func_name is null ? "" : Marshal.PtrToStringUTF8((nint)error->func_name) ?? "";
        t_errorLines?.Add(func.Length > 0 ? $"{text} ({func})" : text);
        return 0;
    }

    internal static unsafe string ReadName(delegate*<long, byte*, nuint, nint> getter, long id)
    {
        var length = getter(id, null, 0);
        if (length <= 0)
        {
            return "";
        }

        var buffer = new byte[length + 1];
        fixed (byte* p = buffer)
        {
            _ = getter(id, p, (nuint)buffer.Length);
        }

        return Encoding.UTF8.GetString(buffer, 0, (int)length);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Check(int status, string call, string file, string? objectPath)
    {
        if (status < 0)
        {
            throw Error(call, file, objectPath);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static long Check(long id, string call, string file, string? objectPath)
    {
        if (id < 0)
        {
            throw Error(call, file, objectPath);
        }

        return id;
    }
}

/// <summary>A native HDF5 call failed. The message names the file and the object path and carries the library's own text.</summary>
public class Hdf5Exception : IOException
{
    public Hdf5Exception(string message, string file, string? objectPath, string libraryMessage) : base(message)
    {
        File = file;
        ObjectPath = objectPath;
        LibraryMessage = libraryMessage;
    }

    public Hdf5Exception() : this("HDF5 error", "", null, "") { }

    public Hdf5Exception(string message) : this(message, "", null, "") { }

    public Hdf5Exception(string message, Exception inner) : base(message, inner)
    {
        File = "";
        LibraryMessage = "";
    }

    public string File { get; }

    public string? ObjectPath { get; }

    /// <summary>The text from the library's error stack (e.g. "unable to open file: ... errno = 2").</summary>
    public string LibraryMessage { get; }
}
