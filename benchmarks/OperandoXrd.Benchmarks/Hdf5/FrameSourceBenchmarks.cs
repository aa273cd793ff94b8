using BenchmarkDotNet.Attributes;
using OperandoXrd.Benchmarks.Codecs;
using OperandoXrd.Hdf5.Frames;
using OperandoXrd.Hdf5.Writers;

namespace OperandoXrd.Benchmarks.Hdf5;

/// <summary>
/// Pilatus2M int32 frames from a bitshuffle-LZ4 LIMA file on disk (page cache warm) into the integrator's int buffer:
/// direct chunk reads + managed decoder, against the HDF5 library with the Debian bitshuffle plugin. frames/s =
/// 1000 / (mean ms per frame); the parallel case reads <see cref="Frames"/> frames on all cores per invocation.
/// </summary>
[MemoryDiagnoser]
public class FrameSourceBenchmarks
{
    private const int Frames = 16;
    private string _folder = "";
    private Hdf5FrameSource _direct = null!;
    private Hdf5FrameSource _library = null!;
    private int[] _frame = [];
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        _folder = Directory.CreateTempSubdirectory("oxrd-bench-").FullName;
        var path = Path.Combine(_folder, "pilatus_0000.h5");
        using (var w = new LimaFileWriter(path, PilatusFrameData.Rows, PilatusFrameData.Columns, Frames,
                   new FrameWriterOptions { Compression = FrameCompression.BitshuffleLz4, FlushEachFrame = false }))
        {
            for (var i = 0; i < Frames; i++)
            {
                w.WriteFrame(i, PilatusFrameData.Create(i + 1));
            }
        }

        _direct = FrameSources.Open(path);
        _library = FrameSources.Open(path);
        _library.ReadPath = FrameReadPath.Library;
        _frame = new int[PilatusFrameData.Rows * PilatusFrameData.Columns];
        Console.WriteLine($"// {Frames} frames, {new FileInfo(path).Length / Frames} bytes per stored frame");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _direct.Dispose();
        _library.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [Benchmark(Baseline = true, Description = "frame: direct chunk + managed bslz4, 1 thread")]
    public void Direct() => _direct.ReadFrame(_next++ % Frames, _frame);

    [Benchmark(Description = "frame: H5Dread + bitshuffle plugin, 1 thread")]
    public void Library() => _library.ReadFrame(_next++ % Frames, _frame);

    [Benchmark(OperationsPerInvoke = Frames, Description = "frame: direct chunk + managed bslz4, all cores")]
    public void DirectParallel() => Parallel.For(0, Frames, i => _direct.ReadFrame(i, _buffers.Value!));

    // One frame buffer per worker thread for the whole run: a 9.9 MB array per call would measure the GC instead.
    private readonly ThreadLocal<int[]> _buffers = new(() => new int[PilatusFrameData.Rows * PilatusFrameData.Columns]);
}
