using System.Buffers.Binary;
using OperandoXrd.Hdf5.Codecs;

namespace OperandoXrd.Hdf5.Tests.Codecs;

/// <summary>Hostile chunks must end in InvalidDataException: never IndexOutOfRange, never a wild memory access.</summary>
public class CorruptInputTests
{
    private static readonly byte[] Raw = CodecTestData.Bytes(CodecTestData.PilatusFrame(1, 5003, 5));

    private static byte[] BitshuffleChunk(int block = 256)
    {
        var chunk = new byte[BitshuffleLz4.MaxEncodedLength(Raw.Length, 4, block)];
        return chunk.AsSpan(0, BitshuffleLz4.Encode(Raw, chunk, 4, block)).ToArray();
    }

    private static byte[] Lz4Chunk(int block = 1000)
    {
        var chunk = new byte[Hdf5Lz4.MaxEncodedLength(Raw.Length, block)];
        return chunk.AsSpan(0, Hdf5Lz4.Encode(Raw, chunk, block)).ToArray();
    }

    private static void DecodeBoth(byte[] bitshuffle, byte[] lz4)
    {
        var output = new byte[Raw.Length + 64];
        Assert.Throws<InvalidDataException>(() => BitshuffleLz4.Decode(bitshuffle, output, 4));
        Assert.Throws<InvalidDataException>(() => Hdf5Lz4.Decode(lz4, output));
    }

    [Fact]
    public void Every_truncation_is_reported_as_invalid_data()
    {
        byte[] bs = BitshuffleChunk(), lz = Lz4Chunk();
        var output = new byte[Raw.Length];
        for (var length = 0; length < bs.Length; length++)
        {
            Assert.Throws<InvalidDataException>(() => BitshuffleLz4.Decode(bs.AsSpan(0, length), output, 4));
        }

        for (var length = 0; length < lz.Length; length++)
        {
            Assert.Throws<InvalidDataException>(() => Hdf5Lz4.Decode(lz.AsSpan(0, length), output));
        }
    }

    [Fact]
    public void Lying_headers_are_reported_as_invalid_data()
    {
        byte[] bs = BitshuffleChunk(), lz = Lz4Chunk();

        // Decoded size larger than the data (within the destination) and smaller than the data.
        foreach (var delta in new long[] { 8, 32, -8, -4 * 256 })
        {
            byte[] b = (byte[])bs.Clone(), l = (byte[])lz.Clone();
            BinaryPrimitives.WriteUInt64BigEndian(b, (ulong)(Raw.Length + delta));
            BinaryPrimitives.WriteUInt64BigEndian(l, (ulong)(Raw.Length + delta));
            DecodeBoth(b, l);
        }

        // Absurd sizes: more than 2 GiB, and a block size that is no multiple of 8 elements or is zero.
        var huge = (byte[])bs.Clone();
        BinaryPrimitives.WriteUInt64BigEndian(huge, ulong.MaxValue);
        Assert.Throws<InvalidDataException>(() => BitshuffleLz4.GetDecodedLength(huge));
        foreach (var block in new uint[] { 0, 4, 12, 4 * 9, 4 * 257 })
        {
            var b = (byte[])bs.Clone();
            BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(8), block);
            Assert.Throws<InvalidDataException>(() => BitshuffleLz4.Decode(b, new byte[Raw.Length], 4));
        }
        var zeroBlock = (byte[])lz.Clone();
        BinaryPrimitives.WriteUInt32BigEndian(zeroBlock.AsSpan(8), 0);
        Assert.Throws<InvalidDataException>(() => Hdf5Lz4.Decode(zeroBlock, new byte[Raw.Length]));

        // A block's compressed size that overruns the chunk, or shortchanges it.
        foreach (var delta in new[] { 1, 1000, -1 })
        {
            byte[] b = (byte[])bs.Clone(), l = (byte[])lz.Clone();
            BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(12), (uint)(BinaryPrimitives.ReadUInt32BigEndian(b.AsSpan(12)) + delta));
            BinaryPrimitives.WriteUInt32BigEndian(l.AsSpan(12), (uint)(BinaryPrimitives.ReadUInt32BigEndian(l.AsSpan(12)) + delta));
            DecodeBoth(b, l);
        }
    }

    [Fact]
    public void Match_offsets_before_the_output_start_and_lengths_past_its_end_are_rejected()
    {
        var output = new byte[64];
        // Token: 1 literal, match nibble 0 (length 4); literal 'A'; offset 2 > 1 byte written.
        Assert.Throws<InvalidDataException>(() => Lz4Block.Decode([0x10, (byte)'A', 2, 0, 0x00], output));
        // Offset 0 is never valid.
        Assert.Throws<InvalidDataException>(() => Lz4Block.Decode([0x10, (byte)'A', 0, 0, 0x00], output));
        // Offset 1 with a match of 15 + 255 + 255 + 4 bytes overruns the 64-byte output.
        Assert.Throws<InvalidDataException>(() => Lz4Block.Decode([0x1F, (byte)'A', 1, 0, 255, 255, 0, 0x00], output));
        // Literal run longer than the input.
        Assert.Throws<InvalidDataException>(() => Lz4Block.Decode([0xF0, 200, 1, 2, 3], output));
        // A length extension that never ends.
        Assert.Throws<InvalidDataException>(() => Lz4Block.Decode([0xF0, 255, 255, 255], output));
        // Offset cut off by the end of the block.
        Assert.Throws<InvalidDataException>(() => Lz4Block.Decode([0x10, (byte)'A', 1], output));
        // Far from both ends (the decoder's shortcut path): 14 literals, then offset 20 > 14 bytes written.
        var shortcut = new byte[40];
        shortcut[0] = 0xE0;
        shortcut[15] = 20;
        Assert.Throws<InvalidDataException>(() => Lz4Block.Decode(shortcut, new byte[200]));
        shortcut[15] = 8; // offset 8 is fine: 14 literals, a 4-byte match, then the zero tokens run out of input
        Assert.Throws<InvalidDataException>(() => Lz4Block.Decode(shortcut, new byte[200]));
        // The well-formed version of the second case decodes: 'A' then 4 more 'A' then literal-only tail.
        Assert.Equal(6, Lz4Block.Decode([0x10, (byte)'A', 1, 0, 0x10, (byte)'B'], output));
        Assert.Equal("AAAAAB"u8.ToArray(), output.AsSpan(0, 6).ToArray());
    }

    [Fact]
    public void Random_corruption_never_escapes_as_anything_but_invalid_data()
    {
        // Flip bytes anywhere in valid chunks (header, sizes, tokens, offsets, literals): decoding either succeeds
        // (a literal changed) or throws InvalidDataException; any other exception type fails the test.
        var rng = new Random(2026);
        byte[] bs = BitshuffleChunk(), lz = Lz4Chunk();
        var output = new byte[Raw.Length];
        for (var trial = 0; trial < 3000; trial++)
        {
            var source = trial % 2 == 0 ? bs : lz;
            var mutated = (byte[])source.Clone();
            var flips = 1 + rng.Next(4);
            for (var f = 0; f < flips; f++)
            {
                mutated[rng.Next(trial % 3 == 0 ? Math.Min(40, mutated.Length) : mutated.Length)] ^= (byte)(1 + rng.Next(255));
            }

            try
            {
                if (trial % 2 == 0)
                {
                    BitshuffleLz4.Decode(mutated, output, 4);
                }
                else
                {
                    Hdf5Lz4.Decode(mutated, output);
                }
            }
            catch (InvalidDataException)
            {
            }
        }
    }

    [Fact]
    public void Caller_mistakes_are_argument_errors_and_a_short_destination_is_a_lying_header()
    {
        var bs = BitshuffleChunk();
        Assert.Throws<InvalidDataException>(() => BitshuffleLz4.Decode(bs, new byte[Raw.Length - 1], 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => BitshuffleLz4.Decode(bs, new byte[Raw.Length], 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => BitshuffleLz4.Encode(Raw, new byte[Raw.Length * 2], 4, 12));
        Assert.Throws<ArgumentException>(() => BitshuffleLz4.Encode(Raw.AsSpan(0, 7), new byte[100], 4));
        Assert.Throws<ArgumentException>(() => BitshuffleLz4.Encode(Raw, new byte[100], 4));
    }
}
