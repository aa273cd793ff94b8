using System.Runtime.InteropServices;

namespace OperandoXrd.Hdf5.Native;

/// <summary>Datasets (<c>H5Dpublic.h</c>), including the 1.10 direct-chunk calls.</summary>
public static unsafe partial class H5D
{
    public const int COMPACT = 0;
    public const int CONTIGUOUS = 1;
    public const int CHUNKED = 2;
    public const int VIRTUAL = 3;

    /// <summary><c>HADDR_UNDEF</c>: the address a chunk reports before it has been written.</summary>
    public const ulong ADDR_UNDEF = ulong.MaxValue;

    static H5D() => Hdf5Native.EnsureInitialized();

    [LibraryImport(Hdf5Native.LibraryName, EntryPoint = "H5Dopen2", StringMarshalling = StringMarshalling.Utf8)]
    public static partial long open(long locId, string name, long daplId);

    [LibraryImport(Hdf5Native.LibraryName, EntryPoint = "H5Dcreate2", StringMarshalling = StringMarshalling.Utf8)]
    public static partial long create(long locId, string name, long typeId, long spaceId, long lcplId, long dcplId, long daplId);

    [LibraryImport(Hdf5Native.LibraryName, EntryPoint = "H5Dclose")]
    public static partial int close(long datasetId);

    [LibraryImport(Hdf5Native.LibraryName, EntryPoint = "H5Dget_space")]
    public static partial long get_space(long datasetId);

    [LibraryImport(Hdf5Native.LibraryName, EntryPoint = "H5Dget_type")]
    public static partial long get_type(long datasetId);

    [LibraryImport(Hdf5Native.LibraryName, EntryPoint = "H5Dget_create_plist")]
    public static partial long get_create_plist(long datasetId);

    [LibraryImport(Hdf5Native.LibraryName, EntryPoint = "H5Dread")]
    public static partial int read(long datasetId, long memTypeId, long memSpaceId, long fileSpaceId, long dxplId, void* buffer);

    [LibraryImport(Hdf5Native.LibraryName, EntryPoint = "H5Dwrite")]
    public static partial int write(long datasetId, long memTypeId, long memSpaceId, long fileSpaceId, long dxplId, void* buffer);

    [LibraryImport(Hdf5Native.LibraryName, EntryPoint = "H5Dread_chunk")]
    public static partial int read_chunk(long datasetId, long dxplId, ulong* offset, uint* filterMask, void* buffer);

    [LibraryImport(Hdf5Native.LibraryName, EntryPoint = "H5Dwrite_chunk")]
    public static partial int write_chunk(long datasetId, long dxplId, uint filterMask, ulong* offset, nuint dataSize, void* buffer);

    [LibraryImport(Hdf5Native.LibraryName, EntryPoint = "H5Dget_chunk_storage_size")]
    public static partial int get_chunk_storage_size(long datasetId, ulong* offset, ulong* chunkBytes);

    [LibraryImport(Hdf5Native.LibraryName, EntryPoint = "H5Dget_num_chunks")]
    public static partial int get_num_chunks(long datasetId, long fileSpaceId, ulong* count);

    [LibraryImport(Hdf5Native.LibraryName, EntryPoint = "H5Dget_chunk_info")]
    public static partial int get_chunk_info(long datasetId, long fileSpaceId, ulong index, ulong* offset, uint* filterMask, ulong* address, ulong* size);

    [LibraryImport(Hdf5Native.LibraryName, EntryPoint = "H5Dget_chunk_info_by_coord")]
    public static partial int get_chunk_info_by_coord(long datasetId, ulong* offset, uint* filterMask, ulong* address, ulong* size);

    [LibraryImport(Hdf5Native.LibraryName, EntryPoint = "H5Dset_extent")]
    public static partial int set_extent(long datasetId, ulong* size);

    [LibraryImport(Hdf5Native.LibraryName, EntryPoint = "H5Drefresh")]
    public static partial int refresh(long datasetId);

    [LibraryImport(Hdf5Native.LibraryName, EntryPoint = "H5Dflush")]
    public static partial int flush(long datasetId);

    [LibraryImport(Hdf5Native.LibraryName, EntryPoint = "H5Dvlen_reclaim")]
    public static partial int vlen_reclaim(long typeId, long spaceId, long plistId, void* buffer);
}
