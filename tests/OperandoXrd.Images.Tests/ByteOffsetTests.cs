using OperandoXrd.Images.Codecs;

namespace OperandoXrd.Images.Tests;

/// <summary>The byte-offset codec alone: every escape width, every vector-block position of an escape, truncation.</summary>
public sealed class ByteOffsetTests
{
    [Fact]
    public void Round_trip_covers_8_16_32_and_64_bit_deltas_at_every_block_position()
    {
        var rng = new Random(13);
        var values = new int[4099];
        for (var i = 0; i < values.Length; i++)
        {
            // Mostly small steps (the vector path), with escapes of each width scattered at every offset in a block.
            values[i] = (i % 37) switch
            {
                5 => rng.Next(-30000, 30000),
                11 => rng.Next(int.MinValue / 2, int.MaxValue / 2),
                17 => i % 2 == 0 ? int.MaxValue : int.MinValue + 1,
                23 => -1,
                29 => -2,
                _ => (i > 0 ? values[i - 1] : 0) is var p && p is > -1000000 and < 1000000 ? p + rng.Next(-127, 128) : rng.Next(0, 100),
            };
        }

        var packed = new byte[ByteOffset.MaxEncodedLength(values.Length)];
        var length = ByteOffset.Encode(values, packed);
        var decoded = new int[values.Length];
        Assert.Equal(length, ByteOffset.Decode(packed.AsSpan(0, length), decoded));
        Assert.Equal(values, decoded);

        // The 64-bit escape is there: int.MinValue + 1 after int.MaxValue is a delta beyond int32.
        Assert.Contains(values.Zip(values.Skip(1)), p => Math.Abs((long)p.Second - p.First) > int.MaxValue);
    }

    [Fact]
    public void Truncated_input_says_how_far_it_got()
    {
        var values = Enumerable.Range(0, 100).Select(i => i * 1000).ToArray();
        var packed = new byte[ByteOffset.MaxEncodedLength(values.Length)];
        var length = ByteOffset.Encode(values, packed);
        var e = Assert.Throws<InvalidDataException>(() => ByteOffset.Decode(packed.AsSpan(0, length - 4), new int[100]));
        Assert.Contains("of 100 pixels", e.Message, StringComparison.Ordinal);
    }
}
