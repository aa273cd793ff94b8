using System.Globalization;
using OperandoXrd.Fitting.Output;

namespace OperandoXrd.Campaigns.Merge;

/// <summary>
/// Every merged scan's lattice.csv under one header: the union of the scans' columns (in the order first met; scans
/// with the same pipeline have the same columns) with <c>scan</c> first. A row of a scan whose columns are the union's
/// is its lattice.csv line unchanged behind the label, so campaign.csv repeats each scan's numbers byte for byte.
/// </summary>
public sealed class CampaignTable
{
    public const string ScanColumn = "scan";

    private CampaignTable(IReadOnlyList<string> columns, IReadOnlyList<ScanTable> scans)
    {
        Columns = columns;
        Scans = scans;
    }

    /// <summary>The lattice.csv columns (without <c>scan</c>).</summary>
    public IReadOnlyList<string> Columns { get; }

    public IReadOnlyList<ScanTable> Scans { get; }

    /// <summary>One scan's rows, each already laid out in <see cref="Columns"/>' order.</summary>
    public sealed record ScanTable(string Label, IReadOnlyList<string[]> Rows, IReadOnlyList<string> Lines);

    /// <summary>Reads each scan's lattice.csv (label, path), in the order given.</summary>
    public static CampaignTable Read(IEnumerable<(string Label, string Path)> scans)
    {
        ArgumentNullException.ThrowIfNull(scans);
        var columns = new List<string>();
        var read = new List<(string Label, string[] Header, List<string> Lines)>();
        foreach (var (label, path) in scans)
        {
            // lattice.csv's own reader checks the file (a lattice.csv header, every row whole and numeric); the rows
            // are then carried as text, so that campaign.csv repeats them byte for byte, iterations and note included.
            var text = File.ReadAllText(path);
            var parsed = LatticeCsv.Parse(text, path, acceptUnterminatedLastLine: true);
            if (parsed.Columns.Count == 0 || parsed.Rejected.Count > 0)
            {
                throw new InvalidDataException(parsed.Rejected.Count > 0 ? parsed.Rejected[0] : $"{path}: empty (no lattice.csv header)");
            }

            var lines = text.Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Length > 0).ToList();
            var header = lines[0].Split(',');
            columns.AddRange(header.Where(h => !columns.Contains(h, StringComparer.Ordinal)));
            read.Add((label, header, lines.Skip(1).ToList()));
        }

        var tables = new List<ScanTable>();
        foreach (var (label, header, lines) in read)
        {
            var same = header.SequenceEqual(columns, StringComparer.Ordinal);
            var position = header.Select((h, k) => (h, k)).ToDictionary(p => p.h, p => p.k, StringComparer.Ordinal);
            var rows = new List<string[]>();
            var outLines = new List<string>();
            foreach (var line in lines)
            {
                var fields = line.Split(',');
                var row = same ? fields : columns.Select(c => position.TryGetValue(c, out var k) && k < fields.Length ? fields[k] : "").ToArray();
                rows.Add(row);
                outLines.Add(same ? line : string.Join(',', row));
            }

            tables.Add(new ScanTable(label, rows, outLines));
        }

        return new CampaignTable(columns, tables);
    }

    /// <summary>campaign.csv: <c>scan,</c> + the lattice.csv header, then every scan's rows in campaign order.</summary>
    public void Write(TextWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write(ScanColumn);
        writer.Write(',');
        writer.Write(string.Join(',', Columns));
        writer.Write('\n');
        foreach (var scan in Scans)
        {
            foreach (var line in scan.Lines)
            {
                writer.Write(scan.Label);
                writer.Write(',');
                writer.Write(line);
                writer.Write('\n');
            }
        }
    }

    /// <summary>A numeric column of one scan (empty cells and text are NaN).</summary>
    public double[] Numbers(ScanTable scan, string column)
    {
        ArgumentNullException.ThrowIfNull(scan);
        var k = Index(column);
        return [.. scan.Rows.Select(r => k >= 0 && k < r.Length && double.TryParse(r[k], NumberStyles.Float, CultureInfo.InvariantCulture, out var v) ? v : double.NaN)];
    }

    /// <summary>A text column of one scan.</summary>
    public string[] Texts(ScanTable scan, string column)
    {
        ArgumentNullException.ThrowIfNull(scan);
        var k = Index(column);
        return [.. scan.Rows.Select(r => k >= 0 && k < r.Length ? r[k] : "")];
    }

    public int Index(string column) => Columns.ToList().IndexOf(column);

    /// <summary>Columns that hold text rather than numbers.</summary>
    public static bool IsText(string column) => column is "status" or "note";
}
