using System.CommandLine;
using System.Globalization;
using OperandoXrd.Campaigns.Execution;
using OperandoXrd.Campaigns.Files;
using OperandoXrd.Campaigns.Merge;
using OperandoXrd.Campaigns.Status;

namespace OperandoXrd.Cli.Commands;

/// <summary>
/// <c>oxrd campaign run|status|merge</c>: many scans, each reduced by <c>oxrd reduce … --resume</c> into
/// <c>&lt;out&gt;/&lt;label&gt;/</c>, on this machine or as a SLURM job array, merged into campaign.csv, campaign.h5 and
/// figures.
/// </summary>
internal static class CampaignCommand
{
    public static Command Create()
    {
        var command = new Command("campaign", "Many scans (cells) reduced on this machine or as a SLURM job array, merged into one result.");
        command.Subcommands.Add(RunCommand());
        command.Subcommands.Add(StatusCommand());
        command.Subcommands.Add(MergeCommand());
        return command;
    }

    private static Option<FileInfo> CampaignOption() => new("--campaign") { Description = "Campaign file (JSON).", Required = true };

    private static Option<DirectoryInfo> OutOption() => new("--out") { Description = "Output folder: <out>/<label>/ per scan, logs/, campaign.csv, campaign.h5, figures/.", Required = true };

    private static Command RunCommand()
    {
        var campaign = CampaignOption();
        var output = OutOption();
        var executor = new Option<string>("--executor") { Description = "local (this machine) or slurm (sbatch from PATH, a job array and a merge job).", DefaultValueFactory = _ => "local" };
        executor.AcceptOnlyFromAmong("local", "slurm");
        var partition = new Option<string?>("--partition") { Description = "slurm: the partition to submit to." };
        var maxParallel = new Option<int?>("--max-parallel") { Description = "Scans at a time (local: default 1; slurm: the array's %N throttle, default unlimited)." };
        var sbatchArgs = new Option<string?>("--sbatch-args") { Description = "slurm: more sbatch options for every job, e.g. \"--time=02:00:00 --mem=8G --account=bm31\"." };
        var retry = new Option<bool>("--retry-failed") { Description = "Run again only the scans that failed or were cancelled; they resume from their checkpoints." };
        var command = new Command("run", "Reduce every scan of a campaign (each one `oxrd reduce … --resume`), then merge.")
        {
            campaign, output, executor, partition, maxParallel, sbatchArgs, retry,
        };
        command.SetAction(async (parse, cancellation) =>
        {
            var loaded = Load(parse.GetValue(campaign)!.FullName);
            var problems = loaded.Problems();
            if (problems.Count > 0)
            {
                // Nothing is submitted or started while any scan would fail before its first frame.
                foreach (var problem in problems)
                {
                    Console.Error.WriteLine($"oxrd: {problem}");
                }

                return ExitCodes.BadArguments;
            }

            var outFolder = parse.GetValue(output)!.FullName;
            var n = parse.GetValue(maxParallel);
            if (n is <= 0)
            {
                throw new UsageException($"--max-parallel: {n} must be at least 1");
            }

            var scans = loaded.Scans;
            var slurm = parse.GetValue(executor) == "slurm";
            try
            {
                if (Directory.Exists(outFolder))
                {
                    var states = CampaignStatus.Read(loaded, outFolder, out var unavailable);
                    if (unavailable && slurm)
                    {
                        throw new SlurmUnavailableException("squeue does not answer: is the SLURM controller up (SLURM_CONF)?");
                    }

                    var busy = states.Where(s => s.State is ScanState.Pending or ScanState.Running).ToList();
                    if (busy.Count > 0)
                    {
                        throw new UsageException($"{string.Join(", ", busy.Select(s => $"{s.Label} is {ScanStatus.Word(s.State)} ({s.Job})"))}: wait for it or cancel it (scancel) first");
                    }

                    if (parse.GetValue(retry))
                    {
                        var again = states.Where(s => s.State is ScanState.Failed or ScanState.Cancelled).Select(s => s.Label).ToHashSet(StringComparer.Ordinal);
                        scans = [.. loaded.Scans.Where(s => again.Contains(s.Label))];
                        if (scans.Count == 0)
                        {
                            Console.WriteLine("campaign: no failed or cancelled scan to retry");
                            return ExitCodes.Ok;
                        }

                        Console.WriteLine($"campaign: retrying {string.Join(", ", scans.Select(s => s.Label))}");
                    }
                }

                Directory.CreateDirectory(outFolder);
                if (slurm)
                {
                    SlurmExecutor.Submit(loaded, scans, outFolder, new SlurmOptions(parse.GetValue(partition), n, SplitSbatchArguments(parse.GetValue(sbatchArgs))), Console.Out);
                    return ExitCodes.Ok;
                }
            }
            catch (SlurmUnavailableException e)
            {
                Console.Error.WriteLine($"oxrd: {e.Message}");
                return ExitCodes.BadArguments;
            }

            var results = await LocalExecutor.RunAsync(scans, outFolder, n ?? 1, Console.Out, cancellation).ConfigureAwait(false);
            var merge = Merge(loaded, outFolder);
            return merge is null ? ExitCodes.BadArguments
                : results.Values.All(c => c is 0 or 1) && merge.Missing.Count == 0 ? ExitCodes.Ok : ExitCodes.SomeFramesFailed;
        });
        return command;
    }

    private static Command StatusCommand()
    {
        var campaign = CampaignOption();
        var output = OutOption();
        var command = new Command("status", "Each scan: pending, running, done, failed or cancelled, frames done, and why it failed.") { campaign, output };
        command.SetAction(parse =>
        {
            var loaded = Load(parse.GetValue(campaign)!.FullName);
            var outFolder = parse.GetValue(output)!.FullName;
            var states = CampaignStatus.Read(loaded, outFolder, out var unavailable);
            if (unavailable)
            {
                Console.Error.WriteLine("oxrd: squeue does not answer: the states below come from the scans' own records only");
            }

            var width = Math.Max(5, states.Max(s => s.Label.Length));
            Console.WriteLine($"{"scan".PadRight(width)}  {"state",-9}  {"frames",6}  {"job",-14}  detail");
            foreach (var s in states)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{s.Label.PadRight(width)}  {ScanStatus.Word(s.State),-9}  {s.FramesDone,6}  {s.Job ?? "-",-14}  {s.Detail ?? ""}"));
            }

            var counts = states.GroupBy(s => s.State).OrderBy(g => g.Key).Select(g => $"{g.Count()} {ScanStatus.Word(g.Key)}");
            var merged = File.Exists(Path.Combine(outFolder, "campaign.csv")) ? "; campaign.csv written" : "";
            Console.WriteLine($"campaign: {states.Count} scans: {string.Join(", ", counts)}{merged}");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command MergeCommand()
    {
        var campaign = CampaignOption();
        var output = OutOption();
        var command = new Command("merge", "Merge every finished scan into campaign.csv, campaign.h5 and figures/ (the SLURM merge job runs this).") { campaign, output };
        command.SetAction(parse =>
        {
            var result = Merge(Load(parse.GetValue(campaign)!.FullName), parse.GetValue(output)!.FullName);
            return result is null ? ExitCodes.BadArguments
                : result.Merged.Count > 0 && result.Missing.Count == 0 ? ExitCodes.Ok : ExitCodes.SomeFramesFailed;
        });
        return command;
    }

    /// <summary>Merges and reports; null (after one line naming the file) when a scan's lattice.csv is not readable.</summary>
    private static MergeResult? Merge(Campaign campaign, string output)
    {
        MergeResult result;
        try
        {
            result = CampaignMerge.Merge(campaign, output);
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"oxrd: campaign merge: {e.Message}");
            return null;
        }

        foreach (var label in result.Missing)
        {
            Console.WriteLine($"campaign: {label} not merged: not finished (see oxrd campaign status)");
        }

        Console.WriteLine(result.Merged.Count == 0
            ? "campaign: no finished scan to merge"
            : $"campaign: merged {result.Merged.Count} scan{(result.Merged.Count == 1 ? "" : "s")}: {string.Join(", ", result.Outputs.Where(o => !o.EndsWith(".png", StringComparison.Ordinal)))}");
        return result;
    }

    private static Campaign Load(string path)
    {
        try
        {
            return Campaign.Load(path);
        }
        catch (CampaignException e)
        {
            throw new UsageException(e.Message.Replace("\n", "\noxrd: ", StringComparison.Ordinal), e);
        }
    }

    private static IReadOnlyList<string> SplitSbatchArguments(string? text)
    {
        try
        {
            return SlurmCommands.SplitWords(text);
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message, e);
        }
    }
}
