using OperandoXrd.Electrochem.Units;

namespace OperandoXrd.Electrochem.Logs;

/// <summary>
/// Neware BTS record-level CSV (BTSDA "Record" sheet saved as CSV, or the .nda converter's output). Columns seen in
/// the wild: <c>Record ID</c>/<c>DataPoint</c>, <c>Realtime</c>/<c>Date</c>/<c>Absolute Time</c> (wall clock per
/// row), <c>Total Time</c>/<c>Test Time</c> (elapsed, h:mm:ss or seconds), <c>Time</c>/<c>Step Time</c> (restarts at
/// every step, so never our clock), <c>Voltage(V)</c>, <c>Current(mA)</c> or <c>Current(A)</c>, <c>Capacity(mAh)</c>
/// (per step and unsigned, so not a cumulative charge), <c>Cycle ID</c>/<c>Cycle Index</c>, <c>Step Type</c>
/// (CC_Chg, CC_DChg, Rest; gives the sign to exports that print currents unsigned).
/// Time: the elapsed column when there is one (sub-second), anchored by the first row's wall clock; else the
/// wall clock of every row.
/// </summary>
internal sealed class NewareCsvParser : LogParser
{
    private static readonly string[] s_absolute = ["Realtime", "Real Time", "Absolute Time", "System Time", "Date", "DateTime", "Date Time", "Timestamp"];
    private static readonly string[] s_elapsed = ["Total Time", "Test Time", "TotalTime", "Total time(s)"];
    private static readonly string[] s_voltage = ["Voltage", "Volt", "Voltage(V)"];
    private static readonly string[] s_current = ["Current", "Current(mA)", "Current(A)"];
    private static readonly string[] s_cycle = ["Cycle ID", "Cycle Index", "Cycle", "Cycle Number"];
    private static readonly string[] s_step = ["Step Type", "Step Name", "Status", "State"];

    public NewareCsvParser(VoltageLog log) : base(log) { }

    public static bool LooksLikeNeware(string head)
    {
        foreach (string line in head.Split('\n').Take(20))
        {
            bool voltage = line.Contains("Voltage", StringComparison.OrdinalIgnoreCase);
            bool time = s_absolute.Concat(s_elapsed).Any(n => line.Contains(n, StringComparison.OrdinalIgnoreCase));
            if (voltage && time)
            {
                return true;
            }
        }

        return false;
    }

    public override void Accept(string line, int lineNumber)
    {
        if (Plan is not null)
        {
            AcceptRow(line, lineNumber);
            return;
        }

        // Some exports put a title or test name above the header; the header is the first line naming a voltage.
        if (!line.Contains("Voltage", StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        char delimiter = DetectDelimiter(line);
        string[] names = HeaderFields(line, delimiter);
        Plan = new ColumnPlan { Names = names, Delimiter = delimiter, DecimalComma = delimiter != ',' };
        Log.ColumnNames = names;

        int absolute = FindAny(names, s_absolute);
        int elapsed = FindAny(names, s_elapsed);
        if (elapsed >= 0)
        {
            string? unit = EchemUnits.SplitHeader(names[elapsed]).Unit;
            if (unit is not null && EchemUnits.TryGetScale(EchemQuantity.Time, unit, out double scale))
            {
                Plan.TimeKind = TimeKind.Elapsed;
                Plan.TimeScale = scale;
            }
            else
            {
                Plan.TimeKind = TimeKind.Duration;
            }

            Plan.Time = elapsed;
            Plan.Anchor = absolute;
        }
        else if (absolute >= 0)
        {
            Plan.Time = absolute;
            Plan.TimeKind = TimeKind.Absolute;
        }
        else
        {
            throw new VoltageLogException($"{Log.Path}:{lineNumber}: no time column (looked for {string.Join(", ", s_absolute.Concat(s_elapsed))}) among {string.Join(", ", names)}.");
        }

        Plan.Voltage = FindAny(names, s_voltage);
        if (Plan.Voltage >= 0 && TryUnit(Plan.Voltage, EchemQuantity.Voltage, null, "V", lineNumber, out double vs))
        {
            Plan.VoltageScale = vs;
        }
        else
        {
            Plan.Voltage = -1;
        }

        Plan.Current = FindAny(names, s_current);
        if (Plan.Current >= 0 && TryUnit(Plan.Current, EchemQuantity.Current, null, "mA", lineNumber, out double cs))
        {
            Plan.CurrentScale = cs;
        }
        else
        {
            if (Plan.Current < 0)
            {
                Log.Warn(lineNumber, "no current column (looked for Current(mA), Current(A)); capacity cannot be integrated");
            }

            Plan.Current = -1;
        }

        Plan.Cycle = FindAny(names, s_cycle);
        Plan.StepType = FindAny(names, s_step);
        Log.HasVoltage = Plan.Voltage >= 0;
        Log.HasCurrent = Plan.Current >= 0;
        Log.HasCycle = Plan.Cycle >= 0;
        if (!Log.HasVoltage && !Log.HasCurrent)
        {
            throw new VoltageLogException($"{Log.Path}:{lineNumber}: neither voltage nor current can be read from the columns ({string.Join(", ", names)}).");
        }
    }

    private static int FindAny(string[] names, string[] candidates)
    {
        foreach (string c in candidates)
        {
            int i = Find(names, c);
            if (i >= 0)
            {
                return i;
            }
        }

        return -1;
    }
}
