using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;
using OperandoXrd.Core.Frames;

namespace OperandoXrd.Pipeline.Checkpoints;

/// <summary>One frame's integration result as the journal keeps it.</summary>
public sealed record JournalRecord(int Index, FrameTiming Timing, string? Error, double[]? Intensity, double[]? Sigma);

/// <summary>
/// The run's memory on disk: every integrated frame, appended in frame order, each record with its length and CRC.
/// A checkpoint names a journal length; resuming truncates the journal there, so a record half-written when the
/// process was killed is simply not there. Everything else a run writes (lattice.csv, reduced.h5, figures) is made
/// again from the journal, which is why a resumed run ends with the same files as an uninterrupted one.
/// </summary>
public sealed class ResultsJournal : IDisposable
{
    private static readonly byte[] Magic = "OXRDJ001"u8.ToArray();
    private readonly FileStream _stream;
    private readonly int _npt;

    private ResultsJournal(FileStream stream, int npt)
    {
        _stream = stream;
        _npt = npt;
    }

    public string Path => _stream.Name;

    public long Length => _stream.Length;

    /// <summary>Creates a new journal, or opens an existing one cut back to <paramref name="validLength"/> bytes.</summary>
    public static ResultsJournal Open(string path, int npt, long? validLength)
    {
        var stream = new FileStream(path, validLength is null ? FileMode.Create : FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, 1 << 16);
        try
        {
            if (validLength is long keep && stream.Length >= Magic.Length + 4)
            {
                var header = new byte[Magic.Length + 4];
                stream.ReadExactly(header);
                if (!header.AsSpan(0, Magic.Length).SequenceEqual(Magic) || BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(Magic.Length)) != npt)
                {
                    throw new InvalidDataException($"{path}: not a journal of this run ({npt} bins); start without --resume");
                }

                stream.SetLength(Math.Min(keep, stream.Length));
                stream.Seek(0, SeekOrigin.End);
            }
            else
            {
                stream.SetLength(0);
                stream.Write(Magic);
                Span<byte> n = stackalloc byte[4];
                BinaryPrimitives.WriteInt32LittleEndian(n, npt);
                stream.Write(n);
            }

            return new ResultsJournal(stream, npt);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    public void Append(JournalRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        var error = record.Error is null ? [] : Encoding.UTF8.GetBytes(record.Error);
        var hasData = record.Intensity is not null && record.Sigma is not null;
        var payloadLength = 4 + 8 + 8 + 4 + error.Length + 1 + (hasData ? 16 * _npt : 0);
        var buffer = new byte[4 + payloadLength + 4];
        var span = buffer.AsSpan();
        BinaryPrimitives.WriteInt32LittleEndian(span, payloadLength);
        var p = span[4..];
        BinaryPrimitives.WriteInt32LittleEndian(p, record.Index);
        BinaryPrimitives.WriteDoubleLittleEndian(p[4..], record.Timing.StartUnixSeconds);
        BinaryPrimitives.WriteDoubleLittleEndian(p[12..], record.Timing.ExposureSeconds);
        BinaryPrimitives.WriteInt32LittleEndian(p[20..], error.Length);
        error.CopyTo(p[24..]);
        var o = 24 + error.Length;
        p[o++] = hasData ? (byte)1 : (byte)0;
        if (hasData)
        {
            for (var i = 0; i < _npt; i++, o += 8)
            {
                BinaryPrimitives.WriteDoubleLittleEndian(p[o..], record.Intensity![i]);
            }

            for (var i = 0; i < _npt; i++, o += 8)
            {
                BinaryPrimitives.WriteDoubleLittleEndian(p[o..], record.Sigma![i]);
            }
        }

        BinaryPrimitives.WriteUInt32LittleEndian(span[(4 + payloadLength)..], Checksum(p[..payloadLength]));
        _stream.Write(buffer);
    }

    /// <summary>Makes everything appended so far durable; returns the length a checkpoint may name.</summary>
    public long Flush()
    {
        _stream.Flush(flushToDisk: true);
        return _stream.Length;
    }

    /// <summary>Reads the records of a journal file from the start, stopping at the first incomplete or damaged one.</summary>
    /// <param name="path">Journal file.</param>
    /// <param name="upTo">Bytes to read at most (the checkpoint's length).</param>
    /// <param name="reuseArrays">
    /// Hand out the same intensity and σ arrays for every record (valid until the next one): a pass over a long run
    /// to write reduced.h5 or the contour then allocates nothing per frame, instead of ~100 kB.
    /// </param>
    public static IEnumerable<JournalRecord> Read(string path, long? upTo = null, bool reuseArrays = false)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 16);
        var limit = Math.Min(upTo ?? long.MaxValue, stream.Length);
        var header = new byte[Magic.Length + 4];
        if (stream.Length < header.Length)
        {
            yield break;
        }

        stream.ReadExactly(header);
        var npt = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(Magic.Length));
        var lengthBytes = new byte[4];
        byte[]? payloadBuffer = null;
        double[]? intensityBuffer = null, sigmaBuffer = null;
        while (stream.Position + 4 <= limit)
        {
            stream.ReadExactly(lengthBytes);
            var length = BinaryPrimitives.ReadInt32LittleEndian(lengthBytes);
            if (length <= 0 || stream.Position + length + 4 > limit)
            {
                yield break;
            }

            if (!reuseArrays || payloadBuffer is null || payloadBuffer.Length < length + 4)
            {
                payloadBuffer = new byte[length + 4];
            }

            var payload = payloadBuffer;
            stream.ReadExactly(payload, 0, length + 4);
            var p = payload.AsSpan(0, length);
            if (Checksum(p) != BinaryPrimitives.ReadUInt32LittleEndian(payload.AsSpan(length, 4)))
            {
                yield break;
            }

            var index = BinaryPrimitives.ReadInt32LittleEndian(p);
            var timing = new FrameTiming(BinaryPrimitives.ReadDoubleLittleEndian(p[4..]), BinaryPrimitives.ReadDoubleLittleEndian(p[12..]));
            var errorLength = BinaryPrimitives.ReadInt32LittleEndian(p[20..]);
            var error = errorLength > 0 ? Encoding.UTF8.GetString(p.Slice(24, errorLength)) : null;
            var o = 24 + errorLength;
            double[]? intensity = null, sigma = null;
            if (p[o++] == 1)
            {
                intensity = reuseArrays ? intensityBuffer ??= new double[npt] : new double[npt];
                sigma = reuseArrays ? sigmaBuffer ??= new double[npt] : new double[npt];
                for (var i = 0; i < npt; i++, o += 8)
                {
                    intensity[i] = BinaryPrimitives.ReadDoubleLittleEndian(p[o..]);
                }

                for (var i = 0; i < npt; i++, o += 8)
                {
                    sigma[i] = BinaryPrimitives.ReadDoubleLittleEndian(p[o..]);
                }
            }

            yield return new JournalRecord(index, timing, error, intensity, sigma);
        }
    }

    // CRC-32 (IEEE, as zlib and PNG) of a record's payload, from System.IO.Hashing; the same value the PNG encoder's
    // table gave before, so journals written before and after read the same.
    private static uint Checksum(ReadOnlySpan<byte> payload) => Crc32.HashToUInt32(payload);

    public void Dispose()
    {
        try
        {
            _stream.Dispose();
        }
        catch (IOException)
        {
            // Closing flushes the stream's buffer, which fails again on a full disk. Nothing is lost that matters:
            // the checkpoint names only bytes flushed before, and a resume cuts the journal back to them.
        }
    }
}
