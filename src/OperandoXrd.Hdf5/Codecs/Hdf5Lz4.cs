using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace OperandoXrd.Hdf5.Codecs;

/// <summary>
/// HDF5 filter 32004 (LZ4), chunk format of the reference H5Zlz4 plugin: big-endian u64 original size,
/// big-endian u32 block size, then per block a big-endian u32 compressed size and the data. A block whose stored
/// size equals its raw size is stored raw (the plugin does so whenever LZ4 would not shrink it).
/// </summary>
[SkipLocalsInit]
public static class Hdf5Lz4
{
    /// <summary>The registered HDF5 filter id.</summary>
    public const int FilterId = 32004;

    private const int HeaderLength = 12;

    /// <summary>The decoded size in bytes from the chunk header.</summary>
    public static long GetDecodedLength(ReadOnlySpan<byte> chunk)
    {
        if (chunk.Length < HeaderLength)
        {
            throw new InvalidDataException($"LZ4 chunk of {chunk.Length} bytes is shorter than its 12-byte header");
        }

        var total = BinaryPrimitives.ReadUInt64BigEndian(chunk);
        if (total > int.MaxValue)
        {
            throw new InvalidDataException($"LZ4 chunk header claims {total} decoded bytes (more than 2 GiB)");
        }

        return (long)total;
    }

    /// <summary>Decodes one chunk; returns the bytes written. <see cref="InvalidDataException"/> when corrupt.</summary>
    public static int Decode(ReadOnlySpan<byte> chunk, Span<byte> destination)
    {
        var total = (int)GetDecodedLength(chunk);
        var blockHeader = BinaryPrimitives.ReadUInt32BigEndian(chunk.Slice(8));
        // A header that disagrees with the buffer the caller sized from the dataset's shape is a corrupt chunk.
        if (destination.Length < total)
        {
            throw new InvalidDataException($"LZ4 chunk header claims {total} decoded bytes, more than the {destination.Length}-byte destination");
        }

        if (total == 0)
        {
            return 0;
        }

        if (blockHeader == 0)
        {
            throw new InvalidDataException("LZ4 chunk: block size 0 in the header");
        }

        var blockSize = (int)Math.Min(blockHeader, (uint)total);

        int ip = HeaderLength, op = 0;
        while (op < total)
        {
            var n = Math.Min(blockSize, total - op);
            if (chunk.Length - ip < 4)
            {
                throw new InvalidDataException($"LZ4 chunk is truncated at the size of the block at output byte {op}");
            }

            var compressed = BinaryPrimitives.ReadUInt32BigEndian(chunk.Slice(ip));
            ip += 4;
            if (compressed > (uint)(chunk.Length - ip))
            {
                throw new InvalidDataException($"LZ4 chunk: the block at output byte {op} claims {compressed} compressed bytes, {chunk.Length - ip} remain");
            }

            var block = chunk.Slice(ip, (int)compressed);
            var output = destination.Slice(op, n);
            if (compressed == (uint)n)
            {
                block.CopyTo(output);
            }
            else
            {
                var written = Lz4Block.Decode(block, output);
                if (written != n)
                {
                    throw new InvalidDataException($"LZ4 chunk: the block at output byte {op} decodes to {written} bytes instead of {n}");
                }
            }
            ip += (int)compressed;
            op += n;
        }
        if (ip != chunk.Length)
        {
            throw new InvalidDataException($"LZ4 chunk: {chunk.Length - ip} unexpected bytes after the last block");
        }

        return total;
    }

    /// <summary>An upper bound on <see cref="Encode"/>'s output with the default (1 GiB) block size.</summary>
    public static int MaxEncodedLength(int sourceBytes) => MaxEncodedLength(sourceBytes, 1 << 30);

    /// <summary>An upper bound on <see cref="Encode"/>'s output for this block size.</summary>
    public static int MaxEncodedLength(int sourceBytes, int blockSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sourceBytes);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(blockSize);
        // Raw storage caps each block at its own size, so only the 4-byte block sizes are added; the LZ4 slack on
        // top lets a single-block chunk compress in place instead of through a spill buffer.
        var blocks = ((long)sourceBytes + blockSize - 1) / blockSize;
        var bound = HeaderLength + (long)sourceBytes + 4 * blocks + sourceBytes / 255 + 16;
        return bound > int.MaxValue ? throw new ArgumentOutOfRangeException(nameof(sourceBytes), "chunk too large for one buffer") : (int)bound;
    }

    /// <summary>Encodes <paramref name="source"/> as one chunk in blocks of <paramref name="blockSize"/> bytes.</summary>
    public static int Encode(ReadOnlySpan<byte> source, Span<byte> destination, int blockSize = 1 << 30)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(blockSize);
        if (blockSize > source.Length)
        {
            blockSize = source.Length; // as the plugin does: the header records the clamped size
        }

        if (destination.Length < HeaderLength)
        {
            throw new ArgumentException("destination is shorter than the chunk header", nameof(destination));
        }

        BinaryPrimitives.WriteUInt64BigEndian(destination, (ulong)source.Length);
        BinaryPrimitives.WriteUInt32BigEndian(destination.Slice(8), (uint)blockSize);
        int ip = 0, op = HeaderLength;
        byte[]? spill = null;
        try
        {
            while (ip < source.Length)
            {
                var n = Math.Min(blockSize, source.Length - ip);
                var block = source.Slice(ip, n);
                var bound = Lz4Block.MaxEncodedLength(n);
                if (destination.Length - op < 4 + n)
                {
                    throw new ArgumentException($"destination of {destination.Length} bytes is too small; use MaxEncodedLength", nameof(destination));
                }

                int compressed;
                if (destination.Length - op - 4 >= bound)
                {
                    compressed = Lz4Block.Encode(block, destination.Slice(op + 4, bound));
                }
                else
                {
                    // Not enough room for LZ4's worst case in place: compress aside, keep it only if it is smaller.
                    spill ??= System.Buffers.ArrayPool<byte>.Shared.Rent(bound);
                    if (spill.Length < bound)
                    {
                        System.Buffers.ArrayPool<byte>.Shared.Return(spill);
                        spill = System.Buffers.ArrayPool<byte>.Shared.Rent(bound);
                    }
                    compressed = Lz4Block.Encode(block, spill.AsSpan(0, bound));
                    if (compressed < n)
                    {
                        spill.AsSpan(0, compressed).CopyTo(destination.Slice(op + 4));
                    }
                }
                if (compressed >= n)
                {
                    block.CopyTo(destination.Slice(op + 4));
                    compressed = n;
                }
                BinaryPrimitives.WriteUInt32BigEndian(destination.Slice(op), (uint)compressed);
                op += 4 + compressed;
                ip += n;
            }
            return op;
        }
        finally
        {
            if (spill is not null)
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(spill);
            }
        }
    }
}
