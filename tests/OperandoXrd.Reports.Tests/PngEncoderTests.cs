using System.Security.Cryptography;
using System.Text.Json.Nodes;
using OperandoXrd.Reports.Png;

namespace OperandoXrd.Reports.Tests;

public class PngEncoderTests
{
    [Fact]
    public void Crc32_matches_the_standard_check_values()
    {
        Assert.Equal(0xCBF43926u, Crc32.Compute("123456789"u8));
        // Every PNG ends with IEND and this CRC.
        Assert.Equal(0xAE426082u, Crc32.Compute("IEND"u8));
        Assert.Equal(Crc32.Compute("123456789"u8), Crc32.Append(Crc32.Compute("1234"u8), "56789"u8));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Python_zlib_reader_decodes_our_png_to_the_same_pixels(bool alpha)
    {
        var image = new RgbaImage(123, 77);
        var rng = new Random(5);
        rng.NextBytes(image.Pixels);
        // Flat rows and a gradient too, so both the None and the Up filter are used.
        for (int x = 0; x < 123; x++)
            for (int y = 40; y < 77; y++)
                image[x, y] = new Rgba((byte)x, (byte)(2 * y), 200, 255);
        if (!alpha)
            for (int i = 3; i < image.Pixels.Length; i += 4)
                image.Pixels[i] = 255;

        string path = Path.Combine(Path.GetTempPath(), $"oxrd-png-{Guid.NewGuid():N}.png");
        File.WriteAllBytes(path, PngEncoder.Encode(image, alpha));
        try
        {
            JsonNode result = PythonProbe.Run(new JsonObject { ["files"] = new JsonObject { ["img"] = PythonProbe.File1(path, (0, 0), (122, 76), (60, 50)) } })["img"]!;
            Assert.Equal(123, result["width"]!.GetValue<int>());
            Assert.Equal(77, result["height"]!.GetValue<int>());
            Assert.Equal(alpha ? 6 : 2, result["colour"]!.GetValue<int>());
            Assert.Equal(["IHDR", "IDAT", "IEND"], result["chunks"]!.AsArray().Select(n => n!.GetValue<string>()));
            Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(image.Pixels)), result["sha256"]!.GetValue<string>());
            Assert.Equal([60, 100, 200, 255], PythonProbe.Ints(result["pixels"]![2]!));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Blend_mixes_source_over_destination()
    {
        var image = new RgbaImage(1, 1);
        image.Fill(Rgba.White);
        image.Blend(0, 0, new Rgba(0, 0, 0), 0.25);
        Assert.Equal(new Rgba(191, 191, 191), image[0, 0]);
    }
}
