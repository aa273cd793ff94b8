namespace OperandoXrd.Electrochem.Logs;

/// <summary>The file layouts <see cref="VoltageLog"/> reads.</summary>
public enum VoltageLogFormat
{
    /// <summary>Decide from the content: <c>EC-Lab ASCII FILE</c> → BioLogic; Neware column names → Neware; a column map → generic.</summary>
    Auto,
    /// <summary>BioLogic EC-Lab ASCII export (<c>.mpt</c>).</summary>
    BioLogicMpt,
    /// <summary>Neware BTS record-level CSV export.</summary>
    NewareCsv,
    /// <summary>Any delimited text with a <see cref="CsvColumnMap"/>.</summary>
    GenericCsv,
}

/// <summary>The names the pipeline config's <c>echem.format</c> uses for <see cref="VoltageLogFormat"/>.</summary>
public static class VoltageLogFormatNames
{
    /// <summary><c>auto</c>, <c>biologic-mpt</c>, <c>neware-csv</c>, <c>csv</c> (also <c>generic-csv</c>); case-insensitive.</summary>
    public static VoltageLogFormat Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.Trim().ToLowerInvariant() switch
        {
            "auto" or "" => VoltageLogFormat.Auto,
            "biologic-mpt" or "biologic" or "mpt" or "ec-lab" => VoltageLogFormat.BioLogicMpt,
            "neware-csv" or "neware" => VoltageLogFormat.NewareCsv,
            "csv" or "generic-csv" => VoltageLogFormat.GenericCsv,
            _ => throw new ArgumentException($"unknown voltage-log format '{name}' (known: auto, biologic-mpt, neware-csv, csv).", nameof(name)),
        };
    }

    /// <summary>The config name of a format.</summary>
    public static string Name(VoltageLogFormat format) => format switch
    {
        VoltageLogFormat.BioLogicMpt => "biologic-mpt",
        VoltageLogFormat.NewareCsv => "neware-csv",
        VoltageLogFormat.GenericCsv => "csv",
        _ => "auto",
    };
}

/// <summary>How to read a voltage log. Every member has a default that suits a plain EC-Lab export written in UTC.</summary>
public sealed record VoltageLogOptions
{
    public VoltageLogFormat Format { get; init; } = VoltageLogFormat.Auto;

    /// <summary>
    /// Offset from UTC of the clock that wrote wall-clock timestamps without a zone (the cycler PC's local time, e.g.
    /// +02:00 for a summer run at the ESRF). Timestamps that carry their own zone ignore it.
    /// </summary>
    public TimeSpan WallClockUtcOffset { get; init; } = TimeSpan.Zero;

    /// <summary>Absolute time of the log's time zero when the file carries none (an .mpt without <c>Acquisition started on</c>, a CSV with relative times).</summary>
    public DateTimeOffset? StartTime { get; init; }

    /// <summary>How to read an ambiguous numeric date.</summary>
    public DateOrder DateOrder { get; init; } = DateOrder.Auto;

    /// <summary>
    /// Use a last line that has no line terminator. Off by default: a file still being written ends in a partial line
    /// whose last number may be cut short and still parse; <see cref="VoltageLog.Refresh"/> reads it once complete.
    /// Turn on for finished exports saved without a final newline.
    /// </summary>
    public bool ReadUnterminatedLastLine { get; init; }

    /// <summary>
    /// A finished file read whole (<c>oxrd echem</c>, <c>oxrd fit</c>, an offline <c>oxrd reduce</c>): the first row that
    /// cannot be used (too few fields, a field that is not a number or a time) and a missing voltage column are errors
    /// naming the file and line, instead of warnings; the unterminated last line is read. A time that repeats the
    /// previous row's (Neware writes each step's first record at the last one's second) stays a warning.
    /// </summary>
    public bool Strict { get; init; }

    /// <summary>Accept a log with no data rows yet (a live run whose file has only its header). Otherwise that is an error.</summary>
    public bool AllowEmpty { get; init; }

    /// <summary>The column map for <see cref="VoltageLogFormat.GenericCsv"/>.</summary>
    public CsvColumnMap? Columns { get; init; }
}

/// <summary>How a generic CSV maps onto a voltage log. Columns are named by header text (case-insensitive) or by <c>#N</c>, 1-based.</summary>
public sealed record CsvColumnMap
{
    /// <summary>Time column (required).</summary>
    public required string Time { get; init; }

    /// <summary>Unit of a relative time column (s, min, h, ...). Null: from the header (<c>Time(s)</c>, <c>t/min</c>) or seconds.</summary>
    public string? TimeUnit { get; init; }

    /// <summary>
    /// Set when the time column holds absolute times: <c>unix</c> (seconds since 1970 UTC), <c>iso</c> (any
    /// date-time layout <see cref="VoltageLog"/> recognises), or a .NET custom format such as <c>yyyy-MM-dd HH:mm:ss.fff</c>.
    /// Null: the column holds elapsed time in <see cref="TimeUnit"/>; the absolute start then comes from
    /// <see cref="VoltageLogOptions.StartTime"/>.
    /// </summary>
    public string? AbsoluteTimeFormat { get; init; }

    public string? Voltage { get; init; }

    /// <summary>Null: from the header, else V.</summary>
    public string? VoltageUnit { get; init; }

    public string? Current { get; init; }

    /// <summary>Null: from the header, else mA.</summary>
    public string? CurrentUnit { get; init; }

    /// <summary>Cumulative charge since the start (like EC-Lab's (Q-Qo)), positive on charge.</summary>
    public string? Charge { get; init; }

    /// <summary>Null: from the header, else mA.h.</summary>
    public string? ChargeUnit { get; init; }

    public string? Cycle { get; init; }

    /// <summary>Field delimiter; null detects tab, semicolon or comma from the header line.</summary>
    public char? Delimiter { get; init; }

    /// <summary>Decimal separator of numbers ('.' or ',').</summary>
    public char DecimalSeparator { get; init; } = '.';

    /// <summary>1-based line that holds the column names; lines before it are a preamble and skipped.</summary>
    public int HeaderLine { get; init; } = 1;

    /// <summary>Multiply currents (and charges) by −1, for cyclers that count discharge as positive.</summary>
    public bool InvertCurrentSign { get; init; }
}

/// <summary>Something in a log that was not used, with the file and 1-based line it came from (0 when not tied to a line).</summary>
public readonly record struct LogWarning(string File, int Line, string Message)
{
    public override string ToString() => Line > 0 ? $"{File}:{Line}: {Message}" : $"{File}: {Message}";
}

/// <summary>A voltage log that cannot be used at all (no time column, nothing readable). The message names file and line.</summary>
public sealed class VoltageLogException : Exception
{
    public VoltageLogException(string message) : base(message) { }

    public VoltageLogException(string message, Exception inner) : base(message, inner) { }

    public VoltageLogException() { }
}
