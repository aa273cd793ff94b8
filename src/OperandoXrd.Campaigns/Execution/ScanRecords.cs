using System.Globalization;
using OperandoXrd.Core.IO;

namespace OperandoXrd.Campaigns.Execution;

/// <summary>How a scan's last task ended, as the task itself recorded it.</summary>
/// <param name="ExitCode">oxrd reduce's exit code, or null when the task was cancelled.</param>
public sealed record ScanExit(int? ExitCode)
{
    public bool Cancelled => ExitCode is null;

    /// <summary>0 (every frame fitted) and 1 (the run finished, some frames failed) are finished scans.</summary>
    public bool Finished => ExitCode is 0 or 1;
}

/// <summary>
/// The campaign's own per-scan records in <c>&lt;out&gt;/.campaign/scans/</c>: <c>&lt;label&gt;.started</c> (who runs it:
/// a SLURM job or a local process) and <c>&lt;label&gt;.exit</c> (the exit code, or <c>cancelled</c>). Both executors
/// write the same records (the SLURM task script from bash), so status and merge read one format. They outlive the
/// scheduler's memory of a job (a real cluster forgets finished jobs after MinJobAge; without accounting there is no
/// sacct).
/// </summary>
public static class ScanRecords
{
    public const string Cancelled = "cancelled";

    /// <summary>The line a SLURM task appends to its log when it ends (the attempt's header lines start with "== " too).</summary>
    public const string EndOfTask = "== end of task";

    public static string Folder(string output) => Path.Combine(output, ".campaign", "scans");

    public static string StartedPath(string output, string label) => Path.Combine(Folder(output), label + ".started");

    public static string ExitPath(string output, string label) => Path.Combine(Folder(output), label + ".exit");

    public static string LogPath(string output, string label) => Path.Combine(output, "logs", label + ".log");

    public static void Clear(string output, string label)
    {
        File.Delete(ExitPath(output, label));
        File.Delete(StartedPath(output, label));
    }

    public static void WriteStarted(string output, string label, string who) => AtomicFile.WriteAllText(StartedPath(output, label), who + "\n");

    public static void WriteExit(string output, string label, int? exitCode) =>
        AtomicFile.WriteAllText(ExitPath(output, label), (exitCode?.ToString(CultureInfo.InvariantCulture) ?? Cancelled) + "\n");

    public static string? ReadStarted(string output, string label)
    {
        var path = StartedPath(output, label);
        return File.Exists(path) ? File.ReadAllText(path).Trim() : null;
    }

    public static ScanExit? ReadExit(string output, string label)
    {
        var path = ExitPath(output, label);
        if (!File.Exists(path))
        {
            return null;
        }

        var text = File.ReadAllText(path).Trim();
        return text == Cancelled ? new ScanExit(null)
            : int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var code) ? new ScanExit(code) : null;
    }

    /// <summary>
    /// The line of a scan's log that says why it stopped: the first <c>oxrd:</c> line of the last attempt (oxrd reduce
    /// says why first, then what to do), else the attempt's last non-empty line.
    /// </summary>
    public static string? FailureLine(string output, string label)
    {
        var path = LogPath(output, label);
        if (!File.Exists(path))
        {
            return null;
        }

        string? last = null, firstOxrd = null;
        foreach (var line in File.ReadLines(path))
        {
            if (line.StartsWith(EndOfTask, StringComparison.Ordinal))
            {
                continue;
            }

            if (line.StartsWith("== ", StringComparison.Ordinal))
            {
                // Every task appends under a "== time job: command" line; only the last attempt's lines count.
                (last, firstOxrd) = (null, null);
                continue;
            }

            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            last = line.Trim();
            if (firstOxrd is null && line.StartsWith("oxrd:", StringComparison.Ordinal))
            {
                firstOxrd = last;
            }
        }

        return firstOxrd ?? last;
    }
}
