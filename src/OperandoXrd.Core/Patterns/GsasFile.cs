using System.Globalization;
using OperandoXrd.Core.Geometry;

namespace OperandoXrd.Core.Patterns;

/// <summary>
/// GSAS powder data (<c>.fxye</c>, <c>.gsas</c>, <c>.gsa</c>, <c>.gss</c>): line 1 a title, <c>#</c> comments, then
/// <c>BANK n nchan nrec BINTYP bcoef1 bcoef2 bcoef3 bcoef4 TYPE</c> and the bank's records. Constant-wavelength
/// banks only (BINTYP <c>CONS</c>; TOF banks are refused), first bank only. Records:
/// <c>FXYE</c> (x I σ per line), <c>FXY</c> (x I), x in centidegrees; <c>ESD</c> (five pairs I σ per 80-column
/// record, 2θ = (bcoef1 + i·bcoef2)/100). <c>STD</c> and <c>ALT</c> records are refused with a clear message.
/// GSAS-II reads FXYE as 2θ = column 1 / 100 (°), I = column 2, weight = 1/column 3². A wavelength in a comment
/// (<c># Calibrated wavelength = 0.413263</c>, APS 11-BM) is read.
/// </summary>
public static class GsasFile
{
    /// <exception cref="PatternFormatException">The message names file and line.</exception>
    public static MeasuredPattern Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var lines = PatternText.ReadLines(path);
        double? wavelength = null;
        var bank = -1;
        for (var k = 1; k < lines.Length; k++)
        {
            var t = lines[k].TrimStart();
            if (t.StartsWith("BANK", StringComparison.OrdinalIgnoreCase))
            {
                bank = k;
                break;
            }

            if (t.StartsWith('#') && wavelength is null && PatternHeader.TryWavelength(t[1..], out var w))
            {
                wavelength = w;
            }
        }

        if (bank < 0)
        {
            throw new PatternFormatException($"{path}: no BANK line (a GSAS file has a title line, comments, then BANK n nchan nrec CONS start step 0 0 FXYE).");
        }

        var f = lines[bank].Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        var where = $"{path}:{bank + 1}";
        if (f.Length < 7 || !int.TryParse(f[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out var nchan) || nchan < 2)
        {
            throw new PatternFormatException($"{where}: '{lines[bank].Trim()}' is not a BANK line (BANK n nchan nrec BINTYP bcoef1 bcoef2 ...).");
        }

        var binType = f[4].ToUpperInvariant();
        if (binType != "CONS")
        {
            throw new PatternFormatException($"{where}: BINTYP {f[4]}: only constant-wavelength banks (CONS) are read; time-of-flight banks are not.");
        }

        if (!PatternText.TryNumber(f[5], out var start) || !PatternText.TryNumber(f[6], out var step))
        {
            throw new PatternFormatException($"{where}: cannot read the CONS start and step ('{f[5]}', '{f[6]}').");
        }

        // TYPE is the last word when present (after the four bcoefs); GSAS's default is STD.
        var type = f.Length > 9 && !PatternText.TryNumber(f[^1], out _) ? f[^1].ToUpperInvariant() : "STD";
        var x = new double[nchan];
        var y = new double[nchan];
        var s = new double[nchan];
        var read = type switch
        {
            "FXYE" or "FXY" => ReadXy(lines, bank + 1, path, x, y, type == "FXYE" ? s : null),
            "ESD" => ReadEsd(lines, bank + 1, path, start, step, x, y, s),
            _ => throw new PatternFormatException($"{where}: {type} records are not read (FXYE, FXY and ESD are)."),
        };
        if (read < nchan)
        {
            throw new PatternFormatException($"{path}: the BANK line announces {nchan} points, the file holds {read} (truncated?).");
        }

        return new MeasuredPattern(path, "gsas-" + type.ToLowerInvariant(), x, y, type == "FXY" ? null : s, RadialUnit.TwoThetaDeg, wavelength);
    }

    /// <summary>FXYE/FXY: one point per line, x in centidegrees. Stops at the next BANK line.</summary>
    private static int ReadXy(string[] lines, int from, string path, double[] x, double[] y, double[]? s)
    {
        var n = 0;
        Span<Range> ranges = stackalloc Range[4];
        for (var k = from; k < lines.Length && n < x.Length; k++)
        {
            var line = lines[k];
            var count = PatternText.SplitFields(line, ranges);
            if (count == 0 || line.TrimStart().StartsWith('#'))
            {
                continue;
            }

            if (line.TrimStart().StartsWith("BANK", StringComparison.OrdinalIgnoreCase))
            {
                break;
            }

            var need = s is null ? 2 : 3;
            if (count < need || !PatternText.TryNumber(line.AsSpan()[ranges[0]], out var cdeg) || !PatternText.TryNumber(line.AsSpan()[ranges[1]], out y[n])
                || (s is not null && !PatternText.TryNumber(line.AsSpan()[ranges[2]], out s[n])))
            {
                throw new PatternFormatException($"{path}:{k + 1}: '{line.Trim()}' is not a row of {need} numbers (2θ in centidegrees, I{(s is null ? "" : ", σ")}).");
            }

            x[n] = cdeg / 100.0;
            if (n > 0 && !(x[n] > x[n - 1]))
            {
                throw new PatternFormatException($"{path}:{k + 1}: 2θ does not increase.");
            }

            n++;
        }

        return n;
    }

    /// <summary>ESD: 80-column records of five (I, σ) pairs in 8-column fields; 2θ from the CONS start and step.</summary>
    private static int ReadEsd(string[] lines, int from, string path, double start, double step, double[] x, double[] y, double[] s)
    {
        var n = 0;
        for (var k = from; k < lines.Length && n < x.Length; k++)
        {
            var line = lines[k];
            if (line.TrimStart().StartsWith("BANK", StringComparison.OrdinalIgnoreCase))
            {
                break;
            }

            for (var c = 0; c < 80 && c < line.Length && n < x.Length; c += 16)
            {
                var a = Field(line, c);
                var b = Field(line, c + 8);
                if (a.IsWhiteSpace() && b.IsWhiteSpace())
                {
                    break;
                }

                if (!PatternText.TryNumber(a, out y[n]) || !PatternText.TryNumber(b, out s[n]))
                {
                    throw new PatternFormatException($"{path}:{k + 1}: columns {c + 1}–{c + 16} ('{a.ToString()}{b.ToString()}') are not an intensity and its σ.");
                }

                x[n] = (start + n * step) / 100.0;
                n++;
            }
        }

        return n;
    }

    private static ReadOnlySpan<char> Field(string line, int at) =>
        at >= line.Length ? [] : line.AsSpan(at, Math.Min(8, line.Length - at));
}
