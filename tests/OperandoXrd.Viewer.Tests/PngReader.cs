using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace OperandoXrd.Viewer.Tests;

/// <summary>
/// A minimal PNG decoder for 8-bit RGB/RGBA non-interlaced files (all five filter types), written from the PNG
/// specification for the tests so that screenshots are not read back by the encoder's own code.
/// </summary>
internal sealed class PngImage
{
    private PngImage(int width, int height, byte[] rgb)
    {
        Width = width;
        Height = height;
        Rgb = rgb;
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>3 bytes per pixel, rows top to bottom.</summary>
    public byte[] Rgb { get; }

    public (byte R, byte G, byte B) this[int x, int y]
    {
        get
        {
            var i = (y * Width + x) * 3;
            return (Rgb[i], Rgb[i + 1], Rgb[i + 2]);
        }
    }

    public static PngImage Read(string path)
    {
        var bytes = File.ReadAllBytes(path);
        ReadOnlySpan<byte> signature = [137, 80, 78, 71, 13, 10, 26, 10];
        if (!bytes.AsSpan(0, 8).SequenceEqual(signature))
        {
            throw new InvalidDataException($"{path}: not a PNG");
        }

        int width = 0, height = 0, channels = 0;
        using var idat = new MemoryStream();
        var at = 8;
        while (at < bytes.Length)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(at));
            var type = Encoding.ASCII.GetString(bytes, at + 4, 4);
            var data = bytes.AsSpan(at + 8, length);
            if (type == "IHDR")
            {
                width = BinaryPrimitives.ReadInt32BigEndian(data);
                height = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                if (data[8] != 8 || data[12] != 0)
                {
                    throw new InvalidDataException($"{path}: only 8-bit non-interlaced PNGs are read here");
                }

                channels = data[9] switch { 2 => 3, 6 => 4, _ => throw new InvalidDataException($"{path}: colour type {data[9]}") };
            }
            else if (type == "IDAT")
            {
                idat.Write(data);
            }
            else if (type == "IEND")
            {
                break;
            }

            at += 12 + length;
        }

        idat.Position = 0;
        using var zlib = new ZLibStream(idat, CompressionMode.Decompress);
        var stride = width * channels;
        var raw = new byte[(stride + 1) * height];
        zlib.ReadExactly(raw);
        var rows = new byte[stride * height];
        for (var y = 0; y < height; y++)
        {
            int filter = raw[y * (stride + 1)];
            var line = raw.AsSpan(y * (stride + 1) + 1, stride);
            var output = rows.AsSpan(y * stride, stride);
            ReadOnlySpan<byte> up = y > 0 ? rows.AsSpan((y - 1) * stride, stride) : new byte[stride];
            for (var i = 0; i < stride; i++)
            {
                int a = i >= channels ? output[i - channels] : 0, b = up[i], c = i >= channels ? up[i - channels] : 0;
                var predictor = filter switch
                {
                    0 => 0,
                    1 => a,
                    2 => b,
                    3 => (a + b) / 2,
                    4 => Paeth(a, b, c),
                    _ => throw new InvalidDataException($"{path}: row {y} has filter {filter}"),
                };
                output[i] = (byte)(line[i] + predictor);
            }
        }

        var rgb = new byte[width * height * 3];
        for (var p = 0; p < width * height; p++)
        {
            rgb[3 * p] = rows[channels * p];
            rgb[3 * p + 1] = rows[channels * p + 1];
            rgb[3 * p + 2] = rows[channels * p + 2];
        }

        return new PngImage(width, height, rgb);
    }

    private static int Paeth(int a, int b, int c)
    {
        int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
}
