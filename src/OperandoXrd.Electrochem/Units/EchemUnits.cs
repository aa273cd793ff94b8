namespace OperandoXrd.Electrochem.Units;

/// <summary>The four quantities a voltage log carries, each with the unit we store it in.</summary>
public enum EchemQuantity
{
    /// <summary>Stored in seconds.</summary>
    Time,
    /// <summary>Stored in volts.</summary>
    Voltage,
    /// <summary>Stored in milliamperes.</summary>
    Current,
    /// <summary>Stored in milliampere-hours.</summary>
    Charge,
}

/// <summary>
/// Unit names as cyclers write them (EC-Lab <c>mA.h</c>, Neware <c>mAh</c>, <c>µA</c> with either the micro sign or
/// the Greek mu or a plain <c>u</c>) and the factor that brings a value to our storage unit.
/// </summary>
public static class EchemUnits
{
    /// <summary>Factor from <paramref name="unit"/> to the storage unit of <paramref name="quantity"/>, or false when unknown.</summary>
    public static bool TryGetScale(EchemQuantity quantity, string? unit, out double scale)
    {
        scale = double.NaN;
        if (unit is null)
        {
            return false;
        }

        var u = Normalize(unit);
        double? s = quantity switch
        {
            EchemQuantity.Time => u switch
            {
                "s" or "sec" or "secs" or "second" or "seconds" => 1.0,
                "ms" => 1e-3,
                "min" or "mins" or "minute" or "minutes" => 60.0,
                "h" or "hr" or "hrs" or "hour" or "hours" => 3600.0,
                "d" or "day" or "days" => 86400.0,
                _ => null,
            },
            EchemQuantity.Voltage => u switch
            {
                "v" => 1.0,
                "mv" => 1e-3,
                "uv" => 1e-6,
                _ => null,
            },
            EchemQuantity.Current => u switch
            {
                "a" => 1e3,
                "ma" => 1.0,
                "ua" => 1e-3,
                "na" => 1e-6,
                _ => null,
            },
            EchemQuantity.Charge => u switch
            {
                "mah" => 1.0,
                "ah" => 1e3,
                "uah" => 1e-3,
                // 1 C = 1 A·s = 1000 mA·s = 1000/3600 mA·h.
                "c" or "as" => 1000.0 / 3600.0,
                "mc" or "mas" => 1.0 / 3600.0,
                "uc" => 1e-3 / 3600.0,
                _ => null,
            },
            _ => null,
        };
        if (s is null)
        {
            return false;
        }

        scale = s.Value;
        return true;
    }

    /// <summary>The units <see cref="TryGetScale"/> knows for a quantity, for error messages.</summary>
    public static string Known(EchemQuantity quantity) => quantity switch
    {
        EchemQuantity.Time => "s, ms, min, h, d",
        EchemQuantity.Voltage => "V, mV, µV",
        EchemQuantity.Current => "A, mA, µA, nA",
        EchemQuantity.Charge => "mA.h, A.h, µA.h, C, mC",
        _ => "",
    };

    /// <summary>
    /// Splits a column header into its quantity and unit: <c>Ewe/V</c>, <c>(Q-Qo)/mA.h</c> (EC-Lab, the unit after the
    /// last slash), <c>&lt;Ewe/V&gt;</c> (quantity <c>&lt;Ewe&gt;</c>), <c>Voltage(V)</c>, <c>Current [mA]</c> (Neware and most CSV writers). Unit is null when absent.
    /// </summary>
    public static (string Name, string? Unit) SplitHeader(string header)
    {
        ArgumentNullException.ThrowIfNull(header);
        var h = header.Trim();
        // EC-Lab writes averaged quantities either as <Ewe>/V or as <Ewe/V> (CP and OCV exports): the brackets belong
        // to the quantity, so "<Ewe/V>" is the quantity "<Ewe>" in V, not "<Ewe" in an unknown unit "V>".
        if (h.Length > 2 && h[0] == '<' && h[^1] == '>' && h.IndexOf('>', StringComparison.Ordinal) == h.Length - 1)
        {
            (var inner, var innerUnit) = SplitHeader(h[1..^1]);
            return ($"<{inner}>", innerUnit);
        }

        if (h.Length > 2 && (h[^1] == ')' || h[^1] == ']'))
        {
            var open = h[^1] == ')' ? '(' : '[';
            var i = h.LastIndexOf(open);
            // "(Q-Qo)" alone is a name, not a unit: a unit needs a name in front of it.
            if (i > 0)
            {
                return (h[..i].Trim(), h[(i + 1)..^1].Trim());
            }
        }

        var slash = h.LastIndexOf('/');
        if (slash > 0 && slash < h.Length - 1)
        {
            return (h[..slash].Trim(), h[(slash + 1)..].Trim());
        }

        return (h, null);
    }

    private static string Normalize(string unit)
    {
        // EC-Lab writes "mA.h", others "mAh", "mA·h", "mA h", "mA*h"; micro comes as U+00B5, U+03BC or 'u'.
        Span<char> buffer = stackalloc char[unit.Length];
        var n = 0;
        foreach (var c in unit)
        {
            switch (c)
            {
                case '.' or '·' or '*' or ' ' or '\u22C5':
                    continue;
                case '\u00B5' or '\u03BC':
                    buffer[n++] = 'u';
                    break;
                default:
                    buffer[n++] = char.ToLowerInvariant(c);
                    break;
            }
        }

        return new string(buffer[..n]);
    }
}
