using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using OperandoXrd.Hdf5.Codecs;

namespace OperandoXrd.Benchmarks.Codecs;

/// <summary>
/// One simulated Pilatus2M int32 frame (9.9 MB) through the managed codecs, single thread.
/// MB/s decompressed = 9.906 / (mean in ms) * 1000. Target: decode ≥ 1 GB/s per core.
/// </summary>
[MemoryDiagnoser]
public class BitshuffleLz4Benchmarks
{
    private byte[] _frame = [];
    private byte[] _bslz4 = [];
    private byte[] _lz4 = [];
    private byte[] _output = [];
    private byte[] _encodeBuffer = [];

    [GlobalSetup]
    public void Setup()
    {
        _frame = MemoryMarshal.AsBytes(PilatusFrameData.Create(1).AsSpan()).ToArray();
        _output = new byte[_frame.Length];
        _encodeBuffer = new byte[BitshuffleLz4.MaxEncodedLength(_frame.Length, 4)];
        _bslz4 = _encodeBuffer.AsSpan(0, BitshuffleLz4.Encode(_frame, _encodeBuffer, 4)).ToArray();
        var lz = new byte[Hdf5Lz4.MaxEncodedLength(_frame.Length)];
        _lz4 = lz.AsSpan(0, Hdf5Lz4.Encode(_frame, lz)).ToArray();
        Console.WriteLine($"// frame {_frame.Length} bytes, bslz4 chunk {_bslz4.Length} bytes, lz4 chunk {_lz4.Length} bytes");
    }

    [Benchmark(Baseline = true, Description = "bslz4 decode (best kernel)")]
    public int DecodeBitshuffleLz4() => BitshuffleLz4.Decode(_bslz4, _output, 4);

    [Benchmark(Description = "bslz4 encode")]
    public int EncodeBitshuffleLz4() => BitshuffleLz4.Encode(_frame, _encodeBuffer, 4);

    [Benchmark(Description = "lz4 (32004) decode")]
    public int DecodeLz4() => Hdf5Lz4.Decode(_lz4, _output);
}

/// <summary>The bit-unshuffle alone over a whole Pilatus2M int32 frame in 2048-element blocks, per kernel.</summary>
public class BitUnshuffleBenchmarks
{
    private byte[] _rows = [];
    private byte[] _output = [];
    private byte[] _planes = [];
    private BitTransposeIsa _isa;

    [Params("Avx512Gfni", "Vector256", "Vector128", "Scalar")]
    public string Kernel { get; set; } = "Avx512Gfni";

    [GlobalSetup]
    public void Setup()
    {
        var frame = MemoryMarshal.AsBytes(PilatusFrameData.Create(1).AsSpan()).ToArray();
        _isa = Enum.Parse<BitTransposeIsa>(Kernel);
        _rows = new byte[frame.Length];
        _output = new byte[frame.Length];
        _planes = new byte[8192];
        const int block = 2048, blockBytes = block * 4;
        for (var offset = 0; offset + blockBytes <= frame.Length; offset += blockBytes)
        {
            BitTranspose.Shuffle(frame.AsSpan(offset, blockBytes), _rows.AsSpan(offset, blockBytes), block, 4, _planes, BitTranspose.Best);
        }
    }

    [Benchmark]
    public void Unshuffle()
    {
        const int block = 2048, blockBytes = block * 4;
        for (var offset = 0; offset + blockBytes <= _rows.Length; offset += blockBytes)
        {
            BitTranspose.Unshuffle(_rows.AsSpan(offset, blockBytes), _output.AsSpan(offset, blockBytes), block, 4, _planes, _isa);
        }
    }
}
