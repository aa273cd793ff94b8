using System.Globalization;
using OperandoXrd.Electrochem.Units;

namespace OperandoXrd.Electrochem.Logs;

/// <summary>How a log's time column is written.</summary>
public enum TimeKind
{
    /// <summary>A number × scale seconds since the log's start.</summary>
    Elapsed,
    /// <summary>An elapsed time printed as h:mm:ss.</summary>
    Duration,
    /// <summary>A wall-clock timestamp.</summary>
    Absolute,
    /// <summary>Seconds since 1970 UTC.</summary>
    Unix,
}

/// <summary>Where each quantity sits in a row and how to bring it to our units. Built once from the header line.</summary>
internal sealed class ColumnPlan
{
    public required string[] Names { get; init; }
    public char Delimiter { get; init; }
    public bool DecimalComma { get; init; }
    public int Time { get; set; } = -1;
    public TimeKind TimeKind { get; set; }
    public double TimeScale { get; set; } = 1.0;
    public string? AbsoluteFormat { get; set; }
    /// <summary>A wall-clock column beside an elapsed one (Neware Realtime beside Total Time): anchors the start only.</summary>
    public int Anchor { get; set; } = -1;
    public int Voltage { get; set; } = -1;
    public double VoltageScale { get; set; } = 1.0;
    public int Current { get; set; } = -1;
    public double CurrentScale { get; set; } = 1.0;
    public int Charge { get; set; } = -1;
    public double ChargeScale { get; set; } = 1.0;
    public int Cycle { get; set; } = -1;
    /// <summary>Neware step type (CC_Chg, CC_DChg, Rest): gives the sign of currents some exports print unsigned.</summary>
    public int StepType { get; set; } = -1;
    /// <summary>Neware step number: a change starts a new step (flat exports).</summary>
    public int Step { get; set; } = -1;
    /// <summary>
    /// The charge column restarts at 0 in every step and is unsigned (Neware <c>Capacity(Ah)</c>): the cumulative
    /// charge is the signed sum of the steps before plus the current step's value, signed by the step type (else by
    /// the current).
    /// </summary>
    public bool ChargePerStep { get; set; }

    public int MinFields => Math.Max(Math.Max(Math.Max(Time, Anchor), Math.Max(Voltage, Current)), Math.Max(Math.Max(Charge, Cycle), Math.Max(StepType, Step))) + 1;
}

/// <summary>One line at a time, in file order; a parser is a small state machine over header and data lines.</summary>
internal abstract class LogParser
{
    protected LogParser(VoltageLog log) => Log = log;

    protected VoltageLog Log { get; }

    protected ColumnPlan? Plan { get; set; }

    /// <summary>The cycle a row belongs to when the rows do not carry it (Neware's nested export: from the cycle line above).</summary>
    protected int ContextCycle { get; set; } = -1;

    /// <summary>The step type a row belongs to when the rows do not carry it (Neware's nested export: from the step line above).</summary>
    protected string? ContextStepType { get; set; }

    /// <summary>Counts the steps of a nested export: a new value starts a new step for <see cref="ColumnPlan.ChargePerStep"/>.</summary>
    protected int ContextStep { get; set; } = -1;

    private double _chargeBefore;
    private double _stepCharge;
    private string? _stepKey;

    /// <summary>
    /// Tells the log which column became time, voltage, current, charge and cycle, for the one-line summary. Called by
    /// each parser once its plan is complete.
    /// </summary>
    protected void PublishMapping(string? chargeNote = null, string? cycleNote = null)
    {
        var plan = Plan!;
        string? Name(int i) => i >= 0 && i < plan.Names.Length ? plan.Names[i] : null;
        Log.Mapping = new ColumnMapping(
            Name(plan.Time), Name(plan.Voltage), Name(plan.Current), Name(plan.Charge), Name(plan.Cycle) ?? cycleNote,
            plan.TimeKind, plan.VoltageScale, plan.CurrentScale, plan.ChargeScale, chargeNote);
    }

    public abstract void Accept(string line, int lineNumber);

    /// <summary>True once the column names have been read.</summary>
    public bool HasColumns => Plan is not null;

    /// <summary>Why no column line was found, for the error when the file ends first (null: the parser has no rule).</summary>
    public virtual string? MissingColumnsReason => null;

    protected static string[] Split(string line, char delimiter)
    {
        if (!line.Contains('"', StringComparison.Ordinal))
        {
            return line.Split(delimiter);
        }

        // Quoted fields ("2021-07-15 14:23:45", "1,234") as spreadsheet exports write them; "" is a literal quote.
        var fields = new List<string>();
        var sb = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    sb.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    sb.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == delimiter)
            {
                fields.Add(sb.ToString());
                sb.Clear();
            }
            else
            {
                sb.Append(c);
            }
        }

        fields.Add(sb.ToString());
        return [.. fields];
    }

    /// <summary>The header's fields without the empty one a trailing delimiter leaves (EC-Lab ends every line with a tab).</summary>
    protected static string[] HeaderFields(string line, char delimiter)
    {
        var f = Split(line, delimiter);
        var n = f.Length;
        while (n > 0 && string.IsNullOrWhiteSpace(f[n - 1]))
        {
            n--;
        }

        return [.. f.Take(n).Select(s => s.Trim())];
    }

    protected static char DetectDelimiter(string headerLine)
    {
        var tabs = headerLine.Count(c => c == '\t');
        var semis = headerLine.Count(c => c == ';');
        var commas = headerLine.Count(c => c == ',');
        return tabs >= semis && tabs >= commas && tabs > 0 ? '\t' : semis >= commas && semis > 0 ? ';' : ',';
    }

    /// <summary>
    /// Index of a column named <paramref name="spec"/>: <c>#N</c> (1-based), the exact header, or the header's quantity
    /// without its unit (<c>Voltage</c> finds <c>Voltage(V)</c>). Case-insensitive.
    /// </summary>
    protected static int Find(string[] names, string spec)
    {
        if (spec.Length > 1 && spec[0] == '#' && int.TryParse(spec.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var k))
        {
            return k >= 1 && k <= names.Length ? k - 1 : -1;
        }

        for (var i = 0; i < names.Length; i++)
        {
            if (string.Equals(names[i], spec, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        for (var i = 0; i < names.Length; i++)
        {
            if (string.Equals(EchemUnits.SplitHeader(names[i]).Name, spec, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>
    /// Scale of column <paramref name="index"/> for <paramref name="quantity"/>, from an explicit unit, else the unit in
    /// the header, else <paramref name="defaultUnit"/>. An unknown unit is reported against the header line and the
    /// column is not used (a wrong factor would be worse than no column).
    /// </summary>
    protected bool TryUnit(int index, EchemQuantity quantity, string? explicitUnit, string defaultUnit, int headerLine, out double scale)
    {
        var header = Plan?.Names[index] ?? "";
        var unit = explicitUnit ?? EchemUnits.SplitHeader(header).Unit ?? defaultUnit;
        if (EchemUnits.TryGetScale(quantity, unit, out scale))
        {
            return true;
        }

        Log.Warn(headerLine, $"unknown {quantity.ToString().ToLowerInvariant()} unit '{unit}' in column '{header}' (known: {EchemUnits.Known(quantity)}); column not used");
        return false;
    }

    protected bool TryNumber(ReadOnlySpan<char> field, out double value)
    {
        var s = field.Trim().Trim('"');
        if (Plan!.DecimalComma && s.Contains(','))
        {
            var buf = s.Length <= 128 ? stackalloc char[s.Length] : new char[s.Length];
            s.CopyTo(buf);
            buf.Replace(',', '.');
            return double.TryParse(buf, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);
        }

        return double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);
    }

    /// <summary>
    /// The fields of one data row. Unquoted rows (every EC-Lab row, nearly every CSV row) are cut into ranges over
    /// the line on the stack, so a 200 000-row log costs no string per field; quoted rows go through the CSV splitter.
    /// </summary>
    private readonly ref struct Fields
    {
        private readonly ReadOnlySpan<char> _line;
        private readonly ReadOnlySpan<Range> _ranges;
        private readonly string[]? _strings;

        public Fields(ReadOnlySpan<char> line, ReadOnlySpan<Range> ranges)
        {
            _line = line;
            _ranges = ranges;
            Count = ranges.Length;
        }

        public Fields(string[] strings)
        {
            _strings = strings;
            Count = strings.Length;
        }

        public int Count { get; }

        public ReadOnlySpan<char> this[int i] => _strings is not null ? _strings[i] : _line[_ranges[i]];
    }

    /// <summary>Reads one data row with the plan and hands it to the log; says why when it cannot.</summary>
    protected void AcceptRow(string line, int lineNumber)
    {
        var plan = Plan!;
        if (string.IsNullOrWhiteSpace(line))
        {
            return;
        }

        var need = plan.MinFields;
        // One range more than needed: Split puts the unread rest of the line in the last one.
        var ranges = need < 127 ? stackalloc Range[need + 1] : new Range[need + 1];
        var f = line.Contains('"', StringComparison.Ordinal)
            ? new Fields(Split(line, plan.Delimiter))
            : new Fields(line, ranges[..line.AsSpan().Split(ranges, plan.Delimiter)]);

        if (Log.Options.Strict && f.Count >= need && !line.Contains('"', StringComparison.Ordinal))
        {
            // A finished file: every row has the header's fields (one more, empty, where rows end in the delimiter).
            // A field lost in the middle of a row would otherwise shift the columns after it without a trace.
            var fields = line.AsSpan().Count(plan.Delimiter) + 1;
            if (fields != plan.Names.Length && !(fields == plan.Names.Length + 1 && line.TrimEnd(' ', '\r').EndsWith(plan.Delimiter)))
            {
                Log.Reject(lineNumber, $"{fields} fields where the header has {plan.Names.Length}; row skipped");
                return;
            }
        }

        if (f.Count < need)
        {
            Log.Reject(lineNumber, $"{line.Split(plan.Delimiter).Length} fields where the header has {plan.Names.Length} (need at least {need}); row skipped");
            return;
        }

        if (!TryTime(f, lineNumber, out var t))
        {
            return;
        }

        double v = double.NaN, i = double.NaN, q = double.NaN;
        var cycle = ContextCycle;
        if ((plan.Voltage >= 0 && !Read(f, plan.Voltage, plan.VoltageScale, lineNumber, out v))
            || (plan.Current >= 0 && !Read(f, plan.Current, plan.CurrentScale, lineNumber, out i))
            || (plan.Charge >= 0 && !Read(f, plan.Charge, plan.ChargeScale, lineNumber, out q)))
        {
            return;
        }

        if (plan.Cycle >= 0)
        {
            if (!Read(f, plan.Cycle, 1.0, lineNumber, out var c))
            {
                return;
            }

            cycle = double.IsFinite(c) ? (int)Math.Round(c) : -1;
        }

        var stepType = plan.StepType >= 0 ? f[plan.StepType] : ContextStepType;
        var sign = StepSign(stepType);
        if (sign != 0 && plan.Current >= 0)
        {
            i = sign * Math.Abs(i);
        }

        if (plan.ChargePerStep && plan.Charge >= 0)
        {
            // A step number can repeat in the next cycle (Neware's Step Index runs 2–5 in every cycle): the cycle is part of the key.
            var key = plan.Step >= 0
                ? string.Create(CultureInfo.InvariantCulture, $"{cycle}/{f[plan.Step].Trim()}")
                : ContextStep.ToString(CultureInfo.InvariantCulture);
            q = CumulativeCharge(key, q, sign != 0 ? sign : Math.Sign(i));
        }

        Log.AddRow(t, v, i, q, cycle, lineNumber);
    }

    /// <summary>+1 for a charge step, −1 for a discharge step, 0 for rest or unknown (CC_Chg, CC DChg, CCCV_Chg, Discharge...).</summary>
    private static int StepSign(ReadOnlySpan<char> step)
    {
        if (step.Contains("DChg", StringComparison.OrdinalIgnoreCase) || step.Contains("Discharge", StringComparison.OrdinalIgnoreCase))
        {
            return -1;
        }

        return step.Contains("Chg", StringComparison.OrdinalIgnoreCase) || step.Contains("Charge", StringComparison.OrdinalIgnoreCase) ? 1 : 0;
    }

    /// <summary>The signed sum of the finished steps' charges plus this step's so far (the value restarts at 0 in each step).</summary>
    private double CumulativeCharge(string stepKey, double stepValue, int sign)
    {
        if (!string.Equals(stepKey, _stepKey, StringComparison.Ordinal))
        {
            _chargeBefore += _stepCharge;
            _stepCharge = 0;
            _stepKey = stepKey;
        }

        _stepCharge = sign * Math.Abs(stepValue);
        return _chargeBefore + _stepCharge;
    }

    private bool Read(in Fields f, int index, double scale, int lineNumber, out double value)
    {
        if (TryNumber(f[index], out value))
        {
            value *= scale;
            return true;
        }

        // EC-Lab 10 writes XXX where a quantity has no value in this row (a technique that does not measure it);
        // tables (ours among them) leave the field empty.
        if (f[index].Trim().SequenceEqual("XXX") || f[index].Trim().IsEmpty)
        {
            value = double.NaN;
            return true;
        }

        Log.Reject(lineNumber, $"cannot read '{f[index].Trim().ToString()}' as a number in column '{Plan!.Names[Math.Min(index, Plan.Names.Length - 1)]}'; row skipped");
        return false;
    }

    private bool TryTime(in Fields f, int lineNumber, out double t)
    {
        var plan = Plan!;
        var field = f[plan.Time];
        t = double.NaN;
        switch (plan.TimeKind)
        {
            case TimeKind.Elapsed:
            case TimeKind.Duration:
                var ok = plan.TimeKind == TimeKind.Elapsed ? TryNumber(field, out t) : WallClock.TryParseDuration(field.ToString(), out t);
                if (!ok)
                {
                    break;
                }

                if (plan.TimeKind == TimeKind.Elapsed)
                {
                    t *= plan.TimeScale;
                }

                if (!Log.HasStart && plan.Anchor >= 0 && TryAbsolute(f[plan.Anchor].ToString(), null, out var anchor))
                {
                    Log.SetStart(anchor.AddSeconds(-t));
                }

                return true;
            case TimeKind.Unix:
            case TimeKind.Absolute:
                DateTimeOffset at;
                if (plan.TimeKind == TimeKind.Unix)
                {
                    if (!TryNumber(field, out var unix))
                    {
                        break;
                    }

                    at = DateTimeOffset.UnixEpoch.AddTicks((long)Math.Round(unix * TimeSpan.TicksPerSecond));
                }
                else if (!TryAbsolute(field.ToString(), plan.AbsoluteFormat, out at))
                {
                    break;
                }

                if (!Log.HasStart)
                {
                    Log.SetStart(at);
                }

                t = (at - Log.Start!.Value).Ticks / (double)TimeSpan.TicksPerSecond;
                return true;
        }

        Log.Reject(lineNumber, $"cannot read '{field.Trim().ToString()}' as a time in column '{plan.Names[plan.Time]}'; row skipped");
        return false;
    }

    private bool TryAbsolute(string field, string? format, out DateTimeOffset value)
    {
        if (format is null or "iso")
        {
            return WallClock.TryParse(field, Log.Options.WallClockUtcOffset, Log.Options.DateOrder, out value);
        }

        var text = field.Trim().Trim('"');
        if (format.Contains('z', StringComparison.Ordinal) || format.Contains('K', StringComparison.Ordinal))
        {
            // The layout carries its own zone.
            return DateTimeOffset.TryParseExact(text, format, CultureInfo.InvariantCulture, DateTimeStyles.None, out value);
        }

        if (DateTime.TryParseExact(text, format, CultureInfo.InvariantCulture, DateTimeStyles.None, out var dt))
        {
            value = new DateTimeOffset(DateTime.SpecifyKind(dt, DateTimeKind.Unspecified), Log.Options.WallClockUtcOffset);
            return true;
        }

        value = default;
        return false;
    }
}
