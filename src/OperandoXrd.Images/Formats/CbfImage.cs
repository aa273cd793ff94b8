using System.Buffers;
using System.Globalization;
using System.Text;
using Microsoft.Win32.SafeHandles;
using OperandoXrd.Core.Frames;
using OperandoXrd.Images.Codecs;

namespace OperandoXrd.Images.Formats;

/// <summary>
/// Pilatus miniCBF: a CIF text header (the camserver's <c># Exposure_time …</c> lines in
/// <c>_array_data.header_contents</c>), a MIME block (<c>X-Binary-Size</c>, element type, dimensions), the marker
/// bytes 0C 1A 04 D5, then <c>X-Binary-Size</c> bytes of byte-offset data. Rows = <c>X-Binary-Size-Second-Dimension</c>,
/// columns = <c>X-Binary-Size-Fastest-Dimension</c>, rows in file order (fabio's orientation). Reads and writes the
/// format (the writer serves tests and benchmarks).
/// </summary>
public sealed class CbfImage : ImageFile
{
    private static ReadOnlySpan<byte> BinaryMarker => [0x0C, 0x1A, 0x04, 0xD5];

    private CbfImage(string path, int rows, int columns, long binaryStart, long binarySize)
        : base(path, rows, columns, FrameDType.Int32, binaryStart + binarySize)
    {
        BinaryStart = binaryStart;
        BinarySize = binarySize;
    }

    public override string Format => "Pilatus miniCBF (byte-offset)";

    /// <summary>Where the compressed pixels start (just after the marker).</summary>
    public long BinaryStart { get; }

    /// <summary><c>X-Binary-Size</c>: compressed bytes.</summary>
    public long BinarySize { get; }

    internal static CbfImage ReadHeader(string path, ReadOnlySpan<byte> head, long fileLength)
    {
        var marker = head.IndexOf(BinaryMarker);
        if (marker < 0)
        {
            throw new InvalidDataException(head.Length == fileLength
                ? "no binary section (the CBF ends inside its header: truncated?)"
                : $"no binary section in the first {head.Length} bytes");
        }

        var text = Encoding.Latin1.GetString(head[..marker]);
        long? size = null;
        int? fastest = null, second = null;
        long? elements = null;
        string? conversion = null, elementType = null, byteOrder = null;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (Value(line, "X-Binary-Size:") is { } s)
            {
                size = long.Parse(s, CultureInfo.InvariantCulture);
            }
            else if (Value(line, "X-Binary-Size-Fastest-Dimension:") is { } f)
            {
                fastest = int.Parse(f, CultureInfo.InvariantCulture);
            }
            else if (Value(line, "X-Binary-Size-Second-Dimension:") is { } d)
            {
                second = int.Parse(d, CultureInfo.InvariantCulture);
            }
            else if (Value(line, "X-Binary-Number-of-Elements:") is { } e)
            {
                elements = long.Parse(e, CultureInfo.InvariantCulture);
            }
            else if (Value(line, "X-Binary-Element-Type:") is { } t)
            {
                elementType = t.Trim('"');
            }
            else if (Value(line, "X-Binary-Element-Byte-Order:") is { } o)
            {
                byteOrder = o;
            }
            else if (line.Contains("conversions=", StringComparison.Ordinal))
            {
                conversion = line[(line.IndexOf('=', StringComparison.Ordinal) + 1)..].Trim().Trim(';').Trim('"');
            }
        }

        if (size is null || fastest is null || second is null)
        {
            throw new InvalidDataException("the CBF binary header lacks X-Binary-Size or the X-Binary-Size-Fastest/Second-Dimension lines");
        }

        if (conversion is not null && !conversion.Equals("x-CBF_BYTE_OFFSET", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidDataException($"CBF compression '{conversion}' is not supported (only x-CBF_BYTE_OFFSET, what Pilatus detectors write)");
        }

        if (byteOrder is not null && !byteOrder.Equals("LITTLE_ENDIAN", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidDataException($"CBF byte order {byteOrder} is not supported");
        }

        if (elementType is not null && !elementType.Contains("integer", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidDataException($"CBF element type '{elementType}' is not supported (integers only)");
        }

        if (fastest <= 0 || second <= 0 || (elements is { } n && n != (long)fastest * second))
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"inconsistent CBF dimensions {fastest} x {second} for {elements} elements"));
        }

        return new CbfImage(path, second.Value, fastest.Value, marker + BinaryMarker.Length, size.Value) { Times = PilatusHeader.Parse(text) };
    }

    protected override void ReadCounts(SafeFileHandle handle, int frame, Span<int> destination)
    {
        var length = RandomAccess.GetLength(handle);
        if (length < RequiredLength)
        {
            throw new InvalidDataException(Truncated(length));
        }

        var buffer = ArrayPool<byte>.Shared.Rent(checked((int)BinarySize));
        try
        {
            var packed = buffer.AsSpan(0, (int)BinarySize);
            ReadExactly(handle, BinaryStart, packed);
            _ = ByteOffset.Decode(packed, destination);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// A miniCBF as a Pilatus writes it: header with <paramref name="header"/>'s date, exposure and period lines,
    /// byte-offset data, closing boundary. <paramref name="pixels"/> is row-major, <paramref name="rows"/> ×
    /// <paramref name="columns"/>.
    /// </summary>
    public static byte[] Encode(ReadOnlySpan<int> pixels, int rows, int columns, PilatusHeader? header = null)
    {
        if (pixels.Length != rows * columns)
        {
            throw new ArgumentException($"{pixels.Length} pixels for a {rows} x {columns} image", nameof(pixels));
        }

        var packed = ArrayPool<byte>.Shared.Rent(ByteOffset.MaxEncodedLength(pixels.Length));
        try
        {
            var size = ByteOffset.Encode(pixels, packed);
            var inv = CultureInfo.InvariantCulture;
            var text = new StringBuilder();
            text.Append("###CBF: VERSION 1.5, OperandoXrd - PILATUS-style miniCBF\r\n\r\ndata_image\r\n\r\n");
            text.Append("_array_data.header_convention \"PILATUS_1.2\"\r\n_array_data.header_contents\r\n;\r\n");
            text.Append("# Detector: simulated, OperandoXrd\r\n");
            if (header?.Date is { } date)
            {
                text.Append(inv, $"# {date.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss.fff}\r\n");
            }

            text.Append("# Pixel_size 172e-6 m x 172e-6 m\r\n");
            if (header?.Exposure is { } exposure)
            {
                text.Append(inv, $"# Exposure_time {exposure:0.0000000} s\r\n");
            }

            if (header?.Period is { } period)
            {
                text.Append(inv, $"# Exposure_period {period:0.0000000} s\r\n");
            }

            text.Append(";\r\n\r\n_array_data.data\r\n;\r\n--CIF-BINARY-FORMAT-SECTION--\r\n");
            text.Append("Content-Type: application/octet-stream;\r\n     conversions=\"x-CBF_BYTE_OFFSET\"\r\nContent-Transfer-Encoding: BINARY\r\n");
            text.Append(inv, $"X-Binary-Size: {size}\r\nX-Binary-ID: 1\r\nX-Binary-Element-Type: \"signed 32-bit integer\"\r\n");
            text.Append(inv, $"X-Binary-Element-Byte-Order: LITTLE_ENDIAN\r\nX-Binary-Number-of-Elements: {pixels.Length}\r\n");
            text.Append(inv, $"X-Binary-Size-Fastest-Dimension: {columns}\r\nX-Binary-Size-Second-Dimension: {rows}\r\nX-Binary-Size-Padding: 4095\r\n\r\n");
            var head = Encoding.ASCII.GetBytes(text.ToString());
            var tail = "\r\n--CIF-BINARY-FORMAT-SECTION----\r\n;\r\n\r\n"u8;
            var file = new byte[head.Length + BinaryMarker.Length + size + tail.Length];
            head.CopyTo(file, 0);
            BinaryMarker.CopyTo(file.AsSpan(head.Length));
            packed.AsSpan(0, size).CopyTo(file.AsSpan(head.Length + BinaryMarker.Length));
            tail.CopyTo(file.AsSpan(head.Length + BinaryMarker.Length + size));
            return file;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(packed);
        }
    }

    private static string? Value(string line, string key) =>
        line.StartsWith(key, StringComparison.OrdinalIgnoreCase) ? line[key.Length..].Trim() : null;
}
