using System.Globalization;
using OperandoXrd.Core.Geometry;

namespace OperandoXrd.Core.Patterns;

/// <summary>
/// Fit2D <c>.chi</c> patterns: line 1 a title, line 2 the x-axis label (<c>2-Theta Angle (Degrees)</c>,
/// <c>Q (nm^-1)</c>, <c>Q (Angstroms^-1)</c>, <c>D-spacing (Angstroms)</c>, or a pyFAI unit name), line 3 the y label,
/// line 4 the number of points, then one row per point (x, I, and σ when a third column is present).
/// </summary>
public static class ChiFile
{
    /// <exception cref="PatternFormatException">The message names file and line.</exception>
    public static MeasuredPattern Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var lines = PatternText.ReadLines(path);
        if (lines.Length < 4)
        {
            throw new PatternFormatException($"{path}: {lines.Length} lines; a Fit2D .chi file has a title, two axis labels and a point count before its rows.");
        }

        if (!int.TryParse(lines[3].Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var count) || count < 2)
        {
            throw new PatternFormatException($"{path}:4: '{lines[3].Trim()}' is not the number of points.");
        }

        var x = new double[count];
        var y = new double[count];
        var s = new double[count];
        var columns = 0;
        var row = 0;
        Span<Range> ranges = stackalloc Range[4];
        for (var k = 4; k < lines.Length && row < count; k++)
        {
            var line = lines[k];
            var n = PatternText.SplitFields(line, ranges);
            if (n == 0)
            {
                continue;
            }

            var c = Math.Min(n, 3);
            if (n < 2 || !PatternText.TryNumber(line.AsSpan()[ranges[0]], out x[row]) || !PatternText.TryNumber(line.AsSpan()[ranges[1]], out y[row])
                || (c == 3 && !PatternText.TryNumber(line.AsSpan()[ranges[2]], out s[row])))
            {
                throw new PatternFormatException($"{path}:{k + 1}: '{line.Trim()}' is not a row of two or three numbers.");
            }

            if (columns == 0)
            {
                columns = c;
            }
            else if (c != columns)
            {
                throw new PatternFormatException($"{path}:{k + 1}: {c} columns where the rows above have {columns}.");
            }

            if (row > 0 && !(x[row] != x[row - 1]))
            {
                throw new PatternFormatException($"{path}:{k + 1}: the radial value repeats the previous row's.");
            }

            row++;
        }

        if (row < count)
        {
            throw new PatternFormatException($"{path}: line 4 announces {count} points, the file holds {row} (truncated?).");
        }

        return new MeasuredPattern(path, "chi", x, y, columns == 3 ? s : null, UnitFromLabel(lines[1]), null);
    }

    /// <summary>The radial unit of a Fit2D/pyFAI x-axis label, or null when the label does not say.</summary>
    internal static RadialUnit? UnitFromLabel(string label)
    {
        var l = label.Trim();
        var first = l.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
        if (first is not null && XyeFile.TryUnit(first, out var unit))
        {
            return unit;
        }

        var lower = l.ToLowerInvariant();
        if (lower.Contains("2-theta", StringComparison.Ordinal) || lower.Contains("2theta", StringComparison.Ordinal))
        {
            return lower.Contains("rad", StringComparison.Ordinal) ? RadialUnit.TwoThetaRad : RadialUnit.TwoThetaDeg;
        }

        if (lower.StartsWith('q'))
        {
            return lower.Contains("nm", StringComparison.Ordinal) ? RadialUnit.QNm
                : lower.Contains("ang", StringComparison.Ordinal) || lower.Contains("a^-1", StringComparison.Ordinal) || lower.Contains("å", StringComparison.Ordinal) ? RadialUnit.QA
                : null;
        }

        return lower.StartsWith("d-spacing", StringComparison.Ordinal) || lower.StartsWith("d (", StringComparison.Ordinal) ? RadialUnit.DA : null;
    }
}
