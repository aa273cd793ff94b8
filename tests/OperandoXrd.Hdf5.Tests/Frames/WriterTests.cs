using System.Runtime.InteropServices;
using System.Text.Json;
using OperandoXrd.Core.Frames;
using OperandoXrd.Hdf5.Frames;
using OperandoXrd.Hdf5.Tests.Support;
using OperandoXrd.Hdf5.Writers;

namespace OperandoXrd.Hdf5.Tests.Frames;

/// <summary>
/// Files from our writers, read back by h5py (with the Debian bitshuffle/LZ4 plugins) and by our own frame sources:
/// both must see exactly the pixels and times that went in.
/// </summary>
public sealed class WriterTests : IDisposable
{
    private const int Rows = 43;
    private const int Cols = 31;
    private static readonly DateTimeOffset Start = new(2024, 3, 5, 10, 0, 0, 125, TimeSpan.FromHours(1));
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    /// <summary>Deterministic counts with a masked column and a few large values (bit patterns that exercise all bit planes).</summary>
    private static int[] Frame(int index, FrameDType dtype)
    {
        var rng = new Random(1000 + index);
        var f = new int[Rows * Cols];
        for (var i = 0; i < f.Length; i++)
        {
            f[i] = rng.Next(0, 60);
        }

        for (var r = 0; r < Rows; r++)
        {
            f[r * Cols + 7] = -1;
        }

        f[5 * Cols + 3] = dtype == FrameDType.UInt16 ? 65534 : 1_048_575;
        return f;
    }

    private static byte[] Stored(int[] counts, FrameDType dtype) => dtype switch
    {
        FrameDType.UInt16 => MemoryMarshal.AsBytes(counts.Select(c => c < 0 ? ushort.MaxValue : (ushort)c).ToArray().AsSpan()).ToArray(),
        FrameDType.Float32 => MemoryMarshal.AsBytes(counts.Select(c => (float)c).ToArray().AsSpan()).ToArray(),
        _ => MemoryMarshal.AsBytes(counts.AsSpan()).ToArray(),
    };

    public static TheoryData<FrameCompression, FrameDType> Combinations()
    {
        var data = new TheoryData<FrameCompression, FrameDType>();
        foreach (var c in new[] { FrameCompression.None, FrameCompression.Deflate, FrameCompression.BitshuffleLz4 })
        {
            foreach (var d in new[] { FrameDType.Int32, FrameDType.UInt16, FrameDType.Float32 })
            {
                data.Add(c, d);
            }
        }

        return data;
    }

    [Fact]
    public void H5py_reads_every_lima_and_dectris_file_we_write_with_identical_values()
    {
        var manifest = new List<object>();
        var expected = new Dictionary<string, (byte[] Bytes, FrameDType DType, FrameCompression Compression, double[] Times)>();
        foreach (var row in Combinations())
        {
            var compression = (FrameCompression)row[0];
            var dtype = (FrameDType)row[1];
            var name = $"lima_{compression}_{dtype}".ToLowerInvariant();
            const int n = 3;
            var options = new FrameWriterOptions { Compression = compression, DType = dtype, StartTime = Start, ExposureTime = 0.2, LatencyTime = 0.05 };
            var bytes = new List<byte>();
            var times = new double[n];
            using (var w = new LimaFileWriter(_folder.File(name + ".h5"), Rows, Cols, n, options))
            {
                // Out of order on purpose: a live writer may finish frames in any order.
                foreach (var i in new[] { 2, 0, 1 })
                {
                    times[i] = 0.3 * i + 0.01 * i * i;
                    var t = new FrameTiming(Start.ToUnixTimeMilliseconds() / 1000.0 + times[i], 0.2);
                    if (dtype == FrameDType.Float32)
                    {
                        w.WriteFrame(i, Frame(i, dtype).Select(v => (float)v).ToArray(), t);
                    }
                    else
                    {
                        w.WriteFrame(i, Frame(i, dtype), t);
                    }
                }
            }

            for (var i = 0; i < n; i++)
            {
                bytes.AddRange(Stored(Frame(i, dtype), dtype));
            }

            expected[name] = (bytes.ToArray(), dtype, compression, times);
            manifest.Add(new { name, file = name + ".h5", kind = "lima" });
        }

        var dectrisBytes = new List<byte>();
        using (var w = new DectrisFileWriter(_folder.File("eiger_master.h5"), Rows, Cols, 5, 2,
                   new FrameWriterOptions { Compression = FrameCompression.BitshuffleLz4, DType = FrameDType.UInt16, StartTime = Start, ExposureTime = 0.05, LatencyTime = 0.01 }))
        {
            for (var i = 0; i < 5; i++)
            {
                w.WriteFrame(i, Frame(i, FrameDType.UInt16));
                dectrisBytes.AddRange(Stored(Frame(i, FrameDType.UInt16), FrameDType.UInt16));
            }
        }

        manifest.Add(new { name = "dectris", file = "eiger_master.h5", kind = "dectris" });
        File.WriteAllText(_folder.File("ours.json"), JsonSerializer.Serialize(manifest));
        Python.Run("read_ours.py", _folder.File("ours.json"));

        foreach (var (name, e) in expected)
        {
            Assert.Equal(e.Bytes, File.ReadAllBytes(_folder.File(name + ".h5py.bin")));
            using var meta = JsonDocument.Parse(File.ReadAllText(_folder.File(name + ".h5py.json")));
            var root = meta.RootElement;
            Assert.Equal(e.DType.ToString().ToLowerInvariant(), root.GetProperty("dtype").GetString());
            Assert.Equal([3, Rows, Cols], root.GetProperty("shape").EnumerateArray().Select(x => x.GetInt32()));
            Assert.Equal([1, Rows, Cols], root.GetProperty("chunks").EnumerateArray().Select(x => x.GetInt32()));
            Assert.Equal("/entry_0000/instrument/pilatus2m/data", root.GetProperty("link").GetString());
            Assert.Equal("NXentry", root.GetProperty("nx_class").GetString());
            Assert.Equal(Start, DateTimeOffset.Parse(root.GetProperty("start_time").GetString()!, System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(0.2, root.GetProperty("exposure_time").GetDouble());
            Assert.Equal(0.05, root.GetProperty("latency_time").GetDouble());
            Assert.Equal(3, root.GetProperty("nb_frames").GetInt32());
            var tof = root.GetProperty("time_of_frame").EnumerateArray().Select(x => x.GetDouble()).ToArray();
            // Frame times travel as absolute seconds since 1970 in a double (ulp 2.4e-7 s today), hence 1 µs.
            for (var i = 0; i < 3; i++)
            {
                Assert.Equal(e.Times[i], tof[i], 6);
            }

            var filters = root.GetProperty("filters").EnumerateArray().ToArray();
            switch (e.Compression)
            {
                case FrameCompression.None:
                    Assert.Empty(filters);
                    break;
                case FrameCompression.Deflate:
                    Assert.Equal(1, Assert.Single(filters).GetProperty("id").GetInt32());
                    break;
                default:
                    var bs = Assert.Single(filters);
                    Assert.Equal(32008, bs.GetProperty("id").GetInt32());
                    var element = e.DType == FrameDType.UInt16 ? 2 : 4;
                    Assert.Equal([0, 3, element, 0, 2], bs.GetProperty("values").EnumerateArray().Select(x => x.GetInt32()));
                    break;
            }
        }

        Assert.Equal(dectrisBytes.ToArray(), File.ReadAllBytes(_folder.File("dectris.h5py.bin")));
        using var dm = JsonDocument.Parse(File.ReadAllText(_folder.File("dectris.h5py.json")));
        Assert.Equal(["eiger_data_000001.h5", "eiger_data_000002.h5", "eiger_data_000003.h5"], dm.RootElement.GetProperty("links").EnumerateArray().Select(x => x.GetString()));
        Assert.Equal(0.06, dm.RootElement.GetProperty("frame_time").GetDouble(), 12);
        Assert.Equal(5, dm.RootElement.GetProperty("nimages").GetInt32());
    }

    [Theory]
    [MemberData(nameof(Combinations))]
    public void Our_reader_reads_back_what_our_writer_wrote(FrameCompression compression, FrameDType dtype)
    {
        var path = _folder.File($"rt_{compression}_{dtype}.h5");
        var options = new FrameWriterOptions { Compression = compression, DType = dtype, StartTime = Start, ExposureTime = 0.5, LatencyTime = 0.25, WriteTimeOfFrame = false };
        using (var w = new LimaFileWriter(path, Rows, Cols, 4, options))
        {
            for (var i = 0; i < 4; i++)
            {
                w.WriteFrame(i, Frame(i, dtype));
            }
        }

        using var source = FrameSources.Open(path);
        Assert.Equal("LIMA", source.Layout);
        Assert.Equal(dtype, source.DType);
        Assert.True(source.UsesDirectChunks);
        Assert.Equal(FrameTimeRule.StartTimePlusPeriod, source.TimeRule);
        var frame = new float[Rows * Cols];
        for (var i = 0; i < 4; i++)
        {
            source.ReadFrame(i, frame);
            var expected = Frame(i, dtype).Select(v => dtype == FrameDType.Float32 || v >= 0 ? (float)v : -1f).ToArray();
            Assert.Equal(expected, frame);
            Assert.Equal(Start.ToUnixTimeMilliseconds() / 1000.0 + 0.75 * i, source.GetTiming(i).StartUnixSeconds, 6);
            Assert.Equal(0.5, source.GetTiming(i).ExposureSeconds);
        }
    }

    [Fact]
    public void A_swmr_writer_file_uses_the_swmr_format_and_reads_back_through_h5py_and_our_reader()
    {
        var path = _folder.File("swmr.h5");
        using (var w = new LimaFileWriter(path, Rows, Cols, 3, new FrameWriterOptions { Swmr = true, StartTime = Start, ExposureTime = 0.1 }))
        {
            for (var i = 0; i < 3; i++)
            {
                w.WriteFrame(i, Frame(i, FrameDType.Int32));
            }
        }

        using (var file = Hdf5File.Open(path))
        {
            Assert.Equal(3, file.SuperblockVersion);
        }

        File.WriteAllText(_folder.File("swmr.json"), JsonSerializer.Serialize(new[] { new { name = "swmr", file = "swmr.h5", kind = "lima" } }));
        Python.Run("read_ours.py", _folder.File("swmr.json"));
        var expected = Enumerable.Range(0, 3).SelectMany(i => Stored(Frame(i, FrameDType.Int32), FrameDType.Int32)).ToArray();
        Assert.Equal(expected, File.ReadAllBytes(_folder.File("swmr.h5py.bin")));

        using var source = FrameSources.Open(path);
        var frame = new int[Rows * Cols];
        source.ReadFrame(2, frame);
        Assert.Equal(Frame(2, FrameDType.Int32), frame);
    }

    [Fact]
    public void A_series_writer_produces_a_folder_read_as_one_acquisition()
    {
        var folder = Path.Combine(_folder.Path, "series");
        var options = new FrameWriterOptions { StartTime = Start, ExposureTime = 0.1, LatencyTime = 0.02, WriteTimeOfFrame = false };
        using (var w = new LimaSeriesWriter(folder, "run", Rows, Cols, 7, 3, options))
        {
            for (var i = 0; i < 7; i++)
            {
                w.WriteFrame(i, Frame(i, FrameDType.Int32));
            }
        }

        Assert.Equal(3, Directory.GetFiles(folder, "run_*.h5").Length);
        using var source = FrameSources.Open(folder);
        Assert.Equal(7, source.FrameCount);
        Assert.Equal("LIMA series (3 files)", source.Layout);
        var frame = new int[Rows * Cols];
        source.ReadFrame(6, frame);
        Assert.Equal(Frame(6, FrameDType.Int32), frame);

        // Rule 3 counts from the acquisition start across files: frame 6 starts 6 periods after start_time.
        Assert.Equal(Start.ToUnixTimeMilliseconds() / 1000.0 + 6 * 0.12, source.GetTiming(6).StartUnixSeconds, 6);
    }

    [Fact]
    public void A_long_series_is_read_in_parallel_with_a_bounded_number_of_open_files()
    {
        var folder = Path.Combine(_folder.Path, "long");
        using (var w = new LimaSeriesWriter(folder, "many", Rows, Cols, 45, 1, new FrameWriterOptions { StartTime = Start, FlushEachFrame = false }))
        {
            for (var i = 0; i < 45; i++)
            {
                w.WriteFrame(i, Frame(i, FrameDType.Int32));
            }
        }

        using var source = FrameSources.Open(folder);
        Assert.Equal(45, source.FrameCount);
        Parallel.For(0, 180, new ParallelOptions { MaxDegreeOfParallelism = 4 }, k =>
        {
            var i = (k * 17) % 45;
            var frame = new int[Rows * Cols];
            source.ReadFrame(i, frame);
            Assert.True(Frame(i, FrameDType.Int32).AsSpan().SequenceEqual(frame), $"frame {i}");
        });
    }

    [Fact]
    public void Dectris_writer_files_read_back_with_frame_time()
    {
        var master = _folder.File("d_master.h5");
        using (var w = new DectrisFileWriter(master, Rows, Cols, 5, 2, new FrameWriterOptions { DType = FrameDType.UInt32, StartTime = Start, ExposureTime = 0.05, LatencyTime = 0.01 }))
        {
            for (var i = 0; i < 5; i++)
            {
                w.WriteFrame(i, Frame(i, FrameDType.UInt32));
            }
        }

        using var source = FrameSources.Open(_folder.Path);
        Assert.Equal("Dectris master (3 data files)", source.Layout);
        Assert.Equal(5, source.FrameCount);
        var frame = new int[Rows * Cols];
        source.ReadFrame(4, frame);
        Assert.Equal(Frame(4, FrameDType.UInt32), frame);
        Assert.Equal(Start.ToUnixTimeMilliseconds() / 1000.0 + 4 * 0.06, source.GetTiming(4).StartUnixSeconds, 6);
        Assert.Equal(0.05, source.GetTiming(4).ExposureSeconds);
    }
}
