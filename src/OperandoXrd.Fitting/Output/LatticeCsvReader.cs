using System.Globalization;
using OperandoXrd.Fitting.Sequential;

namespace OperandoXrd.Fitting.Output;

/// <summary>A refined quantity of one frame: a cell parameter such as <c>NCA_a</c> with its estimated standard deviation.</summary>
public readonly record struct LatticeValue(string Name, double Value, double Esd);

/// <summary>One data row of <c>lattice.csv</c>.</summary>
public sealed record LatticeRow(
    int Frame,
    double Time,
    double Voltage,
    double Current,
    double Capacity,
    double XLi,
    IReadOnlyList<LatticeValue> Lattice,
    IReadOnlyList<LatticeValue> Scales,
    double Rwp,
    double GoF,
    string Status)
{
    /// <summary>The <c>esd_factor_…</c> column: the reported esds over the least-squares ones (NaN when absent or empty).</summary>
    public double EsdFactor { get; init; } = double.NaN;
}

/// <summary>What could be read from a <c>lattice.csv</c>: the rows that are data, and why the others are not.</summary>
public sealed record LatticeTable(IReadOnlyList<string> Columns, IReadOnlyList<LatticeRow> Rows, IReadOnlyList<string> Rejected)
{
    /// <summary>
    /// Which esd the <c>_esd</c> columns hold, from the header's <c>esd_factor_&lt;convention&gt;</c> column; files
    /// written before that column existed hold the scaled esd (the fitter has always scaled by √χ²ν).
    /// </summary>
    public EsdConvention EsdConvention { get; init; } = EsdConvention.Scaled;

    public static LatticeTable Empty { get; } = new([], [], []);
}

/// <summary>
/// Reading <c>lattice.csv</c>
/// (<c>frame,time_s,voltage_V,current_mA,capacity_mAh_g,x_Li,&lt;phase&gt;_&lt;param&gt;,&lt;phase&gt;_&lt;param&gt;_esd,...,&lt;phase&gt;_scale,PEEK_scale,Rwp,GoF,status</c>)
/// defensively: the file may be caught mid-write, so a row is data only when it has exactly the header's field
/// count, every number parses, and its line was terminated (unless the caller knows the file is settled).
/// An empty cell is a missing value (NaN), except in <c>frame</c> and <c>time_s</c>.
/// </summary>
public sealed partial class LatticeCsv
{
    /// <param name="text">The whole file.</param>
    /// <param name="source">File name for messages.</param>
    /// <param name="acceptUnterminatedLastLine">
    /// True when the file has been seen unchanged for a while, so a last line without a newline is finished, not
    /// caught mid-write.
    /// </param>
    /// <exception cref="FormatException">The header is complete but is not a lattice.csv header (names the file and the column).</exception>
    public static LatticeTable Parse(string text, string source, bool acceptUnterminatedLastLine = false)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lines = text.Split('\n');

        // Split leaves one element after the last '\n': empty when the file ends with a newline, else a line that
        // may still be growing.
        var complete = lines.Length - 1;
        if (acceptUnterminatedLastLine && lines[^1].Length > 0)
        {
            complete = lines.Length;
        }

        if (complete < 1)
        {
            return LatticeTable.Empty; // not even a whole header yet
        }

        var columns = lines[0].TrimEnd('\r').Split(',');
        var layout = Layout.FromHeader(columns, source);
        var rows = new List<LatticeRow>();
        var rejected = new List<string>();
        for (var i = 1; i < complete; i++)
        {
            var line = lines[i].TrimEnd('\r');
            if (line.Length == 0)
            {
                continue;
            }

            var problem = layout.TryParse(line, out var row);
            if (problem is null)
            {
                rows.Add(row!);
            }
            else
            {
                rejected.Add($"{source}: line {i + 1}: {problem}");
            }
        }

        return new LatticeTable(columns, rows, rejected) { EsdConvention = layout.Esd };
    }

    private sealed class Layout
    {
        private readonly string[] _columns;
        private readonly List<(string Name, int Value, int Esd)> _lattice = [];
        private readonly List<(string Name, int Value)> _scales = [];

        private readonly int _status;
        private int _esdFactor = -1;

        private Layout(string[] columns, int status)
        {
            _columns = columns;
            _status = status;
        }

        public EsdConvention Esd { get; private set; } = EsdConvention.Scaled;

        public static Layout FromHeader(string[] columns, string source)
        {
            if (columns.Length < Leading.Length + Trailing.Length)
            {
                throw new FormatException($"{source}: header has {columns.Length} columns; a lattice.csv header starts with {string.Join(',', Leading)} and ends with {string.Join(',', Trailing)}");
            }

            for (var i = 0; i < Leading.Length; i++)
            {
                if (!string.Equals(columns[i], Leading[i], StringComparison.Ordinal))
                {
                    throw new FormatException($"{source}: header column {i + 1} is '{columns[i]}', expected '{Leading[i]}'");
                }
            }

            // The contract's columns (docs/formats.md) end with Rwp, GoF, status; writers may add columns after status (ours add
            // iterations and note), which the viewer does not need.
            var status = Array.LastIndexOf(columns, "status");
            var first = status - Trailing.Length + 1;
            if (status < 0 || first < Leading.Length)
            {
                throw new FormatException($"{source}: header has no 'status' column after the lattice columns");
            }

            for (var i = 0; i < Trailing.Length; i++)
            {
                var c = first + i;
                if (!string.Equals(columns[c], Trailing[i], StringComparison.Ordinal))
                {
                    throw new FormatException($"{source}: header column {c + 1} is '{columns[c]}', expected '{Trailing[i]}'");
                }
            }

            var layout = new Layout(columns, status);
            for (var c = status + 1; c < columns.Length; c++)
            {
                if (columns[c].StartsWith(EsdConventions.ColumnPrefix, StringComparison.Ordinal))
                {
                    var name = columns[c][EsdConventions.ColumnPrefix.Length..];
                    layout.Esd = EsdConventions.Parse(name)
                        ?? throw new FormatException($"{source}: header column {c + 1} '{columns[c]}' names no esd convention ({EsdConventions.Choices})");
                    layout._esdFactor = c;
                }
            }

            var index = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var c = Leading.Length; c < first; c++)
            {
                index[columns[c]] = c;
            }

            foreach (var (name, c) in index.OrderBy(p => p.Value))
            {
                if (name.EndsWith("_esd", StringComparison.Ordinal))
                {
                    continue;
                }

                if (index.TryGetValue(name + "_esd", out var esd))
                {
                    layout._lattice.Add((name, c, esd));
                }
                else
                {
                    layout._scales.Add((name, c));
                }
            }

            return layout;
        }

        public string? TryParse(string line, out LatticeRow? row)
        {
            row = null;
            var fields = line.Split(',');
            if (fields.Length != _columns.Length)
            {
                return $"{fields.Length} fields, header has {_columns.Length}";
            }

            if (!int.TryParse(fields[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out var frame) || frame < 0)
            {
                return $"frame '{fields[0]}' is not a frame index";
            }

            var values = new double[fields.Length - 1];
            for (var c = 1; c < _status; c++)
            {
                var f = fields[c].Trim();
                if (f.Length == 0 && c > 1)
                {
                    values[c] = double.NaN;
                }
                else if (!double.TryParse(f, NumberStyles.Float, CultureInfo.InvariantCulture, out values[c]))
                {
                    return $"frame {frame}: {_columns[c]} '{fields[c]}' is not a number";
                }
            }

            if (!double.IsFinite(values[1]))
            {
                return $"frame {frame}: time_s '{fields[1]}' is not a finite number";
            }

            var lattice = new LatticeValue[_lattice.Count];
            for (var i = 0; i < lattice.Length; i++)
            {
                var (name, v, e) = _lattice[i];
                lattice[i] = new LatticeValue(name, values[v], values[e]);
            }

            var scales = new LatticeValue[_scales.Count];
            for (var i = 0; i < scales.Length; i++)
            {
                scales[i] = new LatticeValue(_scales[i].Name, values[_scales[i].Value], double.NaN);
            }

            var factor = double.NaN;
            if (_esdFactor >= 0 && fields[_esdFactor].Trim().Length > 0
                && !double.TryParse(fields[_esdFactor], NumberStyles.Float, CultureInfo.InvariantCulture, out factor))
            {
                return $"frame {frame}: {_columns[_esdFactor]} '{fields[_esdFactor]}' is not a number";
            }

            row = new LatticeRow(frame, values[1], values[2], values[3], values[4], values[5], lattice, scales,
                values[_status - 2], values[_status - 1], fields[_status].Trim())
            { EsdFactor = factor };
            return null;
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
