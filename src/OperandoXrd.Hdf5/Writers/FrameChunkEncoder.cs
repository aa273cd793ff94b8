using System.Buffers;
using System.IO.Compression;
using System.Runtime.InteropServices;
using OperandoXrd.Core.Frames;
using OperandoXrd.Hdf5.Codecs;

namespace OperandoXrd.Hdf5.Writers;

/// <summary>How frames are compressed on disk.</summary>
public enum FrameCompression
{
    None,
    /// <summary>HDF5's built-in deflate (filter 1), level from the writer options.</summary>
    Deflate,
    /// <summary>Bitshuffle + LZ4 (filter 32008), as Dectris and LIMA write it.</summary>
    BitshuffleLz4,
}

/// <summary>
/// Turns one frame of counts into the bytes of one stored chunk (dtype conversion, then compression) with the managed
/// encoders, so the writers never need a filter plugin: the chunk goes in with <c>H5Dwrite_chunk</c>.
/// </summary>
internal sealed class FrameChunkEncoder
{
    private readonly FrameDType _dtype;
    private readonly FrameCompression _compression;
    private readonly int _deflateLevel;
    private readonly int _pixels;

    public FrameChunkEncoder(FrameDType dtype, FrameCompression compression, int deflateLevel, int pixels)
    {
        _dtype = dtype;
        _compression = compression;
        _deflateLevel = deflateLevel;
        _pixels = pixels;
    }

    public int ElementSize => _dtype == FrameDType.UInt16 ? 2 : 4;

    public int RawBytes => _pixels * ElementSize;

    /// <summary>The dataset creation options that match the chunks this encoder produces.</summary>
    public Hdf5DatasetOptions DatasetOptions(int rows, int columns) => _compression switch
    {
        FrameCompression.Deflate => new Hdf5DatasetOptions { Chunks = [1, rows, columns], Deflate = _deflateLevel },

        // Stored values must end up as h5py + the Debian plugin write them: format version (0, 3), element size, block
        // size 0 = default, compressor 2 = LZ4. When the plugin is loadable its set_local callback prepends the first
        // three itself (exactly as for h5py, which passes (0, 2)); without it we store all five. Optional, so readers
        // without the plugin can still open the dataset (and read it through our managed decoder).
        FrameCompression.BitshuffleLz4 => new Hdf5DatasetOptions
        {
            Chunks = [1, rows, columns],
            FilterId = BitshuffleLz4.FilterId,
            FilterValues = Hdf5Library.IsFilterAvailable(BitshuffleLz4.FilterId) ? [0, 2] : [0, 3, (uint)ElementSize, 0, 2],
            FilterOptional = true,
        },
        _ => new Hdf5DatasetOptions { Chunks = [1, rows, columns] },
    };

    /// <summary>Encodes and writes frame <paramref name="index"/> of <paramref name="dataset"/>.</summary>
    public void Write(Hdf5Dataset dataset, int index, ReadOnlySpan<int> counts) => WriteCore(dataset, index, counts, default);

    public void Write(Hdf5Dataset dataset, int index, ReadOnlySpan<float> values) => WriteCore(dataset, index, default, values);

    private void WriteCore(Hdf5Dataset dataset, int index, ReadOnlySpan<int> counts, ReadOnlySpan<float> values)
    {
        var raw = ArrayPool<byte>.Shared.Rent(RawBytes);
        byte[]? packed = null;
        try
        {
            var rawSpan = raw.AsSpan(0, RawBytes);
            if (!values.IsEmpty)
            {
                ConvertFloat(values, rawSpan);
            }
            else
            {
                ConvertCounts(counts, rawSpan);
            }

            ReadOnlySpan<byte> chunk = rawSpan;
            switch (_compression)
            {
                case FrameCompression.BitshuffleLz4:
                    packed = ArrayPool<byte>.Shared.Rent(BitshuffleLz4.MaxEncodedLength(RawBytes, ElementSize));
                    chunk = packed.AsSpan(0, BitshuffleLz4.Encode(rawSpan, packed, ElementSize));
                    break;
                case FrameCompression.Deflate:
                    packed = ArrayPool<byte>.Shared.Rent(RawBytes + RawBytes / 100 + 1024);
                    chunk = packed.AsSpan(0, Deflate(rawSpan, packed));
                    break;
            }

            dataset.WriteChunk([index, 0, 0], chunk);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(raw);
            if (packed is not null)
            {
                ArrayPool<byte>.Shared.Return(packed);
            }
        }
    }

    private void ConvertCounts(ReadOnlySpan<int> counts, Span<byte> raw)
    {
        if (counts.Length < _pixels)
        {
            throw new ArgumentException($"frame has {counts.Length} pixels, expected {_pixels}", nameof(counts));
        }

        counts = counts[.._pixels];
        switch (_dtype)
        {
            case FrameDType.Int32:
            case FrameDType.UInt32:
                counts.CopyTo(MemoryMarshal.Cast<byte, int>(raw));
                break;
            case FrameDType.UInt16:
                var u16 = MemoryMarshal.Cast<byte, ushort>(raw);
                for (var i = 0; i < counts.Length; i++)
                {
                    // Negative (masked) pixels become the all-ones "invalid" marker, larger counts saturate.
                    var c = counts[i];
                    u16[i] = c < 0 ? (ushort)0xFFFF : (ushort)Math.Min(c, 0xFFFE);
                }

                break;
            default:
                var f = MemoryMarshal.Cast<byte, float>(raw);
                for (var i = 0; i < counts.Length; i++)
                {
                    f[i] = counts[i];
                }

                break;
        }
    }

    private void ConvertFloat(ReadOnlySpan<float> values, Span<byte> raw)
    {
        if (values.Length < _pixels)
        {
            throw new ArgumentException($"frame has {values.Length} pixels, expected {_pixels}", nameof(values));
        }

        if (_dtype != FrameDType.Float32)
        {
            throw new InvalidOperationException($"float frames can only be written to a float32 dataset, this one is {_dtype}");
        }

        MemoryMarshal.AsBytes(values[.._pixels]).CopyTo(raw);
    }

    private int Deflate(ReadOnlySpan<byte> raw, byte[] destination)
    {
        using var output = new MemoryStream(destination, writable: true);
        var level = _deflateLevel <= 3 ? CompressionLevel.Fastest : _deflateLevel >= 8 ? CompressionLevel.SmallestSize : CompressionLevel.Optimal;
        using (var zlib = new ZLibStream(output, level, leaveOpen: true))
        {
            zlib.Write(raw);
        }

        return (int)output.Position;
    }
}
