using System.Globalization;
using OperandoXrd.Electrochem.Units;

namespace OperandoXrd.Electrochem.Logs;

/// <summary>
/// BioLogic EC-Lab ASCII export. Line 1 <c>EC-Lab ASCII FILE</c>, line 2 <c>Nb header lines : N</c> where N counts
/// every header line including the column names on line N; <c>Acquisition started on : …</c> somewhere in between
/// gives the absolute time of <c>time/s</c> = 0. Data rows are tab-separated and end in a tab; numbers use the
/// Windows locale's decimal separator, so a comma is a decimal comma here (the delimiter is always the tab).
/// An export without the header block (EC-Lab's "no header" option) starts with the column names.
/// </summary>
internal sealed class BioLogicMptParser : LogParser
{
    private static readonly string[] s_voltageNames = ["Ewe", "<Ewe>", "Ecell", "<Ecell>", "Ewe-Ece"];
    private static readonly string[] s_currentNames = ["<I>", "I"];
    private static readonly string[] s_chargeNames = ["(Q-Qo)", "Q-Qo"];

    private int _headerLines = -1;
    private bool _timeLayoutChecked;

    public BioLogicMptParser(VoltageLog log) : base(log) { }

    public override string? MissingColumnsReason => _headerLines > 0
        ? string.Create(CultureInfo.InvariantCulture, $"'Nb header lines : {_headerLines}' puts them on line {_headerLines}")
        : null;

    public override void Accept(string line, int lineNumber)
    {
        if (Plan is not null)
        {
            if (!_timeLayoutChecked && !string.IsNullOrWhiteSpace(line))
            {
                CheckTimeLayout(line);
            }

            AcceptRow(line, lineNumber);
            return;
        }

        if (lineNumber == 1)
        {
            if (line.TrimStart().StartsWith("EC-Lab ASCII FILE", StringComparison.OrdinalIgnoreCase))
            {
                return;
            }

            if (!Log.HasStart)
            {
                Log.Warn(1, "no EC-Lab header block: the file gives no acquisition start time (set VoltageLogOptions.StartTime)");
            }

            ReadColumns(line, lineNumber);
            return;
        }

        if (_headerLines < 0)
        {
            // Line 2 says how many header lines follow. Without it, the column line is the first that names time/s.
            if (TryHeaderCount(line, out var n))
            {
                _headerLines = n;
                if (n <= lineNumber)
                {
                    throw new VoltageLogException($"{Log.Path}:{lineNumber}: 'Nb header lines : {n}' leaves no room for the column names.");
                }

                return;
            }

            if (line.Contains("time/", StringComparison.OrdinalIgnoreCase) && line.Contains('\t', StringComparison.Ordinal))
            {
                Log.Warn(lineNumber, "no 'Nb header lines' entry; took this line as the column names");
                ReadColumns(line, lineNumber);
                return;
            }
        }

        if (lineNumber == _headerLines)
        {
            ReadColumns(line, lineNumber);
            return;
        }

        ReadHeaderLine(line, lineNumber);
    }

    /// <summary>
    /// EC-Lab can export the time column as date and time ("absolute time" export option) under the same
    /// <c>time/s</c> header. The first data row tells which; the plan switches to wall-clock times if needed.
    /// </summary>
    private void CheckTimeLayout(string line)
    {
        _timeLayoutChecked = true;
        var fields = line.Split('\t');
        if (Plan!.Time >= fields.Length || TryNumber(fields[Plan.Time], out _))
        {
            return;
        }

        if (WallClock.TryParse(fields[Plan.Time], Log.Options.WallClockUtcOffset, Log.Options.DateOrder, out _))
        {
            Plan.TimeKind = TimeKind.Absolute;
        }
    }

    private static bool TryHeaderCount(string line, out int n)
    {
        n = 0;
        var colon = line.IndexOf(':', StringComparison.Ordinal);
        return colon > 0
            && line[..colon].Trim().Equals("Nb header lines", StringComparison.OrdinalIgnoreCase)
            && int.TryParse(line.AsSpan(colon + 1).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out n);
    }

    private void ReadHeaderLine(string line, int lineNumber)
    {
        const string key = "Acquisition started on";
        if (!line.TrimStart().StartsWith(key, StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        var colon = line.IndexOf(':', StringComparison.Ordinal);
        var value = colon < 0 ? "" : line[(colon + 1)..].Trim();
        if (WallClock.TryParse(value, Log.Options.WallClockUtcOffset, Log.Options.DateOrder, out var start))
        {
            if (Log.HasStart && Log.Start != start)
            {
                Log.Warn(lineNumber, $"'{key}' says {value}; using VoltageLogOptions.StartTime {Log.Start:O} instead");
                return;
            }

            Log.SetStart(start);
        }
        else
        {
            Log.Warn(lineNumber, $"cannot read '{value}' as the acquisition start time; the log has no absolute start unless VoltageLogOptions.StartTime gives one");
        }
    }

    private void ReadColumns(string line, int lineNumber)
    {
        var names = HeaderFields(line, '\t');
        Plan = new ColumnPlan { Names = names, Delimiter = '\t', DecimalComma = true };
        Log.ColumnNames = names;

        var time = Array.FindIndex(names, n => EchemUnits.SplitHeader(n).Name.Equals("time", StringComparison.OrdinalIgnoreCase));
        if (time < 0)
        {
            throw new VoltageLogException($"{Log.Path}:{lineNumber}: no 'time/s' column among the column names ({string.Join(", ", names)}).");
        }

        if (!TryUnit(time, EchemQuantity.Time, null, "s", lineNumber, out var ts))
        {
            throw new VoltageLogException($"{Log.Path}:{lineNumber}: the time column '{names[time]}' has a unit we cannot convert.");
        }

        Plan.Time = time;
        Plan.TimeKind = TimeKind.Elapsed;
        Plan.TimeScale = ts;

        (Plan.Voltage, Plan.VoltageScale) = Pick(names, s_voltageNames, EchemQuantity.Voltage, lineNumber);
        (Plan.Current, Plan.CurrentScale) = Pick(names, s_currentNames, EchemQuantity.Current, lineNumber);
        (Plan.Charge, Plan.ChargeScale) = Pick(names, s_chargeNames, EchemQuantity.Charge, lineNumber);
        Plan.Cycle = Array.FindIndex(names, n => n.Equals("cycle number", StringComparison.OrdinalIgnoreCase));

        Log.HasVoltage = Plan.Voltage >= 0;
        Log.HasCurrent = Plan.Current >= 0;
        Log.HasCharge = Plan.Charge >= 0;
        Log.HasCycle = Plan.Cycle >= 0;
        PublishMapping(Plan.ChargeScale != 1.0 ? "converted to mA·h" : null);
        if (!Log.HasVoltage)
        {
            Log.Reject(lineNumber, $"no usable voltage column (looked for Ewe/V, <Ewe/V>, <Ewe>/V, Ecell/V among {string.Join(", ", names)}); voltages are NaN");
        }

        if (!Log.HasCurrent)
        {
            Log.Warn(lineNumber, "no usable current column (looked for <I>/mA, I/mA); capacity can only come from (Q-Qo)");
        }

        if (!Log.HasVoltage && !Log.HasCurrent && !Log.HasCharge)
        {
            throw new VoltageLogException($"{Log.Path}:{lineNumber}: none of voltage, current or charge can be read from the columns ({string.Join(", ", names)}).");
        }
    }

    private (int Index, double Scale) Pick(string[] names, string[] candidates, EchemQuantity quantity, int lineNumber)
    {
        foreach (var candidate in candidates)
        {
            var i = Array.FindIndex(names, n => EchemUnits.SplitHeader(n).Name.Equals(candidate, StringComparison.OrdinalIgnoreCase));
            if (i >= 0 && TryUnit(i, quantity, null, "", lineNumber, out var scale))
            {
                return (i, scale);
            }
        }

        return (-1, 1.0);
    }
}
