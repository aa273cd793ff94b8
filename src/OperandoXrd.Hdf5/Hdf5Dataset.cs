using System.Runtime.InteropServices;
using System.Text;
using OperandoXrd.Hdf5.Native;

namespace OperandoXrd.Hdf5;

/// <summary>One filter of a dataset's pipeline: id, name as stored, flags and client data values.</summary>
public sealed record Hdf5Filter(int Id, string Name, uint Flags, uint[] ClientData)
{
    public override string ToString() => Id switch
    {
        H5Z.FILTER_DEFLATE => "deflate(" + (ClientData.Length > 0 ? ClientData[0].ToString(System.Globalization.CultureInfo.InvariantCulture) : "") + ")",
        H5Z.FILTER_SHUFFLE => "shuffle",
        32004 => "lz4 (32004)",
        32008 => "bitshuffle-lz4 (32008" + (ClientData.Length > 0 ? " {" + string.Join(", ", ClientData) + "}" : "") + ")",
        _ => (Name.Length > 0 ? Name : "filter") + " (" + Id.ToString(System.Globalization.CultureInfo.InvariantCulture) + ")",
    };
}

/// <summary>Where a stored chunk is and which filters were skipped when it was written.</summary>
public readonly record struct Hdf5ChunkInfo(ulong Address, long Size, uint FilterMask);

/// <summary>One mapping of a virtual dataset: a block of the virtual extent taken from a block of a source dataset.</summary>
public sealed record Hdf5VirtualMapping(string SourceFile, string SourceDataset, long[] VirtualStart, long[] VirtualCount, long[] SourceStart, long[] SourceCount);

/// <summary>A dataset: shape, type, storage facts, typed hyperslab reads and writes, and the direct-chunk calls.</summary>
public sealed class Hdf5Dataset : Hdf5Object
{
    internal unsafe Hdf5Dataset(H5Id id, string filePath, string path) : base(id, filePath, path)
    {
        using var type = new H5Id(H5D.get_type(id.Value), H5IdKind.Datatype);
        ElementType = Hdf5ElementType.FromTypeId(type.Value);
        using var dcpl = new H5Id(H5D.get_create_plist(id.Value), H5IdKind.PropertyList);
        Layout = H5P.get_layout(dcpl.Value);
        ReadShape();
        if (Layout == H5D.CHUNKED)
        {
            var chunk = stackalloc ulong[32];
            var rank = H5P.get_chunk(dcpl.Value, 32, chunk);
            ChunkDims = new long[Math.Max(rank, 0)];
            for (var i = 0; i < ChunkDims.Length; i++)
            {
                ChunkDims[i] = (long)chunk[i];
            }
        }

        var filters = new List<Hdf5Filter>();
        var count = H5P.get_nfilters(dcpl.Value);
        var values = stackalloc uint[16];
        var name = stackalloc byte[256];
        for (uint i = 0; i < count; i++)
        {
            uint flags;
            nuint n = 16;
            uint config;
            var filter = H5P.get_filter(dcpl.Value, i, &flags, &n, values, 256, name, &config);
            var cd = new uint[(int)Math.Min(n, 16)];
            for (var k = 0; k < cd.Length; k++)
            {
                cd[k] = values[k];
            }

            filters.Add(new Hdf5Filter(filter, Marshal.PtrToStringUTF8((nint)name) ?? "", flags, cd));
        }

        Filters = filters;
    }

    public Hdf5ElementType ElementType { get; }

    /// <summary><c>H5D_CONTIGUOUS</c>, <c>H5D_CHUNKED</c>, <c>H5D_VIRTUAL</c>... (see <see cref="H5D"/>).</summary>
    public int Layout { get; }

    public bool IsVirtual => Layout == H5D.VIRTUAL;

    public long[] Dims { get; private set; } = [];

    /// <summary>-1 for unlimited axes.</summary>
    public long[] MaxDims { get; private set; } = [];

    public int Rank => Dims.Length;

    public long ElementCount
    {
        get
        {
            long n = 1;
            foreach (var d in Dims)
            {
                n *= d;
            }

            return n;
        }
    }

    /// <summary>Chunk shape, or null when not chunked.</summary>
    public long[]? ChunkDims { get; }

    public IReadOnlyList<Hdf5Filter> Filters { get; }

    /// <summary>Reads every element converted to <typeparamref name="T"/> by the library.</summary>
    public unsafe void Read<T>(Span<T> destination) where T : unmanaged
    {
        if (destination.Length < ElementCount)
        {
            throw new ArgumentException($"{FilePath}:{Path}: destination holds {destination.Length} elements, dataset has {ElementCount}", nameof(destination));
        }

        lock (Hdf5Library.Sync)
        {
            fixed (T* p = destination)
            {
                Hdf5Library.Check(H5D.read(Id.Value, Hdf5Types.Native<T>(), H5S.ALL, H5S.ALL, H5P.DEFAULT, p), "H5Dread", FilePath, Path);
            }
        }
    }

    /// <summary>Reads the block starting at <paramref name="start"/> with extent <paramref name="count"/>, converted to <typeparamref name="T"/>.</summary>
    public unsafe void ReadHyperslab<T>(ReadOnlySpan<long> start, ReadOnlySpan<long> count, Span<T> destination) where T : unmanaged
    {
        lock (Hdf5Library.Sync)
        {
            fixed (T* p = destination)
            {
                Hdf5Library.Check(HyperslabIO(start, count, Hdf5Types.Native<T>(), p, write: false, destination.Length), "H5Dread", FilePath, Path);
            }
        }
    }

    /// <summary>Like <see cref="ReadHyperslab{T}"/> but into raw bytes of the given native memory type (for the plugin read path).</summary>
    internal unsafe void ReadHyperslabRaw(ReadOnlySpan<long> start, ReadOnlySpan<long> count, long memType, Span<byte> destination)
    {
        fixed (byte* p = destination)
        {
            Hdf5Library.Check(HyperslabIO(start, count, memType, p, write: false, -1), "H5Dread", FilePath, Path);
        }
    }

    public unsafe void Write<T>(ReadOnlySpan<T> values) where T : unmanaged
    {
        if (values.Length < ElementCount)
        {
            throw new ArgumentException($"{FilePath}:{Path}: {values.Length} values for {ElementCount} elements", nameof(values));
        }

        lock (Hdf5Library.Sync)
        {
            fixed (T* p = values)
            {
                Hdf5Library.Check(H5D.write(Id.Value, Hdf5Types.Native<T>(), H5S.ALL, H5S.ALL, H5P.DEFAULT, p), "H5Dwrite", FilePath, Path);
            }
        }
    }

    public unsafe void WriteHyperslab<T>(ReadOnlySpan<long> start, ReadOnlySpan<long> count, ReadOnlySpan<T> values) where T : unmanaged
    {
        lock (Hdf5Library.Sync)
        {
            fixed (T* p = values)
            {
                Hdf5Library.Check(HyperslabIO(start, count, Hdf5Types.Native<T>(), p, write: true, values.Length), "H5Dwrite", FilePath, Path);
            }
        }
    }

    /// <summary>Changes the extent (axes created with an unlimited or larger maximum).</summary>
    public unsafe void SetExtent(ReadOnlySpan<long> dims)
    {
        var size = stackalloc ulong[dims.Length];
        for (var i = 0; i < dims.Length; i++)
        {
            size[i] = (ulong)dims[i];
        }

        lock (Hdf5Library.Sync)
        {
            Hdf5Library.Check(H5D.set_extent(Id.Value, size), "H5Dset_extent", FilePath, Path);
            ReadShape();
        }
    }

    /// <summary>Appends whole rows along the first axis (<paramref name="values"/> holds a multiple of the row length).</summary>
    public void AppendRows<T>(ReadOnlySpan<T> values) where T : unmanaged
    {
        long rowLength = 1;
        for (var i = 1; i < Rank; i++)
        {
            rowLength *= Dims[i];
        }

        if (values.Length % rowLength != 0)
        {
            throw new ArgumentException($"{FilePath}:{Path}: {values.Length} values is not a whole number of rows of {rowLength}", nameof(values));
        }

        var rows = values.Length / rowLength;
        var first = Dims[0];
        Span<long> newDims = stackalloc long[Rank];
        Span<long> start = stackalloc long[Rank];
        Span<long> count = stackalloc long[Rank];
        for (var i = 0; i < Rank; i++)
        {
            newDims[i] = Dims[i];
            count[i] = Dims[i];
        }

        newDims[0] = first + rows;
        start[0] = first;
        count[0] = rows;
        SetExtent(newDims);
        WriteHyperslab(start, count, values);
    }

    /// <summary>All elements as strings (fixed or variable length).</summary>
    public string[] ReadStrings()
    {
        lock (Hdf5Library.Sync)
        {
            using var type = new H5Id(H5D.get_type(Id.Value), H5IdKind.Datatype);
            using var space = new H5Id(H5D.get_space(Id.Value), H5IdKind.Dataspace);
            return StringIO.Read(Id.Value, type.Value, space.Value, isAttribute: false, FilePath, Path);
        }
    }

    /// <summary>Number of chunks that have storage (written chunks).</summary>
    public unsafe long ChunkCount
    {
        get
        {
            lock (Hdf5Library.Sync)
            {
                // 1.10 wants a real dataspace here (H5S_ALL is refused).
                ulong n;
                using var space = new H5Id(H5D.get_space(Id.Value), H5IdKind.Dataspace);
                Hdf5Library.Check(H5D.get_num_chunks(Id.Value, space.Value, &n), "H5Dget_num_chunks", FilePath, Path);
                return (long)n;
            }
        }
    }

    /// <summary>Storage facts of the chunk at logical <paramref name="offset"/>; null when that chunk has not been written.</summary>
    public unsafe Hdf5ChunkInfo? GetChunkInfo(ReadOnlySpan<long> offset)
    {
        lock (Hdf5Library.Sync)
        {
            return GetChunkInfoLocked(offset);
        }
    }

    internal unsafe Hdf5ChunkInfo? GetChunkInfoLocked(ReadOnlySpan<long> offset)
    {
        var o = stackalloc ulong[offset.Length];
        for (var i = 0; i < offset.Length; i++)
        {
            o[i] = (ulong)offset[i];
        }

        uint mask;
        ulong address, size;
        if (H5D.get_chunk_info_by_coord(Id.Value, o, &mask, &address, &size) < 0)
        {
            // 1.10 reports an unwritten chunk either as an error or as HADDR_UNDEF, depending on the chunk index type.
            _ = H5E.clear(H5E.DEFAULT);
            return null;
        }

        return address == H5D.ADDR_UNDEF || size == 0 ? null : new Hdf5ChunkInfo(address, (long)size, mask);
    }

    /// <summary>
    /// Reads the stored (still filtered) bytes of one chunk. Returns the byte count; <paramref name="filterMask"/> has bit
    /// i set when filter i of <see cref="Filters"/> was skipped for this chunk. Call <see cref="GetChunkInfo"/> first to
    /// size the buffer.
    /// </summary>
    public unsafe int ReadChunk(ReadOnlySpan<long> offset, Span<byte> destination, out uint filterMask)
    {
        lock (Hdf5Library.Sync)
        {
            return ReadChunkLocked(offset, destination, out filterMask);
        }
    }

    internal unsafe int ReadChunkLocked(ReadOnlySpan<long> offset, Span<byte> destination, out uint filterMask)
    {
        var o = stackalloc ulong[offset.Length];
        for (var i = 0; i < offset.Length; i++)
        {
            o[i] = (ulong)offset[i];
        }

        ulong size;
        Hdf5Library.Check(H5D.get_chunk_storage_size(Id.Value, o, &size), "H5Dget_chunk_storage_size", FilePath, Path);
        if ((ulong)destination.Length < size)
        {
            throw new ArgumentException($"{FilePath}:{Path}: chunk holds {size} bytes, buffer {destination.Length}", nameof(destination));
        }

        uint mask;
        fixed (byte* p = destination)
        {
            Hdf5Library.Check(H5D.read_chunk(Id.Value, H5P.DEFAULT, o, &mask, p), "H5Dread_chunk", FilePath, Path);
        }

        filterMask = mask;
        return (int)size;
    }

    /// <summary>Writes one already-filtered chunk as is (<c>H5Dwrite_chunk</c>): the library applies no filter.</summary>
    public unsafe void WriteChunk(ReadOnlySpan<long> offset, ReadOnlySpan<byte> data, uint filterMask = 0)
    {
        var o = stackalloc ulong[offset.Length];
        for (var i = 0; i < offset.Length; i++)
        {
            o[i] = (ulong)offset[i];
        }

        lock (Hdf5Library.Sync)
        {
            fixed (byte* p = data)
            {
                Hdf5Library.Check(H5D.write_chunk(Id.Value, H5P.DEFAULT, filterMask, o, (nuint)data.Length, p), "H5Dwrite_chunk", FilePath, Path);
            }
        }
    }

    /// <summary>Re-reads the dataset's metadata from disk (SWMR readers) and updates <see cref="Dims"/>.</summary>
    public void Refresh()
    {
        lock (Hdf5Library.Sync)
        {
            Hdf5Library.Check(H5D.refresh(Id.Value), "H5Drefresh", FilePath, Path);
            ReadShape();
        }
    }

    /// <summary>The mappings of a virtual dataset, in the order they were defined.</summary>
    public unsafe IReadOnlyList<Hdf5VirtualMapping> VirtualMappings()
    {
        if (!IsVirtual)
        {
            return [];
        }

        lock (Hdf5Library.Sync)
        {
            using var dcpl = new H5Id(H5D.get_create_plist(Id.Value), H5IdKind.PropertyList);
            nuint count;
            Hdf5Library.Check(H5P.get_virtual_count(dcpl.Value, &count), "H5Pget_virtual_count", FilePath, Path);
            var mappings = new List<Hdf5VirtualMapping>((int)count);
            for (nuint i = 0; i < count; i++)
            {
                var file = VirtualName(&H5P.get_virtual_filename, dcpl.Value, i);
                var dataset = VirtualName(&H5P.get_virtual_dsetname, dcpl.Value, i);
                using var vspace = new H5Id(H5P.get_virtual_vspace(dcpl.Value, i), H5IdKind.Dataspace);
                using var sspace = new H5Id(H5P.get_virtual_srcspace(dcpl.Value, i), H5IdKind.Dataspace);
                var (vStart, vCount) = Bounds(vspace.Value);
                var (sStart, sCount) = Bounds(sspace.Value);
                mappings.Add(new Hdf5VirtualMapping(file, dataset, vStart, vCount, sStart, sCount));
            }

            return mappings;
        }
    }

    private static unsafe string VirtualName(delegate*<long, nuint, byte*, nuint, nint> getter, long dcpl, nuint index)
    {
        var length = getter(dcpl, index, null, 0);
        if (length <= 0)
        {
            return "";
        }

        var buffer = new byte[length + 1];
        fixed (byte* p = buffer)
        {
            _ = getter(dcpl, index, p, (nuint)buffer.Length);
        }

        return Encoding.UTF8.GetString(buffer, 0, (int)length);
    }

    private static unsafe (long[] Start, long[] Count) Bounds(long space)
    {
        var rank = H5S.get_simple_extent_ndims(space);
        var start = stackalloc ulong[Math.Max(rank, 1)];
        var end = stackalloc ulong[Math.Max(rank, 1)];
        var s = new long[rank];
        var c = new long[rank];
        if (H5S.get_select_bounds(space, start, end) < 0)
        {
            // An unlimited selection (printf-style VDS) has no bounds; report what the extent says.
            _ = H5E.clear(H5E.DEFAULT);
            var dims = stackalloc ulong[Math.Max(rank, 1)];
            _ = H5S.get_simple_extent_dims(space, dims, null);
            for (var i = 0; i < rank; i++)
            {
                c[i] = (long)dims[i];
            }

            return (s, c);
        }

        for (var i = 0; i < rank; i++)
        {
            s[i] = (long)start[i];
            c[i] = (long)(end[i] - start[i] + 1);
        }

        return (s, c);
    }

    private unsafe void ReadShape()
    {
        using var space = new H5Id(H5D.get_space(Id.Value), H5IdKind.Dataspace);
        var rank = H5S.get_simple_extent_ndims(space.Value);
        var dims = stackalloc ulong[Math.Max(rank, 1)];
        var max = stackalloc ulong[Math.Max(rank, 1)];
        _ = H5S.get_simple_extent_dims(space.Value, dims, max);
        var d = new long[Math.Max(rank, 0)];
        var m = new long[d.Length];
        for (var i = 0; i < d.Length; i++)
        {
            d[i] = (long)dims[i];
            m[i] = max[i] == H5S.UNLIMITED ? -1 : (long)max[i];
        }

        Dims = d;
        MaxDims = m;
    }

    private unsafe int HyperslabIO(ReadOnlySpan<long> start, ReadOnlySpan<long> count, long memType, void* buffer, bool write, int bufferElements)
    {
        var rank = start.Length;
        var s = stackalloc ulong[rank];
        var c = stackalloc ulong[rank];
        long total = 1;
        for (var i = 0; i < rank; i++)
        {
            s[i] = (ulong)start[i];
            c[i] = (ulong)count[i];
            total *= count[i];
        }

        if (bufferElements >= 0 && bufferElements < total)
        {
            throw new ArgumentException($"{FilePath}:{Path}: buffer holds {bufferElements} elements, the selection {total}");
        }

        using var fileSpace = new H5Id(H5D.get_space(Id.Value), H5IdKind.Dataspace);
        if (H5S.select_hyperslab(fileSpace.Value, H5S.SELECT_SET, s, null, c, null) < 0)
        {
            return -1;
        }

        using var memSpace = new H5Id(H5S.create_simple(rank, c, null), H5IdKind.Dataspace);
        return write
            ? H5D.write(Id.Value, memType, memSpace.Value, fileSpace.Value, H5P.DEFAULT, buffer)
            : H5D.read(Id.Value, memType, memSpace.Value, fileSpace.Value, H5P.DEFAULT, buffer);
    }
}
