using System.Runtime.InteropServices;
using System.Text;
using OperandoXrd.Hdf5.Native;

namespace OperandoXrd.Hdf5;

/// <summary>A file, group or dataset: something with a path and attributes. Disposing closes the id.</summary>
public abstract class Hdf5Object : IDisposable
{
    private protected Hdf5Object(H5Id id, string filePath, string path)
    {
        Id = id;
        FilePath = filePath;
        Path = path;
    }

    /// <summary>The owned identifier (for calls the safe layer does not wrap).</summary>
    public H5Id Id { get; }

    /// <summary>The file this object lives in (as opened; external links are followed by HDF5 itself).</summary>
    public string FilePath { get; }

    /// <summary>Path inside the file, e.g. <c>/entry_0000/measurement/data</c>.</summary>
    public string Path { get; }

    public bool HasAttribute(string name)
    {
        lock (Hdf5Library.Sync)
        {
            var exists = H5A.exists(Id.Value, name);
            if (exists < 0)
            {
                _ = H5E.clear(H5E.DEFAULT);
            }

            return exists > 0;
        }
    }

    /// <summary>A string attribute (fixed or variable length, scalar or the first element), or null when absent.</summary>
    public string? ReadStringAttribute(string name) => ReadStringArrayAttribute(name) is { } strings ? (strings.Length > 0 ? strings[0] : "") : null;

    /// <summary>
    /// A string attribute as an array (fixed or variable length, as h5py writes a list of str or numpy's S/U arrays;
    /// a scalar is one element), or null when absent. NeXus' <c>axes</c> and <c>auxiliary_signals</c> are such arrays.
    /// </summary>
    public string[]? ReadStringArrayAttribute(string name)
    {
        lock (Hdf5Library.Sync)
        {
            if (H5A.exists(Id.Value, name) <= 0)
            {
                _ = H5E.clear(H5E.DEFAULT);
                return null;
            }

            using var attribute = new H5Id(Hdf5Library.Check(H5A.open(Id.Value, name, H5P.DEFAULT), "H5Aopen", FilePath, Path + "@" + name), H5IdKind.Attribute);
            using var type = new H5Id(H5A.get_type(attribute.Value), H5IdKind.Datatype);
            using var space = new H5Id(H5A.get_space(attribute.Value), H5IdKind.Dataspace);
            return StringIO.Read(attribute.Value, type.Value, space.Value, isAttribute: true, FilePath, Path + "@" + name);
        }
    }

    /// <summary>A numeric attribute converted to double (first element), or null when absent or not numeric.</summary>
    public unsafe double? ReadDoubleAttribute(string name)
    {
        lock (Hdf5Library.Sync)
        {
            if (H5A.exists(Id.Value, name) <= 0)
            {
                _ = H5E.clear(H5E.DEFAULT);
                return null;
            }

            using var attribute = new H5Id(Hdf5Library.Check(H5A.open(Id.Value, name, H5P.DEFAULT), "H5Aopen", FilePath, Path + "@" + name), H5IdKind.Attribute);
            using var type = new H5Id(H5A.get_type(attribute.Value), H5IdKind.Datatype);
            using var space = new H5Id(H5A.get_space(attribute.Value), H5IdKind.Dataspace);
            var cls = H5T.get_class(type.Value);
            if (cls is not (H5T.INTEGER or H5T.FLOAT))
            {
                return null;
            }

            var n = Math.Max(1, H5S.get_select_npoints(space.Value));
            var values = new double[n];
            fixed (double* p = values)
            {
                Hdf5Library.Check(H5A.read(attribute.Value, H5T.NATIVE_DOUBLE, p), "H5Aread", FilePath, Path + "@" + name);
            }

            return values[0];
        }
    }

    /// <summary>Writes (or replaces) a scalar variable-length UTF-8 string attribute, as h5py does (NX_class, units...).</summary>
    public void WriteAttribute(string name, string value) => WriteStringAttribute(name, [value], scalar: true);

    /// <summary>
    /// Writes (or replaces) a one-dimensional array of variable-length UTF-8 strings, as h5py writes a list of str:
    /// what NeXus asks for <c>axes</c> and <c>auxiliary_signals</c> (<c>["time", "radial"]</c>, not "time,radial").
    /// </summary>
    public void WriteAttribute(string name, IReadOnlyList<string> values) => WriteStringAttribute(name, values, scalar: false);

    private unsafe void WriteStringAttribute(string name, IReadOnlyList<string> values, bool scalar)
    {
        lock (Hdf5Library.Sync)
        {
            DeleteAttributeIfExists(name);
            using var type = new H5Id(H5T.copy(H5T.C_S1), H5IdKind.Datatype);
            _ = H5T.set_size(type.Value, H5T.VARIABLE);
            _ = H5T.set_cset(type.Value, H5T.CSET_UTF8);
            var count = (ulong)values.Count;
            using var space = new H5Id(scalar ? H5S.create(H5S.SCALAR) : H5S.create_simple(1, &count, null), H5IdKind.Dataspace);
            using var attribute = new H5Id(Hdf5Library.Check(H5A.create(Id.Value, name, type.Value, space.Value, H5P.DEFAULT, H5P.DEFAULT), "H5Acreate2", FilePath, Path + "@" + name), H5IdKind.Attribute);

            // Variable-length strings are written as an array of pointers to NUL-terminated UTF-8: one buffer holds
            // them all, pinned while HDF5 copies them.
            var bytes = new List<byte>();
            var starts = new int[values.Count];
            for (var i = 0; i < values.Count; i++)
            {
                starts[i] = bytes.Count;
                bytes.AddRange(Encoding.UTF8.GetBytes(values[i]));
                bytes.Add(0);
            }

            var buffer = bytes.ToArray();
            var pointers = new nint[Math.Max(1, values.Count)];
            fixed (byte* p = buffer)
            fixed (nint* q = pointers)
            {
                for (var i = 0; i < values.Count; i++)
                {
                    pointers[i] = (nint)(p + starts[i]);
                }

                Hdf5Library.Check(H5A.write(attribute.Value, type.Value, q), "H5Awrite", FilePath, Path + "@" + name);
            }
        }
    }

    public void WriteAttribute(string name, double value) => WriteNumericAttribute(name, value);

    public void WriteAttribute(string name, long value) => WriteNumericAttribute(name, value);

    public void WriteAttribute(string name, int value) => WriteNumericAttribute(name, value);

    private unsafe void WriteNumericAttribute<T>(string name, T value) where T : unmanaged
    {
        lock (Hdf5Library.Sync)
        {
            DeleteAttributeIfExists(name);
            using var space = new H5Id(H5S.create(H5S.SCALAR), H5IdKind.Dataspace);
            var native = Hdf5Types.Native<T>();
            using var attribute = new H5Id(Hdf5Library.Check(H5A.create(Id.Value, name, native, space.Value, H5P.DEFAULT, H5P.DEFAULT), "H5Acreate2", FilePath, Path + "@" + name), H5IdKind.Attribute);
            Hdf5Library.Check(H5A.write(attribute.Value, native, &value), "H5Awrite", FilePath, Path + "@" + name);
        }
    }

    private void DeleteAttributeIfExists(string name)
    {
        if (H5A.exists(Id.Value, name) > 0)
        {
            _ = H5A.delete(Id.Value, name);
        }

        _ = H5E.clear(H5E.DEFAULT);
    }

    public void Dispose()
    {
        Id.Dispose();
        GC.SuppressFinalize(this);
    }
}

/// <summary>Reading and writing of string datasets and attributes, fixed or variable length. Callers hold the lock.</summary>
internal static unsafe class StringIO
{
    public static string[] Read(long objectId, long fileType, long space, bool isAttribute, string file, string path)
    {
        if (H5T.get_class(fileType) != H5T.STRING)
        {
            throw new Hdf5Exception($"{file}:{path}: expected a string, found {Hdf5ElementType.FromTypeId(fileType)}", file, path, "");
        }

        var n = (int)Math.Max(1, H5S.get_select_npoints(space));
        using var memType = new H5Id(H5T.copy(H5T.C_S1), H5IdKind.Datatype);
        _ = H5T.set_cset(memType.Value, H5T.get_cset(fileType));
        var result = new string[n];
        if (H5T.is_variable_str(fileType) > 0)
        {
            _ = H5T.set_size(memType.Value, H5T.VARIABLE);
            var pointers = new nint[n];
            fixed (nint* p = pointers)
            {
                var status = isAttribute
                    ? H5A.read(objectId, memType.Value, p)
                    : H5D.read(objectId, memType.Value, H5S.ALL, H5S.ALL, H5P.DEFAULT, p);
                Hdf5Library.Check(status, isAttribute ? "H5Aread" : "H5Dread", file, path);
                for (var i = 0; i < n; i++)
                {
                    result[i] = pointers[i] == 0 ? "" : Marshal.PtrToStringUTF8(pointers[i]) ?? "";
                }

                _ = H5D.vlen_reclaim(memType.Value, space, H5P.DEFAULT, p);
            }
        }
        else
        {
            var size = (int)H5T.get_size(fileType);
            _ = H5T.set_size(memType.Value, (nuint)size);
            _ = H5T.set_strpad(memType.Value, H5T.STR_NULLPAD);
            var bytes = new byte[size * n];
            fixed (byte* p = bytes)
            {
                var status = isAttribute
                    ? H5A.read(objectId, memType.Value, p)
                    : H5D.read(objectId, memType.Value, H5S.ALL, H5S.ALL, H5P.DEFAULT, p);
                Hdf5Library.Check(status, isAttribute ? "H5Aread" : "H5Dread", file, path);
            }

            for (var i = 0; i < n; i++)
            {
                var slice = bytes.AsSpan(i * size, size);
                var end = slice.IndexOf((byte)0);
                result[i] = Encoding.UTF8.GetString(end >= 0 ? slice[..end] : slice).TrimEnd(' ');
            }
        }

        return result;
    }
}
