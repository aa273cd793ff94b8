using System.Globalization;
using System.Text;
using OperandoXrd.Core.IO;

namespace OperandoXrd.Pipeline.Outputs;

/// <summary>
/// lattice.csv as the brief defines it:
/// <c>frame,time_s,voltage_V,current_mA,capacity_mAh_g,x_Li,&lt;phase&gt;_&lt;param&gt;,&lt;phase&gt;_&lt;param&gt;_esd,...,&lt;phase&gt;_scale,PEEK_scale,Rwp,GoF,status</c>.
/// time_s is the frame's mid-exposure time in seconds from the first frame's start. The cell columns are the ones the
/// phases' lattice systems have (NCA_a, NCA_c, NCA_V, LPSCl_a, LPSCl_V, LIC_a, LIC_b, LIC_c, LIC_beta, LIC_V), taken
/// from the first fitted frame; c/a stays in reduced.h5. Empty fields where a frame has no value.
/// </summary>
public static class LatticeTable
{
    public static IReadOnlyList<string> CellColumns(IEnumerable<FrameRow> rows)
    {
        var first = rows.FirstOrDefault(r => r.Fit is { Phases.Count: > 0 });
        if (first?.Fit is null)
        {
            return [];
        }

        var columns = new List<string>();
        foreach (var phase in first.Fit.Phases)
        {
            foreach (var q in phase.Cell.Where(q => !string.Equals(q.Name, "c/a", StringComparison.Ordinal)))
            {
                columns.Add($"{phase.Name}_{q.Name}");
            }
        }

        return columns;
    }

    public static string Format(IReadOnlyList<FrameRow> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var cells = CellColumns(rows);
        var phases = rows.FirstOrDefault(r => r.Fit is { Phases.Count: > 0 })?.Fit?.Phases.Select(p => p.Name).ToList() ?? [];
        var sb = new StringBuilder();
        sb.Append("frame,time_s,voltage_V,current_mA,capacity_mAh_g,x_Li");
        foreach (var c in cells)
        {
            sb.Append(',').Append(c).Append(',').Append(c).Append("_esd");
        }

        foreach (var p in phases)
        {
            sb.Append(',').Append(p).Append("_scale");
        }

        sb.Append(",PEEK_scale,Rwp,GoF,status\n");
        var t0 = rows.Count > 0 ? rows[0].Timing.StartUnixSeconds : 0;
        foreach (var row in rows)
        {
            sb.Append(row.Index.ToString(CultureInfo.InvariantCulture));
            Append(sb, row.Timing.MidExposureUnixSeconds - t0);
            Append(sb, row.Echem.Voltage_V);
            Append(sb, row.Echem.Current_mA);
            Append(sb, row.Echem.Capacity_mAh_g);
            Append(sb, row.Echem.XLi);
            var fit = row.Fit;
            foreach (var column in cells)
            {
                var cut = column.IndexOf('_', StringComparison.Ordinal);
                var phaseName = column[..cut];
                var quantity = column[(cut + 1)..];
                var phase = fit?.Phases.FirstOrDefault(p => string.Equals(p.Name, phaseName, StringComparison.Ordinal));
                var q = phase?.Cell.FirstOrDefault(c => string.Equals(c.Name, quantity, StringComparison.Ordinal));
                Append(sb, q?.Value ?? double.NaN);
                Append(sb, q?.Esd ?? double.NaN);
            }

            foreach (var p in phases)
            {
                Append(sb, fit?.Phases.FirstOrDefault(x => string.Equals(x.Name, p, StringComparison.Ordinal))?.Scale ?? double.NaN);
            }

            Append(sb, fit?.PeekScale ?? double.NaN);
            Append(sb, fit?.Rwp ?? double.NaN);
            Append(sb, fit?.GoF ?? double.NaN);
            sb.Append(',').Append(row.Status).Append('\n');
        }

        return sb.ToString();
    }

    public static void Write(string path, IReadOnlyList<FrameRow> rows) => AtomicFile.WriteAllText(path, Format(rows));

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

    private static void Append(StringBuilder sb, double value)
    {
        sb.Append(',');
        if (double.IsFinite(value))
        {
            sb.Append(value.ToString("R", CultureInfo.InvariantCulture));
        }
    }
}
