using System.Globalization;
using System.Text;
using System.Text.Unicode;

namespace OperandoXrd.Core.Patterns;

/// <summary>What the pattern readers share: the file's lines (UTF-8, else Windows-1252; LF or CRLF) and number parsing.</summary>
internal static class PatternText
{
    private static readonly Encoding s_ansi = WindowsAnsi();

    /// <summary>The file's lines without their terminators; a missing file or a read error is a <see cref="PatternFormatException"/>.</summary>
    public static string[] ReadLines(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new PatternFormatException($"{path}: {e.Message}", e);
        }

        ReadOnlySpan<byte> span = bytes;
        if (span.StartsWith("\uFEFF"u8))
        {
            span = span[3..];
        }

        var text = Utf8.IsValid(span) ? Encoding.UTF8.GetString(span) : s_ansi.GetString(span);
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].EndsWith('\r'))
            {
                lines[i] = lines[i][..^1];
            }
        }

        // A final newline leaves one empty string after it: not a line.
        return lines.Length > 0 && lines[^1].Length == 0 ? lines[..^1] : lines;
    }

    public static bool TryNumber(ReadOnlySpan<char> field, out double value) =>
        double.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out value);

    /// <summary>Splits a data row on white space, commas or semicolons.</summary>
    public static int SplitFields(ReadOnlySpan<char> line, Span<Range> ranges)
    {
        var n = 0;
        var i = 0;
        while (i < line.Length && n < ranges.Length)
        {
            while (i < line.Length && IsSeparator(line[i]))
            {
                i++;
            }

            if (i >= line.Length)
            {
                break;
            }

            var start = i;
            while (i < line.Length && !IsSeparator(line[i]))
            {
                i++;
            }

            ranges[n++] = start..i;
        }

        return n;
    }

    private static bool IsSeparator(char c) => char.IsWhiteSpace(c) || c == ',' || c == ';';

    private static Encoding WindowsAnsi()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return Encoding.GetEncoding(1252);
    }
}
