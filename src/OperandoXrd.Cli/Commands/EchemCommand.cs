using System.CommandLine;
using System.Globalization;
using System.Text;
using OperandoXrd.Core.IO;
using OperandoXrd.Electrochem.Logs;
using OperandoXrd.Electrochem.Sync;

namespace OperandoXrd.Cli.Commands;

/// <summary>
/// <c>oxrd echem</c>: reads a voltage log as <c>reduce</c> and <c>fit</c> would and says what it found — the format,
/// which column became time, voltage, current, charge and cycle, the rows, the absolute time span and the cycles —
/// and with <c>--out</c> writes it as one plain table. A log that cannot be used is one line naming file and line, exit 2.
/// </summary>
internal static class EchemCommand
{
    public const string TableHeader = "time_s,epoch_s,voltage_V,current_mA,charge_mAh,cycle";

    public static Command Create()
    {
        var log = new Option<FileInfo>("--log") { Description = "Voltage log: EC-Lab .mpt, Neware CSV (flat or nested), or a CSV whose first line names its columns.", Required = true };
        var format = new Option<string>("--format") { Description = "auto, biologic-mpt, neware-csv or csv.", DefaultValueFactory = _ => "auto" };
        var utcOffset = new Option<string?>("--utc-offset") { Description = "UTC offset of the cycler PC's clock for dates without a zone, e.g. +02:00 (default: the dates are UTC)." };
        var output = new Option<FileInfo?>("--out") { Description = "Write time_s,epoch_s,voltage_V,current_mA,charge_mAh,cycle (atomically)." };
        var command = new Command("echem", "Read a voltage log: format, column mapping, rows, time span and cycles; --out writes it as a plain table.")
        {
            log, format, utcOffset, output,
        };
        command.SetAction(parse => IntegrateCommand.Guard(() => Run(
            parse.GetValue(log)!.FullName, parse.GetValue(format)!, parse.GetValue(utcOffset), parse.GetValue(output)?.FullName, Console.Out)));
        return command;
    }

    /// <summary>Options for reading a finished log whole, as every command that is not following a live run does.</summary>
    public static VoltageLogOptions FinishedLogOptions(VoltageLogFormat format, TimeSpan utcOffset = default) =>
        new() { Format = format, Strict = true, ReadUnterminatedLastLine = true, WallClockUtcOffset = utcOffset };

    /// <summary>Opens a finished log; anything wrong with it is a <see cref="UsageException"/> (one line, exit 2).</summary>
    public static VoltageLog Open(string path, VoltageLogOptions options)
    {
        try
        {
            return VoltageLog.Open(path, options);
        }
        catch (Exception e) when (e is VoltageLogException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new UsageException(e is VoltageLogException ? e.Message : $"{path}: {e.Message}", e);
        }
    }

    internal static int Run(string path, string formatName, string? utcOffsetText, string? outPath, TextWriter output)
    {
        VoltageLogFormat format;
        try
        {
            format = VoltageLogFormatNames.Parse(formatName);
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"--format: {e.Message}", e);
        }

        var offset = TimeSpan.Zero;
        if (utcOffsetText is not null && !TryParseOffset(utcOffsetText, out offset))
        {
            throw new UsageException($"--utc-offset: '{utcOffsetText}' is not an offset such as +02:00 or -05:00");
        }

        var log = Open(path, FinishedLogOptions(format, offset));
        foreach (var line in Describe(log))
        {
            output.WriteLine(line);
        }

        if (outPath is not null)
        {
            AtomicFile.WriteAllText(outPath, Table(log));
            output.WriteLine($"echem: wrote {log.Count} rows to {outPath}");
        }

        return ExitCodes.Ok;
    }

    /// <summary>The summary lines: format, column mapping, rows, time span, cycles, ranges and the first warnings.</summary>
    public static IEnumerable<string> Describe(VoltageLog log)
    {
        var c = CultureInfo.InvariantCulture;
        yield return $"echem: {log.Path}";
        yield return $"  format:  {VoltageLogFormatNames.Name(log.Format)}";
        yield return $"  columns: {log.Mapping?.Describe() ?? "(none)"}";
        var lines = log.SourceLines;
        yield return string.Create(c, $"  rows:    {log.Count} (file lines {lines[0]}–{lines[^1]}), {log.Warnings.Count} warning{(log.Warnings.Count == 1 ? "" : "s")}");
        var t = log.TimeSeconds;
        var duration = t[^1] - t[0];
        if (log.Start is not null)
        {
            yield return string.Create(c, $"  span:    {EchemOverlap.FormatUtc(log.StartUnixSeconds + t[0])} → {EchemOverlap.FormatUtc(log.StartUnixSeconds + t[^1])} UTC ({duration:0.###} s)");
            if (log.Format == VoltageLogFormat.BioLogicMpt)
            {
                yield return "  start:   'Acquisition started on' read as MM/DD/YYYY (what EC-Lab writes), the cycler's clock taken as "
                    + (log.Options.WallClockUtcOffset == TimeSpan.Zero ? "UTC (--utc-offset to change)" : $"UTC{Offset(log.Options.WallClockUtcOffset)}");
            }
        }
        else
        {
            yield return string.Create(c, $"  span:    {t[0]:0.###}–{t[^1]:0.###} s ({duration:0.###} s); no absolute start in the file");
        }

        var cycles = log.CycleNumber.ToArray().Where(k => k >= 0).ToArray();
        yield return cycles.Length > 0
            ? string.Create(c, $"  cycles:  {cycles.Min()}–{cycles.Max()} ({cycles.Distinct().Count()} distinct)")
            : "  cycles:  none in the file";

        foreach (var (name, values, unit) in new[] { ("voltage", log.VoltageV.ToArray(), "V"), ("current", log.CurrentmA.ToArray(), "mA"), ("charge", log.ChargemAh.ToArray(), "mA·h") })
        {
            var finite = values.Where(double.IsFinite).ToArray();
            if (finite.Length > 0)
            {
                yield return string.Create(c, $"  {name + ":",-8} first {values[0]:G8}, last {values[^1]:G8}, min {finite.Min():G8}, max {finite.Max():G8} {unit}");
            }
        }

        foreach (var w in log.Warnings.Take(5))
        {
            yield return $"  warning: {w}";
        }

        if (log.Warnings.Count > 5)
        {
            yield return $"  ... and {log.Warnings.Count - 5} more warnings";
        }
    }

    /// <summary>The table: time_s from the first row, epoch_s absolute (UTC seconds since 1970) when the file gives a start.</summary>
    public static string Table(VoltageLog log)
    {
        var c = CultureInfo.InvariantCulture;
        var text = new StringBuilder((log.Count + 1) * 80);
        text.Append(TableHeader).Append('\n');
        var t = log.TimeSeconds;
        var start = log.StartUnixSeconds;
        for (var i = 0; i < log.Count; i++)
        {
            text.Append((t[i] - t[0]).ToString("R", c)).Append(',')
                .Append(Number(start + t[i])).Append(',')
                .Append(Number(log.VoltageV[i])).Append(',')
                .Append(Number(log.CurrentmA[i])).Append(',')
                .Append(Number(log.ChargemAh[i])).Append(',');
            if (log.CycleNumber[i] >= 0)
            {
                text.Append(log.CycleNumber[i].ToString(c));
            }

            text.Append('\n');
        }

        return text.ToString();

        static string Number(double v) => double.IsFinite(v) ? v.ToString("R", CultureInfo.InvariantCulture) : "";
    }

    private static string Offset(TimeSpan o) => (o < TimeSpan.Zero ? "-" : "+") + o.Duration().ToString(@"hh\:mm", CultureInfo.InvariantCulture);

    private static bool TryParseOffset(string text, out TimeSpan offset)
    {
        var s = text.Trim();
        var sign = 1;
        if (s.StartsWith('+') || s.StartsWith('-'))
        {
            sign = s[0] == '-' ? -1 : 1;
            s = s[1..];
        }

        if (TimeSpan.TryParseExact(s, [@"hh\:mm", @"h\:mm", "hh", "%h"], CultureInfo.InvariantCulture, out var o) && o <= TimeSpan.FromHours(14))
        {
            offset = sign * o;
            return true;
        }

        offset = TimeSpan.Zero;
        return false;
    }
}
