using System.Runtime.InteropServices;

namespace OperandoXrd.Hdf5.Native;

/// <summary>General library functions (<c>H5public.h</c>). Shaped like HDF.PInvoke: <c>hid_t</c> is <see cref="long"/>.</summary>
public static unsafe partial class H5
{
    static H5() => Hdf5Native.EnsureInitialized();

    [LibraryImport(Hdf5Native.LibraryName, EntryPoint = "H5open")]
    public static partial int open();

    [LibraryImport(Hdf5Native.LibraryName, EntryPoint = "H5get_libversion")]
    public static partial int get_libversion(uint* major, uint* minor, uint* release);

    [LibraryImport(Hdf5Native.LibraryName, EntryPoint = "H5free_memory")]
    public static partial int free_memory(void* memory);

    [LibraryImport(Hdf5Native.LibraryName, EntryPoint = "H5garbage_collect")]
    public static partial int garbage_collect();
}

/// <summary>Error stack (<c>H5Epublic.h</c>).</summary>
public static unsafe partial class H5E
{
    public const long DEFAULT = 0;
    public const int WALK_UPWARD = 0;
    public const int WALK_DOWNWARD = 1;

    static H5E() => Hdf5Native.EnsureInitialized();

    /// <summary>Layout of <c>H5E_error2_t</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct error_t
    {
        public long cls_id;
        public long maj_num;
        public long min_num;
        public uint line;
        public byte* func_name;
        public byte* file_name;
        public byte* desc;
    }

    [LibraryImport(Hdf5Native.LibraryName, EntryPoint = "H5Eset_auto2")]
    public static partial int set_auto(long estack, nint func, nint clientData);

    [LibraryImport(Hdf5Native.LibraryName, EntryPoint = "H5Eclear2")]
    public static partial int clear(long estack);

    [LibraryImport(Hdf5Native.LibraryName, EntryPoint = "H5Ewalk2")]
    public static partial int walk(long estack, int direction, delegate* unmanaged<uint, error_t*, nint, int> func, nint clientData);

    [LibraryImport(Hdf5Native.LibraryName, EntryPoint = "H5Eget_msg")]
    public static partial nint get_msg(long msgId, int* type, byte* msg, nuint size);
}

/// <summary>Identifiers (<c>H5Ipublic.h</c>).</summary>
public static unsafe partial class H5I
{
    public const int BADID = -1;
    public const int FILE = 1;
    public const int GROUP = 2;
    public const int DATATYPE = 3;
    public const int DATASPACE = 4;
    public const int DATASET = 5;
    public const int ATTR = 6;

    static H5I() => Hdf5Native.EnsureInitialized();

    [LibraryImport(Hdf5Native.LibraryName, EntryPoint = "H5Iget_type")]
    public static partial int get_type(long id);

    [LibraryImport(Hdf5Native.LibraryName, EntryPoint = "H5Iis_valid")]
    public static partial int is_valid(long id);

    [LibraryImport(Hdf5Native.LibraryName, EntryPoint = "H5Iget_name")]
    public static partial nint get_name(long id, byte* name, nuint size);

    [LibraryImport(Hdf5Native.LibraryName, EntryPoint = "H5Iget_file_id")]
    public static partial long get_file_id(long id);
}

/// <summary>Filter plugins' search path (<c>H5PLpublic.h</c>).</summary>
public static partial class H5PL
{
    static H5PL() => Hdf5Native.EnsureInitialized();

    [LibraryImport(Hdf5Native.LibraryName, EntryPoint = "H5PLappend", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int append(string path);

    [LibraryImport(Hdf5Native.LibraryName, EntryPoint = "H5PLprepend", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int prepend(string path);
}

/// <summary>Filters (<c>H5Zpublic.h</c>).</summary>
public static unsafe partial class H5Z
{
    public const int FILTER_DEFLATE = 1;
    public const int FILTER_SHUFFLE = 2;
    public const int FILTER_FLETCHER32 = 3;
    public const int FILTER_SZIP = 4;
    public const int FILTER_NBIT = 5;
    public const int FILTER_SCALEOFFSET = 6;
    public const uint FLAG_MANDATORY = 0;
    public const uint FLAG_OPTIONAL = 1;

    static H5Z() => Hdf5Native.EnsureInitialized();

    [LibraryImport(Hdf5Native.LibraryName, EntryPoint = "H5Zfilter_avail")]
    public static partial int filter_avail(int id);
}
