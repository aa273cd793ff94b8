using System.Runtime.InteropServices;
using System.Text;

namespace OperandoXrd.Electrochem.Logs;

/// <summary>
/// A cycler's voltage log as a time series: absolute start time, and per row the time since that start (s), Ewe (V),
/// current (mA, positive on charge/oxidation), cumulative charge (mA·h) and cycle number when the file has them, and
/// the source line. Read from a BioLogic EC-Lab <c>.mpt</c>, a Neware CSV export or a generic CSV. Rows that cannot be
/// used (garbage, times that do not increase) are skipped and listed in <see cref="Warnings"/> with their line; only
/// a log with nothing usable throws. A file that is still being written is followed with <see cref="Refresh"/>.
/// </summary>
public sealed class VoltageLog
{
    private const int MaxWarnings = 500;

    private readonly List<double> _time = [];
    private readonly List<double> _voltage = [];
    private readonly List<double> _current = [];
    private readonly List<double> _charge = [];
    private readonly List<double> _integrated = [];
    private readonly List<int> _cycle = [];
    private readonly List<int> _line = [];
    private readonly List<LogWarning> _warnings = [];
    private IncrementalLineReader _reader;
    private LogParser _parser;
    private int _suppressedWarnings;

    private VoltageLog(string path, VoltageLogFormat format, VoltageLogOptions options)
    {
        Path = path;
        Format = format;
        Options = options;
        _reader = new IncrementalLineReader(path);
        _parser = CreateParser();
        Start = options.StartTime;
    }

    private LogParser CreateParser() => Format switch
    {
        VoltageLogFormat.BioLogicMpt => new BioLogicMptParser(this),
        VoltageLogFormat.NewareCsv => new NewareCsvParser(this),
        _ => new GenericCsvParser(this, Options.Columns),
    };

    /// <summary>The file read.</summary>
    public string Path { get; }

    /// <summary>The layout the file was read as.</summary>
    public VoltageLogFormat Format { get; }

    public VoltageLogOptions Options { get; }

    /// <summary>Absolute time of <see cref="TimeSeconds"/> = 0, or null when neither the file nor the options give one.</summary>
    public DateTimeOffset? Start { get; private set; }

    /// <summary><see cref="Start"/> as seconds since 1970-01-01 UTC (NaN when unknown), the frame sources' clock.</summary>
    public double StartUnixSeconds => Start is { } s ? (s - DateTimeOffset.UnixEpoch).Ticks / (double)TimeSpan.TicksPerSecond : double.NaN;

    /// <summary>Number of usable rows.</summary>
    public int Count => _time.Count;

    /// <summary>Seconds since <see cref="Start"/>, strictly increasing.</summary>
    public ReadOnlySpan<double> TimeSeconds => CollectionsMarshal.AsSpan(_time);

    /// <summary>Working-electrode potential in V (NaN throughout when the file has no voltage column).</summary>
    public ReadOnlySpan<double> VoltageV => CollectionsMarshal.AsSpan(_voltage);

    /// <summary>Current in mA, positive on charge (NaN throughout when the file has no current column).</summary>
    public ReadOnlySpan<double> CurrentmA => CollectionsMarshal.AsSpan(_current);

    /// <summary>Cumulative charge in mA·h as the file gives it (EC-Lab (Q-Qo)); NaN throughout when absent.</summary>
    public ReadOnlySpan<double> ChargemAh => CollectionsMarshal.AsSpan(_charge);

    /// <summary>Charge in mA·h from the trapezoid rule on the current, 0 at the first row (NaN without a current column).</summary>
    public ReadOnlySpan<double> IntegratedChargemAh => CollectionsMarshal.AsSpan(_integrated);

    /// <summary>Cycle number (−1 throughout when absent).</summary>
    public ReadOnlySpan<int> CycleNumber => CollectionsMarshal.AsSpan(_cycle);

    /// <summary>1-based line of the file each row came from.</summary>
    public ReadOnlySpan<int> SourceLines => CollectionsMarshal.AsSpan(_line);

    public bool HasVoltage { get; internal set; }

    public bool HasCurrent { get; internal set; }

    public bool HasCharge { get; internal set; }

    public bool HasCycle { get; internal set; }

    /// <summary>Which column became time, voltage, current, charge and cycle (null until the header has been read).</summary>
    public ColumnMapping? Mapping { get; internal set; }

    /// <summary>Line-terminated lines read so far (plus an unterminated last line when it was read).</summary>
    public int LinesRead => _reader.LinesRead;

    /// <summary>Column headers as found in the file, once its header has been read.</summary>
    public IReadOnlyList<string> ColumnNames { get; internal set; } = [];

    /// <summary>What was not used and why, with line numbers (capped at 500 entries, then one summary entry).</summary>
    public IReadOnlyList<LogWarning> Warnings => _suppressedWarnings == 0
        ? _warnings
        : [.. _warnings, new LogWarning(Path, 0, $"{_suppressedWarnings} further warnings not listed")];

    /// <summary>Bytes of the file read so far (the start of the first line not yet complete).</summary>
    public long BytesRead => _reader.Offset;

    /// <summary>Bytes after the last complete line: a row still being written, read by the next <see cref="Refresh"/>.</summary>
    public long PendingBytes => _reader.PendingBytes;

    /// <summary>Opens and reads a voltage log. Throws <see cref="VoltageLogException"/> when nothing in it is usable.</summary>
    public static VoltageLog Open(string path, VoltageLogOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        options ??= new VoltageLogOptions();
        if (options.WallClockUtcOffset.Ticks % TimeSpan.TicksPerMinute != 0 || options.WallClockUtcOffset.Duration() > TimeSpan.FromHours(14))
        {
            throw new ArgumentException($"WallClockUtcOffset {options.WallClockUtcOffset} is not a UTC offset (whole minutes, at most ±14 h).", nameof(options));
        }

        if (!File.Exists(path))
        {
            throw new VoltageLogException($"{path}: voltage log not found.");
        }

        var format = options.Format == VoltageLogFormat.Auto ? Detect(path, options) : options.Format;
        var log = new VoltageLog(path, format, options);
        log.ReadAvailable(options.ReadUnterminatedLastLine || options.Strict);
        if (!log._parser.HasColumns && !options.AllowEmpty)
        {
            var why = log._parser.MissingColumnsReason ?? "no line with the column names";
            throw new VoltageLogException($"{path}:{log._reader.LinesRead}: the file ends before its column names ({why}).");
        }

        if (log.Count == 0 && !options.AllowEmpty)
        {
            var why = log._warnings.Count > 0 ? " First problem: " + log._warnings[0] : "";
            throw new VoltageLogException($"{path}: no usable data rows in {log._reader.LinesRead} lines ({format}).{why}");
        }

        return log;
    }

    /// <summary>How many times the file was found rewritten (not appended to) and read again from the start.</summary>
    public int Rereads { get; private set; }

    /// <summary>
    /// Reads the complete lines appended since the last read and returns how many rows were added; a partial last
    /// line is left for the next call. When the file was rewritten instead (EC-Lab re-exported mid-run with a header
    /// of another length, or the file replaced), everything is read again from the start: <see cref="Rereads"/>
    /// counts up, a warning says so, and the return value is the change in <see cref="Count"/>.
    /// Not thread-safe: refresh and read the spans from one thread, or under one lock.
    /// </summary>
    public int Refresh()
    {
        var before = Count;
        ReadAvailable(false);
        return Count - before;
    }

    private void ReadAvailable(bool includeTail)
    {
        if (_reader.ReadNewLines(includeTail, _parser.Accept))
        {
            return;
        }

        var rows = Count;
        _time.Clear();
        _voltage.Clear();
        _current.Clear();
        _charge.Clear();
        _integrated.Clear();
        _cycle.Clear();
        _line.Clear();
        _warnings.Clear();
        _suppressedWarnings = 0;
        Start = Options.StartTime;
        HasVoltage = HasCurrent = HasCharge = HasCycle = false;
        ColumnNames = [];
        Mapping = null;
        _reader = new IncrementalLineReader(Path);
        _parser = CreateParser();
        Rereads++;
        Warn(0, $"the file was rewritten, not appended to, since it was read ({rows} rows); read again from the start");
        _reader.ReadNewLines(includeTail, _parser.Accept);
    }

    private static VoltageLogFormat Detect(string path, VoltageLogOptions options)
    {
        if (options.Columns is not null)
        {
            return VoltageLogFormat.GenericCsv;
        }

        var head = new byte[8192];
        int n;
        using (var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
        {
            n = fs.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        }

        var text = Encoding.Latin1.GetString(head, 0, n);
        if (text.TrimStart('\uFEFF', 'ï', '»', '¿').StartsWith("EC-Lab ASCII FILE", StringComparison.Ordinal)
            || path.EndsWith(".mpt", StringComparison.OrdinalIgnoreCase))
        {
            return VoltageLogFormat.BioLogicMpt;
        }

        if (NewareCsvParser.LooksLikeNeware(text))
        {
            return VoltageLogFormat.NewareCsv;
        }

        // Anything else is a delimited table whose columns are picked by meaning from its first line.
        return VoltageLogFormat.GenericCsv;
    }

    internal void Warn(int line, string message)
    {
        if (_warnings.Count < MaxWarnings)
        {
            _warnings.Add(new LogWarning(Path, line, message));
        }
        else
        {
            _suppressedWarnings++;
        }
    }

    /// <summary>
    /// A row (or a header) that cannot be used: with <see cref="VoltageLogOptions.Strict"/> an error naming the file and
    /// line, otherwise a warning and the row is skipped.
    /// </summary>
    internal void Reject(int line, string message)
    {
        if (Options.Strict)
        {
            var m = message.Replace("; row skipped", "", StringComparison.Ordinal).Replace("; voltages are NaN", "", StringComparison.Ordinal);
            throw new VoltageLogException(line > 0 ? $"{Path}:{line}: {m}" : $"{Path}: {m}");
        }

        Warn(line, message);
    }

    internal bool HasStart => Start is not null;

    internal void SetStart(DateTimeOffset start) => Start = start;

    internal void AddRow(double t, double voltage, double current, double charge, int cycle, int line)
    {
        var n = _time.Count;
        if (n > 0 && !(t > _time[n - 1]))
        {
            var what = t == _time[n - 1] ? "repeats" : "is before";
            Warn(line, $"time {t.ToString("R", System.Globalization.CultureInfo.InvariantCulture)} s {what} the previous row's " +
                       $"{_time[n - 1].ToString("R", System.Globalization.CultureInfo.InvariantCulture)} s (line {_line[n - 1]}); row skipped");
            return;
        }

        var integrated = n == 0 ? 0.0 : _integrated[n - 1] + (0.5 * (current + _current[n - 1]) * (t - _time[n - 1]) / 3600.0);
        _time.Add(t);
        _voltage.Add(voltage);
        _current.Add(current);
        _charge.Add(charge);
        _integrated.Add(integrated);
        _cycle.Add(cycle);
        _line.Add(line);
    }
}
