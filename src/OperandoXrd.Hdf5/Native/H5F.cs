using System.Runtime.InteropServices;

namespace OperandoXrd.Hdf5.Native;

/// <summary>Files (<c>H5Fpublic.h</c>, 1.10 values).</summary>
public static unsafe partial class H5F
{
    public const uint ACC_RDONLY = 0x0000;
    public const uint ACC_RDWR = 0x0001;
    public const uint ACC_TRUNC = 0x0002;
    public const uint ACC_EXCL = 0x0004;
    public const uint ACC_CREAT = 0x0010;
    public const uint ACC_SWMR_WRITE = 0x0020;
    public const uint ACC_SWMR_READ = 0x0040;

    public const uint OBJ_FILE = 0x0001;
    public const uint OBJ_DATASET = 0x0002;
    public const uint OBJ_GROUP = 0x0004;
    public const uint OBJ_DATATYPE = 0x0008;
    public const uint OBJ_ATTR = 0x0010;
    public const uint OBJ_ALL = 0x001F;
    public const uint OBJ_LOCAL = 0x0020;

    public const int SCOPE_LOCAL = 0;
    public const int SCOPE_GLOBAL = 1;

    public const int CLOSE_DEFAULT = 0;
    public const int CLOSE_WEAK = 1;
    public const int CLOSE_SEMI = 2;
    public const int CLOSE_STRONG = 3;

    public const int LIBVER_EARLIEST = 0;
    public const int LIBVER_V18 = 1;
    public const int LIBVER_V110 = 2;
    public const int LIBVER_LATEST = LIBVER_V110;

    static H5F() => Hdf5Native.EnsureInitialized();

    [LibraryImport(Hdf5Native.LibraryName, EntryPoint = "H5Fopen", StringMarshalling = StringMarshalling.Utf8)]
    public static partial long open(string name, uint flags, long faplId);

    [LibraryImport(Hdf5Native.LibraryName, EntryPoint = "H5Fcreate", StringMarshalling = StringMarshalling.Utf8)]
    public static partial long create(string name, uint flags, long fcplId, long faplId);

    [LibraryImport(Hdf5Native.LibraryName, EntryPoint = "H5Fclose")]
    public static partial int close(long fileId);

    [LibraryImport(Hdf5Native.LibraryName, EntryPoint = "H5Fflush")]
    public static partial int flush(long objectId, int scope);

    [LibraryImport(Hdf5Native.LibraryName, EntryPoint = "H5Fget_obj_count")]
    public static partial nint get_obj_count(long fileId, uint types);

    [LibraryImport(Hdf5Native.LibraryName, EntryPoint = "H5Fis_hdf5", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int is_hdf5(string name);

    [LibraryImport(Hdf5Native.LibraryName, EntryPoint = "H5Fstart_swmr_write")]
    public static partial int start_swmr_write(long fileId);

    [LibraryImport(Hdf5Native.LibraryName, EntryPoint = "H5Fget_intent")]
    public static partial int get_intent(long fileId, uint* intent);

    /// <summary><c>H5Fget_info2</c>; the first <c>unsigned</c> of the info struct is the superblock version.</summary>
    [LibraryImport(Hdf5Native.LibraryName, EntryPoint = "H5Fget_info2")]
    public static partial int get_info(long objectId, byte* info);

    /// <summary><c>H5Fget_vfd_handle</c>: for the default sec2 driver, <paramref name="handle"/> points at the POSIX file descriptor.</summary>
    [LibraryImport(Hdf5Native.LibraryName, EntryPoint = "H5Fget_vfd_handle")]
    public static partial int get_vfd_handle(long fileId, long faplId, void** handle);

    [LibraryImport(Hdf5Native.LibraryName, EntryPoint = "H5Fget_filesize")]
    public static partial int get_filesize(long fileId, ulong* size);
}
