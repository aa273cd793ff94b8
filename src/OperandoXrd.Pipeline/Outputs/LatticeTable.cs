using System.Globalization;
using OperandoXrd.Core.IO;
using OperandoXrd.Fitting.Output;

namespace OperandoXrd.Pipeline.Outputs;

/// <summary>
/// lattice.csv of a run: every frame in order, fitted or not, written with the fitter's <see cref="LatticeCsv"/>
/// (the brief's header, then iterations and note). time_s is the frame's mid-exposure time in seconds from the first
/// frame's start. The whole table is replaced atomically, so a reader never sees half a row.
/// </summary>
public static class LatticeTable
{
    public static string Format(IReadOnlyList<FrameRow> rows, IReadOnlyList<(string Phase, IReadOnlyList<string> Cell)> columns, bool hasPeek)
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture) { NewLine = "\n" };
        WriteTo(text, rows, columns, hasPeek);
        return text.ToString();
    }

    /// <summary>Streams the table into the file (temporary name, then rename): no whole-table string per checkpoint.</summary>
    public static void Write(string path, IReadOnlyList<FrameRow> rows, IReadOnlyList<(string Phase, IReadOnlyList<string> Cell)> columns, bool hasPeek) =>
        AtomicFile.Write(path, stream =>
        {
            using var writer = new StreamWriter(stream, new System.Text.UTF8Encoding(false), 1 << 16, leaveOpen: true) { NewLine = "\n" };
            WriteTo(writer, rows, columns, hasPeek);
        });

    private static void WriteTo(TextWriter writer, IReadOnlyList<FrameRow> rows, IReadOnlyList<(string Phase, IReadOnlyList<string> Cell)> columns, bool hasPeek)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var csv = new LatticeCsv(writer, columns, hasPeek);
        var t0 = rows.Count > 0 ? rows[0].Timing.StartUnixSeconds : 0;
        foreach (var row in rows)
        {
            var time = row.Timing.MidExposureUnixSeconds - t0;
            var echem = new FrameEchem(row.Echem.Voltage_V, row.Echem.Current_mA, row.Echem.Capacity_mAh_g, row.Echem.XLi);
            if (row.Fit is { } fit)
            {
                csv.Write(fit, time, echem);
            }
            else
            {
                csv.WriteUnfitted(row.Index, time, echem, row.Reason);
            }
        }
    }

    /// <summary>
    /// Where two lattice tables differ: the header, the row count, any non-numeric field, or a number further apart
    /// than <paramref name="relativeTolerance"/> (relative to the larger magnitude). Empty when they agree.
    /// </summary>
    public static IReadOnlyList<string> Differences(string a, string b, double relativeTolerance)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var la = a.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var lb = b.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var result = new List<string>();
        if (la.Length != lb.Length)
        {
            result.Add($"{la.Length - 1} rows against {lb.Length - 1}");
            return result;
        }

        var header = la.Length > 0 ? la[0].Split(',') : [];
        for (var r = 0; r < la.Length; r++)
        {
            var fa = la[r].Split(',');
            var fb = lb[r].Split(',');
            if (fa.Length != fb.Length)
            {
                result.Add($"line {r + 1}: {fa.Length} fields against {fb.Length}");
                continue;
            }

            for (var c = 0; c < fa.Length; c++)
            {
                if (string.Equals(fa[c], fb[c], StringComparison.Ordinal))
                {
                    continue;
                }

                var same = r > 0
                    && double.TryParse(fa[c], NumberStyles.Float, CultureInfo.InvariantCulture, out var x)
                    && double.TryParse(fb[c], NumberStyles.Float, CultureInfo.InvariantCulture, out var y)
                    && Math.Abs(x - y) <= relativeTolerance * Math.Max(Math.Abs(x), Math.Abs(y));
                if (!same)
                {
                    result.Add($"line {r + 1}, {(c < header.Length ? header[c] : "column " + c)}: {fa[c]} against {fb[c]}");
                }
            }
        }

        return result;
    }
}
