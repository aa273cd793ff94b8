using System.Globalization;
using System.Text;
using OperandoXrd.Campaigns.Files;
using OperandoXrd.Core.IO;

namespace OperandoXrd.Campaigns.Execution;

/// <summary>Where and how the SLURM jobs run: <c>--partition</c>, <c>--max-parallel</c> (the array's <c>%N</c>), <c>--sbatch-args</c>.</summary>
public sealed record SlurmOptions(string? Partition, int? MaxParallel, IReadOnlyList<string> ExtraArguments);

/// <summary>
/// Submits scans as one SLURM job array (task i = the campaign file's scan i, running <c>oxrd reduce … --resume</c>
/// into <c>&lt;out&gt;/&lt;label&gt;/</c>, its output appended to <c>&lt;out&gt;/logs/&lt;label&gt;.log</c>) and a merge job
/// that waits for the whole array (<c>--dependency=afterany</c>: whatever became of the tasks) and writes the
/// campaign result. SLURM does the scheduling; this only writes two bash scripts and calls sbatch twice.
/// </summary>
public static class SlurmExecutor
{
    public static SlurmSubmission Submit(Campaign campaign, IReadOnlyList<CampaignScan> scans, string output, SlurmOptions options, TextWriter report)
    {
        ArgumentNullException.ThrowIfNull(campaign);
        ArgumentNullException.ThrowIfNull(scans);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(report);
        SlurmCommands.Find("sbatch");
        var state = Path.Combine(output, ".campaign");
        Directory.CreateDirectory(Path.Combine(output, "logs"));
        Directory.CreateDirectory(ScanRecords.Folder(output));
        var command = OxrdInvocation.Command();
        var taskScript = Path.Combine(state, "task.sh");
        var mergeScript = Path.Combine(state, "merge.sh");
        AtomicFile.WriteAllText(taskScript, TaskScript(campaign, output, command));
        AtomicFile.WriteAllText(mergeScript, MergeScript(campaign, output, command));
        foreach (var scan in scans)
        {
            ScanRecords.Clear(output, scan.Label);
        }

        var common = new List<string>();
        if (options.Partition is { Length: > 0 } partition)
        {
            common.Add($"--partition={partition}");
        }

        common.Add($"--chdir={output}");
        var array = string.Join(',', scans.Select(s => s.Index.ToString(CultureInfo.InvariantCulture)))
            + (options.MaxParallel is int n and > 0 ? string.Create(CultureInfo.InvariantCulture, $"%{n}") : "");
        var arrayJob = Sbatch([.. common, $"--array={array}", $"--job-name=oxrd-{campaign.Name}", $"--output={Path.Combine(output, "logs", "slurm-%A_%a.out")}",
            .. options.ExtraArguments, taskScript]);
        var mergeJob = Sbatch([.. common, $"--dependency=afterany:{arrayJob}", $"--job-name=oxrd-{campaign.Name}-merge", $"--output={Path.Combine(output, "logs", "merge.log")}",
            "--open-mode=append", .. options.ExtraArguments, mergeScript]);
        var submission = new SlurmSubmission(arrayJob, mergeJob, scans.ToDictionary(s => s.Label, s => s.Index, StringComparer.Ordinal), DateTimeOffset.UtcNow);
        SlurmSubmissions.Append(output, submission);
        report.WriteLine($"campaign: submitted {scans.Count} scan{(scans.Count == 1 ? "" : "s")} as job array {arrayJob} ({array}) and merge job {mergeJob} (afterany:{arrayJob})");
        report.WriteLine($"campaign: logs in {Path.Combine(output, "logs")}; follow with oxrd campaign status --campaign {campaign.Source} --out {output}");
        return submission;
    }

    /// <summary>sbatch --parsable: prints "jobid" or "jobid;cluster".</summary>
    private static string Sbatch(IReadOnlyList<string> arguments)
    {
        var (code, stdout, stderr) = SlurmCommands.Run("sbatch", ["--parsable", .. arguments]);
        var id = stdout.Trim().Split(';')[0];
        if (code != 0 || id.Length == 0 || !id.All(char.IsAsciiDigit))
        {
            throw new SlurmUnavailableException($"sbatch failed (exit {code}): {SlurmCommands.FirstLine(stderr + "\n" + stdout)}");
        }

        return id;
    }

    /// <summary>
    /// The array task: picks its scan by SLURM_ARRAY_TASK_ID, records that it started, runs oxrd reduce in the
    /// background and waits, so that a SIGTERM from scancel (or the time limit) reaches the trap at once: oxrd gets
    /// it too, drains its frames and leaves a checkpoint; the record then says "cancelled" rather than the exit code
    /// of a run that stopped early.
    /// </summary>
    public static string TaskScript(Campaign campaign, string output, IReadOnlyList<string> command)
    {
        ArgumentNullException.ThrowIfNull(campaign);
        ArgumentNullException.ThrowIfNull(command);
        var q = OxrdInvocation.Quote;
        var sb = new StringBuilder();
        sb.Append("#!/bin/bash\n# Written by oxrd campaign run for ").Append(campaign.Source).Append(": one job-array task per scan.\nset -u\n");
        sb.Append("case \"${SLURM_ARRAY_TASK_ID:?not a job-array task}\" in\n");
        foreach (var scan in campaign.Scans)
        {
            sb.Append("  ").Append(scan.Index.ToString(CultureInfo.InvariantCulture)).Append(") label=").Append(q(scan.Label)).Append("; args=(")
              .Append(string.Join(' ', scan.ReduceArguments(output).Select(q))).Append(") ;;\n");
        }

        sb.Append("  *) echo \"oxrd campaign: no scan for task $SLURM_ARRAY_TASK_ID\" >&2; exit 2 ;;\nesac\n");
        sb.Append("records=").Append(q(ScanRecords.Folder(output))).Append('\n');
        sb.Append("logs=").Append(q(Path.Combine(output, "logs"))).Append('\n');
        sb.Append("""
            job="${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}"
            exec >>"$logs/$label.log" 2>&1
            rm -f "$records/$label.exit"
            echo "slurm job $job on $(hostname)" > "$records/$label.started.tmp" && mv "$records/$label.started.tmp" "$records/$label.started"
            echo "== $(date -u +%Y-%m-%dT%H:%M:%SZ) slurm job $job on $(hostname): oxrd ${args[*]}"
            cancelled=0
            trap 'cancelled=1; kill -TERM "$child" 2>/dev/null' TERM INT

            """);
        sb.Append(string.Join(' ', command.Select(q))).Append(" \"${args[@]}\" &\n");
        sb.Append("""
            child=$!
            wait "$child"; rc=$?
            # A trapped signal ends the wait early: wait again until oxrd has drained and exited.
            while kill -0 "$child" 2>/dev/null; do wait "$child"; rc=$?; done
            if [ "$cancelled" = 1 ]; then result=cancelled; else result=$rc; fi
            echo "$result" > "$records/$label.exit.tmp" && mv "$records/$label.exit.tmp" "$records/$label.exit"
            echo "== end of task $job: $result"
            exit $rc

            """);
        return sb.ToString();
    }

    public static string MergeScript(Campaign campaign, string output, IReadOnlyList<string> command)
    {
        ArgumentNullException.ThrowIfNull(campaign);
        ArgumentNullException.ThrowIfNull(command);
        var q = OxrdInvocation.Quote;
        return "#!/bin/bash\n# Written by oxrd campaign run: merges every finished scan once the job array has ended.\n"
            + "echo \"== $(date -u +%Y-%m-%dT%H:%M:%SZ) merge job $SLURM_JOB_ID\"\n"
            + "exec " + string.Join(' ', command.Select(q)) + " campaign merge --campaign " + q(campaign.Source) + " --out " + q(output) + "\n";
    }
}
