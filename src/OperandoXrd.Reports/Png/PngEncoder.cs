using System.Buffers.Binary;
using System.IO.Compression;

namespace OperandoXrd.Reports.Png;

/// <summary>
/// Minimal PNG writer: 8-bit truecolour (RGB) or truecolour with alpha (RGBA), non-interlaced, one IDAT through
/// <see cref="ZLibStream"/>. Each row is filtered with the PNG "Up" or "None" filter, whichever has the smaller
/// sum of absolute bytes (a cheap version of libpng's heuristic that suits plots: flat areas become zeros).
/// </summary>
public static class PngEncoder
{
    private static ReadOnlySpan<byte> Signature => [137, 80, 78, 71, 13, 10, 26, 10];

    /// <summary>Encodes <paramref name="image"/>; with <paramref name="alpha"/> false the alpha channel is dropped.</summary>
    public static byte[] Encode(RgbaImage image, bool alpha = true)
    {
        using var stream = new MemoryStream();
        Write(stream, image, alpha);
        return stream.ToArray();
    }

    /// <summary>Writes <paramref name="image"/> as a PNG file.</summary>
    public static void Write(Stream stream, RgbaImage image, bool alpha = true)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(image);
        stream.Write(Signature);

        Span<byte> header = stackalloc byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, image.Width);
        BinaryPrimitives.WriteInt32BigEndian(header[4..], image.Height);
        header[8] = 8;                      // bit depth
        header[9] = (byte)(alpha ? 6 : 2);  // colour type: RGBA or RGB
        header[10] = 0;                     // deflate
        header[11] = 0;                     // adaptive filtering
        header[12] = 0;                     // no interlace
        WriteChunk(stream, "IHDR"u8, header);

        WriteChunk(stream, "IDAT"u8, CompressRows(image, alpha));
        WriteChunk(stream, "IEND"u8, []);
    }

    private static byte[] CompressRows(RgbaImage image, bool alpha)
    {
        int channels = alpha ? 4 : 3;
        int stride = image.Width * channels;
        var previous = new byte[stride];
        var current = new byte[stride];
        var filtered = new byte[stride + 1];
        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
        {
            for (int y = 0; y < image.Height; y++)
            {
                ReadOnlySpan<byte> row = image.Pixels.AsSpan(y * image.Width * 4, image.Width * 4);
                if (alpha)
                {
                    row.CopyTo(current);
                }
                else
                {
                    for (int x = 0; x < image.Width; x++)
                    {
                        current[3 * x] = row[4 * x];
                        current[3 * x + 1] = row[4 * x + 1];
                        current[3 * x + 2] = row[4 * x + 2];
                    }
                }

                long costNone = 0, costUp = 0;
                for (int i = 0; i < stride; i++)
                {
                    costNone += Math.Abs((int)(sbyte)current[i]);
                    costUp += Math.Abs((int)(sbyte)(byte)(current[i] - previous[i]));
                }
                if (y > 0 && costUp < costNone)
                {
                    filtered[0] = 2; // Up
                    for (int i = 0; i < stride; i++)
                        filtered[i + 1] = (byte)(current[i] - previous[i]);
                }
                else
                {
                    filtered[0] = 0; // None
                    current.CopyTo(filtered, 1);
                }
                zlib.Write(filtered);
                (previous, current) = (current, previous);
            }
        }
        return compressed.ToArray();
    }

    private static void WriteChunk(Stream stream, ReadOnlySpan<byte> type, ReadOnlySpan<byte> data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        stream.Write(word);
        stream.Write(type);
        stream.Write(data);
        // The CRC covers the chunk type and data, not the length.
        BinaryPrimitives.WriteUInt32BigEndian(word, Crc32.Append(Crc32.Compute(type), data));
        stream.Write(word);
    }
}
