using OperandoXrd.Core.Frames;
using OperandoXrd.Core.Tests.Reference;
using OperandoXrd.Images.Formats;
using OperandoXrd.Images.Frames;

namespace OperandoXrd.Images.Tests;

/// <summary>A folder of numbered CBF files as one scan: natural order, header times, truncated files, following a folder being filled.</summary>
public sealed class ImageScanTests : IDisposable
{
    private const int Rows = 19, Columns = 23;
    private static readonly DateTimeOffset Start = new(2026, 3, 6, 12, 37, 25, 125, TimeSpan.Zero);
    private readonly string _folder = Directory.CreateTempSubdirectory("oxrd-images-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static int[] Frame(int k) => [.. Enumerable.Range(0, Rows * Columns).Select(i => i % Columns == 7 ? -1 : (i * 31 + k * 1000) % 5000)];

    private static byte[] Cbf(int k, bool dated = true) => CbfImage.Encode(Frame(k), Rows, Columns,
        new PilatusHeader(dated ? Start.AddSeconds(k * 2.5) : null, null, 2.0, 2.5));

    private string Write(string name, byte[] bytes)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Fact]
    public void A_folder_is_one_scan_in_natural_order_with_the_headers_dates_and_exposure()
    {
        // Written out of order, and 9 before 10 only in natural order (ordinal order puts scan_10 first).
        foreach (var n in new[] { 10, 2, 9, 1 })
        {
            Write($"scan_{n}.cbf", Cbf(n));
        }

        Write("notes.txt", "not a frame"u8.ToArray());
        using var source = ImageFrameSources.TryOpen([_folder])!;
        Assert.Equal(4, source.FrameCount);
        Assert.Equal((Rows, Columns, FrameDType.Int32), (source.Rows, source.Columns, source.DType));
        Assert.Equal(new[] { "scan_1.cbf", "scan_2.cbf", "scan_9.cbf", "scan_10.cbf" }, Enumerable.Range(0, 4).Select(i => Path.GetFileName(source.FileOf(i))));
        Assert.Equal(FrameTimeRule.EpochPerFrame, source.TimeRule);
        var pixels = new int[Rows * Columns];
        var k = new[] { 1, 2, 9, 10 };
        for (var i = 0; i < 4; i++)
        {
            source.ReadFrame(i, pixels);
            Assert.Equal(Frame(k[i]), pixels);
            var t = source.GetTiming(i);
            Assert.Equal(Start.AddSeconds(k[i] * 2.5).ToUnixTimeMilliseconds() / 1000.0, t.StartUnixSeconds, 6);
            Assert.Equal(2.0, t.ExposureSeconds);
        }
    }

    [Fact]
    public void Without_dates_the_configured_start_and_period_apply()
    {
        Write("a_00001.cbf", Cbf(1, dated: false));
        Write("a_00002.cbf", Cbf(2, dated: false));
        var t0 = new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero);
        using var source = ImageFrameSources.TryOpen([_folder], new FrameTimeOptions { StartTime = t0, FramePeriodSeconds = 7 })!;
        Assert.Equal(FrameTimeRule.Configured, source.TimeRule);
        Assert.Equal(t0.ToUnixTimeSeconds() + 7.0, source.GetTiming(1).StartUnixSeconds, 6);
        Assert.Equal(2.0, source.GetTiming(1).ExposureSeconds);
    }

    [Fact]
    public void A_truncated_cbf_is_a_failed_frame_naming_the_file()
    {
        Write("s_00001.cbf", Cbf(1));
        var whole = Cbf(2);
        var cut = Write("s_00002.cbf", whole[..(whole.Length - 200)]);
        Write("s_00003.cbf", Cbf(3));
        using var source = ImageFrameSources.TryOpen([_folder])!;
        Assert.Equal(3, source.FrameCount);
        var pixels = new int[Rows * Columns];
        source.ReadFrame(0, pixels);
        var e = Assert.Throws<FrameSourceException>(() => source.ReadFrame(1, pixels));
        Assert.Contains(cut, e.Message, StringComparison.Ordinal);
        Assert.Contains("truncated", e.Message, StringComparison.Ordinal);
        source.ReadFrame(2, pixels);
        Assert.Equal(Frame(3), pixels);

        // Cut inside the header: still a failed frame, named.
        File.WriteAllBytes(cut, whole[..100]);
        using var again = ImageFrameSources.TryOpen([_folder])!;
        e = Assert.Throws<FrameSourceException>(() => again.ReadFrame(1, pixels));
        Assert.Contains(cut, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Following_a_folder_takes_a_file_once_its_binary_section_is_complete()
    {
        Write("live_00001.cbf", Cbf(1));
        var second = Cbf(2);
        var path = Write("live_00002.cbf", second[..(second.Length / 2)]);
        using var source = ImageFrameSources.TryOpen([_folder], follow: true)!;
        Assert.Equal(1, source.FrameCount);
        Assert.False(source.IsComplete);
        Assert.Equal(1, source.Refresh());

        File.WriteAllBytes(path, second);
        Write("live_00003.cbf", Cbf(3));
        Assert.Equal(3, source.Refresh());
        var pixels = new int[Rows * Columns];
        source.ReadFrame(1, pixels);
        Assert.Equal(Frame(2), pixels);
    }

    [Fact]
    public void The_flip_reverses_rows_for_every_reader()
    {
        Write("f_1.cbf", Cbf(4));
        using var flipped = FrameFlips.Apply(ImageFrameFormat.Instance.Open(new FrameSourceRequest([_folder])), FrameFlip.UpDown);
        var pixels = new int[Rows * Columns];
        flipped.ReadFrame(0, pixels);
        var expected = Frame(4);
        for (var r = 0; r < Rows; r++)
        {
            Assert.Equal(expected.AsSpan((Rows - 1 - r) * Columns, Columns).ToArray(), pixels.AsSpan(r * Columns, Columns).ToArray());
        }

        var floats = new float[Rows * Columns];
        flipped.ReadFrame(0, floats);
        Assert.Equal(pixels.Select(v => (float)v), floats);
    }

    [Fact]
    public void Our_cbf_writer_is_read_by_fabio_pixel_for_pixel()
    {
        var values = Frame(5);
        values[3] = 2_000_000;
        values[4] = -2;
        values[5] = 40_000;
        var plain = Write("ours.cbf", CbfImage.Encode(values, Rows, Columns, new PilatusHeader(Start, null, 2, 2.5)));

        // A step beyond int32 takes the 64-bit escape, which fabio's default (Cython) decoder does not follow;
        // its numpy decoder (fabio.compression.decByteOffset_numpy) does, and is the reference for it.
        var wide = (int[])values.Clone();
        wide[6] = int.MaxValue;
        wide[7] = int.MinValue + 1;
        var bytes = CbfImage.Encode(wide, Rows, Columns);
        Assert.True(bytes.AsSpan().IndexOf(new byte[] { 0x80, 0x00, 0x80, 0x00, 0x00, 0x00, 0x80 }) >= 0, "no 64-bit escape written");
        var widePath = Write("wide.cbf", bytes);
        using var run = PythonReference.Run("""
            import fabio, re
            from fabio.compression.compression import decByteOffset_numpy
            im = fabio.open(ARGS[0])
            save_i32("data", im.data)
            save_text("shape", "%d %d" % im.data.shape)
            raw = open(ARGS[1], "rb").read()
            start = raw.index(b"\x0c\x1a\x04\xd5") + 4
            size = int(re.search(rb"X-Binary-Size: (\d+)", raw).group(1))
            save_i32("wide", decByteOffset_numpy(raw[start:start + size], im.data.size, "int32"))
            """, plain, widePath);
        Assert.Equal($"{Rows} {Columns}", run.Text("shape"));
        Assert.Equal(values, run.I32("data"));
        Assert.Equal(wide, run.I32("wide"));
        var ours = new int[Rows * Columns];
        ImageFile.Open(widePath).Read(0, ours);
        Assert.Equal(wide, ours);
    }
}
