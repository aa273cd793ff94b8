using BenchmarkDotNet.Attributes;
using OperandoXrd.Images.Codecs;

namespace OperandoXrd.Benchmarks.Codecs;

/// <summary>
/// CBF byte-offset decode of one simulated Pilatus2M int32 frame (1679 × 1475 = 2.48 Mpixel, 9.9 MB decoded), single
/// thread. GB/s decoded = 9.906 / (mean in ms); the compressed size is printed at setup. Target: ≥ 1.5 GB/s per core.
/// </summary>
[MemoryDiagnoser]
public class ByteOffsetBenchmarks
{
    private byte[] _packed = [];
    private int[] _output = [];

    [GlobalSetup]
    public void Setup()
    {
        var frame = PilatusFrameData.Create(1);
        var buffer = new byte[ByteOffset.MaxEncodedLength(frame.Length)];
        _packed = buffer.AsSpan(0, ByteOffset.Encode(frame, buffer)).ToArray();
        _output = new int[frame.Length];
        Console.WriteLine($"// frame {frame.Length * 4} bytes decoded, {_packed.Length} bytes byte-offset");
    }

    [Benchmark(Description = "byte-offset decode (Pilatus2M)")]
    public int Decode() => ByteOffset.Decode(_packed, _output);
}
