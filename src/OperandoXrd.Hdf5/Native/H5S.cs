using System.Runtime.InteropServices;

namespace OperandoXrd.Hdf5.Native;

/// <summary>Dataspaces (<c>H5Spublic.h</c>).</summary>
public static unsafe partial class H5S
{
    public const long ALL = 0;
    public const ulong UNLIMITED = ulong.MaxValue;
    public const int SCALAR = 0;
    public const int SIMPLE = 1;
    public const int NULL = 2;
    public const int SELECT_SET = 0;

    static H5S() => Hdf5Native.EnsureInitialized();

    [LibraryImport(Hdf5Native.LibraryName, EntryPoint = "H5Screate")]
    public static partial long create(int type);

    [LibraryImport(Hdf5Native.LibraryName, EntryPoint = "H5Screate_simple")]
    public static partial long create_simple(int rank, ulong* dims, ulong* maxDims);

    [LibraryImport(Hdf5Native.LibraryName, EntryPoint = "H5Sclose")]
    public static partial int close(long spaceId);

    [LibraryImport(Hdf5Native.LibraryName, EntryPoint = "H5Sget_simple_extent_type")]
    public static partial int get_simple_extent_type(long spaceId);

    [LibraryImport(Hdf5Native.LibraryName, EntryPoint = "H5Sget_simple_extent_ndims")]
    public static partial int get_simple_extent_ndims(long spaceId);

    [LibraryImport(Hdf5Native.LibraryName, EntryPoint = "H5Sget_simple_extent_dims")]
    public static partial int get_simple_extent_dims(long spaceId, ulong* dims, ulong* maxDims);

    [LibraryImport(Hdf5Native.LibraryName, EntryPoint = "H5Sselect_hyperslab")]
    public static partial int select_hyperslab(long spaceId, int op, ulong* start, ulong* stride, ulong* count, ulong* block);

    [LibraryImport(Hdf5Native.LibraryName, EntryPoint = "H5Sget_select_bounds")]
    public static partial int get_select_bounds(long spaceId, ulong* start, ulong* end);

    [LibraryImport(Hdf5Native.LibraryName, EntryPoint = "H5Sget_select_npoints")]
    public static partial long get_select_npoints(long spaceId);

    [LibraryImport(Hdf5Native.LibraryName, EntryPoint = "H5Sis_regular_hyperslab")]
    public static partial int is_regular_hyperslab(long spaceId);

    [LibraryImport(Hdf5Native.LibraryName, EntryPoint = "H5Sget_regular_hyperslab")]
    public static partial int get_regular_hyperslab(long spaceId, ulong* start, ulong* stride, ulong* count, ulong* block);
}
