using System.Globalization;
using System.Text;
using OperandoXrd.Core.Geometry;
using OperandoXrd.Core.IO;

namespace OperandoXrd.Core.Integration.Output;

/// <summary>
/// Three-column text patterns (radial, intensity, σ) as TOPAS, GSAS-II and Dioptas read them: <c>#</c> header lines,
/// one bin per line, invariant culture, 9 significant digits. Bins no pixel reached in the frame are left out (a σ of
/// 0 would give them infinite weight in a fit).
/// </summary>
public static class XyeWriter
{
    /// <summary>"frame_NNNNN.xye" with the global frame index on 5 digits.</summary>
    public static string FileName(int globalFrameIndex)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(globalFrameIndex);
        return string.Create(CultureInfo.InvariantCulture, $"frame_{globalFrameIndex:D5}.xye");
    }

    /// <summary>Writes <paramref name="pattern"/> to <paramref name="path"/> atomically.</summary>
    /// <param name="header">Extra header lines (without the leading "# "), e.g. source file and frame time.</param>
    public static void Write(string path, Pattern1D pattern, RadialUnit unit, IEnumerable<string>? header = null)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        AtomicFile.WriteAllText(path, Format(pattern, unit, header));
    }

    /// <summary>The file's text.</summary>
    public static string Format(Pattern1D pattern, RadialUnit unit, IEnumerable<string>? header = null)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        var text = new StringBuilder(pattern.Npt * 40 + 256);
        var c = CultureInfo.InvariantCulture;
        text.Append("# OperandoXrd azimuthal integration\n");
        foreach (var line in header ?? [])
        {
            text.Append("# ").Append(line.ReplaceLineEndings(" ")).Append('\n');
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
}
