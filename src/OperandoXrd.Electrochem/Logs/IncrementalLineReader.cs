using System.Text;
using System.Text.Unicode;

namespace OperandoXrd.Electrochem.Logs;

/// <summary>
/// Reads the complete lines appended to a text file since the previous call. The offset of the byte after the last
/// '\n' is all the state a growing file needs: a cycler appends rows, so everything before it never changes, and a
/// partial last line is left for the next call instead of being parsed half-written.
/// </summary>
internal sealed class IncrementalLineReader
{
    // EC-Lab writes the Windows ANSI code page (1252 in western locales: µ 0xB5, ² 0xB2, ³ 0xB3, € 0x80).
    private static readonly Encoding s_ansi = WindowsAnsi();

    private const int TailLength = 64;

    private readonly string _path;
    private byte[] _tail = [];

    public IncrementalLineReader(string path) => _path = path;

    private static Encoding WindowsAnsi()
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return Encoding.GetEncoding(1252);
    }

    /// <summary>Bytes consumed: the start of the first line not yet read.</summary>
    public long Offset { get; private set; }

    /// <summary>Complete lines read so far; the next line's number is this + 1.</summary>
    public int LinesRead { get; private set; }

    /// <summary>Bytes after the last line terminator, still waiting to become a line.</summary>
    public long PendingBytes { get; private set; }

    /// <summary>
    /// Hands every complete line after <see cref="Offset"/> to <paramref name="onLine"/> and returns true; returns
    /// false without reading when the file is no longer an extension of what was read (it shrank, or the bytes just
    /// before the offset changed: re-exported with a header of another length, or replaced).
    /// </summary>
    public bool ReadNewLines(bool includeUnterminatedTail, Action<string, int> onLine)
    {
        byte[] bytes;
        using (var fs = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.SequentialScan))
        {
            var length = fs.Length;
            if (length < Offset)
            {
                return false;
            }

            if (_tail.Length > 0)
            {
                // The last bytes already read must still be there; comparing a few dozen is enough to catch a rewrite
                // that moved the rows, and a rewrite that did not move them leaves our rows valid anyway.
                Span<byte> check = stackalloc byte[_tail.Length];
                fs.Seek(Offset - _tail.Length, SeekOrigin.Begin);
                fs.ReadExactly(check);
                if (!check.SequenceEqual(_tail))
                {
                    return false;
                }
            }

            if (length == Offset)
            {
                PendingBytes = 0;
                return true;
            }

            fs.Seek(Offset, SeekOrigin.Begin);
            bytes = new byte[length - Offset];
            fs.ReadExactly(bytes);
        }

        ReadOnlySpan<byte> span = bytes;
        var start = 0;
        if (Offset == 0 && span.StartsWith("\uFEFF"u8))
        {
            start = 3;
        }

        var lastNewline = span.LastIndexOf((byte)'\n');
        var end = lastNewline + 1;
        if (includeUnterminatedTail && end < span.Length)
        {
            end = span.Length;
        }

        var pos = start;
        while (pos < end)
        {
            var nl = span[pos..end].IndexOf((byte)'\n');
            var lineEnd = nl < 0 ? end : pos + nl;
            var line = span[pos..lineEnd];
            if (!line.IsEmpty && line[^1] == (byte)'\r')
            {
                line = line[..^1];
            }

            LinesRead++;
            // EC-Lab writes ANSI (µ as the single byte 0xB5); most others write UTF-8. A line that is not valid UTF-8
            // is Windows-1252.
            onLine(Utf8.IsValid(line) ? Encoding.UTF8.GetString(line) : s_ansi.GetString(line), LinesRead);
            pos = lineEnd + 1;
        }

        Offset += end;
        PendingBytes = span.Length - end;
        if (end > 0)
        {
            var keep = Math.Min(TailLength, end);
            _tail = bytes.AsSpan(end - keep, keep).ToArray();
        }

        return true;
    }
}
