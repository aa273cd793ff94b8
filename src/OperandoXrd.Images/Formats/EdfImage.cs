using System.Buffers;
using System.Globalization;
using System.Text;
using Microsoft.Win32.SafeHandles;
using OperandoXrd.Core.Frames;

namespace OperandoXrd.Images.Formats;

/// <summary>
/// ESRF Data Format: blocks of an ASCII header <c>{ key = value ; … }</c> (ended by <c>}\n</c>, usually padded to a
/// multiple of 512 bytes) followed by the raw image, as fabio reads it: <c>Dim_1</c> columns (fast axis),
/// <c>Dim_2</c> rows, <c>DataType</c>, <c>ByteOrder</c> (LowByteFirst/HighByteFirst), binary size from
/// <c>EDF_BinarySize</c> or <c>Size</c>. Every image block of the file is a frame; a general block
/// (<c>EDF_DataFormatVersion</c>, no image) is skipped. Compressed EDF is refused with a clear message.
/// </summary>
public sealed class EdfImage : ImageFile
{
    private readonly long[] _dataOffsets;

    private EdfImage(string path, int rows, int columns, RawPixels element, long[] offsets, long required)
        : base(path, rows, columns, element.Handed, required)
    {
        Element = element;
        _dataOffsets = offsets;
    }

    public override string Format => $"EDF {Element.Name}";

    public override int FrameCount => _dataOffsets.Length;

    internal RawPixels Element { get; }

    internal static EdfImage ReadHeader(string path, SafeFileHandle handle, long length)
    {
        var offsets = new List<long>();
        RawPixels? element = null;
        int rows = 0, columns = 0;
        PilatusHeader? times = null;
        long position = 0, required = 0;
        var buffer = new byte[HeadBytes];
        while (position < length)
        {
            var got = RandomAccess.Read(handle, buffer, position);
            var block = buffer.AsSpan(0, got);
            var open = block.IndexOf((byte)'{');
            if (open < 0 || block[..open].Trim(" \t\r\n\0"u8).Length > 0)
            {
                if (offsets.Count == 0)
                {
                    throw new InvalidDataException("not an EDF header ('{' expected)");
                }

                break;
            }

            var close = block.IndexOf("}\n"u8);
            var closeCr = block.IndexOf("}\r\n"u8);
            if (close < 0 && closeCr < 0)
            {
                throw new InvalidDataException($"EDF header at byte {position} has no closing '}}' (truncated?)");
            }

            var (end, dataStart) = closeCr >= 0 && (close < 0 || closeCr < close) ? (closeCr, closeCr + 3) : (close, close + 2);
            var keys = Keys(Encoding.Latin1.GetString(block[(open + 1)..end]));
            if (!keys.ContainsKey("Dim_1") && keys.ContainsKey("EDF_DataFormatVersion"))
            {
                // A general block: file-wide keys, no image.
                position += dataStart + Long(keys, "EDF_BinarySize", 0);
                continue;
            }

            if (keys.TryGetValue("Compression", out var compression) && !compression.Equals("None", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidDataException($"compressed EDF ({compression}) is not supported");
            }

            var big = keys.TryGetValue("ByteOrder", out var order) && order.Equals("HighByteFirst", StringComparison.OrdinalIgnoreCase);
            var thisElement = RawPixels.FromEdf(keys.GetValueOrDefault("DataType", "FloatValue"), big);
            var c = (int)Long(keys, "Dim_1", -1);
            var r = (int)Long(keys, "Dim_2", 1);
            if (c <= 0 || r <= 0)
            {
                throw new InvalidDataException("EDF header lacks Dim_1 (or Dim_2 is not positive)");
            }

            if (offsets.Count == 0)
            {
                (element, rows, columns) = (thisElement, r, c);
                times = TimesFrom(keys);
            }
            else if (r != rows || c != columns || thisElement != element)
            {
                throw new InvalidDataException($"EDF frame {offsets.Count} is {r} x {c} {thisElement.Name}, frame 0 {rows} x {columns} {element!.Name}");
            }

            var size = Long(keys, "EDF_BinarySize", Long(keys, "Size", (long)r * c * thisElement.Size));
            offsets.Add(position + dataStart);
            required = position + dataStart + (long)r * c * thisElement.Size;
            position += dataStart + size;
        }

        if (element is null)
        {
            throw new InvalidDataException("EDF file without an image block");
        }

        return new EdfImage(path, rows, columns, element, [.. offsets], required) { Times = times! };
    }

    protected override void ReadCounts(SafeFileHandle handle, int frame, Span<int> destination) => Read(handle, frame, destination, null);

    protected override void ReadSingles(SafeFileHandle handle, int frame, Span<float> destination) => Read(handle, frame, null, destination);

    private void Read(SafeFileHandle handle, int frame, Span<int> counts, Span<float> floats)
    {
        var bytes = Rows * Columns * Element.Size;
        var buffer = ArrayPool<byte>.Shared.Rent(bytes);
        try
        {
            var raw = buffer.AsSpan(0, bytes);
            ReadExactly(handle, _dataOffsets[frame], raw);
            if (floats.IsEmpty)
            {
                Element.ToInt32(raw, counts);
            }
            else
            {
                Element.ToSingle(raw, floats);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static Dictionary<string, string> Keys(string header)
    {
        var keys = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var item in header.Split(';'))
        {
            var eq = item.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                // fabio keeps the first of duplicated keys.
                _ = keys.TryAdd(item[..eq].Trim(' ', '\t', '\r', '\n', '\0'), item[(eq + 1)..].Trim(' ', '\t', '\r', '\n', '\0'));
            }
        }

        return keys;
    }

    private static long Long(Dictionary<string, string> keys, string key, long fallback) =>
        keys.TryGetValue(key, out var text) && long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : fallback;

    /// <summary>An ISO date (<c>date</c>) and an exposure (<c>acq_expo_time</c>, <c>count_time</c>, <c>exposure_time</c>, <c>ExposureTime</c>), when the writer put them there.</summary>
    private static PilatusHeader TimesFrom(Dictionary<string, string> keys)
    {
        double? exposure = null;
        foreach (var key in new[] { "acq_expo_time", "count_time", "exposure_time", "ExposureTime" })
        {
            if (keys.TryGetValue(key, out var text) && double.TryParse(text.Split(' ')[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var e))
            {
                exposure = e;
                break;
            }
        }

        DateTimeOffset? date = null;
        string? dateText = null;
        if (keys.TryGetValue("date", out var d)
            && DateTimeOffset.TryParse(d, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed) && d.Contains('-', StringComparison.Ordinal))
        {
            date = parsed;
            dateText = d;
        }

        return new PilatusHeader(date, dateText, exposure, null);
    }
}
