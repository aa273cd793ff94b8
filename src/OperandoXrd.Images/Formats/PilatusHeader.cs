using System.Globalization;
using System.Text.RegularExpressions;

namespace OperandoXrd.Images.Formats;

/// <summary>
/// What the Pilatus camserver text header says about time: the <c># 2014-10-24T16:33:09.123</c> line (older
/// camserver versions: <c># 2014/Oct/24 16:33:09.123</c>), <c># Exposure_time 3.0000000 s</c> and
/// <c># Exposure_period 3.0000000 s</c>. The same lines sit in a miniCBF's <c>_array_data.header_contents</c> and in a
/// Pilatus TIFF's ImageDescription tag. The date carries no time zone (the detector computer's clock): it is taken as
/// UTC, as every zone-less time in OperandoXrd is.
/// </summary>
public sealed partial record PilatusHeader(DateTimeOffset? Date, string? DateText, double? Exposure, double? Period)
{
    private static readonly string[] Months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

    public static PilatusHeader Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        DateTimeOffset? date = null;
        string? dateText = null;
        double? exposure = null, period = null;
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim().TrimStart('#').Trim();
            if (date is null && DateLine().Match(line) is { Success: true } m && ToDate(m) is { } d)
            {
                date = d;
                dateText = m.Value;
            }
            else if (line.StartsWith("Exposure_time", StringComparison.Ordinal))
            {
                exposure = Seconds(line);
            }
            else if (line.StartsWith("Exposure_period", StringComparison.Ordinal))
            {
                period = Seconds(line);
            }
        }

        return new PilatusHeader(date, dateText, exposure, period);
    }

    private static DateTimeOffset? ToDate(Match m)
    {
        var inv = CultureInfo.InvariantCulture;
        var month = m.Groups["month"].Value;
        var monthNumber = char.IsDigit(month[0]) ? int.Parse(month, inv) : Array.IndexOf(Months, month.ToLowerInvariant()) + 1;
        var seconds = double.Parse(m.Groups["second"].Value, NumberStyles.Float, inv);
        if (monthNumber is < 1 or > 12)
        {
            return null;
        }

        try
        {
            var day = new DateTimeOffset(int.Parse(m.Groups["year"].Value, inv), monthNumber, int.Parse(m.Groups["day"].Value, inv),
                int.Parse(m.Groups["hour"].Value, inv), int.Parse(m.Groups["minute"].Value, inv), 0, TimeSpan.Zero);
            return day.AddTicks((long)Math.Round(seconds * TimeSpan.TicksPerSecond));
        }
        catch (ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>"Exposure_time 0.0970000 s" → 0.097; a value without a parsable number is left unknown.</summary>
    private static double? Seconds(string line)
    {
        var parts = line.Split([' ', '\t', ':', '='], StringSplitOptions.RemoveEmptyEntries);
        return parts.Length >= 2 && double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v >= 0 ? v : null;
    }

    [GeneratedRegex(@"^(?<year>\d{4})[-/](?<month>\d{2}|[A-Za-z]{3})[-/](?<day>\d{2})[T ](?<hour>\d{2}):(?<minute>\d{2}):(?<second>\d{2}(?:\.\d+)?)")]
    private static partial Regex DateLine();
}
