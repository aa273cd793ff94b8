using OperandoXrd.Hdf5.Codecs;

namespace OperandoXrd.Hdf5.Tests.Codecs;

public class RoundTripTests
{
    public static TheoryData<string, int> Shapes() => new()
    {
        { "int32", 1 }, { "int32", 7 }, { "int32", 8 }, { "int32", 2047 }, { "int32", 2048 }, { "int32", 2049 }, { "int32", 100_003 },
        { "uint16", 3 }, { "uint16", 4095 }, { "uint16", 4101 }, { "uint16", 65_537 },
        { "float32", 9 }, { "float32", 33_333 }, { "float32", 487 * 195 },
    };

    private static byte[] PilatusLike(string dtype, int count, int seed)
    {
        var counts = CodecTestData.PilatusFrame(1, count, seed);
        return dtype switch
        {
            "int32" => CodecTestData.Bytes(counts),
            "uint16" => CodecTestData.Bytes(counts.Select(c => c < 0 ? ushort.MaxValue : (ushort)c).ToArray()),
            _ => CodecTestData.Bytes(counts.Select(c => c * 0.731f).ToArray()),
        };
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Bitshuffle_lz4_round_trips_pilatus_like_and_random_data(string dtype, int count)
    {
        var es = dtype == "uint16" ? 2 : 4;
        var random = new byte[count * es];
        new Random(count).NextBytes(random);
        foreach (var raw in new[] { PilatusLike(dtype, count, count), random, new byte[count * es] })
        {
            foreach (var block in new[] { 0, 8, 64, 1024, 4096 + 8 })
            {
                var chunk = new byte[BitshuffleLz4.MaxEncodedLength(raw.Length, es, block == 0 ? BitshuffleLz4.DefaultBlockSizeElements(es) : block)];
                var size = BitshuffleLz4.Encode(raw, chunk, es, block);
                Assert.Equal(raw.Length, BitshuffleLz4.GetDecodedLength(chunk.AsSpan(0, size)));
                var back = new byte[raw.Length];
                Assert.Equal(raw.Length, BitshuffleLz4.Decode(chunk.AsSpan(0, size), back, es));
                Assert.True(raw.AsSpan().SequenceEqual(back), $"{dtype} x{count} block {block}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Lz4_round_trips_with_one_block_and_with_many(string dtype, int count)
    {
        var es = dtype == "uint16" ? 2 : 4;
        var random = new byte[count * es];
        new Random(count).NextBytes(random);
        foreach (var raw in new[] { PilatusLike(dtype, count, count + 1), random })
        {
            foreach (var block in new[] { 1 << 30, 1, 17, 4096 })
            {
                var chunk = new byte[Hdf5Lz4.MaxEncodedLength(raw.Length, block)];
                var size = Hdf5Lz4.Encode(raw, chunk, block);
                var back = new byte[raw.Length];
                Assert.Equal(raw.Length, Hdf5Lz4.Decode(chunk.AsSpan(0, size), back));
                Assert.True(raw.AsSpan().SequenceEqual(back), $"{dtype} x{count} block {block}");
            }
        }
    }

    [Fact]
    public void Lz4_block_handles_every_match_offset_and_length_shape()
    {
        // Periodic data with periods 1..40 exercises the overlapping-copy paths (offset < 32) and the wild copy.
        var rng = new Random(11);
        for (var period = 1; period <= 40; period++)
        {
            foreach (var length in new[] { 13, 31, 64, 300, 5000 })
            {
                var pattern = new byte[period];
                rng.NextBytes(pattern);
                var raw = Enumerable.Range(0, length).Select(i => pattern[i % period]).ToArray();
                var encoded = new byte[Lz4Block.MaxEncodedLength(length)];
                var size = Lz4Block.Encode(raw, encoded);
                var back = new byte[length];
                Assert.Equal(length, Lz4Block.Decode(encoded.AsSpan(0, size), back));
                Assert.Equal(raw, back);
            }
        }
    }

    [Fact]
    public void Pilatus_frame_compresses_and_zero_length_input_is_a_valid_chunk()
    {
        var frame = CodecTestData.Bytes(CodecTestData.PilatusFrame(1679, 1475, 1));
        var chunk = new byte[BitshuffleLz4.MaxEncodedLength(frame.Length, 4)];
        var size = BitshuffleLz4.Encode(frame, chunk, 4);
        // Counts of ~3-100 need 7 of 32 bit planes: shuffled LZ4 gets well below half.
        Assert.InRange(size, frame.Length / 12, frame.Length / 3);

        var empty = new byte[BitshuffleLz4.MaxEncodedLength(0, 4)];
        Assert.Equal(12, BitshuffleLz4.Encode([], empty, 4));
        Assert.Equal(0, BitshuffleLz4.Decode(empty.AsSpan(0, 12), [], 4));
        var emptyLz4 = new byte[Hdf5Lz4.MaxEncodedLength(0)];
        Assert.Equal(12, Hdf5Lz4.Encode([], emptyLz4));
        Assert.Equal(0, Hdf5Lz4.Decode(emptyLz4.AsSpan(0, 12), []));
    }
}
