using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.CompilerServices;

namespace OperandoXrd.Hdf5.Codecs;

/// <summary>
/// HDF5 filter 32008 (bitshuffle + LZ4), chunk format as written by the bitshuffle HDF5 plugin:
/// big-endian u64 decoded byte count, big-endian u32 block size in bytes, then per block a big-endian u32
/// compressed size and an LZ4 block holding the bit-shuffled block. A last partial block is rounded down to a
/// multiple of 8 elements; the remaining (count mod 8) elements follow raw.
/// </summary>
[SkipLocalsInit]
public static class BitshuffleLz4
{
    /// <summary>The registered HDF5 filter id.</summary>
    public const int FilterId = 32008;

    /// <summary>Bitshuffle's default block: 8192 bytes' worth of elements, a multiple of 8, at least 128.</summary>
    public static int DefaultBlockSizeElements(int elementSize)
    {
        ValidateElementSize(elementSize);
        var block = 8192 / elementSize / 8 * 8;
        return Math.Max(block, 128);
    }

    /// <summary>The decoded size in bytes from the chunk header.</summary>
    public static long GetDecodedLength(ReadOnlySpan<byte> chunk)
    {
        if (chunk.Length < HeaderLength)
        {
            throw new InvalidDataException($"bitshuffle-LZ4 chunk of {chunk.Length} bytes is shorter than its 12-byte header");
        }

        var total = BinaryPrimitives.ReadUInt64BigEndian(chunk);
        if (total > int.MaxValue)
        {
            throw new InvalidDataException($"bitshuffle-LZ4 chunk header claims {total} decoded bytes (more than 2 GiB)");
        }

        return (long)total;
    }

    /// <summary>
    /// Decodes one chunk into <paramref name="destination"/>; returns the bytes written.
    /// Throws <see cref="InvalidDataException"/> when the chunk is corrupt.
    /// </summary>
    public static int Decode(ReadOnlySpan<byte> chunk, Span<byte> destination, int elementSize)
    {
        ValidateElementSize(elementSize);
        var total = (int)GetDecodedLength(chunk);
        var blockBytesHeader = BinaryPrimitives.ReadUInt32BigEndian(chunk.Slice(8));
        if (total % elementSize != 0)
        {
            throw new InvalidDataException($"bitshuffle-LZ4 chunk: {total} decoded bytes is not a whole number of {elementSize}-byte elements");
        }
        // A header that disagrees with the buffer the caller sized from the dataset's shape is a corrupt chunk.
        if (destination.Length < total)
        {
            throw new InvalidDataException($"bitshuffle-LZ4 chunk header claims {total} decoded bytes, more than the {destination.Length}-byte destination");
        }

        var count = total / elementSize;
        if (count == 0)
        {
            return 0;
        }

        if (blockBytesHeader == 0 || blockBytesHeader % (uint)elementSize != 0 || blockBytesHeader / (uint)elementSize % 8 != 0 || blockBytesHeader > int.MaxValue)
        {
            throw new InvalidDataException($"bitshuffle-LZ4 chunk: block size of {blockBytesHeader} bytes is not a positive multiple of 8 {elementSize}-byte elements");
        }

        var blockElements = (int)(blockBytesHeader / (uint)elementSize);

        // Scratch for one block: the LZ4 output (bit rows) and, for multi-byte elements, the byte planes.
        // Capped by the data actually present so a lying header cannot make us rent gigabytes.
        var scratchBlock = (int)Math.Min(blockBytesHeader, (uint)total);
        var scratch = ArrayPool<byte>.Shared.Rent(2 * scratchBlock);
        try
        {
            return DecodeBlocks(chunk.Slice(HeaderLength), destination, count, elementSize, blockElements,
                scratch.AsSpan(0, scratchBlock), scratch.AsSpan(scratchBlock, scratchBlock), BitTranspose.Best);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    internal static int DecodeBlocks(ReadOnlySpan<byte> body, Span<byte> destination, int count, int elementSize,
        int blockElements, Span<byte> rows, Span<byte> planes, BitTransposeIsa isa)
    {
        int ip = 0, op = 0;
        var remaining = count;
        while (remaining >= 8)
        {
            var n = remaining >= blockElements ? blockElements : remaining & ~7;
            var blockBytes = n * elementSize;
            if (body.Length - ip < 4)
            {
                throw new InvalidDataException($"bitshuffle-LZ4 chunk is truncated at the size of the block at output byte {op}");
            }

            var compressed = BinaryPrimitives.ReadUInt32BigEndian(body.Slice(ip));
            ip += 4;
            if (compressed > (uint)(body.Length - ip))
            {
                throw new InvalidDataException($"bitshuffle-LZ4 chunk: the block at output byte {op} claims {compressed} compressed bytes, {body.Length - ip} remain");
            }

            var written = Lz4Block.Decode(body.Slice(ip, (int)compressed), rows.Slice(0, blockBytes));
            if (written != blockBytes)
            {
                throw new InvalidDataException($"bitshuffle-LZ4 chunk: the block at output byte {op} decodes to {written} bytes instead of {blockBytes}");
            }

            ip += (int)compressed;
            BitTranspose.Unshuffle(rows, destination.Slice(op, blockBytes), n, elementSize, planes, isa);
            op += blockBytes;
            remaining -= n;
        }

        var leftover = remaining * elementSize;
        if (body.Length - ip != leftover)
        {
            throw new InvalidDataException($"bitshuffle-LZ4 chunk: {body.Length - ip} bytes follow the last block where {leftover} raw trailing bytes belong");
        }

        body.Slice(ip, leftover).CopyTo(destination.Slice(op));
        return op + leftover;
    }

    /// <summary>
    /// An upper bound on <see cref="Encode"/>'s output for this input size with the default block size (or any
    /// larger block); use the three-argument overload for smaller blocks.
    /// </summary>
    public static int MaxEncodedLength(int sourceBytes, int elementSize) =>
        MaxEncodedLength(sourceBytes, elementSize, DefaultBlockSizeElements(elementSize));

    /// <summary>An upper bound on <see cref="Encode"/>'s output for this input size and block size (elements).</summary>
    public static int MaxEncodedLength(int sourceBytes, int elementSize, int blockSizeElements)
    {
        ValidateElementSize(elementSize);
        ArgumentOutOfRangeException.ThrowIfNegative(sourceBytes);
        if (blockSizeElements <= 0 || blockSizeElements % 8 != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(blockSizeElements), blockSizeElements, "bitshuffle block size must be a positive multiple of 8 elements");
        }

        long count = sourceBytes / elementSize;
        // Every block costs its 4-byte size plus LZ4's worst case (n + n/255 + 16); the partial block is one more.
        var blocks = count / blockSizeElements + 1;
        var bound = HeaderLength + sourceBytes + sourceBytes / 255 + blocks * (4 + 16 + 1);
        return bound > int.MaxValue ? throw new ArgumentOutOfRangeException(nameof(sourceBytes), "chunk too large for one buffer") : (int)bound;
    }

    /// <summary>
    /// Encodes <paramref name="source"/> (whole elements) into one chunk; returns the bytes written.
    /// <paramref name="blockSizeElements"/> 0 picks bitshuffle's default; otherwise it must be a multiple of 8.
    /// </summary>
    public static int Encode(ReadOnlySpan<byte> source, Span<byte> destination, int elementSize, int blockSizeElements = 0)
    {
        ValidateElementSize(elementSize);
        if (source.Length % elementSize != 0)
        {
            throw new ArgumentException($"source of {source.Length} bytes is not a whole number of {elementSize}-byte elements", nameof(source));
        }

        if (blockSizeElements == 0)
        {
            blockSizeElements = DefaultBlockSizeElements(elementSize);
        }

        if (blockSizeElements < 0 || blockSizeElements % 8 != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(blockSizeElements), blockSizeElements, "bitshuffle block size must be a positive multiple of 8 elements");
        }

        if ((long)blockSizeElements * elementSize > int.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(blockSizeElements), blockSizeElements, "block too large");
        }

        var count = source.Length / elementSize;
        var blockBytesMax = blockSizeElements * elementSize;
        if (destination.Length < HeaderLength)
        {
            throw new ArgumentException("destination is shorter than the chunk header", nameof(destination));
        }

        BinaryPrimitives.WriteUInt64BigEndian(destination, (ulong)source.Length);
        BinaryPrimitives.WriteUInt32BigEndian(destination.Slice(8), (uint)blockBytesMax);

        var scratchBlock = Math.Min(blockBytesMax, source.Length);
        var scratch = ArrayPool<byte>.Shared.Rent(2 * scratchBlock);
        try
        {
            var rows = scratch.AsSpan(0, scratchBlock);
            var planes = scratch.AsSpan(scratchBlock, scratchBlock);
            int ip = 0, op = HeaderLength, remaining = count;
            while (remaining >= 8)
            {
                var n = remaining >= blockSizeElements ? blockSizeElements : remaining & ~7;
                var blockBytes = n * elementSize;
                BitTranspose.Shuffle(source.Slice(ip, blockBytes), rows, n, elementSize, planes, BitTranspose.Best);
                var bound = Lz4Block.MaxEncodedLength(blockBytes);
                if (destination.Length - op < 4 + bound)
                {
                    throw new ArgumentException($"destination of {destination.Length} bytes is too small; use MaxEncodedLength", nameof(destination));
                }

                var compressed = Lz4Block.Encode(rows.Slice(0, blockBytes), destination.Slice(op + 4, bound));
                BinaryPrimitives.WriteUInt32BigEndian(destination.Slice(op), (uint)compressed);
                op += 4 + compressed;
                ip += blockBytes;
                remaining -= n;
            }
            var leftover = remaining * elementSize;
            if (destination.Length - op < leftover)
            {
                throw new ArgumentException($"destination of {destination.Length} bytes is too small; use MaxEncodedLength", nameof(destination));
            }

            source.Slice(ip, leftover).CopyTo(destination.Slice(op));
            return op + leftover;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(scratch);
        }
    }

    private const int HeaderLength = 12;

    private static void ValidateElementSize(int elementSize)
    {
        if (elementSize <= 0 || elementSize > 1024)
        {
            throw new ArgumentOutOfRangeException(nameof(elementSize), elementSize.ToString(CultureInfo.InvariantCulture), "element size must be 1..1024 bytes");
        }
    }
}
