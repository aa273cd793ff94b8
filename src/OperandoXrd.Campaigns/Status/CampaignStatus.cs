using OperandoXrd.Campaigns.Execution;
using OperandoXrd.Campaigns.Files;
using OperandoXrd.Pipeline.Checkpoints;

namespace OperandoXrd.Campaigns.Status;

/// <summary>Where a scan is: not submitted yet, waiting, running, finished, failed, cancelled (or unknown while the scheduler does not answer).</summary>
public enum ScanState
{
    New,
    Pending,
    Running,
    Done,
    Failed,
    Cancelled,
    Unknown,
}

/// <summary>One line of <c>oxrd campaign status</c>.</summary>
/// <param name="FramesDone">Frames in the scan's checkpoint (<c>&lt;out&gt;/&lt;label&gt;/.oxrd/checkpoint.json</c>).</param>
/// <param name="Job">SLURM task (<c>array_index</c>) or local process that ran it last.</param>
/// <param name="Detail">Exit code, scheduler state, or the failure line of the scan's log.</param>
public sealed record ScanStatus(string Label, ScanState State, int FramesDone, string? Job, string? Detail)
{
    public static string Word(ScanState state) => state.ToString().ToLowerInvariant();
}

/// <summary>
/// The state of every scan of a campaign, from three sources: the scan's own checkpoint (frames done), the records
/// its task left (<see cref="ScanRecords"/>: started, exit code or cancelled) and, for SLURM, what squeue still
/// knows (pending, running, or ended without a record: killed, timed out, node failure).
/// </summary>
public static class CampaignStatus
{
    private static readonly string[] ActiveStates = ["PENDING", "CONFIGURING", "RUNNING", "COMPLETING", "SUSPENDED", "REQUEUED", "RESIZING", "SIGNALING", "STAGE_OUT"];

    /// <param name="schedulerUnavailable">Set when SLURM jobs were submitted but squeue did not answer.</param>
    public static IReadOnlyList<ScanStatus> Read(Campaign campaign, string output, out bool schedulerUnavailable)
    {
        ArgumentNullException.ThrowIfNull(campaign);
        var submissions = SlurmSubmissions.Read(output);
        Dictionary<string, string>? queue = null;
        schedulerUnavailable = false;
        if (submissions.Count > 0)
        {
            queue = SlurmQueue.States(submissions.Select(s => s.ArrayJob));
            schedulerUnavailable = queue is null;
        }

        var result = new List<ScanStatus>();
        foreach (var scan in campaign.Scans)
        {
            var frames = Checkpoint.Load(Path.Combine(scan.Folder(output), ".oxrd", "checkpoint.json"))?.FramesDone ?? 0;
            var exit = ScanRecords.ReadExit(output, scan.Label);
            var started = ScanRecords.ReadStarted(output, scan.Label);
            var task = SlurmSubmissions.Latest(submissions, scan.Label);
            var job = task?.TaskId ?? started;
            string? schedulerState = null;
            _ = task is not null && queue is not null && queue.TryGetValue(task.Value.TaskId, out schedulerState);
            result.Add(Classify(scan.Label, frames, job, exit, started, task is not null, queue is not null, schedulerState, output));
        }

        return result;
    }

    private static ScanStatus Classify(string label, int frames, string? job, ScanExit? exit, string? started, bool submitted, bool schedulerKnown, string? schedulerState, string output)
    {
        // A record of the end is the task's own word, and outlives the scheduler's memory of the job.
        if (exit is { Cancelled: true })
        {
            return new(label, ScanState.Cancelled, frames, job, "cancelled while running; --retry-failed resumes it from its checkpoint");
        }

        if (exit is { Finished: true })
        {
            return new(label, ScanState.Done, frames, job, exit.ExitCode == 1 ? "exit 1: some frames failed (see its lattice.csv status)" : "exit 0");
        }

        if (exit is { ExitCode: int code })
        {
            return new(label, ScanState.Failed, frames, job, $"exit {code}: {ScanRecords.FailureLine(output, label) ?? "(no log)"}");
        }

        if (submitted)
        {
            if (!schedulerKnown)
            {
                return new(label, ScanState.Unknown, frames, job, "the scheduler does not answer");
            }

            if (schedulerState is null)
            {
                // Gone from squeue without a record: a pending task cancelled with scancel, or the controller forgot it.
                return new(label, ScanState.Cancelled, frames, job, started is null ? "no longer queued and never started" : "ended without a result (killed?)");
            }

            if (schedulerState == "PENDING")
            {
                return new(label, ScanState.Pending, frames, job, null);
            }

            if (ActiveStates.Contains(schedulerState, StringComparer.Ordinal))
            {
                return new(label, started is null ? ScanState.Pending : ScanState.Running, frames, job, schedulerState == "RUNNING" ? null : schedulerState.ToLowerInvariant());
            }

            var line = ScanRecords.FailureLine(output, label);
            return schedulerState == "CANCELLED"
                ? new(label, ScanState.Cancelled, frames, job, "cancelled (scancel)")
                : new(label, ScanState.Failed, frames, job, $"{schedulerState.ToLowerInvariant()}{(line is null ? "" : ": " + line)}");
        }

        if (started is not null)
        {
            // A local run: its process writes the exit record; without one, the process is still running or was killed.
            return LocalProcessAlive(started)
                ? new(label, ScanState.Running, frames, job, null)
                : new(label, ScanState.Cancelled, frames, job, "the local run ended without a result (killed?)");
        }

        return new(label, ScanState.New, frames, null, null);
    }

    private static bool LocalProcessAlive(string started)
    {
        // "local pid N on HOST"
        var words = started.Split(' ');
        if (words.Length < 5 || words[0] != "local" || !int.TryParse(words[2], System.Globalization.CultureInfo.InvariantCulture, out var pid)
            || !string.Equals(words[4], Environment.MachineName, StringComparison.Ordinal))
        {
            return false;
        }

        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
