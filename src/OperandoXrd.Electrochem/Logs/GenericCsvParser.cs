using OperandoXrd.Electrochem.Units;

namespace OperandoXrd.Electrochem.Logs;

/// <summary>Any delimited text log, mapped by a <see cref="CsvColumnMap"/>. Lines before <see cref="CsvColumnMap.HeaderLine"/> are a preamble.</summary>
internal sealed class GenericCsvParser : LogParser
{
    private static readonly string[] s_time = ["time", "t", "Total Time", "Test Time", "elapsed", "Elapsed Time", "time_s"];
    private static readonly string[] s_voltage = ["Ewe", "<Ewe>", "Voltage", "Ecell", "Potential", "E", "U", "voltage_V"];
    private static readonly string[] s_current = ["<I>", "I", "Current", "current_mA"];
    private static readonly string[] s_charge = ["(Q-Qo)", "Charge", "Q", "charge_mAh"];
    private static readonly string[] s_cycle = ["cycle number", "Cycle", "Cycle Index", "Cycle ID", "cycle"];

    private CsvColumnMap _map;
    private readonly bool _guess;

    /// <param name="map">The column map; null picks the columns from the header line by meaning.</param>
    public GenericCsvParser(VoltageLog log, CsvColumnMap? map) : base(log)
    {
        _guess = map is null;
        _map = map ?? new CsvColumnMap { Time = "time" };
    }

    public override void Accept(string line, int lineNumber)
    {
        if (Plan is not null)
        {
            AcceptRow(line, lineNumber);
            return;
        }

        if (_guess)
        {
            if (string.IsNullOrWhiteSpace(line))
            {
                return;
            }

            _map = Guess(line, lineNumber);
        }

        if (lineNumber < _map.HeaderLine)
        {
            return;
        }

        var delimiter = _map.Delimiter ?? DetectDelimiter(line);
        if (delimiter == _map.DecimalSeparator)
        {
            throw new VoltageLogException($"{Log.Path}:{lineNumber}: the delimiter and the decimal separator are both '{delimiter}'.");
        }

        var names = HeaderFields(line, delimiter);
        Plan = new ColumnPlan { Names = names, Delimiter = delimiter, DecimalComma = _map.DecimalSeparator == ',' };
        Log.ColumnNames = names;

        Plan.Time = Require(names, _map.Time, "time", lineNumber);
        switch (_map.AbsoluteTimeFormat)
        {
            case null:
                var unit = _map.TimeUnit ?? EchemUnits.SplitHeader(names[Plan.Time]).Unit;
                if (unit is not null && unit.Contains(':', StringComparison.Ordinal))
                {
                    Plan.TimeKind = TimeKind.Duration;
                }
                else if (TryUnit(Plan.Time, EchemQuantity.Time, _map.TimeUnit, "s", lineNumber, out var ts))
                {
                    Plan.TimeKind = TimeKind.Elapsed;
                    Plan.TimeScale = ts;
                }
                else
                {
                    throw new VoltageLogException($"{Log.Path}:{lineNumber}: the time column '{names[Plan.Time]}' has a unit we cannot convert.");
                }

                break;
            case var f when f.Equals("unix", StringComparison.OrdinalIgnoreCase):
                Plan.TimeKind = TimeKind.Unix;
                break;
            default:
                Plan.TimeKind = TimeKind.Absolute;
                Plan.AbsoluteFormat = _map.AbsoluteTimeFormat.Equals("iso", StringComparison.OrdinalIgnoreCase) ? null : _map.AbsoluteTimeFormat;
                break;
        }

        var sign = _map.InvertCurrentSign ? -1.0 : 1.0;
        (Plan.Voltage, Plan.VoltageScale) = Optional(names, _map.Voltage, EchemQuantity.Voltage, _map.VoltageUnit, "V", lineNumber, 1.0);
        (Plan.Current, Plan.CurrentScale) = Optional(names, _map.Current, EchemQuantity.Current, _map.CurrentUnit, "mA", lineNumber, sign);
        (Plan.Charge, Plan.ChargeScale) = Optional(names, _map.Charge, EchemQuantity.Charge, _map.ChargeUnit, "mA.h", lineNumber, sign);
        Plan.Cycle = _map.Cycle is null ? -1 : Require(names, _map.Cycle, "cycle", lineNumber);

        Log.HasVoltage = Plan.Voltage >= 0;
        Log.HasCurrent = Plan.Current >= 0;
        Log.HasCharge = Plan.Charge >= 0;
        Log.HasCycle = Plan.Cycle >= 0;
        PublishMapping();
        if (!Log.HasVoltage && !Log.HasCurrent && !Log.HasCharge)
        {
            throw new VoltageLogException($"{Log.Path}:{lineNumber}: none of the mapped voltage, current or charge columns can be used.");
        }

        if (!Log.HasVoltage)
        {
            Log.Reject(lineNumber, $"no usable voltage column among {string.Join(", ", names)}; voltages are NaN");
        }
    }

    /// <summary>
    /// A column map from the header's names, by meaning: time (<c>time/s</c>, <c>Time(h)</c>, <c>Total Time</c>...),
    /// voltage (<c>Ewe/V</c>, <c>Voltage(V)</c>, <c>E</c>...), current, charge and cycle; the units from the header.
    /// Numbers with a decimal comma are recognised when the delimiter is a semicolon or a tab.
    /// </summary>
    private CsvColumnMap Guess(string line, int lineNumber)
    {
        var delimiter = DetectDelimiter(line);
        var names = HeaderFields(line, delimiter);
        string? Pick(string[] candidates)
        {
            foreach (var c in candidates)
            {
                var i = Find(names, c);
                if (i >= 0)
                {
                    return names[i];
                }
            }

            return null;
        }

        var time = Pick(s_time)
            ?? throw new VoltageLogException($"{Log.Path}:{lineNumber}: no time column among {string.Join(", ", names)} (looked for {string.Join(", ", s_time)}); the first line must name the columns.");
        return new CsvColumnMap
        {
            Time = time,
            Voltage = Pick(s_voltage),
            Current = Pick(s_current),
            Charge = Pick(s_charge),
            Cycle = Pick(s_cycle),
            Delimiter = delimiter,
            DecimalSeparator = delimiter == ',' ? '.' : ',',
            HeaderLine = lineNumber,
        };
    }

    private int Require(string[] names, string spec, string what, int lineNumber)
    {
        var i = Find(names, spec);
        return i >= 0
            ? i
            : throw new VoltageLogException($"{Log.Path}:{lineNumber}: the {what} column '{spec}' is not among the columns ({string.Join(", ", names)}).");
    }

    private (int, double) Optional(string[] names, string? spec, EchemQuantity quantity, string? unit, string defaultUnit, int lineNumber, double sign)
    {
        if (spec is null)
        {
            return (-1, 1.0);
        }

        var i = Find(names, spec);
        if (i < 0)
        {
            Log.Warn(lineNumber, $"the {quantity.ToString().ToLowerInvariant()} column '{spec}' is not among the columns ({string.Join(", ", names)}); not used");
            return (-1, 1.0);
        }

        return TryUnit(i, quantity, unit, defaultUnit, lineNumber, out var scale) ? (i, scale * sign) : (-1, 1.0);
    }
}
