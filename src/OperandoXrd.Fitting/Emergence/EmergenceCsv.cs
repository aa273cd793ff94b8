using System.Globalization;
using System.Text;

namespace OperandoXrd.Fitting.Emergence;

/// <summary>One row of emergence.csv.</summary>
public sealed record EmergenceRow(string Phase, int FirstFrame, double Score, IReadOnlyList<double> PeaksD);

/// <summary>
/// emergence.csv, the one owner of its format (written by the host, read by the viewer and the tests): header
/// <c>phase,first_frame,score,peaks_d_A</c>, one row per event in the order reported; phase a library name or
/// <c>unindexed</c>; first_frame 0-based as in lattice.csv; score with 3 decimals; peaks_d_A the matched (or
/// unexplained) d-spacings in Å with 4 decimals, separated by spaces, by decreasing d. Invariant culture.
/// </summary>
public static class EmergenceCsv
{
    public const string Header = "phase,first_frame,score,peaks_d_A";

    /// <summary>The whole file for these events (header only when there are none).</summary>
    public static string Format(IEnumerable<EmergenceEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        var text = new StringBuilder();
        text.Append(Header).Append('\n');
        foreach (var e in events)
        {
            var peaks = string.Join(' ', e.Peaks.Select(p => p.D.ToString("F4", CultureInfo.InvariantCulture)));
            text.Append(CultureInfo.InvariantCulture, $"{e.Phase},{e.FirstFrame},{e.Score:F3},{peaks}").Append('\n');
        }

        return text.ToString();
    }

    /// <summary>Reads the file's text. <paramref name="source"/> names it in errors.</summary>
    /// <exception cref="InvalidDataException">Not an emergence.csv: the message names the file and line.</exception>
    public static IReadOnlyList<EmergenceRow> Parse(string text, string source)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (lines.Length == 0 || !string.Equals(lines[0].TrimEnd('\r'), Header, StringComparison.Ordinal))
        {
            throw new InvalidDataException($"{source}: line 1: expected the header '{Header}'.");
        }

        var rows = new List<EmergenceRow>();
        for (var i = 1; i < lines.Length; i++)
        {
            var fields = lines[i].TrimEnd('\r').Split(',');
            if (fields.Length != 4
                || !int.TryParse(fields[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var first)
                || !double.TryParse(fields[2], NumberStyles.Float, CultureInfo.InvariantCulture, out var score))
            {
                throw new InvalidDataException($"{source}: line {i + 1}: expected phase,first_frame,score,peaks_d_A.");
            }

            var peaks = new List<double>();
            foreach (var item in fields[3].Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                peaks.Add(double.TryParse(item, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)
                    ? d
                    : throw new InvalidDataException($"{source}: line {i + 1}: '{item}' is not a d-spacing."));
            }

            rows.Add(new EmergenceRow(fields[0], first, score, peaks));
        }

        return rows;
    }
}
