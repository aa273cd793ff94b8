using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using OperandoXrd.Core.IO;

namespace OperandoXrd.Core.Integration;

/// <summary>
/// Sparse matrices on disk, one file per key (a SHA-256 of everything the matrix depends on), so a second run over
/// the same geometry skips the build. The file holds the full key and is written atomically; a file that does not
/// match (another version, a truncated write, a collision) is ignored and rebuilt.
/// </summary>
public static class MatrixCache
{
    private const ulong Magic = 0x3154414D44525858; // "XXRDMAT1" little-endian
    private const int FormatVersion = 1;

    /// <summary>The cache file a key maps to.</summary>
    public static string PathFor(string folder, byte[] key) =>
        Path.Combine(folder, "oxrd-matrix-" + Convert.ToHexString(key, 0, 12).ToLowerInvariant() + ".bin");

    /// <summary>Loads the matrix for <paramref name="key"/>, or null if the folder has none (or an unusable one).</summary>
    public static IntegrationMatrix? TryLoad(string folder, byte[] key)
    {
        var path = PathFor(folder, key);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            using var reader = new BinaryReader(stream);
            if (reader.ReadUInt64() != Magic || reader.ReadInt32() != FormatVersion)
            {
                return null;
            }

            var stored = reader.ReadBytes(key.Length);
            if (!stored.AsSpan().SequenceEqual(key))
            {
                return null;
            }

            var split = (PixelSplit)reader.ReadInt32();
            var rows = reader.ReadInt32();
            var columns = reader.ReadInt32();
            var npt = reader.ReadInt32();
            var pos0Min = reader.ReadDouble();
            var pos0Max = reader.ReadDouble();
            var scale = reader.ReadDouble();
            var contributing = reader.ReadInt32();
            var entryCount = reader.ReadInt64();
            var pixels = rows * columns;
            var pixelNorm = ReadArray<float>(stream, pixels);
            var normSum = ReadArray<double>(stream, npt);
            var countSum = ReadArray<double>(stream, npt);
            var matrix = split switch
            {
                PixelSplit.None => new IntegrationMatrix(split, rows, columns, npt, pos0Min, pos0Max, scale, pixelNorm, normSum, countSum)
                {
                    SingleBin = ReadArray<ushort>(stream, pixels),
                },
                PixelSplit.BBox => new IntegrationMatrix(split, rows, columns, npt, pos0Min, pos0Max, scale, pixelNorm, normSum, countSum)
                {
                    SpanBins = ReadArray<uint>(stream, pixels),
                    SpanLo = ReadArray<float>(stream, pixels),
                    SpanHi = ReadArray<float>(stream, pixels),
                },
                _ => ReadFull(stream, reader, split, rows, columns, npt, pos0Min, pos0Max, scale, pixelNorm, normSum, countSum),
            };
            matrix.ContributingPixels = contributing;
            matrix.EntryCount = entryCount;
            return stream.Position == stream.Length ? matrix : null;
        }
        catch (EndOfStreamException)
        {
            return null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static IntegrationMatrix ReadFull(Stream stream, BinaryReader reader, PixelSplit split, int rows, int columns, int npt,
        double pos0Min, double pos0Max, double scale, float[] pixelNorm, double[] normSum, double[] countSum)
    {
        var pixels = rows * columns;
        var start = ReadArray<int>(stream, pixels + 1);
        var total = start[pixels];
        _ = reader;
        return new IntegrationMatrix(split, rows, columns, npt, pos0Min, pos0Max, scale, pixelNorm, normSum, countSum)
        {
            EntryStart = start,
            EntryBin = ReadArray<ushort>(stream, total),
            EntryWeight = ReadArray<float>(stream, total),
        };
    }

    /// <summary>
    /// Writes <paramref name="matrix"/> under <paramref name="key"/>: to a temporary name, then renamed, so a reader
    /// never sees half a file. Unlike results, a cache file is not flushed to disk first: losing it to a power cut
    /// only costs a rebuild, and the fsync of 40 MB would cost more than the build it saves.
    /// </summary>
    public static void Save(string folder, byte[] key, IntegrationMatrix matrix)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        Directory.CreateDirectory(folder);
        var path = PathFor(folder, key);
        AtomicFile.Replace(path, temp =>
        {
            using var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
            Write(stream, key, matrix);
        });
    }

    private static void Write(Stream stream, byte[] key, IntegrationMatrix matrix)
    {
        {
            using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
            {
                writer.Write(Magic);
                writer.Write(FormatVersion);
                writer.Write(key);
                writer.Write((int)matrix.Split);
                writer.Write(matrix.Rows);
                writer.Write(matrix.Columns);
                writer.Write(matrix.Npt);
                writer.Write(matrix.Pos0Min);
                writer.Write(matrix.Pos0Max);
                writer.Write(matrix.RadialScale);
                writer.Write(matrix.ContributingPixels);
                writer.Write(matrix.EntryCount);
            }

            WriteArray(stream, matrix.PixelNorm);
            WriteArray(stream, matrix.NormSum);
            WriteArray(stream, matrix.CountSum);
            switch (matrix.Split)
            {
                case PixelSplit.None:
                    WriteArray(stream, matrix.SingleBin!);
                    break;
                case PixelSplit.BBox:
                    WriteArray(stream, matrix.SpanBins!);
                    WriteArray(stream, matrix.SpanLo!);
                    WriteArray(stream, matrix.SpanHi!);
                    break;
                default:
                    WriteArray(stream, matrix.EntryStart!);
                    WriteArray(stream, matrix.EntryBin!);
                    WriteArray(stream, matrix.EntryWeight!);
                    break;
            }
        }
    }

    /// <summary>Incremental SHA-256 over the inputs of a matrix: numbers by their bits, arrays by their bytes.</summary>
    public sealed class KeyBuilder : IDisposable
    {
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

        public KeyBuilder Add(double value)
        {
            Span<byte> bytes = stackalloc byte[8];
            BitConverter.TryWriteBytes(bytes, value);
            _hash.AppendData(bytes);
            return this;
        }

        public KeyBuilder Add(int value) => Add((double)value);

        public KeyBuilder Add(string value)
        {
            Add(value.Length);
            _hash.AppendData(Encoding.UTF8.GetBytes(value));
            return this;
        }

        public KeyBuilder Add<T>(T[]? array) where T : unmanaged
        {
            if (array is null)
            {
                return Add(-1);
            }

            Add(array.Length);
            _hash.AppendData(MemoryMarshal.AsBytes(array.AsSpan()));
            return this;
        }

        public byte[] Finish() => _hash.GetHashAndReset();

        public void Dispose() => _hash.Dispose();
    }

    private static T[] ReadArray<T>(Stream stream, int length) where T : unmanaged
    {
        var array = GC.AllocateUninitializedArray<T>(length);
        stream.ReadExactly(MemoryMarshal.AsBytes(array.AsSpan()));
        return array;
    }

    private static void WriteArray<T>(Stream stream, T[] array) where T : unmanaged =>
        stream.Write(MemoryMarshal.AsBytes(array.AsSpan()));
}
