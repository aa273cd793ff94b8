using System.Globalization;

namespace OperandoXrd.Crystallography.Cif;

/// <summary>One CIF value with the line it came from. "?" (unknown) and "." (inapplicable) are <see cref="IsMissing"/>.</summary>
public sealed record CifValue(string Text, int Line, bool IsQuoted)
{
    public bool IsMissing => !IsQuoted && Text is "?" or ".";

    /// <summary>
    /// Parses a number with an optional standard uncertainty in parentheses, e.g. "2.8650(3)" → 2.865 ± 0.0003.
    /// Returns false for text that is not a number (and for missing values).
    /// </summary>
    public bool TryNumber(out double value, out double esd)
    {
        value = double.NaN;
        esd = 0;
        if (IsMissing)
        {
            return false;
        }

        var text = Text;
        var open = text.IndexOf('(', StringComparison.Ordinal);
        var numberPart = open >= 0 ? text[..open] : text;
        if (!double.TryParse(numberPart, NumberStyles.Float, CultureInfo.InvariantCulture, out value))
        {
            return false;
        }

        if (open >= 0)
        {
            var close = text.IndexOf(')', open);
            if (close != text.Length - 1 ||
                !int.TryParse(text.AsSpan(open + 1, close - open - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var digits))
            {
                return false;
            }

            // The esd applies to the last digit written: "2.8650(3)" has 4 decimals → 3e-4.
            var mantissa = numberPart;
            var exp = mantissa.IndexOfAny(['e', 'E']);
            var expValue = 0;
            if (exp >= 0)
            {
                expValue = int.Parse(mantissa.AsSpan(exp + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
                mantissa = mantissa[..exp];
            }

            var dot = mantissa.IndexOf('.', StringComparison.Ordinal);
            var decimals = dot >= 0 ? mantissa.Length - dot - 1 : 0;
            esd = digits * Math.Pow(10, expValue - decimals);
        }

        return true;
    }
}

/// <summary>A loop_: its tags (lower case) and rows of values.</summary>
public sealed class CifLoop
{
    internal CifLoop(int line, IReadOnlyList<string> tags, IReadOnlyList<CifValue[]> rows)
    {
        Line = line;
        Tags = tags;
        Rows = rows;
    }

    /// <summary>Line of the <c>loop_</c> keyword.</summary>
    public int Line { get; }

    public IReadOnlyList<string> Tags { get; }

    public IReadOnlyList<CifValue[]> Rows { get; }

    /// <summary>Column index of a tag (any of the given spellings), or −1.</summary>
    public int Column(params string[] tags)
    {
        ArgumentNullException.ThrowIfNull(tags);
        foreach (var tag in tags)
        {
            for (var i = 0; i < Tags.Count; i++)
            {
                if (string.Equals(Tags[i], CifReader.NormalizeTag(tag), StringComparison.Ordinal))
                {
                    return i;
                }
            }
        }

        return -1;
    }
}

/// <summary>A data_ block: single-valued items and loops. Tags are stored lower case with '.' read as '_' (CIF2/mmCIF style).</summary>
public sealed class CifBlock
{
    private readonly Dictionary<string, (CifValue Value, int TagLine)> _items = new(StringComparer.Ordinal);
    private readonly List<CifLoop> _loops = [];

    internal CifBlock(string name, int line)
    {
        Name = name;
        Line = line;
    }

    /// <summary>Block name (after "data_").</summary>
    public string Name { get; }

    /// <summary>Line of the data_ header.</summary>
    public int Line { get; }

    public IReadOnlyList<CifLoop> Loops => _loops;

    /// <summary>Single-valued item by tag, or null.</summary>
    public CifValue? Item(params string[] tags)
    {
        ArgumentNullException.ThrowIfNull(tags);
        foreach (var tag in tags)
        {
            if (_items.TryGetValue(CifReader.NormalizeTag(tag), out var v))
            {
                return v.Value;
            }
        }

        return null;
    }

    /// <summary>The loop holding any of the given tags, or null.</summary>
    public CifLoop? Loop(params string[] tags)
    {
        foreach (var loop in _loops)
        {
            if (loop.Column(tags) >= 0)
            {
                return loop;
            }
        }

        return null;
    }

    internal void Add(string tag, CifValue value, int tagLine) => _items[tag] = (value, tagLine);

    internal void Add(CifLoop loop) => _loops.Add(loop);
}

/// <summary>A parsed CIF: its data blocks in file order.</summary>
public sealed class CifDocument
{
    internal CifDocument(string file, IReadOnlyList<CifBlock> blocks)
    {
        File = file;
        Blocks = blocks;
    }

    /// <summary>File name used in error messages.</summary>
    public string File { get; }

    public IReadOnlyList<CifBlock> Blocks { get; }
}
