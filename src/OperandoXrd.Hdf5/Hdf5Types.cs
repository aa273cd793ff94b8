using OperandoXrd.Hdf5.Native;

namespace OperandoXrd.Hdf5;

/// <summary>The on-disk element type of a dataset or attribute, as far as this project cares.</summary>
public readonly record struct Hdf5ElementType(int Class, int Size, bool IsSigned, bool IsBigEndian, bool IsVariableString)
{
    public bool IsInteger => Class == H5T.INTEGER;

    public bool IsFloat => Class == H5T.FLOAT;

    public bool IsString => Class == H5T.STRING;

    /// <summary>numpy-like spelling: <c>int32</c>, <c>uint16</c>, <c>float32</c>, <c>string</c>...</summary>
    public override string ToString() => Class switch
    {
        H5T.INTEGER => (IsSigned ? "int" : "uint") + (Size * 8).ToString(System.Globalization.CultureInfo.InvariantCulture) + (IsBigEndian ? " (big-endian)" : ""),
        H5T.FLOAT => "float" + (Size * 8).ToString(System.Globalization.CultureInfo.InvariantCulture) + (IsBigEndian ? " (big-endian)" : ""),
        H5T.STRING => IsVariableString ? "string (variable length)" : "string (" + Size.ToString(System.Globalization.CultureInfo.InvariantCulture) + " bytes)",
        _ => "HDF5 class " + Class.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    internal static Hdf5ElementType FromTypeId(long type) => new(
        H5T.get_class(type),
        (int)H5T.get_size(type),
        H5T.get_class(type) == H5T.INTEGER && H5T.get_sign(type) == H5T.SGN_2,
        (H5T.get_class(type) is H5T.INTEGER or H5T.FLOAT) && H5T.get_order(type) == H5T.ORDER_BE,
        H5T.get_class(type) == H5T.STRING && H5T.is_variable_str(type) > 0);
}

/// <summary>Maps the numeric element types the project reads and writes to HDF5's native and little-endian file types.</summary>
internal static class Hdf5Types
{
    public static long Native<T>() where T : unmanaged
    {
        if (typeof(T) == typeof(int))
        {
            return H5T.NATIVE_INT32;
        }

        if (typeof(T) == typeof(uint))
        {
            return H5T.NATIVE_UINT32;
        }

        if (typeof(T) == typeof(ushort))
        {
            return H5T.NATIVE_UINT16;
        }

        if (typeof(T) == typeof(short))
        {
            return H5T.NATIVE_INT16;
        }

        if (typeof(T) == typeof(byte))
        {
            return H5T.NATIVE_UINT8;
        }

        if (typeof(T) == typeof(sbyte))
        {
            return H5T.NATIVE_INT8;
        }

        if (typeof(T) == typeof(long))
        {
            return H5T.NATIVE_INT64;
        }

        if (typeof(T) == typeof(ulong))
        {
            return H5T.NATIVE_UINT64;
        }

        if (typeof(T) == typeof(float))
        {
            return H5T.NATIVE_FLOAT;
        }

        if (typeof(T) == typeof(double))
        {
            return H5T.NATIVE_DOUBLE;
        }

        throw new NotSupportedException($"No HDF5 type for {typeof(T).Name}.");
    }
}
