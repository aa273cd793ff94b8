using OperandoXrd.Electrochem.Units;

namespace OperandoXrd.Electrochem.Logs;

/// <summary>Any delimited text log, mapped by a <see cref="CsvColumnMap"/>. Lines before <see cref="CsvColumnMap.HeaderLine"/> are a preamble.</summary>
internal sealed class GenericCsvParser : LogParser
{
    private readonly CsvColumnMap _map;

    public GenericCsvParser(VoltageLog log, CsvColumnMap map) : base(log) => _map = map;

    public override void Accept(string line, int lineNumber)
    {
        if (Plan is not null)
        {
            AcceptRow(line, lineNumber);
            return;
        }

        if (lineNumber < _map.HeaderLine)
        {
            return;
        }

        char delimiter = _map.Delimiter ?? DetectDelimiter(line);
        if (delimiter == _map.DecimalSeparator)
        {
            throw new VoltageLogException($"{Log.Path}:{lineNumber}: the delimiter and the decimal separator are both '{delimiter}'.");
        }

        string[] names = HeaderFields(line, delimiter);
        Plan = new ColumnPlan { Names = names, Delimiter = delimiter, DecimalComma = _map.DecimalSeparator == ',' };
        Log.ColumnNames = names;

        Plan.Time = Require(names, _map.Time, "time", lineNumber);
        switch (_map.AbsoluteTimeFormat)
        {
            case null:
                string? unit = _map.TimeUnit ?? EchemUnits.SplitHeader(names[Plan.Time]).Unit;
                if (unit is not null && unit.Contains(':', StringComparison.Ordinal))
                {
                    Plan.TimeKind = TimeKind.Duration;
                }
                else if (TryUnit(Plan.Time, EchemQuantity.Time, _map.TimeUnit, "s", lineNumber, out double ts))
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

        double sign = _map.InvertCurrentSign ? -1.0 : 1.0;
        (Plan.Voltage, Plan.VoltageScale) = Optional(names, _map.Voltage, EchemQuantity.Voltage, _map.VoltageUnit, "V", lineNumber, 1.0);
        (Plan.Current, Plan.CurrentScale) = Optional(names, _map.Current, EchemQuantity.Current, _map.CurrentUnit, "mA", lineNumber, sign);
        (Plan.Charge, Plan.ChargeScale) = Optional(names, _map.Charge, EchemQuantity.Charge, _map.ChargeUnit, "mA.h", lineNumber, sign);
        Plan.Cycle = _map.Cycle is null ? -1 : Require(names, _map.Cycle, "cycle", lineNumber);

        Log.HasVoltage = Plan.Voltage >= 0;
        Log.HasCurrent = Plan.Current >= 0;
        Log.HasCharge = Plan.Charge >= 0;
        Log.HasCycle = Plan.Cycle >= 0;
        if (!Log.HasVoltage && !Log.HasCurrent && !Log.HasCharge)
        {
            throw new VoltageLogException($"{Log.Path}:{lineNumber}: none of the mapped voltage, current or charge columns can be used.");
        }
    }

    private int Require(string[] names, string spec, string what, int lineNumber)
    {
        int i = Find(names, spec);
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

        int i = Find(names, spec);
        if (i < 0)
        {
            Log.Warn(lineNumber, $"the {quantity.ToString().ToLowerInvariant()} column '{spec}' is not among the columns ({string.Join(", ", names)}); not used");
            return (-1, 1.0);
        }

        return TryUnit(i, quantity, unit, defaultUnit, lineNumber, out double scale) ? (i, scale * sign) : (-1, 1.0);
    }
}
