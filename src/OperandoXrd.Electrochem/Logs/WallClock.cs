using System.Globalization;

namespace OperandoXrd.Electrochem.Logs;

/// <summary>How to read an ambiguous numeric date such as <c>03/04/2021</c>.</summary>
public enum DateOrder
{
    /// <summary>Month first (what EC-Lab writes in every locale we have seen) unless the first number exceeds 12.</summary>
    Auto,
    /// <summary>MM/DD/YYYY.</summary>
    MonthFirst,
    /// <summary>DD/MM/YYYY.</summary>
    DayFirst,
}

/// <summary>
/// Parses the wall-clock timestamps cyclers write: EC-Lab's <c>MM/DD/YYYY HH:MM:SS.fff</c> (also with a decimal
/// comma, without fraction, with AM/PM, two-digit years), ISO-like <c>YYYY-MM-DD HH:MM:SS</c> and <c>YYYY/MM/DD</c>
/// (Neware), German <c>DD.MM.YYYY</c>, and ISO 8601 with a zone. A timestamp without a zone is taken to be in
/// <c>utcOffset</c>, the zone of the PC that wrote it. Hand-written rather than a list of ParseExact layouts
/// because cyclers drop leading zeros and mix separators freely.
/// </summary>
internal static class WallClock
{
    public static bool TryParse(string text, TimeSpan utcOffset, DateOrder order, out DateTimeOffset value)
    {
        value = default;
        var s = text.Trim().Trim('"').Trim();
        if (s.Length < 8)
        {
            return false;
        }

        var split = s.IndexOfAny([' ', 'T']);
        if (split < 0)
        {
            return TryParseDate(s, order, out var y0, out var m0, out var d0) && TryBuild(y0, m0, d0, 0, 0, 0, 0, utcOffset, out value);
        }

        if (!TryParseDate(s[..split], order, out var y, out var mo, out var d))
        {
            return false;
        }

        var rest = s[(split + 1)..].Trim();
        var offset = utcOffset;
        // Trailing zone: Z, +hh:mm, -hh:mm, +hhmm.
        if (rest.EndsWith('Z'))
        {
            offset = TimeSpan.Zero;
            rest = rest[..^1];
        }
        else
        {
            var sign = Math.Max(rest.LastIndexOf('+'), rest.LastIndexOf('-'));
            if (sign > 0)
            {
                var z = rest[(sign + 1)..].Replace(":", "", StringComparison.Ordinal);
                if (z.Length == 4 && int.TryParse(z.AsSpan(0, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var zh)
                    && int.TryParse(z.AsSpan(2, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var zm))
                {
                    offset = new TimeSpan(zh, zm, 0) * (rest[sign] == '-' ? -1 : 1);
                    rest = rest[..sign];
                }
            }
        }

        rest = rest.Trim();
        var pm = 0;
        if (rest.EndsWith("AM", StringComparison.OrdinalIgnoreCase))
        {
            pm = -1;
            rest = rest[..^2].Trim();
        }
        else if (rest.EndsWith("PM", StringComparison.OrdinalIgnoreCase))
        {
            pm = 1;
            rest = rest[..^2].Trim();
        }

        var hms = rest.Split(':');
        if (hms.Length is < 2 or > 3
            || !int.TryParse(hms[0], NumberStyles.None, CultureInfo.InvariantCulture, out var hh)
            || !int.TryParse(hms[1], NumberStyles.None, CultureInfo.InvariantCulture, out var mm))
        {
            return false;
        }

        double sec = 0;
        if (hms.Length == 3 && !double.TryParse(hms[2].Replace(',', '.'), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out sec))
        {
            return false;
        }

        if (pm != 0)
        {
            if (hh is < 1 or > 12)
            {
                return false;
            }

            hh = pm > 0 ? (hh % 12) + 12 : hh % 12;
        }

        var whole = (int)Math.Floor(sec);
        var ticks = (long)Math.Round((sec - whole) * TimeSpan.TicksPerSecond);
        return TryBuild(y, mo, d, hh, mm, whole, ticks, offset, out value);
    }

    private static bool TryBuild(int y, int mo, int d, int hh, int mm, int ss, long ticks, TimeSpan offset, out DateTimeOffset value)
    {
        value = default;
        if (y is < 1 or > 9998 || mo is < 1 or > 12 || d < 1 || d > DateTime.DaysInMonth(y, mo) || hh > 23 || mm > 59 || ss > 60
            || offset.Ticks % TimeSpan.TicksPerMinute != 0 || offset.Duration() > TimeSpan.FromHours(14))
        {
            return false;
        }

        // A leap second (ss == 60) folds into the next minute, as every clock that writes one means.
        value = new DateTimeOffset(y, mo, d, hh, mm, 0, offset).AddSeconds(ss).AddTicks(ticks);
        return true;
    }

    private static bool TryParseDate(string s, DateOrder order, out int y, out int m, out int d)
    {
        y = m = d = 0;
        var sep = s.Contains('/', StringComparison.Ordinal) ? '/' : s.Contains('-', StringComparison.Ordinal) ? '-' : '.';
        var p = s.Split(sep);
        if (p.Length != 3)
        {
            return false;
        }

        Span<int> n = stackalloc int[3];
        for (var i = 0; i < 3; i++)
        {
            if (p[i].Length is 0 or > 4 || !int.TryParse(p[i], NumberStyles.None, CultureInfo.InvariantCulture, out n[i]))
            {
                return false;
            }
        }

        if (p[0].Length == 4)
        {
            (y, m, d) = (n[0], n[1], n[2]);
            return true;
        }

        y = p[2].Length == 2 ? 2000 + n[2] : n[2];
        var dayFirst = order switch
        {
            DateOrder.DayFirst => true,
            DateOrder.MonthFirst => false,
            _ => sep == '.' || n[0] > 12,
        };
        (m, d) = dayFirst ? (n[1], n[0]) : (n[0], n[1]);
        return true;
    }

    /// <summary>
    /// A duration as cyclers print it: plain seconds, <c>h:mm:ss(.fff)</c> with hours beyond 24, <c>d-hh:mm:ss</c>
    /// or <c>d.hh:mm:ss</c>.
    /// </summary>
    public static bool TryParseDuration(string text, out double seconds)
    {
        seconds = double.NaN;
        var s = text.Trim().Trim('"').Trim();
        if (s.Length == 0)
        {
            return false;
        }

        if (!s.Contains(':', StringComparison.Ordinal))
        {
            return double.TryParse(s.Replace(',', '.'), NumberStyles.Float, CultureInfo.InvariantCulture, out seconds);
        }

        double days = 0;
        var dash = s.IndexOf('-', StringComparison.Ordinal);
        var colon = s.IndexOf(':', StringComparison.Ordinal);
        var dot = s.IndexOf('.', StringComparison.Ordinal);
        var daySep = dash > 0 && dash < colon ? dash : dot > 0 && dot < colon ? dot : -1;
        if (daySep > 0)
        {
            if (!double.TryParse(s.AsSpan(0, daySep), NumberStyles.None, CultureInfo.InvariantCulture, out days))
            {
                return false;
            }

            s = s[(daySep + 1)..];
        }

        var p = s.Split(':');
        if (p.Length is < 2 or > 3)
        {
            return false;
        }

        double total = 0;
        for (var i = 0; i < p.Length; i++)
        {
            var style = i == p.Length - 1 ? NumberStyles.AllowDecimalPoint : NumberStyles.None;
            if (!double.TryParse(p[i].Replace(',', '.'), style, CultureInfo.InvariantCulture, out var v))
            {
                return false;
            }

            total = (total * 60) + v;
        }

        // Two fields are mm:ss(.f), three h:mm:ss: elapsed-time columns drop the hours, never the seconds.
        seconds = (days * 86400) + total;
        return true;
    }
}
