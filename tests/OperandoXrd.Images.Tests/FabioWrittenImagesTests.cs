using OperandoXrd.Core.Frames;
using OperandoXrd.Core.Tests.Reference;
using OperandoXrd.Images.Formats;

namespace OperandoXrd.Images.Tests;

/// <summary>
/// fabio 0.14 (Debian python3-fabio) writes CBF, EDF and TIFF files from one small image with Pilatus gaps (−1), bad
/// pixels (−2) and steps that need the byte-offset 16-, 32- and 64-bit escapes; fabio reads each back, and so do we:
/// every pixel must be what fabio reads (which is what was written).
/// </summary>
public sealed class FabioWrittenImagesFixture : IDisposable
{
    private const string Script = """
        import fabio, numpy as np
        rng = np.random.default_rng(7)
        rows, cols = 37, 53
        base = rng.poisson(50, (rows, cols)).astype(np.int32)
        base[10:13, :] = -1
        base[:, 20] = -1
        base[rng.random((rows, cols)) < 0.01] = -2
        big = base.copy()
        big[5, 7] = 20000            # 16-bit escape
        big[5, 8] = -40000           # 32-bit escape
        big[6, 1] = 2**31 - 1        # 32-bit escape, then a step beyond int32: the 64-bit escape
        big[6, 2] = -2**31 + 1
        big[7, 3] = 1000000
        u16 = ((base.clip(0, None) * 1313) % 65536).astype(np.uint16)
        u16[0, 0] = 65535
        f32 = rng.normal(100.0, 30.0, (rows, cols)).astype(np.float32)
        fabio.cbfimage.CbfImage(data=big).write(OUT + "/int32.cbf")
        fabio.edfimage.EdfImage(data=big).write(OUT + "/int32.edf")
        fabio.tifimage.TifImage(data=big).write(OUT + "/int32.tif")
        fabio.cbfimage.CbfImage(data=u16).write(OUT + "/uint16.cbf")
        fabio.edfimage.EdfImage(data=u16).write(OUT + "/uint16.edf")
        fabio.tifimage.TifImage(data=u16).write(OUT + "/uint16.tif")
        fabio.edfimage.EdfImage(data=f32).write(OUT + "/float32.edf")
        fabio.tifimage.TifImage(data=f32).write(OUT + "/float32.tif")
        two = fabio.edfimage.EdfImage(data=big)
        two.append_frame(data=big[::-1].copy())
        two.write(OUT + "/two.edf")
        for name in ("int32.cbf", "int32.edf", "int32.tif", "uint16.cbf", "uint16.edf", "uint16.tif"):
            save_i32("fabio_" + name, fabio.open(OUT + "/" + name).data.astype(np.int32))
        for name in ("float32.edf", "float32.tif"):
            save_f32("fabio_" + name, fabio.open(OUT + "/" + name).data)
        t = fabio.open(OUT + "/two.edf")
        save_i32("fabio_two.edf_1", t.getframe(1).data)
        save_i32("written_int32", big)
        save_i32("written_uint16", u16.astype(np.int32))
        save_f32("written_float32", f32)
        """;

    private readonly Lazy<ReferenceRun> _run = new(() => PythonReference.Run(Script));

    public ReferenceRun Run => _run.Value;

    public string File(string name) => Path.Combine(Run.OutputDirectory, name);

    public void Dispose()
    {
        if (_run.IsValueCreated)
        {
            _run.Value.Dispose();
        }
    }
}

public sealed class FabioWrittenImagesTests(FabioWrittenImagesFixture fabio) : IClassFixture<FabioWrittenImagesFixture>
{
    [Theory]
    [InlineData("int32.cbf", "written_int32", FrameDType.Int32)]
    [InlineData("int32.edf", "written_int32", FrameDType.Int32)]
    [InlineData("int32.tif", "written_int32", FrameDType.Int32)]
    [InlineData("uint16.cbf", "written_uint16", FrameDType.Int32)]
    [InlineData("uint16.edf", "written_uint16", FrameDType.UInt16)]
    [InlineData("uint16.tif", "written_uint16", FrameDType.UInt16)]
    public void Integer_images_read_as_fabio_reads_them(string file, string written, FrameDType dtype)
    {
        var image = ImageFile.Open(fabio.File(file));
        Assert.Equal((37, 53), (image.Rows, image.Columns));
        Assert.Equal(dtype, image.DType);
        var pixels = new int[37 * 53];
        image.Read(0, pixels);
        Assert.Equal(fabio.Run.I32("fabio_" + file), pixels);
        Assert.Equal(fabio.Run.I32(written), pixels);
        if (file.StartsWith("int32", StringComparison.Ordinal))
        {
            // The gaps and bad pixels came through as the markers the integrator masks.
            Assert.Contains(-1, pixels);
            Assert.Contains(-2, pixels);
        }

        // As float: the same numbers.
        var floats = new float[pixels.Length];
        image.Read(0, floats);
        Assert.Equal(pixels.Select(v => (float)v), floats);
    }

    [Theory]
    [InlineData("float32.edf")]
    [InlineData("float32.tif")]
    public void Float_images_read_as_fabio_reads_them(string file)
    {
        var image = ImageFile.Open(fabio.File(file));
        Assert.Equal(FrameDType.Float32, image.DType);
        var pixels = new float[37 * 53];
        image.Read(0, pixels);
        Assert.Equal(fabio.Run.F32("fabio_" + file), pixels);
        Assert.Throws<InvalidOperationException>(() => image.Read(0, new int[pixels.Length]));
    }

    [Fact]
    public void Multi_frame_edf_holds_each_frame()
    {
        var image = ImageFile.Open(fabio.File("two.edf"));
        Assert.Equal(2, image.FrameCount);
        var first = new int[37 * 53];
        var second = new int[37 * 53];
        image.Read(0, first);
        image.Read(1, second);
        Assert.Equal(fabio.Run.I32("written_int32"), first);
        Assert.Equal(fabio.Run.I32("fabio_two.edf_1"), second);
    }

    [Fact]
    public void The_cbf_escapes_are_really_in_the_file()
    {
        // 20000 needs the 16-bit escape, −40000, 1000000 and 2^31 − 1 the 32-bit one. (fabio takes differences in
        // int32, so the step from 2^31 − 1 to −2^31 + 1 wraps to +2 in one byte; the 64-bit escape is checked against
        // fabio's numpy decoder in ImageScanTests.) Counted by walking the stream independently of our decoder.
        var image = (CbfImage)ImageFile.Open(fabio.File("int32.cbf"));
        var bytes = System.IO.File.ReadAllBytes(fabio.File("int32.cbf"));
        var data = bytes.AsSpan((int)image.BinaryStart, (int)image.BinarySize);
        int escapes16 = 0, escapes32 = 0, values = 0;
        for (var i = 0; i < data.Length; values++)
        {
            if (data[i] != 0x80)
            {
                i++;
            }
            else if (data[i + 1] != 0x00 || data[i + 2] != 0x80)
            {
                escapes16++;
                i += 3;
            }
            else
            {
                escapes32++;
                i += 7;
            }
        }

        Assert.Equal(37 * 53, values);
        Assert.True(escapes16 >= 1, "no 16-bit escape in the fabio CBF");
        Assert.True(escapes32 >= 3, $"{escapes32} 32-bit escapes in the fabio CBF");
        // The binary section ends before the closing MIME boundary fabio writes after it.
        Assert.True(image.RequiredLength < bytes.Length);
        Assert.Equal((byte)0xD5, bytes[image.BinaryStart - 1]);
    }
}
