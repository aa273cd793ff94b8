using System.Buffers.Binary;
using System.Globalization;
using OperandoXrd.Hdf5.Codecs;

namespace OperandoXrd.Hdf5.Tests.Codecs;

/// <summary>Chunks written once by the real bitshuffle and LZ4 HDF5 plugins (through h5py) for the whole class.</summary>
public sealed class ReferenceChunks : IDisposable
{
    public string Folder { get; } = CodecTestData.NewTempFolder("oxrd-codec-ref");

    public IReadOnlyList<(string Name, int Filter, int ElementSize)> Cases { get; }

    public ReferenceChunks()
    {
        CodecTestData.RunPython("make_reference_chunks.py", Folder);
        Cases = File.ReadAllLines(Path.Combine(Folder, "manifest.txt"))
            .Select(l => l.Split(' '))
            .Select(p => (p[0], int.Parse(p[1], CultureInfo.InvariantCulture), int.Parse(p[2], CultureInfo.InvariantCulture)))
            .ToList();
    }

    public byte[] Chunk(string name) => File.ReadAllBytes(Path.Combine(Folder, name + ".chunk"));

    public byte[] Raw(string name) => File.ReadAllBytes(Path.Combine(Folder, name + ".raw"));

    public void Dispose() => Directory.Delete(Folder, recursive: true);
}

public class ReferenceChunkTests(ReferenceChunks reference) : IClassFixture<ReferenceChunks>
{
    [Fact]
    public void Every_chunk_from_the_real_plugins_decodes_bit_for_bit_on_every_kernel()
    {
        Assert.Equal(11, reference.Cases.Count);
        foreach (var (name, filter, es) in reference.Cases)
        {
            byte[] chunk = reference.Chunk(name), raw = reference.Raw(name);
            if (filter == BitshuffleLz4.FilterId)
            {
                Assert.Equal(raw.Length, BitshuffleLz4.GetDecodedLength(chunk));
                var output = new byte[raw.Length];
                Assert.Equal(raw.Length, BitshuffleLz4.Decode(chunk, output, es));
                Assert.True(raw.AsSpan().SequenceEqual(output), name);

                var blockElements = (int)(BinaryPrimitives.ReadUInt32BigEndian(chunk.AsSpan(8)) / (uint)es);
                var scratch = Math.Min(blockElements * es, raw.Length);
                foreach (var isa in Enum.GetValues<BitTransposeIsa>())
                {
                    Array.Clear(output);
                    BitshuffleLz4.DecodeBlocks(chunk.AsSpan(12), output, raw.Length / es, es, blockElements,
                        new byte[scratch], new byte[scratch], isa);
                    Assert.True(raw.AsSpan().SequenceEqual(output), $"{name} on {isa}");
                }
            }
            else
            {
                Assert.Equal(Hdf5Lz4.FilterId, filter);
                Assert.Equal(raw.Length, Hdf5Lz4.GetDecodedLength(chunk));
                var output = new byte[raw.Length];
                Assert.Equal(raw.Length, Hdf5Lz4.Decode(chunk, output));
                Assert.True(raw.AsSpan().SequenceEqual(output), name);
            }
        }
    }

    [Theory]
    [InlineData("bs_tiny_i1", 1)]
    [InlineData("bs_odd_u2", 2)]
    [InlineData("bs_pilatus2m_i4", 4)]
    [InlineData("bs_u8", 8)]
    public void Default_block_size_matches_what_the_plugin_writes(string name, int es)
    {
        var pluginBlockBytes = BinaryPrimitives.ReadUInt32BigEndian(reference.Chunk(name).AsSpan(8));
        Assert.Equal(8192u, pluginBlockBytes);
        Assert.Equal(pluginBlockBytes, (uint)(BitshuffleLz4.DefaultBlockSizeElements(es) * es));

        var raw = reference.Raw(name);
        var ours = new byte[BitshuffleLz4.MaxEncodedLength(raw.Length, es)];
        BitshuffleLz4.Encode(raw, ours, es);
        Assert.Equal(reference.Chunk(name).AsSpan(0, 12).ToArray(), ours.AsSpan(0, 12).ToArray());
    }

    [Fact]
    public void Plugin_lz4_keeps_incompressible_blocks_raw_and_we_read_them()
    {
        var chunk = reference.Chunk("lz4_random_blocks_i4");
        Assert.Equal(4096u, BinaryPrimitives.ReadUInt32BigEndian(chunk.AsSpan(8)));
        // First block: stored size equals the raw block size → raw copy.
        Assert.Equal(4096u, BinaryPrimitives.ReadUInt32BigEndian(chunk.AsSpan(12)));
        Assert.Equal(reference.Raw("lz4_random_blocks_i4").AsSpan(0, 4096).ToArray(), chunk.AsSpan(16, 4096).ToArray());
    }

    [Fact]
    public void The_real_plugins_decode_our_encoders_output()
    {
        var folder = CodecTestData.NewTempFolder("oxrd-codec-ours");
        try
        {
            var lines = new List<string>();
            void Add(string name, int filter, int es, byte[] raw, byte[] chunk)
            {
                File.WriteAllBytes(Path.Combine(folder, name + ".raw"), raw);
                File.WriteAllBytes(Path.Combine(folder, name + ".ours"), chunk);
                lines.Add(string.Create(CultureInfo.InvariantCulture, $"{name} {filter} {es}"));
            }

            var frame = CodecTestData.Bytes(CodecTestData.PilatusFrame(1679, 1475, 7));
            var oddU16 = CodecTestData.Bytes(CodecTestData.PilatusFrame(1, 50001, 8).Select(v => (ushort)v).ToArray());
            var random = new byte[4 * 3001];
            new Random(3).NextBytes(random);
            foreach (var (name, es, raw) in new[] { ("pilatus_i4", 4, frame), ("odd_u2", 2, oddU16), ("random_i4", 4, random), ("tiny_u1", 1, new byte[] { 5, 4, 3, 2, 1 }) })
            {
                var bs = new byte[BitshuffleLz4.MaxEncodedLength(raw.Length, es)];
                Add("bs_" + name, BitshuffleLz4.FilterId, es, raw, bs.AsSpan(0, BitshuffleLz4.Encode(raw, bs, es)).ToArray());
                var lz = new byte[Hdf5Lz4.MaxEncodedLength(raw.Length, 4000)];
                Add("lz4_" + name, Hdf5Lz4.FilterId, es, raw, lz.AsSpan(0, Hdf5Lz4.Encode(raw, lz, 4000)).ToArray());
            }
            var one = new byte[Hdf5Lz4.MaxEncodedLength(frame.Length)];
            Add("lz4_oneblock_i4", Hdf5Lz4.FilterId, 4, frame, one.AsSpan(0, Hdf5Lz4.Encode(frame, one)).ToArray());
            var small = new byte[BitshuffleLz4.MaxEncodedLength(oddU16.Length, 2, 64)];
            Add("bs_block64_u2", BitshuffleLz4.FilterId, 2, oddU16, small.AsSpan(0, BitshuffleLz4.Encode(oddU16, small, 2, 64)).ToArray());
            File.WriteAllLines(Path.Combine(folder, "ours.txt"), lines);

            var verdicts = CodecTestData.RunPython("check_our_chunks.py", folder).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(lines.Count, verdicts.Length);
            Assert.All(verdicts, v => Assert.StartsWith("OK ", v, StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Our_pilatus_frame_compresses_about_as_well_as_the_plugin()
    {
        // Same data, same block size: the greedy encoder should land within 15 % of liblz4's size.
        var raw = reference.Raw("bs_pilatus2m_i4");
        var ours = new byte[BitshuffleLz4.MaxEncodedLength(raw.Length, 4)];
        var size = BitshuffleLz4.Encode(raw, ours, 4);
        var plugin = reference.Chunk("bs_pilatus2m_i4").Length;
        Assert.InRange(size, plugin * 0.85, plugin * 1.15);
        Assert.True(size < raw.Length / 2, $"{size} of {raw.Length}");
    }
}
