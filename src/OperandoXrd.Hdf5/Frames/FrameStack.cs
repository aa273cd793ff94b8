using System.Buffers;
using OperandoXrd.Core.Frames;
using OperandoXrd.Hdf5.Native;

namespace OperandoXrd.Hdf5.Frames;

/// <summary>How frames get from the file into memory.</summary>
public enum FrameReadPath
{
    /// <summary>Direct chunk reads with the managed decoders when the layout allows it (one chunk per frame, known filters), else the library.</summary>
    Auto,
    /// <summary>Always <c>H5Dread</c> through the library and its filter plugins (the fallback, and the cross-check).</summary>
    Library,
}

/// <summary>
/// One rank-3 frame dataset in one file (a LIMA file, a Dectris data file, a VDS source). Opens lazily, reads a frame
/// as raw little-endian bytes of the stored type. The native part (chunk lookup and raw read) runs under the HDF5 lock;
/// decoding runs outside it, so several threads reading different frames decode in parallel.
/// </summary>
internal sealed class FrameStack : IDisposable
{
    private readonly bool _follow;
    private Hdf5File? _file;
    private Hdf5Dataset? _dataset;
    private bool _direct;
    private bool _swmr;

    public FrameStack(string file, string datasetPath, bool follow)
    {
        File = file;
        DatasetPath = datasetPath;
        _follow = follow;
    }

    public string File { get; }

    public string DatasetPath { get; }

    public int Extent { get; private set; }

    public int Rows { get; private set; }

    public int Columns { get; private set; }

    public FrameDType DType { get; private set; }

    public IReadOnlyList<Hdf5Filter> Filters { get; private set; } = [];

    public Hdf5ElementType ElementType { get; private set; }

    public long[]? ChunkDims { get; private set; }

    public bool IsOpen => _dataset is not null;

    public bool IsSwmr => _swmr;

    /// <summary>True when frames are read chunk by chunk with the managed decoders.</summary>
    public bool UsesDirectChunks => _direct;

    public FrameReadPath ReadPath { get; set; } = FrameReadPath.Auto;

    public long LastUse { get; set; }

    public int FrameBytes => checked(Rows * Columns * PixelConversion.ElementSize(DType));

    /// <summary>Opens file and dataset and checks that this is a frame stack we can read.</summary>
    public void Open()
    {
        if (_dataset is not null)
        {
            return;
        }

        if (!System.IO.File.Exists(File))
        {
            throw new FrameSourceException(File, DatasetPath, null, "file not found");
        }

        Hdf5File file;
        try
        {
            file = OpenFile();
        }
        catch (Hdf5Exception e)
        {
            throw new FrameSourceException(File, DatasetPath, null, "cannot open as HDF5 (truncated or not an HDF5 file): " + e.LibraryMessage, e);
        }

        try
        {
            var kind = file.GetObjectKind(DatasetPath);
            if (kind != Hdf5ObjectKind.Dataset)
            {
                var why = kind == Hdf5ObjectKind.Missing ? "no such dataset" : "not a dataset";
                if (kind == Hdf5ObjectKind.Missing && file.GetExternalLinkTarget(DatasetPath) is { } target)
                {
                    why = $"external link target missing: {target.File}:{target.ObjectPath}";
                }

                throw new FrameSourceException(File, DatasetPath, null, why);
            }

            Hdf5Dataset dataset;
            try
            {
                dataset = file.OpenDataset(DatasetPath);
            }
            catch (Hdf5Exception e)
            {
                throw new FrameSourceException(File, DatasetPath, null, "cannot open dataset: " + e.LibraryMessage, e);
            }

            Describe(dataset);
            _file = file;
            _dataset = dataset;
        }
        catch
        {
            _dataset?.Dispose();
            _dataset = null;
            file.Dispose();
            throw;
        }
    }

    private Hdf5File OpenFile()
    {
        if (!_follow)
        {
            return Hdf5File.Open(File);
        }

        // A file another process is writing: never take a lock it would trip on. Try SWMR first (a SWMR writer needs
        // it and H5Drefresh then suffices); an ordinary writer's file is re-opened on every refresh instead.
        try
        {
            var swmr = Hdf5File.Open(File, new Hdf5OpenOptions { SwmrRead = true, DisableFileLocking = true });
            _swmr = true;
            return swmr;
        }
        catch (Hdf5Exception)
        {
            _swmr = false;
            return Hdf5File.Open(File, new Hdf5OpenOptions { DisableFileLocking = true });
        }
    }

    private void Describe(Hdf5Dataset dataset)
    {
        if (dataset.Rank != 3)
        {
            throw new FrameSourceException(File, DatasetPath, null,
                $"expected a stack of frames of rank 3 (frames, rows, columns), found rank {dataset.Rank} with shape ({string.Join(", ", dataset.Dims)})");
        }

        var t = dataset.ElementType;
        DType = t switch
        {
            { Class: H5T.INTEGER, Size: 4, IsSigned: true } => FrameDType.Int32,
            { Class: H5T.INTEGER, Size: 4, IsSigned: false } => FrameDType.UInt32,
            { Class: H5T.INTEGER, Size: 2, IsSigned: false } => FrameDType.UInt16,
            { Class: H5T.FLOAT, Size: 4 } => FrameDType.Float32,
            _ => throw new FrameSourceException(File, DatasetPath, null, $"unsupported pixel type {t} (supported: int32, uint32, uint16, float32)"),
        };

        ElementType = t;
        Extent = checked((int)dataset.Dims[0]);
        Rows = checked((int)dataset.Dims[1]);
        Columns = checked((int)dataset.Dims[2]);
        Filters = dataset.Filters;
        ChunkDims = dataset.ChunkDims;
        _direct = dataset.Layout == H5D.CHUNKED
            && dataset.ChunkDims is [1, var r, var c] && r == Rows && c == Columns
            && !t.IsBigEndian
            && ChunkDecoder.CanDecode(dataset.Filters);
        if (!_direct && dataset.Filters.Count > 0)
        {
            Hdf5Library.EnsurePluginPath();
        }
    }

    /// <summary>Frames 0..n-1 whose chunks exist (all of <see cref="Extent"/> for non-chunked storage). Never scans past <paramref name="max"/>.</summary>
    public int CountWrittenFrames(int from)
    {
        Open();
        var dataset = _dataset!;
        if (dataset.Layout != H5D.CHUNKED || dataset.ChunkDims is not [1, _, _])
        {
            return Extent;
        }

        lock (Hdf5Library.Sync)
        {
            Span<long> offset = stackalloc long[3];
            var n = Math.Max(0, from);
            while (n < Extent)
            {
                offset[0] = n;
                if (dataset.GetChunkInfoLocked(offset) is null)
                {
                    break;
                }

                n++;
            }

            return n;
        }
    }

    /// <summary>
    /// Frames up to the last one written, for a finished (possibly aborted) acquisition: a pre-sized dataset whose tail
    /// was never written ends at its last chunk. Holes before it stay and report "not written" when read.
    /// </summary>
    public int CountThroughLastWritten()
    {
        Open();
        var dataset = _dataset!;
        if (dataset.Layout != H5D.CHUNKED || dataset.ChunkDims is not [1, _, _] || dataset.ChunkCount >= Extent)
        {
            return Extent;
        }

        lock (Hdf5Library.Sync)
        {
            Span<long> offset = stackalloc long[3];
            for (var n = Extent; n > 0; n--)
            {
                offset[0] = n - 1;
                if (dataset.GetChunkInfoLocked(offset) is not null)
                {
                    return n;
                }
            }

            return 0;
        }
    }

    /// <summary>Sees what the writer added since the last look: H5Drefresh under SWMR, else a fresh open of the file.</summary>
    public void Refresh()
    {
        if (_dataset is null)
        {
            Open();
            return;
        }

        if (_swmr)
        {
            _dataset.Refresh();
            Extent = checked((int)_dataset.Dims[0]);
            return;
        }

        Close();
        Open();
    }

    /// <summary>Closes and opens again: a fresh view of the file whatever the mode.</summary>
    public void Reopen()
    {
        Close();
        Open();
    }

    /// <summary>Reads frame <paramref name="frame"/> of this dataset as raw stored bytes into <paramref name="destination"/> (<see cref="FrameBytes"/> long).</summary>
    public void ReadRaw(int frame, Span<byte> destination)
    {
        if (_direct && ReadPath == FrameReadPath.Auto)
        {
            ReadDirect(frame, destination);
            return;
        }

        Span<long> start = [frame, 0, 0];
        Span<long> count = [1, Rows, Columns];
        var memType = DType switch
        {
            FrameDType.Int32 => H5T.NATIVE_INT32,
            FrameDType.UInt32 => H5T.NATIVE_UINT32,
            FrameDType.UInt16 => H5T.NATIVE_UINT16,
            _ => H5T.NATIVE_FLOAT,
        };

        // Open (if another reader's file limit closed us) and read under the one lock, so that a concurrent Close,
        // which also takes it, cannot fall between the two.
        lock (Hdf5Library.Sync)
        {
            Open();
            _dataset!.ReadHyperslabRaw(start, count, memType, destination[..FrameBytes]);
        }
    }

    private void ReadDirect(int frame, Span<byte> destination)
    {
        Span<long> offset = [frame, 0, 0];
        byte[] chunk;
        int length;
        uint mask;
        lock (Hdf5Library.Sync)
        {
            Open();
            var dataset = _dataset!;
            var info = dataset.GetChunkInfoLocked(offset)
                ?? throw new FrameSourceException(File, DatasetPath, frame, "frame not written (its chunk does not exist)");
            if (info.Size > int.MaxValue)
            {
                throw new FrameSourceException(File, DatasetPath, frame, $"chunk of {info.Size} bytes is too large");
            }

            if (Filters.Count == 0 && info.Size == FrameBytes)
            {
                // An unfiltered chunk of one whole frame is the frame's bytes: read it straight into the caller's
                // buffer (one copy from the page cache instead of two; oxrd integrate on uncompressed files).
                dataset.ReadChunkLocked(offset, destination[..FrameBytes], out _);
                return;
            }

            chunk = ArrayPool<byte>.Shared.Rent((int)info.Size);
            try
            {
                length = dataset.ReadChunkLocked(offset, chunk, out mask);
            }
            catch
            {
                ArrayPool<byte>.Shared.Return(chunk);
                throw;
            }
        }

        try
        {
            ChunkDecoder.Decode(Filters, mask, chunk, length, destination[..FrameBytes], PixelConversion.ElementSize(DType));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    public void Close()
    {
        lock (Hdf5Library.Sync)
        {
            _dataset?.Dispose();
            _dataset = null;
            _file?.Dispose();
            _file = null;
        }
    }

    /// <summary>The open file, for reading metadata next to the frames (times, exposure).</summary>
    public Hdf5File OpenedFile
    {
        get
        {
            Open();
            return _file!;
        }
    }

    public void Dispose() => Close();
}
