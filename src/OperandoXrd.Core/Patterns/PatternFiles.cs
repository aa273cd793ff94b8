namespace OperandoXrd.Core.Patterns;

/// <summary>
/// Pattern files by extension, and the inputs of <c>oxrd fit --patterns</c>: files, and folders whose pattern files
/// are taken in natural numeric order (<c>scan_2</c> before <c>scan_10</c>).
/// </summary>
public static class PatternFiles
{
    /// <summary>The extensions read as text patterns (lower case, with the dot).</summary>
    public static IReadOnlyList<string> Extensions { get; } = [".xye", ".xy", ".dat", ".chi", ".fxye", ".gsas", ".gsa", ".gss"];

    public static bool IsPatternFile(string path) => Extensions.Contains(Path.GetExtension(path).ToLowerInvariant(), StringComparer.Ordinal);

    /// <summary>Reads one pattern file with the reader its extension names.</summary>
    /// <exception cref="PatternFormatException">Unknown extension or unreadable content (file and line named).</exception>
    public static MeasuredPattern Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new PatternFormatException($"{path}: no such file.");
        }

        return Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".xye" or ".xy" or ".dat" => XyeFile.Read(path),
            ".chi" => ChiFile.Read(path),
            ".fxye" or ".gsas" or ".gsa" or ".gss" => GsasFile.Read(path),
            var e => throw new PatternFormatException($"{path}: '{e}' is not a pattern format we read ({string.Join(", ", Extensions)}, or HDF5 from oxrd integrate)."),
        };
    }

    /// <summary>
    /// The pattern files named by <paramref name="inputs"/>: a file as given, a folder's pattern files in natural
    /// numeric order. A folder without pattern files is an error naming it.
    /// </summary>
    public static IReadOnlyList<string> Expand(IEnumerable<string> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var files = new List<string>();
        foreach (var input in inputs)
        {
            if (Directory.Exists(input))
            {
                var found = Directory.EnumerateFiles(input).Where(IsPatternFile).Order(NaturalOrder.Instance).ToList();
                if (found.Count == 0)
                {
                    throw new PatternFormatException($"{input}: the folder holds no pattern files ({string.Join(", ", Extensions)}).");
                }

                files.AddRange(found);
            }
            else
            {
                files.Add(input);
            }
        }

        return files;
    }
}

/// <summary>Orders names with their digit runs compared as numbers: <c>OH_2</c> before <c>OH_10</c>, then ordinally.</summary>
public sealed class NaturalOrder : IComparer<string>
{
    public static NaturalOrder Instance { get; } = new();

    public int Compare(string? x, string? y)
    {
        if (x is null || y is null)
        {
            return x is null ? (y is null ? 0 : -1) : 1;
        }

        int i = 0, j = 0;
        while (i < x.Length && j < y.Length)
        {
            if (char.IsAsciiDigit(x[i]) && char.IsAsciiDigit(y[j]))
            {
                int si = i, sj = j;
                while (i < x.Length && char.IsAsciiDigit(x[i]))
                {
                    i++;
                }

                while (j < y.Length && char.IsAsciiDigit(y[j]))
                {
                    j++;
                }

                var a = x.AsSpan(si, i - si).TrimStart('0');
                var b = y.AsSpan(sj, j - sj).TrimStart('0');
                var c = a.Length != b.Length ? a.Length.CompareTo(b.Length) : a.SequenceCompareTo(b);
                if (c != 0)
                {
                    return c;
                }
            }
            else
            {
                var c = x[i].CompareTo(y[j]);
                if (c != 0)
                {
                    return c;
                }

                i++;
                j++;
            }
        }

        var rest = (x.Length - i).CompareTo(y.Length - j);
        return rest != 0 ? rest : string.CompareOrdinal(x, y);
    }
}
