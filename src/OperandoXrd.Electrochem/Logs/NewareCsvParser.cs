using System.Globalization;
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
/// wall clock of every row. Charge: <c>Capacity</c> restarts at 0 in every step and is unsigned, so the cumulative
/// charge is summed over the steps, each signed by its step type (only where steps can be told apart: a step column,
/// or the nested layout). Both layouts: flat (one header line) and nested (cycle, step and record header lines, each
/// level's lines indented by one more empty field; the cycle number and step type come from the lines above a record).
/// </summary>
internal sealed class NewareCsvParser : LogParser
{
    private static readonly string[] s_absolute = ["Realtime", "Real Time", "Absolute Time", "System Time", "Date", "DateTime", "Date Time", "Timestamp"];
    private static readonly string[] s_elapsed = ["Total Time", "Test Time", "TotalTime", "Total time(s)"];
    private static readonly string[] s_voltage = ["Voltage", "Volt", "Voltage(V)"];
    private static readonly string[] s_current = ["Current", "Current(mA)", "Current(A)"];
    private static readonly string[] s_cycle = ["Cycle ID", "Cycle Index", "Cycle", "Cycle Number"];
    private static readonly string[] s_step = ["Step Type", "Step Name", "Status", "State"];
    private static readonly string[] s_stepNumber = ["Step ID", "Step Index", "Step Number", "Steps", "Step"];
    private static readonly string[] s_capacity = ["Capacity", "Cap"];

    public NewareCsvParser(VoltageLog log) : base(log) { }

    public static bool LooksLikeNeware(string head)
    {
        foreach (var line in head.Split('\n').Take(20))
        {
            var voltage = line.Contains("Voltage", StringComparison.OrdinalIgnoreCase);
            var time = s_absolute.Concat(s_elapsed).Any(n => line.Contains(n, StringComparison.OrdinalIgnoreCase));
            if (voltage && time)
            {
                return true;
            }
        }

        return false;
    }

    private string[]? _cycleHeader;
    private string[]? _stepHeader;
    private int _cycleIndex = -1;
    private int _stepTypeIndex = -1;
    private bool _nested;

    public override string? MissingColumnsReason => _cycleHeader is not null
        ? "a nested export needs a cycle header on line 1, a step header on line 2 and a record header on line 3"
        : "no header line names a voltage column";

    public override void Accept(string line, int lineNumber)
    {
        if (Plan is not null)
        {
            if (_nested)
            {
                AcceptNested(line, lineNumber);
            }
            else
            {
                AcceptRow(line, lineNumber);
            }

            return;
        }

        // The nested export (BTSDA "cycle/step/record"): three header lines, one per level, each level's lines
        // indented by one more empty field; the record header on line 3 is the one a voltage log needs.
        if (lineNumber == 1 && !line.Contains("Voltage", StringComparison.OrdinalIgnoreCase))
        {
            var d = DetectDelimiter(line);
            var first = HeaderFields(line, d);
            if (first.Length > 0 && FindAny([first[0]], s_cycle) == 0)
            {
                _cycleHeader = first;
                return;
            }
        }

        if (_cycleHeader is not null && lineNumber == 2)
        {
            _stepHeader = HeaderFields(line, DetectDelimiter(line));
            if (Leading(_stepHeader) != 1)
            {
                throw new VoltageLogException($"{Log.Path}:2: a nested Neware export (cycle header on line 1) needs the step header here, indented by one empty field.");
            }

            return;
        }

        if (_cycleHeader is not null && lineNumber == 3)
        {
            var record = HeaderFields(line, DetectDelimiter(line));
            if (Leading(record) != 2)
            {
                throw new VoltageLogException($"{Log.Path}:3: a nested Neware export needs the record header here, indented by two empty fields.");
            }

            _nested = true;
            _cycleIndex = FindAny(_cycleHeader, s_cycle);
            _stepTypeIndex = FindAny(_stepHeader!, s_step);
            ReadColumns(line, lineNumber);
            return;
        }

        // Some exports put a title or test name above the header; the header is the first line naming a voltage.
        if (!line.Contains("Voltage", StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        ReadColumns(line, lineNumber);
    }

    private static int Leading(string[] fields)
    {
        var n = 0;
        while (n < fields.Length && fields[n].Length == 0)
        {
            n++;
        }

        return n;
    }

    /// <summary>
    /// A line of the nested export: records (two leading empty fields) are rows; a cycle line (none) sets the cycle of
    /// the rows below it, a step line (one) their step type. The first cycle line of BTSDA's export carries step 1's
    /// fields right after its own, with no empty field between.
    /// </summary>
    private void AcceptNested(string line, int lineNumber)
    {
        if (string.IsNullOrWhiteSpace(line))
        {
            return;
        }

        var d = Plan!.Delimiter;
        var lead = 0;
        while (lead < line.Length && line[lead] == d)
        {
            lead++;
        }

        if (lead >= 2)
        {
            AcceptRow(line, lineNumber);
            return;
        }

        var fields = Split(line, d);
        if (lead == 1)
        {
            StartStep(fields, 0, lineNumber);
            return;
        }

        if (_cycleIndex >= 0)
        {
            if (_cycleIndex >= fields.Length || !int.TryParse(fields[_cycleIndex].Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var cycle))
            {
                Log.Reject(lineNumber, $"cannot read the cycle number in column '{_cycleHeader![_cycleIndex]}' of this cycle line");
                return;
            }

            ContextCycle = cycle;
        }

        if (fields.Length > _cycleHeader!.Length)
        {
            // Step fields follow the cycle's own: step header field k (k ≥ 1) sits at cycle fields + k − 1.
            StartStep(fields, _cycleHeader.Length - 1, lineNumber);
        }
    }

    private void StartStep(string[] fields, int offset, int lineNumber)
    {
        ContextStep++;
        if (_stepTypeIndex < 0)
        {
            return;
        }

        var i = offset + _stepTypeIndex;
        if (i >= fields.Length)
        {
            Log.Reject(lineNumber, $"this step line has no '{_stepHeader![_stepTypeIndex]}' field");
            return;
        }

        ContextStepType = fields[i].Trim();
    }

    private void ReadColumns(string line, int lineNumber)
    {
        var delimiter = DetectDelimiter(line);
        var names = HeaderFields(line, delimiter);
        Plan = new ColumnPlan { Names = names, Delimiter = delimiter, DecimalComma = delimiter != ',' };
        Log.ColumnNames = names;

        var absolute = FindAny(names, s_absolute);
        var elapsed = FindAny(names, s_elapsed);
        if (elapsed >= 0)
        {
            var unit = EchemUnits.SplitHeader(names[elapsed]).Unit;
            if (unit is not null && EchemUnits.TryGetScale(EchemQuantity.Time, unit, out var scale))
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
        if (Plan.Voltage >= 0 && TryUnit(Plan.Voltage, EchemQuantity.Voltage, null, "V", lineNumber, out var vs))
        {
            Plan.VoltageScale = vs;
        }
        else
        {
            Plan.Voltage = -1;
        }

        Plan.Current = FindAny(names, s_current);
        if (Plan.Current >= 0 && TryUnit(Plan.Current, EchemQuantity.Current, null, "mA", lineNumber, out var cs))
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
        Plan.Step = FindAny(names, s_stepNumber);
        // Capacity restarts in every step: usable as a cumulative charge only where the steps can be told apart.
        var capacity = FindAny(names, s_capacity);
        if (capacity >= 0 && (_nested || Plan.Step >= 0) && TryUnit(capacity, EchemQuantity.Charge, null, "mAh", lineNumber, out var qs))
        {
            Plan.Charge = capacity;
            Plan.ChargeScale = qs;
            Plan.ChargePerStep = true;
        }

        Log.HasVoltage = Plan.Voltage >= 0;
        Log.HasCurrent = Plan.Current >= 0;
        Log.HasCharge = Plan.Charge >= 0;
        Log.HasCycle = Plan.Cycle >= 0 || (_nested && _cycleIndex >= 0);
        PublishMapping("per step, signed by the step type and summed", _nested && _cycleIndex >= 0 ? $"{_cycleHeader![_cycleIndex]} (cycle lines)" : null);
        if (!Log.HasVoltage && !Log.HasCurrent)
        {
            throw new VoltageLogException($"{Log.Path}:{lineNumber}: neither voltage nor current can be read from the columns ({string.Join(", ", names)}).");
        }

        if (!Log.HasVoltage)
        {
            Log.Reject(lineNumber, $"no usable voltage column (looked for {string.Join(", ", s_voltage)} among {string.Join(", ", names)}); voltages are NaN");
        }
    }

    private static int FindAny(string[] names, string[] candidates)
    {
        foreach (var c in candidates)
        {
            var i = Find(names, c);
            if (i >= 0)
            {
                return i;
            }
        }

        return -1;
    }
}
