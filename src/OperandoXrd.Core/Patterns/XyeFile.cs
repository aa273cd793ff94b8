using System.Globalization;
using System.Text;
using OperandoXrd.Core.Geometry;
using OperandoXrd.Core.Integration;
using OperandoXrd.Core.IO;

namespace OperandoXrd.Core.Patterns;

/// <summary>
/// Column text patterns — <c>.xye</c>, <c>.xy</c>, <c>.dat</c> — read and written by this one type.
/// <para>Written (ours): <c>#</c> header lines, <c>#</c> columns line naming the pyFAI unit, one bin per line
/// (radial, intensity, σ; invariant culture, 9 significant digits) as TOPAS, GSAS-II and Dioptas read them. Bins no
/// pixel reached are left out (a σ of 0 would give them infinite weight in a fit).</para>
/// <para>Read (ours, pyFAI, Dioptas, TOPAS, BUBBLES...): two or three numeric columns separated by white space, commas
/// or semicolons; comment lines starting with <c>#</c>, <c>'</c> or <c>!</c>; TOPAS <c>/* … */</c> blocks (over
/// several lines too); LF or CRLF; text lines before the first row (column titles) are a header. From the header:
/// the radial unit (a pyFAI unit name such as <c>2th_deg</c> or <c>q_nm^-1</c> opening the columns line) and the
/// wavelength (<c>Wavelength: 4.066e-11 m</c> as pyFAI writes it; also in Å or nm). A row that is not numbers after
/// the first row, a row with another column count, or a radial axis that is not monotonic is an error naming the line.</para>
/// </summary>
public static class XyeFile
{
    /// <summary>"frame_NNNNN.xye" with the global frame index on 5 digits.</summary>
    public static string FileName(int globalFrameIndex)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(globalFrameIndex);
        return string.Create(CultureInfo.InvariantCulture, $"frame_{globalFrameIndex:D5}.xye");
    }

    /// <summary>Writes <paramref name="pattern"/> to <paramref name="path"/> atomically.</summary>
    /// <param name="header">Extra header lines (without the leading "# "), e.g. source file and frame time.</param>
    /// <param name="wavelengthA">Written as pyFAI writes it (<c># Wavelength: … m</c>), so that q and d can be recomputed.</param>
    public static void Write(string path, Pattern1D pattern, RadialUnit unit, IEnumerable<string>? header = null, double? wavelengthA = null)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        AtomicFile.WriteAllText(path, Format(pattern, unit, header, wavelengthA));
    }

    /// <summary>The file's text.</summary>
    public static string Format(Pattern1D pattern, RadialUnit unit, IEnumerable<string>? header = null, double? wavelengthA = null)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        var text = new StringBuilder(pattern.Npt * 40 + 256);
        var c = CultureInfo.InvariantCulture;
        text.Append("# OperandoXrd azimuthal integration\n");
        foreach (var line in header ?? [])
        {
            text.Append("# ").Append(line.ReplaceLineEndings(" ")).Append('\n');
        }

        if (wavelengthA is double w)
        {
            text.Append("# Wavelength: ").Append((w * 1e-10).ToString("R", c)).Append(" m\n");
        }

        text.Append("# columns: ").Append(RadialUnits.Name(unit)).Append(" intensity sigma\n");
        for (var b = 0; b < pattern.Npt; b++)
        {
            if (!(pattern.Count[b] > 0))
            {
                continue;
            }

            text.Append(pattern.Radial[b].ToString("G9", c)).Append(' ')
                .Append(pattern.Intensity[b].ToString("G9", c)).Append(' ')
                .Append(pattern.Sigma[b].ToString("G9", c)).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>Reads a column pattern; see the type's remarks for what is accepted.</summary>
    /// <exception cref="PatternFormatException">Unreadable file or rows; the message names file and line.</exception>
    public static MeasuredPattern Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var lines = PatternText.ReadLines(path);
        var x = new List<double>(lines.Length);
        var y = new List<double>(lines.Length);
        var s = new List<double>(lines.Length);
        var columns = 0;
        var inBlock = false;
        RadialUnit? unit = null;
        double? wavelength = null;
        Span<Range> ranges = stackalloc Range[4];
        for (var k = 0; k < lines.Length; k++)
        {
            var line = StripBlockComments(lines[k], ref inBlock).Trim();
            if (line.Length == 0)
            {
                continue;
            }

            if (line[0] is '#' or '\'' or '!')
            {
                ReadHeader(line.AsSpan(1).Trim(), ref unit, ref wavelength);
                continue;
            }

            var n = PatternText.SplitFields(line, ranges);
            var ok = n >= 2;
            double a = 0, b = 0, e = 0;
            ok = ok && PatternText.TryNumber(line.AsSpan()[ranges[0]], out a) && PatternText.TryNumber(line.AsSpan()[ranges[1]], out b);
            ok = ok && (n < 3 || PatternText.TryNumber(line.AsSpan()[ranges[2]], out e));
            if (!ok)
            {
                if (x.Count == 0)
                {
                    // Column titles without a comment sign ("2theta  I  sigma"): a header.
                    ReadHeader(line, ref unit, ref wavelength);
                    continue;
                }

                throw new PatternFormatException($"{path}:{k + 1}: '{Shorten(line)}' is not a row of two or three numbers.");
            }

            var count = Math.Min(n, 3);
            if (columns == 0)
            {
                columns = count;
            }
            else if (count != columns)
            {
                throw new PatternFormatException($"{path}:{k + 1}: {count} columns where the rows above have {columns}.");
            }

            if (x.Count > 0 && !(a != x[^1]) || !double.IsFinite(a))
            {
                throw new PatternFormatException($"{path}:{k + 1}: radial value '{Shorten(line)}' repeats the previous row's or is not finite.");
            }

            if (x.Count > 1 && Math.Sign(a - x[^1]) != Math.Sign(x[^1] - x[^2]))
            {
                throw new PatternFormatException($"{path}:{k + 1}: the radial axis turns back here (not monotonic).");
            }

            x.Add(a);
            y.Add(b);
            s.Add(e);
        }

        if (inBlock)
        {
            throw new PatternFormatException($"{path}: a /* comment is never closed.");
        }

        if (x.Count < 2)
        {
            throw new PatternFormatException($"{path}: {x.Count} data rows; a pattern needs rows of two or three numbers.");
        }

        var format = Path.GetExtension(path).TrimStart('.').ToLowerInvariant();
        return new MeasuredPattern(path, format.Length > 0 ? format : "xy", [.. x], [.. y], columns == 3 ? [.. s] : null, unit, wavelength);
    }

    private static string Shorten(string line) => line.Length <= 60 ? line : line[..57] + "...";

    /// <summary>Removes TOPAS <c>/* … */</c> comments, which may span lines.</summary>
    private static string StripBlockComments(string line, ref bool inBlock)
    {
        if (!inBlock && !line.Contains("/*", StringComparison.Ordinal))
        {
            return line;
        }

        var kept = new StringBuilder(line.Length);
        var i = 0;
        while (i < line.Length)
        {
            if (inBlock)
            {
                var end = line.IndexOf("*/", i, StringComparison.Ordinal);
                if (end < 0)
                {
                    return kept.ToString();
                }

                inBlock = false;
                i = end + 2;
            }
            else
            {
                var start = line.IndexOf("/*", i, StringComparison.Ordinal);
                if (start < 0)
                {
                    kept.Append(line, i, line.Length - i);
                    break;
                }

                kept.Append(line, i, start - i);
                inBlock = true;
                i = start + 2;
            }
        }

        return kept.ToString();
    }

    /// <summary>A header line: the columns line (a pyFAI unit name first) or a wavelength (pyFAI: <c>Wavelength: 4.066e-11 m</c>).</summary>
    private static void ReadHeader(ReadOnlySpan<char> text, ref RadialUnit? unit, ref double? wavelength)
    {
        var t = text.ToString();
        var colon = t.IndexOf(':', StringComparison.Ordinal);
        if (colon > 0 && t[..colon].Trim().Equals("columns", StringComparison.OrdinalIgnoreCase))
        {
            t = t[(colon + 1)..];
        }

        var first = t.Split((char[])[' ', '\t', ','], StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
        if (first is not null && unit is null && TryUnit(first, out var u))
        {
            unit = u;
            return;
        }

        if (wavelength is null && PatternHeader.TryWavelength(t, out var w))
        {
            wavelength = w;
        }
    }

    /// <summary>A pyFAI unit name, or the common spellings of 2θ in degrees (<c>2theta</c>, <c>2th</c>, <c>tth</c>).</summary>
    internal static bool TryUnit(string name, out RadialUnit unit)
    {
        if (RadialUnits.TryParse(name, out unit))
        {
            return true;
        }

        if (name.ToLowerInvariant() is "2theta" or "2th" or "tth" or "twotheta" or "2θ" or "2theta_deg")
        {
            unit = RadialUnit.TwoThetaDeg;
            return true;
        }

        return false;
    }
}

/// <summary>Header values every text pattern format may carry.</summary>
internal static class PatternHeader
{
    /// <summary>
    /// <c>Wavelength: 4.066e-11 m</c> (pyFAI), <c>Calibrated wavelength = 0.413263</c> (APS 11-BM), <c>wavelength 0.4066 A</c>:
    /// a unit m, nm, A/Å/Angstrom; without a unit, values below 1e-6 are metres, others Å.
    /// </summary>
    public static bool TryWavelength(string text, out double angstrom)
    {
        angstrom = 0;
        var at = text.IndexOf("wavelength", StringComparison.OrdinalIgnoreCase);
        if (at < 0)
        {
            return false;
        }

        var rest = text[(at + "wavelength".Length)..].TrimStart(' ', '\t', ':', '=', '(');
        var parts = rest.Split((char[])[' ', '\t'], 3, StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0 || !PatternText.TryNumber(parts[0], out var value) || !(value > 0))
        {
            return false;
        }

        var unit = parts.Length > 1 ? parts[1].Trim('(', ')', '[', ']').ToLowerInvariant() : "";
        angstrom = unit switch
        {
            "m" => value * 1e10,
            "nm" => value * 10,
            "a" or "å" or "angstrom" or "angstroms" or "ang" => value,
            _ => value < 1e-6 ? value * 1e10 : value,
        };
        return double.IsFinite(angstrom) && angstrom > 0;
    }
}
