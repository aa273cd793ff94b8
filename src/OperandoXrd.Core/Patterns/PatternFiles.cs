using OperandoXrd.Core.IO;

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
                var found = Directory.EnumerateFiles(input).Where(IsPatternFile).Order(NaturalFileOrder.Instance).ToList();
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
