using System.Runtime.InteropServices;

namespace OperandoXrd.Hdf5.Native;

/// <summary>Datatypes (<c>H5Tpublic.h</c>). The predefined types are library globals read after <c>H5open</c>.</summary>
public static unsafe partial class H5T
{
    public const int NO_CLASS = -1;
    public const int INTEGER = 0;
    public const int FLOAT = 1;
    public const int TIME = 2;
    public const int STRING = 3;
    public const int BITFIELD = 4;
    public const int OPAQUE = 5;
    public const int COMPOUND = 6;
    public const int REFERENCE = 7;
    public const int ENUM = 8;
    public const int VLEN = 9;
    public const int ARRAY = 10;

    public const int SGN_NONE = 0;
    public const int SGN_2 = 1;
    public const int ORDER_LE = 0;
    public const int ORDER_BE = 1;
    public const int STR_NULLTERM = 0;
    public const int STR_NULLPAD = 1;
    public const int CSET_ASCII = 0;
    public const int CSET_UTF8 = 1;
    public const int DIR_ASCEND = 1;
    public static readonly nuint VARIABLE = nuint.MaxValue;

    public static readonly long NATIVE_INT8;
    public static readonly long NATIVE_UINT8;
    public static readonly long NATIVE_INT16;
    public static readonly long NATIVE_UINT16;
    public static readonly long NATIVE_INT32;
    public static readonly long NATIVE_UINT32;
    public static readonly long NATIVE_INT64;
    public static readonly long NATIVE_UINT64;
    public static readonly long NATIVE_FLOAT;
    public static readonly long NATIVE_DOUBLE;
    public static readonly long C_S1;
    public static readonly long STD_I32LE;
    public static readonly long STD_U32LE;
    public static readonly long STD_U16LE;
    public static readonly long STD_I64LE;
    public static readonly long IEEE_F32LE;
    public static readonly long IEEE_F64LE;

    static H5T()
    {
        Hdf5Native.EnsureInitialized();
        NATIVE_INT8 = Hdf5Native.ReadGlobalId("H5T_NATIVE_SCHAR_g");
        NATIVE_UINT8 = Hdf5Native.ReadGlobalId("H5T_NATIVE_UCHAR_g");
        NATIVE_INT16 = Hdf5Native.ReadGlobalId("H5T_NATIVE_SHORT_g");
        NATIVE_UINT16 = Hdf5Native.ReadGlobalId("H5T_NATIVE_USHORT_g");
        NATIVE_INT32 = Hdf5Native.ReadGlobalId("H5T_NATIVE_INT_g");
        NATIVE_UINT32 = Hdf5Native.ReadGlobalId("H5T_NATIVE_UINT_g");
        NATIVE_INT64 = Hdf5Native.ReadGlobalId("H5T_NATIVE_LLONG_g");
        NATIVE_UINT64 = Hdf5Native.ReadGlobalId("H5T_NATIVE_ULLONG_g");
        NATIVE_FLOAT = Hdf5Native.ReadGlobalId("H5T_NATIVE_FLOAT_g");
        NATIVE_DOUBLE = Hdf5Native.ReadGlobalId("H5T_NATIVE_DOUBLE_g");
        C_S1 = Hdf5Native.ReadGlobalId("H5T_C_S1_g");
        STD_I32LE = Hdf5Native.ReadGlobalId("H5T_STD_I32LE_g");
        STD_U32LE = Hdf5Native.ReadGlobalId("H5T_STD_U32LE_g");
        STD_U16LE = Hdf5Native.ReadGlobalId("H5T_STD_U16LE_g");
        STD_I64LE = Hdf5Native.ReadGlobalId("H5T_STD_I64LE_g");
        IEEE_F32LE = Hdf5Native.ReadGlobalId("H5T_IEEE_F32LE_g");
        IEEE_F64LE = Hdf5Native.ReadGlobalId("H5T_IEEE_F64LE_g");
    }

    [LibraryImport(Hdf5Native.LibraryName, EntryPoint = "H5Tcopy")]
    public static partial long copy(long typeId);

    [LibraryImport(Hdf5Native.LibraryName, EntryPoint = "H5Tclose")]
    public static partial int close(long typeId);

    [LibraryImport(Hdf5Native.LibraryName, EntryPoint = "H5Tget_class")]
    public static partial int get_class(long typeId);

    [LibraryImport(Hdf5Native.LibraryName, EntryPoint = "H5Tget_size")]
    public static partial nuint get_size(long typeId);

    [LibraryImport(Hdf5Native.LibraryName, EntryPoint = "H5Tset_size")]
    public static partial int set_size(long typeId, nuint size);

    [LibraryImport(Hdf5Native.LibraryName, EntryPoint = "H5Tget_sign")]
    public static partial int get_sign(long typeId);

    [LibraryImport(Hdf5Native.LibraryName, EntryPoint = "H5Tget_order")]
    public static partial int get_order(long typeId);

    [LibraryImport(Hdf5Native.LibraryName, EntryPoint = "H5Tis_variable_str")]
    public static partial int is_variable_str(long typeId);

    [LibraryImport(Hdf5Native.LibraryName, EntryPoint = "H5Tget_cset")]
    public static partial int get_cset(long typeId);

    [LibraryImport(Hdf5Native.LibraryName, EntryPoint = "H5Tset_cset")]
    public static partial int set_cset(long typeId, int cset);

    [LibraryImport(Hdf5Native.LibraryName, EntryPoint = "H5Tset_strpad")]
    public static partial int set_strpad(long typeId, int pad);
}

/// <summary>Attributes (<c>H5Apublic.h</c>).</summary>
public static unsafe partial class H5A
{
    static H5A() => Hdf5Native.EnsureInitialized();

    [LibraryImport(Hdf5Native.LibraryName, EntryPoint = "H5Acreate2", StringMarshalling = StringMarshalling.Utf8)]
    public static partial long create(long locId, string name, long typeId, long spaceId, long acplId, long aaplId);

    [LibraryImport(Hdf5Native.LibraryName, EntryPoint = "H5Aopen", StringMarshalling = StringMarshalling.Utf8)]
    public static partial long open(long objectId, string name, long aaplId);

    [LibraryImport(Hdf5Native.LibraryName, EntryPoint = "H5Aclose")]
    public static partial int close(long attributeId);

    [LibraryImport(Hdf5Native.LibraryName, EntryPoint = "H5Aexists", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int exists(long objectId, string name);

    [LibraryImport(Hdf5Native.LibraryName, EntryPoint = "H5Adelete", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int delete(long objectId, string name);

    [LibraryImport(Hdf5Native.LibraryName, EntryPoint = "H5Aread")]
    public static partial int read(long attributeId, long memTypeId, void* buffer);

    [LibraryImport(Hdf5Native.LibraryName, EntryPoint = "H5Awrite")]
    public static partial int write(long attributeId, long memTypeId, void* buffer);

    [LibraryImport(Hdf5Native.LibraryName, EntryPoint = "H5Aget_type")]
    public static partial long get_type(long attributeId);

    [LibraryImport(Hdf5Native.LibraryName, EntryPoint = "H5Aget_space")]
    public static partial long get_space(long attributeId);
}
