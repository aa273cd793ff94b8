using System.Globalization;

namespace OperandoXrd.Core.Geometry;

/// <summary>
/// A PONI file (or text) is unusable: missing or malformed key, non-finite number, negative distance, unknown
/// detector. The message names the source (file path), the key and, where known, the line.
/// </summary>
public class PoniFormatException : Exception
{
    public PoniFormatException(string source, string? key, int? line, string reason, Exception? inner = null)
        : base(Compose(source, key, line, reason), inner)
    {
        Source = source;
        Key = key;
        Line = line;
        Reason = reason;
    }

    public PoniFormatException() : base("PONI format error") { Source = ""; Reason = ""; }

    public PoniFormatException(string message) : base(message) { Source = ""; Reason = message; }

    public PoniFormatException(string message, Exception inner) : base(message, inner) { Source = ""; Reason = message; }

    /// <summary>The file path or name given to <see cref="Poni.Parse"/>.</summary>
    public new string Source { get; }

    /// <summary>The PONI key at fault, as spelled in pyFAI's writer (e.g. "Distance"), if any.</summary>
    public string? Key { get; }

    /// <summary>1-based line number, if the fault is on one line.</summary>
    public int? Line { get; }

    public string Reason { get; }

    private static string Compose(string source, string? key, int? line, string reason)
    {
        var where = source;
        if (line is int l)
        {
            where += string.Create(CultureInfo.InvariantCulture, $" line {l}");
        }

        if (key is not null)
        {
            where += $", key '{key}'";
        }

        return $"{where}: {reason}";
    }
}
