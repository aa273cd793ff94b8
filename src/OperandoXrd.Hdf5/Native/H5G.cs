using System.Runtime.InteropServices;

namespace OperandoXrd.Hdf5.Native;

/// <summary>Groups (<c>H5Gpublic.h</c>).</summary>
public static unsafe partial class H5G
{
    static H5G() => Hdf5Native.EnsureInitialized();

    /// <summary>Layout of <c>H5G_info_t</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct info_t
    {
        public int storage_type;
        public ulong nlinks;
        public long max_corder;
        public byte mounted;
    }

    [LibraryImport(Hdf5Native.LibraryName, EntryPoint = "H5Gcreate2", StringMarshalling = StringMarshalling.Utf8)]
    public static partial long create(long locId, string name, long lcplId, long gcplId, long gaplId);

    [LibraryImport(Hdf5Native.LibraryName, EntryPoint = "H5Gopen2", StringMarshalling = StringMarshalling.Utf8)]
    public static partial long open(long locId, string name, long gaplId);

    [LibraryImport(Hdf5Native.LibraryName, EntryPoint = "H5Gclose")]
    public static partial int close(long groupId);

    [LibraryImport(Hdf5Native.LibraryName, EntryPoint = "H5Gget_info")]
    public static partial int get_info(long locId, info_t* info);
}

/// <summary>Objects (<c>H5Opublic.h</c>).</summary>
public static partial class H5O
{
    static H5O() => Hdf5Native.EnsureInitialized();

    [LibraryImport(Hdf5Native.LibraryName, EntryPoint = "H5Oopen", StringMarshalling = StringMarshalling.Utf8)]
    public static partial long open(long locId, string name, long laplId);

    [LibraryImport(Hdf5Native.LibraryName, EntryPoint = "H5Oclose")]
    public static partial int close(long objectId);

    [LibraryImport(Hdf5Native.LibraryName, EntryPoint = "H5Oexists_by_name", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int exists_by_name(long locId, string name, long laplId);
}

/// <summary>Links (<c>H5Lpublic.h</c>, 1.10).</summary>
public static unsafe partial class H5L
{
    public const int TYPE_ERROR = -1;
    public const int TYPE_HARD = 0;
    public const int TYPE_SOFT = 1;
    public const int TYPE_EXTERNAL = 64;

    public const int INDEX_NAME = 0;
    public const int ITER_INC = 0;

    static H5L() => Hdf5Native.EnsureInitialized();

    /// <summary>Layout of the 1.10 <c>H5L_info_t</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct info_t
    {
        public int type;
        public byte corder_valid;
        public long corder;
        public int cset;
        public ulong address_or_val_size;
    }

    [LibraryImport(Hdf5Native.LibraryName, EntryPoint = "H5Lexists", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int exists(long locId, string name, long laplId);

    [LibraryImport(Hdf5Native.LibraryName, EntryPoint = "H5Lget_info", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int get_info(long locId, string name, info_t* info, long laplId);

    [LibraryImport(Hdf5Native.LibraryName, EntryPoint = "H5Lget_val", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int get_val(long locId, string name, byte* buffer, nuint size, long laplId);

    [LibraryImport(Hdf5Native.LibraryName, EntryPoint = "H5Lunpack_elink_val")]
    public static partial int unpack_elink_val(byte* linkValue, nuint size, uint* flags, byte** fileName, byte** objectPath);

    [LibraryImport(Hdf5Native.LibraryName, EntryPoint = "H5Lcreate_soft", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int create_soft(string target, long linkLocId, string linkName, long lcplId, long laplId);

    [LibraryImport(Hdf5Native.LibraryName, EntryPoint = "H5Lcreate_external", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int create_external(string fileName, string objectName, long linkLocId, string linkName, long lcplId, long laplId);

    [LibraryImport(Hdf5Native.LibraryName, EntryPoint = "H5Lget_name_by_idx", StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint get_name_by_idx(long locId, string groupName, int indexType, int order, ulong n, byte* name, nuint size, long laplId);
}
