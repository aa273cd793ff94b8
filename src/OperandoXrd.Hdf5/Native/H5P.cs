using System.Runtime.InteropServices;

namespace OperandoXrd.Hdf5.Native;

/// <summary>Property lists (<c>H5Ppublic.h</c>). The class ids are library globals read after <c>H5open</c>.</summary>
public static unsafe partial class H5P
{
    public const long DEFAULT = 0;

    public static readonly long FILE_CREATE;
    public static readonly long FILE_ACCESS;
    public static readonly long DATASET_CREATE;
    public static readonly long DATASET_ACCESS;
    public static readonly long DATASET_XFER;
    public static readonly long GROUP_CREATE;
    public static readonly long LINK_CREATE;
    public static readonly long LINK_ACCESS;

    static H5P()
    {
        Hdf5Native.EnsureInitialized();
        FILE_CREATE = Hdf5Native.ReadGlobalId("H5P_CLS_FILE_CREATE_ID_g");
        FILE_ACCESS = Hdf5Native.ReadGlobalId("H5P_CLS_FILE_ACCESS_ID_g");
        DATASET_CREATE = Hdf5Native.ReadGlobalId("H5P_CLS_DATASET_CREATE_ID_g");
        DATASET_ACCESS = Hdf5Native.ReadGlobalId("H5P_CLS_DATASET_ACCESS_ID_g");
        DATASET_XFER = Hdf5Native.ReadGlobalId("H5P_CLS_DATASET_XFER_ID_g");
        GROUP_CREATE = Hdf5Native.ReadGlobalId("H5P_CLS_GROUP_CREATE_ID_g");
        LINK_CREATE = Hdf5Native.ReadGlobalId("H5P_CLS_LINK_CREATE_ID_g");
        LINK_ACCESS = Hdf5Native.ReadGlobalId("H5P_CLS_LINK_ACCESS_ID_g");
    }

    [LibraryImport(Hdf5Native.LibraryName, EntryPoint = "H5Pcreate")]
    public static partial long create(long classId);

    [LibraryImport(Hdf5Native.LibraryName, EntryPoint = "H5Pclose")]
    public static partial int close(long plistId);

    [LibraryImport(Hdf5Native.LibraryName, EntryPoint = "H5Pset_chunk")]
    public static partial int set_chunk(long plistId, int rank, ulong* dims);

    [LibraryImport(Hdf5Native.LibraryName, EntryPoint = "H5Pget_chunk")]
    public static partial int get_chunk(long plistId, int maxRank, ulong* dims);

    [LibraryImport(Hdf5Native.LibraryName, EntryPoint = "H5Pget_layout")]
    public static partial int get_layout(long plistId);

    [LibraryImport(Hdf5Native.LibraryName, EntryPoint = "H5Pset_deflate")]
    public static partial int set_deflate(long plistId, uint level);

    [LibraryImport(Hdf5Native.LibraryName, EntryPoint = "H5Pset_shuffle")]
    public static partial int set_shuffle(long plistId);

    [LibraryImport(Hdf5Native.LibraryName, EntryPoint = "H5Pset_filter")]
    public static partial int set_filter(long plistId, int filterId, uint flags, nuint cdCount, uint* cdValues);

    [LibraryImport(Hdf5Native.LibraryName, EntryPoint = "H5Pget_nfilters")]
    public static partial int get_nfilters(long plistId);

    [LibraryImport(Hdf5Native.LibraryName, EntryPoint = "H5Pget_filter2")]
    public static partial int get_filter(long plistId, uint index, uint* flags, nuint* cdCount, uint* cdValues, nuint nameLength, byte* name, uint* filterConfig);

    [LibraryImport(Hdf5Native.LibraryName, EntryPoint = "H5Pset_fill_time")]
    public static partial int set_fill_time(long plistId, int fillTime);

    [LibraryImport(Hdf5Native.LibraryName, EntryPoint = "H5Pset_alloc_time")]
    public static partial int set_alloc_time(long plistId, int allocTime);

    [LibraryImport(Hdf5Native.LibraryName, EntryPoint = "H5Pset_file_locking")]
    public static partial int set_file_locking(long faplId, [MarshalAs(UnmanagedType.U1)] bool useFileLocking, [MarshalAs(UnmanagedType.U1)] bool ignoreWhenDisabled);

    [LibraryImport(Hdf5Native.LibraryName, EntryPoint = "H5Pset_obj_track_times")]
    public static partial int set_obj_track_times(long ocplId, [MarshalAs(UnmanagedType.U1)] bool trackTimes);

    [LibraryImport(Hdf5Native.LibraryName, EntryPoint = "H5Pset_libver_bounds")]
    public static partial int set_libver_bounds(long faplId, int low, int high);

    [LibraryImport(Hdf5Native.LibraryName, EntryPoint = "H5Pset_fclose_degree")]
    public static partial int set_fclose_degree(long faplId, int degree);

    [LibraryImport(Hdf5Native.LibraryName, EntryPoint = "H5Pset_create_intermediate_group")]
    public static partial int set_create_intermediate_group(long lcplId, uint create);

    [LibraryImport(Hdf5Native.LibraryName, EntryPoint = "H5Pset_chunk_cache")]
    public static partial int set_chunk_cache(long daplId, nuint slots, nuint bytes, double w0);

    [LibraryImport(Hdf5Native.LibraryName, EntryPoint = "H5Pget_virtual_count")]
    public static partial int get_virtual_count(long dcplId, nuint* count);

    [LibraryImport(Hdf5Native.LibraryName, EntryPoint = "H5Pget_virtual_vspace")]
    public static partial long get_virtual_vspace(long dcplId, nuint index);

    [LibraryImport(Hdf5Native.LibraryName, EntryPoint = "H5Pget_virtual_srcspace")]
    public static partial long get_virtual_srcspace(long dcplId, nuint index);

    [LibraryImport(Hdf5Native.LibraryName, EntryPoint = "H5Pget_virtual_filename")]
    public static partial nint get_virtual_filename(long dcplId, nuint index, byte* name, nuint size);

    [LibraryImport(Hdf5Native.LibraryName, EntryPoint = "H5Pget_virtual_dsetname")]
    public static partial nint get_virtual_dsetname(long dcplId, nuint index, byte* name, nuint size);

    [LibraryImport(Hdf5Native.LibraryName, EntryPoint = "H5Pset_virtual", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int set_virtual(long dcplId, long vspaceId, string sourceFile, string sourceDataset, long sourceSpaceId);
}
