using System.Buffers.Binary;
using OperandoXrd.Core.Frames;
using OperandoXrd.Pipeline.Checkpoints;

namespace OperandoXrd.Pipeline.Tests;

/// <summary>The journal's record CRC is the standard CRC-32 (zlib/PNG), and a damaged record ends the read there.</summary>
public sealed class ResultsJournalTests : IDisposable
{
    private const int Npt = 5;
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"oxrd-journal-{Guid.NewGuid():N}.bin");

    public void Dispose() => File.Delete(_path);

    /// <summary>Bitwise CRC-32 (reflected polynomial 0xEDB88320): the textbook definition, independent of the library.</summary>
    private static uint BitwiseCrc32(ReadOnlySpan<byte> data)
    {
        var c = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            c ^= b;
            for (var k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
            }
        }

        return ~c;
    }

    private void WriteThree()
    {
        using var journal = ResultsJournal.Open(_path, Npt, validLength: null);
        for (var f = 0; f < 3; f++)
        {
            var intensity = Enumerable.Range(0, Npt).Select(i => 100.0 * f + i).ToArray();
            var sigma = intensity.Select(Math.Sqrt).ToArray();
            journal.Append(new JournalRecord(f, new FrameTiming(1.7e9 + f, 0.5), f == 1 ? "bad frame" : null, f == 1 ? null : intensity, f == 1 ? null : sigma));
        }

        journal.Flush();
    }

    [Fact]
    public void Every_record_carries_the_standard_crc32_of_its_payload()
    {
        Assert.Equal(0xCBF43926u, BitwiseCrc32("123456789"u8));
        WriteThree();
        var bytes = File.ReadAllBytes(_path);
        var o = 8 + 4;
        var records = 0;
        while (o < bytes.Length)
        {
            var length = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(o));
            Assert.Equal(BitwiseCrc32(bytes.AsSpan(o + 4, length)), BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(o + 4 + length)));
            o += 4 + length + 4;
            records++;
        }

        Assert.Equal(3, records);
        var read = ResultsJournal.Read(_path).ToList();
        Assert.Equal([0, 1, 2], read.Select(r => r.Index));
        Assert.Equal("bad frame", read[1].Error);
        Assert.Equal(203.0, read[2].Intensity![3]);
    }

    [Fact]
    public void A_flipped_byte_in_the_second_record_stops_the_read_after_the_first()
    {
        WriteThree();
        var bytes = File.ReadAllBytes(_path);
        var first = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(12));
        var second = 12 + 4 + first + 4;
        bytes[second + 4 + 6] ^= 0x10;
        File.WriteAllBytes(_path, bytes);
        Assert.Equal([0], ResultsJournal.Read(_path).Select(r => r.Index));
    }
}
