using System.Buffers;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;
using OperandoXrd.Core.Frames;
using OperandoXrd.Hdf5.Frames;

namespace OperandoXrd.Images.Formats;

/// <summary>
/// One image file (Pilatus miniCBF, TIFF or ESRF EDF) as its header describes it: shape, element type, how many bytes
/// the file must hold to be complete, and what it says about time. Rows are in file order, row 0 the first stored,
/// exactly as fabio's <c>data[0]</c>. Reads are stateless (a file handle in, pixels out), so one instance serves
/// several threads.
/// </summary>
public abstract class ImageFile
{
    /// <summary>How much of a file <see cref="Open"/> reads to find a CBF or EDF header (the binary data follows it).</summary>
    internal const int HeadBytes = 64 * 1024;

    protected ImageFile(string path, int rows, int columns, FrameDType dtype, long requiredLength)
    {
        Path = path;
        Rows = rows;
        Columns = columns;
        DType = dtype;
        RequiredLength = requiredLength;
    }

    public string Path { get; }

    /// <summary>"Pilatus miniCBF (byte-offset)", "TIFF int32", "EDF UnsignedShort"...</summary>
    public abstract string Format { get; }

    public int Rows { get; }

    public int Columns { get; }

    /// <summary>The element type frames are handed on as (int8/int16/uint8 widen to Int32, float64 narrows to Float32).</summary>
    public FrameDType DType { get; }

    /// <summary>Frames in the file: 1, except for multi-frame EDF.</summary>
    public virtual int FrameCount => 1;

    /// <summary>Bytes the header says the file holds: shorter is a truncated (or still growing) file.</summary>
    public long RequiredLength { get; }

    /// <summary>Date, exposure and period from the header, where it has them.</summary>
    public PilatusHeader Times { get; protected init; } = new(null, null, null, null);

    /// <summary>Opens <paramref name="path"/> by its first bytes (<c>###CBF</c>, <c>II*</c>/<c>MM*</c>, <c>{</c>), reading only the header.</summary>
    /// <exception cref="FrameSourceException">Not an image we read, or a header that does not parse; the message names the file.</exception>
    public static ImageFile Open(string path)
    {
        try
        {
            using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var length = RandomAccess.GetLength(handle);
            var head = new byte[(int)Math.Min(length, HeadBytes)];
            var got = RandomAccess.Read(handle, head, 0);
            var bytes = head.AsSpan(0, got);
            if (bytes.StartsWith("###CBF"u8) || bytes.StartsWith("###_CBF"u8))
            {
                return CbfImage.ReadHeader(path, bytes, length);
            }

            if (bytes.StartsWith("II*\0"u8) || bytes.StartsWith("MM\0*"u8))
            {
                return TiffImage.ReadHeader(path, handle, length);
            }

            if (bytes.TrimStart(" \t\r\n"u8).StartsWith("{"u8))
            {
                return EdfImage.ReadHeader(path, handle, length);
            }

            throw new FrameSourceException(path, null, null, "not a Pilatus CBF, TIFF or EDF image (unknown first bytes)");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            throw new FrameSourceException(path, null, null, e.Message, e);
        }
    }

    /// <summary>True for the extensions a folder scan picks up as image frames.</summary>
    public static bool IsImageFileName(string path)
    {
        var extension = System.IO.Path.GetExtension(path);
        return extension.Equals(".cbf", StringComparison.OrdinalIgnoreCase) || extension.Equals(".tif", StringComparison.OrdinalIgnoreCase)
            || extension.Equals(".tiff", StringComparison.OrdinalIgnoreCase) || extension.Equals(".edf", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Reads frame <paramref name="frame"/> as counts.</summary>
    /// <exception cref="FrameSourceException">Truncated or corrupt data; the message names the file.</exception>
    public void Read(int frame, Span<int> destination)
    {
        if (DType == FrameDType.Float32)
        {
            throw new InvalidOperationException($"{Path}: float32 frames are read as float, not as integer counts");
        }

        ReadData(frame, destination);
    }

    /// <summary>Reads frame <paramref name="frame"/> as float32.</summary>
    public void Read(int frame, Span<float> destination)
    {
        if (DType != FrameDType.Float32)
        {
            var counts = ArrayPool<int>.Shared.Rent(destination.Length);
            try
            {
                Read(frame, counts.AsSpan(0, destination.Length));
                PixelConversion.Int32ToSingle(counts.AsSpan(0, destination.Length), destination);
            }
            finally
            {
                ArrayPool<int>.Shared.Return(counts);
            }

            return;
        }

        ReadData(frame, destination);
    }

    // One path for both element types: the type test is a JIT-time constant for each T, so neither read pays for it.
    private void ReadData<T>(int frame, Span<T> destination)
        where T : unmanaged
    {
        Check(frame, destination.Length);
        try
        {
            using var handle = OpenData();
            if (typeof(T) == typeof(int))
            {
                ReadCounts(handle, frame, MemoryMarshal.Cast<T, int>(destination));
            }
            else
            {
                ReadSingles(handle, frame, MemoryMarshal.Cast<T, float>(destination));
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            throw Failed(frame, e);
        }
    }

    /// <summary>Counts from an integer file into <paramref name="destination"/> (Rows × Columns).</summary>
    protected abstract void ReadCounts(SafeFileHandle handle, int frame, Span<int> destination);

    /// <summary>Float32 from a floating-point file; integer formats never get here.</summary>
    protected virtual void ReadSingles(SafeFileHandle handle, int frame, Span<float> destination) =>
        throw new InvalidOperationException($"{Path}: not a floating-point image");

    /// <summary>Reads exactly <paramref name="buffer"/>.Length bytes at <paramref name="offset"/>, or says the file is truncated.</summary>
    protected void ReadExactly(SafeFileHandle handle, long offset, Span<byte> buffer)
    {
        var done = 0;
        while (done < buffer.Length)
        {
            var n = RandomAccess.Read(handle, buffer[done..], offset + done);
            if (n == 0)
            {
                throw new InvalidDataException(Truncated(offset + done));
            }

            done += n;
        }
    }

    protected string Truncated(long had) =>
        $"truncated: the header declares {RequiredLength} bytes, the file ends at {had}";

    private SafeFileHandle OpenData() => File.OpenHandle(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);

    private void Check(int frame, int pixels)
    {
        if ((uint)frame >= (uint)FrameCount)
        {
            throw new ArgumentOutOfRangeException(nameof(frame), frame, $"{Path} holds {FrameCount} frame(s)");
        }

        if (pixels != Rows * Columns)
        {
            throw new ArgumentException($"{Path}: destination holds {pixels} pixels, the image {Rows} x {Columns}", nameof(pixels));
        }
    }

    private FrameSourceException Failed(int frame, Exception e) => new(Path, null, FrameCount > 1 ? frame : null, e.Message, e);
}
