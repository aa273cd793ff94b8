using System.Runtime.InteropServices;
using System.Text;
using OperandoXrd.Hdf5.Native;

namespace OperandoXrd.Hdf5;

/// <summary>How a name inside a group is linked.</summary>
public enum Hdf5LinkKind
{
    Missing,
    Hard,
    Soft,
    External,
}

/// <summary>What a path resolves to.</summary>
public enum Hdf5ObjectKind
{
    Missing,
    Group,
    Dataset,
    Other,
}

/// <summary>Creation options for <see cref="Hdf5Group.CreateDataset{T}"/>.</summary>
public sealed record Hdf5DatasetOptions
{
    /// <summary>Chunk shape; null for contiguous storage (not allowed with unlimited dimensions).</summary>
    public long[]? Chunks { get; init; }

    /// <summary>Maximum shape; -1 for unlimited. Null means fixed at the initial shape.</summary>
    public long[]? MaxDims { get; init; }

    /// <summary>Deflate level 1–9, or 0 for none.</summary>
    public int Deflate { get; init; }

    /// <summary>A filter to register in the pipeline (for chunks written pre-compressed with <see cref="Hdf5Dataset.WriteChunk"/>).</summary>
    public int? FilterId { get; init; }

    public uint[]? FilterValues { get; init; }

    /// <summary>Optional: readers without the plugin still open the dataset (and fail only when reading a chunk).</summary>
    public bool FilterOptional { get; init; } = true;
}

/// <summary>A group (or a file's root group): navigation, links, and writing of small datasets and attributes.</summary>
public class Hdf5Group : Hdf5Object
{
    private protected Hdf5Group(H5Id id, string filePath, string path) : base(id, filePath, path) { }

    /// <summary>Absolute path of <paramref name="relative"/> below this group, for messages.</summary>
    public string Combine(string relative) =>
        relative.StartsWith('/') ? relative : (Path == "/" ? "/" + relative : Path + "/" + relative);

    /// <summary>How the last component of <paramref name="path"/> is linked; Missing when any component is absent.</summary>
    public unsafe Hdf5LinkKind GetLinkKind(string path)
    {
        lock (Hdf5Library.Sync)
        {
            if (!LinkPathExists(path))
            {
                return Hdf5LinkKind.Missing;
            }

            H5L.info_t info;
            if (H5L.get_info(Id.Value, path, &info, H5P.DEFAULT) < 0)
            {
                _ = H5E.clear(H5E.DEFAULT);
                return Hdf5LinkKind.Missing;
            }

            return info.type switch
            {
                H5L.TYPE_HARD => Hdf5LinkKind.Hard,
                H5L.TYPE_SOFT => Hdf5LinkKind.Soft,
                H5L.TYPE_EXTERNAL => Hdf5LinkKind.External,
                _ => Hdf5LinkKind.Missing,
            };
        }
    }

    /// <summary>What <paramref name="path"/> resolves to, following soft and external links. Dangling links are Missing.</summary>
    public Hdf5ObjectKind GetObjectKind(string path)
    {
        lock (Hdf5Library.Sync)
        {
            if (path is "/" or ".")
            {
                return Hdf5ObjectKind.Group;
            }

            if (!LinkPathExists(path) || H5O.exists_by_name(Id.Value, path, H5P.DEFAULT) <= 0)
            {
                _ = H5E.clear(H5E.DEFAULT);
                return Hdf5ObjectKind.Missing;
            }

            var obj = H5O.open(Id.Value, path, H5P.DEFAULT);
            if (obj < 0)
            {
                _ = H5E.clear(H5E.DEFAULT);
                return Hdf5ObjectKind.Missing;
            }

            using var owned = new H5Id(obj, H5IdKind.Object);
            return H5I.get_type(obj) switch
            {
                H5I.GROUP => Hdf5ObjectKind.Group,
                H5I.DATASET => Hdf5ObjectKind.Dataset,
                _ => Hdf5ObjectKind.Other,
            };
        }
    }

    public bool Exists(string path) => GetObjectKind(path) != Hdf5ObjectKind.Missing;

    /// <summary>Target path of a soft link, or null when <paramref name="path"/> is not one.</summary>
    public unsafe string? GetSoftLinkTarget(string path)
    {
        lock (Hdf5Library.Sync)
        {
            var value = LinkValue(path, H5L.TYPE_SOFT);
            if (value is null)
            {
                return null;
            }

            var end = Array.IndexOf(value, (byte)0);
            return Encoding.UTF8.GetString(value, 0, end >= 0 ? end : value.Length);
        }
    }

    /// <summary>File name and object path of an external link (as stored; relative names are relative to this file's folder), or null.</summary>
    public unsafe (string File, string ObjectPath)? GetExternalLinkTarget(string path)
    {
        lock (Hdf5Library.Sync)
        {
            var value = LinkValue(path, H5L.TYPE_EXTERNAL);
            if (value is null)
            {
                return null;
            }

            fixed (byte* p = value)
            {
                uint flags;
                byte* file;
                byte* obj;
                Hdf5Library.Check(H5L.unpack_elink_val(p, (nuint)value.Length, &flags, &file, &obj), "H5Lunpack_elink_val", FilePath, Combine(path));
                return (Marshal.PtrToStringUTF8((nint)file) ?? "", Marshal.PtrToStringUTF8((nint)obj) ?? "");
            }
        }
    }

    /// <summary>Names of the links in this group, in name order.</summary>
    public unsafe IReadOnlyList<string> LinkNames()
    {
        lock (Hdf5Library.Sync)
        {
            H5G.info_t info;
            Hdf5Library.Check(H5G.get_info(Id.Value, &info), "H5Gget_info", FilePath, Path);
            var names = new List<string>((int)info.nlinks);
            for (ulong i = 0; i < info.nlinks; i++)
            {
                var length = H5L.get_name_by_idx(Id.Value, ".", H5L.INDEX_NAME, H5L.ITER_INC, i, null, 0, H5P.DEFAULT);
                if (length < 0)
                {
                    throw Hdf5Library.Error("H5Lget_name_by_idx", FilePath, Path);
                }

                var buffer = new byte[length + 1];
                fixed (byte* p = buffer)
                {
                    _ = H5L.get_name_by_idx(Id.Value, ".", H5L.INDEX_NAME, H5L.ITER_INC, i, p, (nuint)buffer.Length, H5P.DEFAULT);
                }

                names.Add(Encoding.UTF8.GetString(buffer, 0, (int)length));
            }

            return names;
        }
    }

    public Hdf5Group OpenGroup(string path)
    {
        lock (Hdf5Library.Sync)
        {
            var id = Hdf5Library.Check(H5G.open(Id.Value, path, H5P.DEFAULT), "H5Gopen2", FilePath, Combine(path));
            return new Hdf5Group(new H5Id(id, H5IdKind.Group), FilePath, Combine(path));
        }
    }

    /// <summary>Creates a group (and missing parents), tagging it with <c>NX_class</c> when given. Opens it when it exists.</summary>
    public Hdf5Group CreateGroup(string path, string? nxClass = null)
    {
        Hdf5Group group;
        if (GetObjectKind(path) == Hdf5ObjectKind.Group)
        {
            group = OpenGroup(path);
        }
        else
        {
            lock (Hdf5Library.Sync)
            {
                using var lcpl = IntermediateGroups();
                using var gcpl = WithoutTimes(H5P.GROUP_CREATE);
                var id = Hdf5Library.Check(H5G.create(Id.Value, path, lcpl.Value, gcpl.Value, H5P.DEFAULT), "H5Gcreate2", FilePath, Combine(path));
                group = new Hdf5Group(new H5Id(id, H5IdKind.Group), FilePath, Combine(path));
            }
        }

        if (nxClass is not null)
        {
            group.WriteAttribute("NX_class", nxClass);
        }

        return group;
    }

    public Hdf5Dataset OpenDataset(string path)
    {
        lock (Hdf5Library.Sync)
        {
            var id = Hdf5Library.Check(H5D.open(Id.Value, path, H5P.DEFAULT), "H5Dopen2", FilePath, Combine(path));
            return new Hdf5Dataset(new H5Id(id, H5IdKind.Dataset), FilePath, Combine(path));
        }
    }

    /// <summary>Creates a numeric dataset of shape <paramref name="dims"/> with elements of type <typeparamref name="T"/> (little-endian on disk).</summary>
    public unsafe Hdf5Dataset CreateDataset<T>(string path, ReadOnlySpan<long> dims, Hdf5DatasetOptions? options = null) where T : unmanaged
    {
        options ??= new Hdf5DatasetOptions();
        var rank = dims.Length;
        var current = stackalloc ulong[Math.Max(rank, 1)];
        var maximum = stackalloc ulong[Math.Max(rank, 1)];
        for (var i = 0; i < rank; i++)
        {
            current[i] = (ulong)dims[i];
            maximum[i] = options.MaxDims is null ? (ulong)dims[i] : options.MaxDims[i] < 0 ? H5S.UNLIMITED : (ulong)options.MaxDims[i];
        }

        lock (Hdf5Library.Sync)
        {
            using var space = new H5Id(Hdf5Library.Check(rank == 0 ? H5S.create(H5S.SCALAR) : H5S.create_simple(rank, current, maximum), "H5Screate_simple", FilePath, Combine(path)), H5IdKind.Dataspace);
            using var dcpl = WithoutTimes(H5P.DATASET_CREATE);
            if (options.Chunks is { } chunks)
            {
                var chunkDims = stackalloc ulong[rank];
                for (var i = 0; i < rank; i++)
                {
                    chunkDims[i] = (ulong)chunks[i];
                }

                Hdf5Library.Check(H5P.set_chunk(dcpl.Value, rank, chunkDims), "H5Pset_chunk", FilePath, Combine(path));
                if (options.Deflate > 0)
                {
                    Hdf5Library.Check(H5P.set_deflate(dcpl.Value, (uint)options.Deflate), "H5Pset_deflate", FilePath, Combine(path));
                }

                if (options.FilterId is int filter)
                {
                    var values = options.FilterValues ?? [];
                    fixed (uint* v = values)
                    {
                        Hdf5Library.Check(
                            H5P.set_filter(dcpl.Value, filter, options.FilterOptional ? H5Z.FLAG_OPTIONAL : H5Z.FLAG_MANDATORY, (nuint)values.Length, v),
                            "H5Pset_filter", FilePath, Combine(path));
                    }
                }
            }

            using var lcpl = IntermediateGroups();
            var fileType = FileType<T>();
            var id = Hdf5Library.Check(H5D.create(Id.Value, path, fileType, space.Value, lcpl.Value, dcpl.Value, H5P.DEFAULT), "H5Dcreate2", FilePath, Combine(path));
            return new Hdf5Dataset(new H5Id(id, H5IdKind.Dataset), FilePath, Combine(path));
        }
    }

    /// <summary>Creates and fills a dataset in one call (1-D when no shape is given).</summary>
    public void WriteDataset<T>(string path, ReadOnlySpan<T> values, params long[] dims) where T : unmanaged
    {
        if (dims.Length == 0)
        {
            dims = [values.Length];
        }

        using var dataset = CreateDataset<T>(path, dims);
        dataset.Write(values);
    }

    /// <summary>
    /// A dataset that grows along its first axis, one row per frame: shape (0) when <paramref name="columns"/> is 0, else
    /// (0, columns). Append with <see cref="Hdf5Dataset.AppendRows{T}"/>.
    /// </summary>
    public Hdf5Dataset CreateExtendable<T>(string path, int columns = 0, int rowsPerChunk = 64) where T : unmanaged =>
        columns == 0
            ? CreateDataset<T>(path, [0], new Hdf5DatasetOptions { Chunks = [Math.Max(rowsPerChunk, 1024)], MaxDims = [-1] })
            : CreateDataset<T>(path, [0, columns], new Hdf5DatasetOptions { Chunks = [rowsPerChunk, columns], MaxDims = [-1, columns] });

    /// <summary>Writes a scalar variable-length UTF-8 string dataset (NeXus <c>start_time</c>, <c>title</c>, provenance text).</summary>
    public unsafe void WriteString(string path, string value)
    {
        lock (Hdf5Library.Sync)
        {
            using var type = new H5Id(H5T.copy(H5T.C_S1), H5IdKind.Datatype);
            _ = H5T.set_size(type.Value, H5T.VARIABLE);
            _ = H5T.set_cset(type.Value, H5T.CSET_UTF8);
            using var space = new H5Id(H5S.create(H5S.SCALAR), H5IdKind.Dataspace);
            using var lcpl = IntermediateGroups();
            using var dcpl = WithoutTimes(H5P.DATASET_CREATE);
            using var dataset = new H5Id(Hdf5Library.Check(H5D.create(Id.Value, path, type.Value, space.Value, lcpl.Value, dcpl.Value, H5P.DEFAULT), "H5Dcreate2", FilePath, Combine(path)), H5IdKind.Dataset);
            var bytes = Encoding.UTF8.GetBytes(value + "\0");
            fixed (byte* p = bytes)
            {
                var pointer = (nint)p;
                Hdf5Library.Check(H5D.write(dataset.Value, type.Value, H5S.ALL, H5S.ALL, H5P.DEFAULT, &pointer), "H5Dwrite", FilePath, Combine(path));
            }
        }
    }

    /// <summary>Reads a string dataset (scalar: the value; 1-D: the first element).</summary>
    public string ReadString(string path)
    {
        using var dataset = OpenDataset(path);
        var all = dataset.ReadStrings();
        return all.Length > 0 ? all[0] : "";
    }

    /// <summary>Reads a whole numeric dataset converted to <typeparamref name="T"/>.</summary>
    public T[] Read<T>(string path) where T : unmanaged
    {
        using var dataset = OpenDataset(path);
        var values = new T[dataset.ElementCount];
        dataset.Read<T>(values);
        return values;
    }

    public void CreateSoftLink(string path, string target)
    {
        lock (Hdf5Library.Sync)
        {
            using var lcpl = IntermediateGroups();
            Hdf5Library.Check(H5L.create_soft(target, Id.Value, path, lcpl.Value, H5P.DEFAULT), "H5Lcreate_soft", FilePath, Combine(path));
        }
    }

    public void CreateExternalLink(string path, string file, string objectPath)
    {
        lock (Hdf5Library.Sync)
        {
            using var lcpl = IntermediateGroups();
            Hdf5Library.Check(H5L.create_external(file, objectPath, Id.Value, path, lcpl.Value, H5P.DEFAULT), "H5Lcreate_external", FilePath, Combine(path));
        }
    }

    /// <summary>
    /// A creation property list that records no modification times: HDF5 otherwise stamps every object's header with
    /// the time it was written, so the same data written twice gives different bytes (campaign.h5 must not).
    /// </summary>
    private static H5Id WithoutTimes(long propertyClass)
    {
        var plist = new H5Id(H5P.create(propertyClass), H5IdKind.PropertyList);
        _ = H5P.set_obj_track_times(plist.Value, false);
        return plist;
    }

    private static long FileType<T>() where T : unmanaged
    {
        if (typeof(T) == typeof(int))
        {
            return H5T.STD_I32LE;
        }

        if (typeof(T) == typeof(uint))
        {
            return H5T.STD_U32LE;
        }

        if (typeof(T) == typeof(ushort))
        {
            return H5T.STD_U16LE;
        }

        if (typeof(T) == typeof(long))
        {
            return H5T.STD_I64LE;
        }

        if (typeof(T) == typeof(float))
        {
            return H5T.IEEE_F32LE;
        }

        if (typeof(T) == typeof(double))
        {
            return H5T.IEEE_F64LE;
        }

        return Hdf5Types.Native<T>();
    }

    private static H5Id IntermediateGroups()
    {
        var lcpl = new H5Id(H5P.create(H5P.LINK_CREATE), H5IdKind.PropertyList);
        _ = H5P.set_create_intermediate_group(lcpl.Value, 1);
        return lcpl;
    }

    /// <summary>H5Lexists on each prefix: the library rejects a path whose intermediate component is missing.</summary>
    private bool LinkPathExists(string path)
    {
        var trimmed = path.TrimEnd('/');
        var start = trimmed.StartsWith('/') ? 1 : 0;
        while (true)
        {
            var slash = trimmed.IndexOf('/', start);
            var prefix = slash < 0 ? trimmed : trimmed[..slash];
            if (prefix.Length > 0 && prefix != "/")
            {
                var exists = H5L.exists(Id.Value, prefix, H5P.DEFAULT);
                if (exists <= 0)
                {
                    _ = H5E.clear(H5E.DEFAULT);
                    return false;
                }
            }

            if (slash < 0)
            {
                return true;
            }

            start = slash + 1;
        }
    }

    private unsafe byte[]? LinkValue(string path, int wantedType)
    {
        if (!LinkPathExists(path))
        {
            return null;
        }

        H5L.info_t info;
        if (H5L.get_info(Id.Value, path, &info, H5P.DEFAULT) < 0)
        {
            _ = H5E.clear(H5E.DEFAULT);
            return null;
        }

        if (info.type != wantedType)
        {
            return null;
        }

        var value = new byte[info.address_or_val_size];
        fixed (byte* p = value)
        {
            Hdf5Library.Check(H5L.get_val(Id.Value, path, p, (nuint)value.Length, H5P.DEFAULT), "H5Lget_val", FilePath, Combine(path));
        }

        return value;
    }
}

/// <summary>How to open an existing file.</summary>
public sealed record Hdf5OpenOptions
{
    public bool Writable { get; init; }

    /// <summary>Open with <c>H5F_ACC_SWMR_READ</c> (the writer must have called <c>H5Fstart_swmr_write</c>).</summary>
    public bool SwmrRead { get; init; }

    /// <summary>Skip HDF5's file lock: needed to read a file another process holds open for writing without SWMR.</summary>
    public bool DisableFileLocking { get; init; }
}

/// <summary>An open HDF5 file; also its root group.</summary>
public sealed class Hdf5File : Hdf5Group
{
    private Hdf5File(H5Id id, string filePath) : base(id, filePath, "/") { }

    /// <summary>Opens read-only (by default). A missing or non-HDF5 file throws <see cref="Hdf5Exception"/> naming it.</summary>
    public static Hdf5File Open(string path, Hdf5OpenOptions? options = null)
    {
        options ??= new Hdf5OpenOptions();
        if (!File.Exists(path))
        {
            throw new Hdf5Exception($"{path}: file not found", path, null, "");
        }

        lock (Hdf5Library.Sync)
        {
            using var fapl = new H5Id(H5P.create(H5P.FILE_ACCESS), H5IdKind.PropertyList);

            // Strong close: closing the file id closes anything still open in it, so a forgotten dataset id cannot
            // keep the file (and its lock) alive behind our back.
            _ = H5P.set_fclose_degree(fapl.Value, H5F.CLOSE_STRONG);
            if (options.DisableFileLocking)
            {
                Hdf5Library.Check(H5P.set_file_locking(fapl.Value, false, true), "H5Pset_file_locking", path, null);
            }

            var flags = options.Writable ? H5F.ACC_RDWR : H5F.ACC_RDONLY;
            if (options.SwmrRead)
            {
                flags |= H5F.ACC_SWMR_READ;
            }

            var id = Hdf5Library.Check(H5F.open(path, flags, fapl.Value), "H5Fopen", path, null);
            var file = new Hdf5File(new H5Id(id, H5IdKind.File), path) { IsSwmrRead = options.SwmrRead };
            CloseOnExec(id);
            if (options.SwmrRead && file.SuperblockVersion < 3)
            {
                // 1.10 lets an old-format file be opened "SWMR read", but nothing in it is SWMR-safe and H5Drefresh
                // would leave every other object stale: refuse, so that callers re-open it plainly instead.
                file.Dispose();
                throw new Hdf5Exception($"{path}: not a SWMR file (superblock version < 3)", path, null, "superblock version < 3");
            }

            return file;
        }
    }

    /// <summary>
    /// Opened with <c>H5F_ACC_SWMR_READ</c>. Such a reader keeps every object's metadata cached as first read: call
    /// <see cref="Hdf5Dataset.Refresh"/> on a dataset before reading what a writer may have changed since.
    /// </summary>
    public bool IsSwmrRead { get; private init; }

    /// <summary>Superblock version: 0–1 for files written with the default (earliest) format, 2–3 for 1.8/1.10 formats; SWMR needs 3.</summary>
    public unsafe int SuperblockVersion
    {
        get
        {
            var info = stackalloc byte[256];
            lock (Hdf5Library.Sync)
            {
                Hdf5Library.Check(H5F.get_info(Id.Value, info), "H5Fget_info2", FilePath, null);
            }

            return *(int*)info;
        }
    }

    /// <summary>
    /// Creates (truncates) a file. With <paramref name="swmrCapable"/> the file uses the 1.10 format so that
    /// <see cref="StartSwmrWrite"/> can be called once every object exists.
    /// </summary>
    public static Hdf5File Create(string path, bool swmrCapable = false)
    {
        lock (Hdf5Library.Sync)
        {
            using var fapl = new H5Id(H5P.create(H5P.FILE_ACCESS), H5IdKind.PropertyList);
            _ = H5P.set_fclose_degree(fapl.Value, H5F.CLOSE_STRONG);
            if (swmrCapable)
            {
                Hdf5Library.Check(H5P.set_libver_bounds(fapl.Value, H5F.LIBVER_LATEST, H5F.LIBVER_LATEST), "H5Pset_libver_bounds", path, null);
            }

            var id = Hdf5Library.Check(H5F.create(path, H5F.ACC_TRUNC, H5P.DEFAULT, fapl.Value), "H5Fcreate", path, null);
            var file = new Hdf5File(new H5Id(id, H5IdKind.File), path);
            CloseOnExec(id);
            return file;
        }
    }

    /// <summary>
    /// HDF5 opens files without close-on-exec: every child process started while the file is open (a plotting tool, a
    /// test's Python) would inherit the descriptor, and with it HDF5's lock on the file, until it exits. Set the flag
    /// on the sec2 driver's descriptor.
    /// </summary>
    private static unsafe void CloseOnExec(long fileId)
    {
        // Linux only: fcntl is variadic, which P/Invoke matches on x86-64 and arm64 Linux but not on Apple arm64.
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        void* handle;
        if (H5F.get_vfd_handle(fileId, H5P.DEFAULT, &handle) < 0 || handle is null)
        {
            _ = H5E.clear(H5E.DEFAULT);
            return;
        }

        var fd = *(int*)handle;
        var flags = Libc.fcntl(fd, Libc.F_GETFD, 0);
        if (flags >= 0)
        {
            _ = Libc.fcntl(fd, Libc.F_SETFD, flags | Libc.FD_CLOEXEC);
        }
    }

    /// <summary>Pushes everything written so far to disk so that a reader in another process sees it.</summary>
    public void Flush()
    {
        lock (Hdf5Library.Sync)
        {
            Hdf5Library.Check(H5F.flush(Id.Value, H5F.SCOPE_LOCAL), "H5Fflush", FilePath, null);
        }
    }

    public void StartSwmrWrite()
    {
        lock (Hdf5Library.Sync)
        {
            Hdf5Library.Check(H5F.start_swmr_write(Id.Value), "H5Fstart_swmr_write", FilePath, null);
        }
    }

    /// <summary>Open objects in this file, the file itself included.</summary>
    public long OpenObjectCount
    {
        get
        {
            lock (Hdf5Library.Sync)
            {
                return H5F.get_obj_count(Id.Value, H5F.OBJ_ALL);
            }
        }
    }
}

internal static partial class Libc
{
    public const int F_GETFD = 1;
    public const int F_SETFD = 2;
    public const int FD_CLOEXEC = 1;

    [LibraryImport("libc", EntryPoint = "fcntl")]
    public static partial int fcntl(int fd, int command, int argument);
}
