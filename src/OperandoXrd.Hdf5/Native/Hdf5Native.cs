using System.Reflection;
using System.Runtime.InteropServices;

namespace OperandoXrd.Hdf5.Native;

/// <summary>
/// Finds and initialises the HDF5 C library. Debian ships it as <c>libhdf5_serial.so.103</c>, other distributions as
/// <c>libhdf5.so.*</c>; the resolver tries them in order so that the binding's <c>LibraryImport("hdf5")</c> works on
/// both. Every binding class calls <see cref="EnsureInitialized"/> from its static constructor, which is why the
/// resolver is in place before the first native call even though a library may not use a module initializer.
/// </summary>
public static partial class Hdf5Native
{
    internal const string LibraryName = "hdf5";

    private static readonly string[] Candidates =
    [
        "libhdf5_serial.so.103", "libhdf5.so.103", "libhdf5_serial.so.200", "libhdf5.so.200", "libhdf5.so.310",
        "libhdf5.so.320", "libhdf5_serial.so", "libhdf5.so", "libhdf5.dylib", "hdf5.dll",
    ];

    private static readonly Lock InitLock = new();
    private static nint s_handle;
    private static bool s_initialized;

    /// <summary>The file name the binding loaded, e.g. <c>libhdf5_serial.so.103</c>.</summary>
    public static string? LoadedLibrary { get; private set; }

    /// <summary>Native handle of the loaded library (for reading exported globals).</summary>
    public static nint Handle
    {
        get
        {
            EnsureInitialized();
            return s_handle;
        }
    }

    public static void EnsureInitialized()
    {
        if (Volatile.Read(ref s_initialized))
        {
            return;
        }

        lock (InitLock)
        {
            if (s_initialized)
            {
                return;
            }

            NativeLibrary.SetDllImportResolver(typeof(Hdf5Native).Assembly, Resolve);
            s_handle = Load();
            if (NativeMethods.H5open() < 0)
            {
                throw new DllNotFoundException($"H5open failed in {LoadedLibrary}.");
            }

            // Errors are turned into exceptions by the safe layer; the library's own printing to stderr would only
            // duplicate them (and, for probing calls such as H5Lexists on a missing path, print noise).
            _ = NativeMethods.H5Eset_auto2(0, 0, 0);
            // HDF5 keeps freed objects on its own free lists for reuse and gives them back neither to malloc nor to the
            // system; its defaults let those lists hold tens of MB, which opening a long series fills. Small limits
            // keep a long reduction's memory what its open files need (the lists refill quickly; speed is unchanged).
            _ = NativeMethods.H5set_free_list_limits(256 << 10, 64 << 10, 256 << 10, 64 << 10, 1 << 20, 256 << 10);
            Volatile.Write(ref s_initialized, true);
        }
    }

    /// <summary>Reads an exported <c>hid_t</c> global such as <c>H5T_NATIVE_INT32_g</c>. Valid only after <c>H5open</c>.</summary>
    public static long ReadGlobalId(string symbol)
    {
        EnsureInitialized();
        var address = NativeLibrary.GetExport(s_handle, symbol);
        return Marshal.ReadInt64(address);
    }

    private static nint Load()
    {
        var tried = new List<string>();
        var overridePath = Environment.GetEnvironmentVariable("OXRD_HDF5_LIBRARY");
        IEnumerable<string> names = string.IsNullOrEmpty(overridePath) ? Candidates : [overridePath, .. Candidates];
        foreach (var name in names)
        {
            tried.Add(name);
            if (NativeLibrary.TryLoad(name, out var handle))
            {
                LoadedLibrary = name;
                return handle;
            }
        }

        throw new DllNotFoundException(
            "The HDF5 C library was not found (tried " + string.Join(", ", tried) + "). On Debian: apt-get install libhdf5-103-1.");
    }

    private static nint Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (!string.Equals(libraryName, LibraryName, StringComparison.Ordinal))
        {
            return 0;
        }

        lock (InitLock)
        {
            if (s_handle == 0)
            {
                s_handle = Load();
            }

            return s_handle;
        }
    }

    /// <summary>The two calls needed before any binding class exists; no static constructor here on purpose.</summary>
    private static partial class NativeMethods
    {
        [LibraryImport(LibraryName)]
        internal static partial int H5open();

        [LibraryImport(LibraryName)]
        internal static partial int H5Eset_auto2(long estack, nint func, nint clientData);

        [LibraryImport(LibraryName)]
        internal static partial int H5set_free_list_limits(int regGlobal, int regList, int arrGlobal, int arrList, int blkGlobal, int blkList);
    }
}
