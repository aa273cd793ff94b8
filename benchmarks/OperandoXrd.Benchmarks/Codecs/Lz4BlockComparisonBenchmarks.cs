using System.Runtime.InteropServices;
using BenchmarkDotNet.Attributes;
using K4os.Compression.LZ4;
using OperandoXrd.Hdf5.Codecs;

namespace OperandoXrd.Benchmarks.Codecs;

/// <summary>
/// Issue 12: our LZ4 block decoder against K4os.Compression.LZ4 on what a bitshuffle-LZ4 Pilatus2M chunk holds: the
/// simulated int32 frame bit-shuffled in bitshuffle's default 2048-element (8 kB) blocks, each block LZ4-compressed
/// on its own. Both decode the same blocks into the same buffer (the bit-unshuffle is not part of it; ours stays).
/// MB/s = 9.906 / (mean in ms) * 1000.
/// </summary>
[MemoryDiagnoser]
public class Lz4BlockComparisonBenchmarks
{
    private const int Block = 2048, ElementSize = 4, BlockBytes = Block * ElementSize;
    private byte[][] _compressed = [];
    private byte[] _output = [];

    [GlobalSetup]
    public void Setup()
    {
        var frame = MemoryMarshal.AsBytes(PilatusFrameData.Create(1).AsSpan()).ToArray();
        var blocks = frame.Length / BlockBytes; // the remainder is stored raw by bitshuffle, not LZ4
        _output = new byte[blocks * BlockBytes];
        _compressed = new byte[blocks][];
        var rows = new byte[BlockBytes];
        var planes = new byte[8192];
        var encoded = new byte[Lz4Block.MaxEncodedLength(BlockBytes)];
        for (var b = 0; b < blocks; b++)
        {
            BitTranspose.Shuffle(frame.AsSpan(b * BlockBytes, BlockBytes), rows, Block, ElementSize, planes, BitTranspose.Best);
            _compressed[b] = encoded.AsSpan(0, Lz4Block.Encode(rows, encoded)).ToArray();
        }

        // Both decoders must give the same bytes, or the comparison means nothing.
        var ours = new byte[_output.Length];
        Ours();
        _output.CopyTo(ours, 0);
        Array.Clear(_output);
        K4os();
        if (!ours.AsSpan().SequenceEqual(_output))
        {
            throw new InvalidOperationException("K4os and Lz4Block decode the blocks differently");
        }

        Console.WriteLine($"// {blocks} blocks of {BlockBytes} bytes, {_compressed.Sum(c => c.Length)} bytes compressed");
    }

    [Benchmark(Baseline = true, Description = "Lz4Block (ours), bitshuffled Pilatus2M blocks")]
    public int Ours()
    {
        var total = 0;
        for (var b = 0; b < _compressed.Length; b++)
        {
            total += Lz4Block.Decode(_compressed[b], _output.AsSpan(b * BlockBytes, BlockBytes));
        }

        return total;
    }

    [Benchmark(Description = "K4os.Compression.LZ4 1.3.8, same blocks")]
    public int K4os()
    {
        var total = 0;
        for (var b = 0; b < _compressed.Length; b++)
        {
            total += LZ4Codec.Decode(_compressed[b], _output.AsSpan(b * BlockBytes, BlockBytes));
        }

        return total;
    }
}
