using System.Buffers;
using System.IO.Compression;
using OperandoXrd.Hdf5.Codecs;
using OperandoXrd.Hdf5.Native;

namespace OperandoXrd.Hdf5.Frames;

/// <summary>
/// Undoes a dataset's filter pipeline on one raw chunk, in managed code, outside the HDF5 lock. Only the filters
/// beamline files use are handled; <see cref="CanDecode"/> says when a dataset must go through the library instead.
/// </summary>
internal static class ChunkDecoder
{
    public static bool CanDecode(IReadOnlyList<Hdf5Filter> filters)
    {
        foreach (var f in filters)
        {
            switch (f.Id)
            {
                case H5Z.FILTER_DEFLATE:
                case H5Z.FILTER_SHUFFLE:
                case H5Z.FILTER_FLETCHER32:
                case Hdf5Lz4.FilterId:
                    break;

                // Values 4.. are (element size, block size, compressor); compressor 2 is LZ4. Without it the chunk is
                // plain bit-shuffled data with a different framing, which we leave to the plugin.
                case BitshuffleLz4.FilterId when f.ClientData.Length >= 5 && f.ClientData[4] == 2:
                    break;
                default:
                    return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Decodes <paramref name="chunk"/> (its first <paramref name="length"/> bytes) into <paramref name="destination"/>,
    /// which must be exactly the decoded chunk size. Filters whose bit is set in <paramref name="filterMask"/> were
    /// skipped by the writer and are skipped here too.
    /// </summary>
    public static void Decode(IReadOnlyList<Hdf5Filter> filters, uint filterMask, byte[] chunk, int length, Span<byte> destination, int elementSize)
    {
        // Work from the last filter applied back to the first. Intermediate results ping-pong between two pooled
        // buffers; the last step writes straight into the caller's frame. No allocation per frame: the pipeline is
        // walked by index, skipping filters the writer did not apply.
        var remaining = 0;
        for (var i = 0; i < filters.Count; i++)
        {
            if ((filterMask & (1u << i)) == 0)
            {
                remaining++;
            }
        }

        var activeCount = remaining;
        byte[]? scratch = null;
        byte[]? scratch2 = null;
        try
        {
            ReadOnlySpan<byte> current = chunk.AsSpan(0, length);
            for (var i = filters.Count - 1; i >= 0; i--)
            {
                if ((filterMask & (1u << i)) != 0)
                {
                    continue;
                }

                var last = --remaining == 0;
                var f = filters[i];
                Span<byte> target;
                if (last)
                {
                    target = destination;
                }
                else
                {
                    ref var slot = ref (scratch is not null && current.Overlaps(scratch.AsSpan()) ? ref scratch2 : ref scratch);
                    slot ??= ArrayPool<byte>.Shared.Rent(Math.Max(destination.Length + 64, length));
                    target = slot.AsSpan(0, f.Id == H5Z.FILTER_FLETCHER32 ? current.Length : destination.Length);
                }

                var written = Apply(f, current, target, elementSize);
                current = target[..written];
                if (last && written != destination.Length)
                {
                    throw new InvalidDataException($"chunk decodes to {written} bytes, expected {destination.Length}");
                }
            }

            if (activeCount == 0)
            {
                if (length != destination.Length)
                {
                    throw new InvalidDataException($"unfiltered chunk holds {length} bytes, expected {destination.Length}");
                }

                current.CopyTo(destination);
            }
        }
        finally
        {
            if (scratch is not null)
            {
                ArrayPool<byte>.Shared.Return(scratch);
            }

            if (scratch2 is not null)
            {
                ArrayPool<byte>.Shared.Return(scratch2);
            }
        }
    }

    private static int Apply(Hdf5Filter filter, ReadOnlySpan<byte> source, Span<byte> target, int elementSize)
    {
        switch (filter.Id)
        {
            case BitshuffleLz4.FilterId:
                var bsElement = filter.ClientData.Length >= 3 && filter.ClientData[2] > 0 ? (int)filter.ClientData[2] : elementSize;
                return BitshuffleLz4.Decode(source, target, bsElement);
            case Hdf5Lz4.FilterId:
                return Hdf5Lz4.Decode(source, target);
            case H5Z.FILTER_DEFLATE:
                return Inflate(source, target);
            case H5Z.FILTER_SHUFFLE:
                var shuffleElement = filter.ClientData.Length >= 1 && filter.ClientData[0] > 0 ? (int)filter.ClientData[0] : elementSize;
                Unshuffle(source, target, shuffleElement);
                return source.Length;
            case H5Z.FILTER_FLETCHER32:
                // The checksum trails the data; the library verifies it on its own path, we only strip it here.
                if (source.Length < 4)
                {
                    throw new InvalidDataException("chunk too short for its Fletcher-32 checksum");
                }

                source[..^4].CopyTo(target);
                return source.Length - 4;
            default:
                throw new InvalidDataException($"filter {filter} has no managed decoder");
        }
    }

    private static unsafe int Inflate(ReadOnlySpan<byte> source, Span<byte> target)
    {
        fixed (byte* p = source)
        {
            using var input = new UnmanagedMemoryStream(p, source.Length);
            using var zlib = new ZLibStream(input, CompressionMode.Decompress);
            var total = 0;
            while (total < target.Length)
            {
                var n = zlib.Read(target[total..]);
                if (n == 0)
                {
                    break;
                }

                total += n;
            }

            return total;
        }
    }

    /// <summary>HDF5's byte shuffle: byte k of every element was gathered into plane k.</summary>
    private static void Unshuffle(ReadOnlySpan<byte> source, Span<byte> target, int elementSize)
    {
        var n = source.Length / elementSize;
        for (var plane = 0; plane < elementSize; plane++)
        {
            var planeBytes = source.Slice(plane * n, n);
            for (var i = 0; i < n; i++)
            {
                target[i * elementSize + plane] = planeBytes[i];
            }
        }

        // Bytes that do not fill a whole element are stored unshuffled at the end.
        var tail = n * elementSize;
        source[tail..].CopyTo(target[tail..]);
    }
}
