using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Microsoft.Win32.SafeHandles;
using OperandoXrd.Core.Frames;

namespace OperandoXrd.Images.Formats;

/// <summary>
/// Uncompressed greyscale TIFF as Pilatus/Dectris camservers write it (int32 signed, SampleFormat 2) and as fabio
/// writes it: the first image (IFD) of the file, strips in order, either byte order; 8/16/32-bit integers (signed or
/// not) and 32/64-bit floats. The ImageDescription tag holds the Pilatus text header (exposure, period and sometimes
/// the date); the DateTime tag (<c>2014:10:24 16:33:09</c>) gives the date to the second otherwise.
/// </summary>
public sealed class TiffImage : ImageFile
{
    private readonly long[] _stripOffsets;
    private readonly long[] _stripBytes;

    private TiffImage(string path, int rows, int columns, FrameDType dtype, RawPixels element, long[] offsets, long[] bytes)
        : base(path, rows, columns, dtype, Enumerable.Range(0, offsets.Length).Select(i => offsets[i] + bytes[i]).DefaultIfEmpty(0).Max())
    {
        Element = element;
        _stripOffsets = offsets;
        _stripBytes = bytes;
    }

    public override string Format => $"TIFF {Element.Name}";

    internal RawPixels Element { get; }

    internal static TiffImage ReadHeader(string path, SafeFileHandle handle, long length)
    {
        var big = ReadAt(handle, 0, 8)[0] == (byte)'M';
        var first = ReadAt(handle, 0, 8);
        var ifd = U32(first.AsSpan(4), big);
        var count = U16(ReadAt(handle, ifd, 2), big);
        var entries = ReadAt(handle, ifd + 2, count * 12);
        int? width = null, height = null;
        int bits = 1, format = 1, compression = 1, samples = 1;
        long[] offsets = [], stripBytes = [];
        string? description = null, dateTime = null;
        for (var k = 0; k < count; k++)
        {
            var e = entries.AsSpan(k * 12, 12);
            var tag = U16(e, big);
            var type = U16(e[2..], big);
            var n = (int)U32(e[4..], big);
            switch (tag)
            {
                case 256: width = (int)Numbers(handle, e, type, n, big)[0]; break;
                case 257: height = (int)Numbers(handle, e, type, n, big)[0]; break;
                case 258: bits = (int)Numbers(handle, e, type, n, big)[0]; break;
                case 259: compression = (int)Numbers(handle, e, type, n, big)[0]; break;
                case 270: description = Ascii(handle, e, n, big); break;
                case 273: offsets = Numbers(handle, e, type, n, big); break;
                case 277: samples = (int)Numbers(handle, e, type, n, big)[0]; break;
                case 279: stripBytes = Numbers(handle, e, type, n, big); break;
                case 306: dateTime = Ascii(handle, e, n, big); break;
                case 322: throw new InvalidDataException("tiled TIFF is not supported (strips only)");
                case 339: format = (int)Numbers(handle, e, type, n, big)[0]; break;
                default: break;
            }
        }

        if (width is not > 0 || height is not > 0)
        {
            throw new InvalidDataException("TIFF without ImageWidth/ImageLength");
        }

        if (compression != 1)
        {
            throw new InvalidDataException($"TIFF compression {compression} is not supported (uncompressed only, as Pilatus writes)");
        }

        if (samples != 1)
        {
            throw new InvalidDataException($"TIFF with {samples} samples per pixel is not a detector image");
        }

        var element = RawPixels.FromTiff(bits, format, big);
        if (offsets.Length == 0 || offsets.Length != stripBytes.Length || stripBytes.Sum() < (long)width.Value * height.Value * element.Size)
        {
            throw new InvalidDataException("TIFF strips (StripOffsets/StripByteCounts) do not cover the image");
        }

        var times = PilatusHeader.Parse(description ?? "");
        if (times.Date is null && dateTime is not null
            && DateTime.TryParseExact(dateTime.Trim('\0', ' '), "yyyy:MM:dd HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var d))
        {
            times = times with { Date = new DateTimeOffset(d, TimeSpan.Zero), DateText = dateTime.Trim('\0', ' ') + " (TIFF DateTime)" };
        }

        _ = length;
        return new TiffImage(path, height.Value, width.Value, element.Handed, element, offsets, stripBytes) { Times = times };
    }

    protected override void ReadCounts(SafeFileHandle handle, int frame, Span<int> destination) => Read(handle, destination, null);

    protected override void ReadSingles(SafeFileHandle handle, int frame, Span<float> destination) => Read(handle, null, destination);

    /// <summary>Strips in order, each converted as it arrives (one pooled buffer the size of the largest strip).</summary>
    private void Read(SafeFileHandle handle, Span<int> counts, Span<float> floats)
    {
        var length = RandomAccess.GetLength(handle);
        if (length < RequiredLength)
        {
            throw new InvalidDataException(Truncated(length));
        }

        var total = (long)Rows * Columns * Element.Size;
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(_stripBytes.Max(), total));
        try
        {
            long done = 0;
            for (var s = 0; s < _stripOffsets.Length && done < total; s++)
            {
                var n = (int)Math.Min(_stripBytes[s], total - done);
                var strip = buffer.AsSpan(0, n);
                ReadExactly(handle, _stripOffsets[s], strip);
                var first = (int)(done / Element.Size);
                if (floats.IsEmpty)
                {
                    Element.ToInt32(strip, counts.Slice(first, n / Element.Size));
                }
                else
                {
                    Element.ToSingle(strip, floats.Slice(first, n / Element.Size));
                }

                done += n;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static byte[] ReadAt(SafeFileHandle handle, long offset, int count)
    {
        var bytes = new byte[count];
        var done = 0;
        while (done < count)
        {
            var n = RandomAccess.Read(handle, bytes.AsSpan(done), offset + done);
            if (n == 0)
            {
                throw new InvalidDataException($"the TIFF ends at {offset + done} inside its directory (truncated?)");
            }

            done += n;
        }

        return bytes;
    }

    /// <summary>SHORT (3) or LONG (4) values of an entry, inline when they fit in its 4 value bytes.</summary>
    private static long[] Numbers(SafeFileHandle handle, ReadOnlySpan<byte> entry, int type, int count, bool big)
    {
        var size = type == 3 ? 2 : type == 4 ? 4 : throw new InvalidDataException($"TIFF tag {U16(entry, big)} has type {type}, expected SHORT or LONG");
        var data = count * size <= 4 ? entry.Slice(8, 4).ToArray() : ReadAt(handle, U32(entry[8..], big), count * size);
        var values = new long[count];
        for (var i = 0; i < count; i++)
        {
            values[i] = size == 2 ? U16(data.AsSpan(i * 2), big) : U32(data.AsSpan(i * 4), big);
        }

        return values;
    }

    private static string Ascii(SafeFileHandle handle, ReadOnlySpan<byte> entry, int count, bool big)
    {
        var data = count <= 4 ? entry.Slice(8, count).ToArray() : ReadAt(handle, U32(entry[8..], big), count);
        return Encoding.Latin1.GetString(data).TrimEnd('\0');
    }

    private static int U16(ReadOnlySpan<byte> b, bool big) => big ? BinaryPrimitives.ReadUInt16BigEndian(b) : BinaryPrimitives.ReadUInt16LittleEndian(b);

    private static long U32(ReadOnlySpan<byte> b, bool big) => big ? BinaryPrimitives.ReadUInt32BigEndian(b) : BinaryPrimitives.ReadUInt32LittleEndian(b);
}
