using System.Diagnostics;
using OperandoXrd.Campaigns.Execution;
using OperandoXrd.Pipeline.Checkpoints;
using Xunit.Abstractions;

namespace OperandoXrd.Cli.Tests;

/// <summary>Campaigns through a real one-node SLURM cluster (<see cref="SlurmClusterFixture"/>) against the local executor.</summary>
public sealed class CampaignSlurmTests : IClassFixture<SlurmClusterFixture>
{
    private static readonly TimeSpan Long = TimeSpan.FromMinutes(10);
    private readonly SlurmClusterFixture _cluster;
    private readonly ITestOutputHelper _log;

    public CampaignSlurmTests(SlurmClusterFixture cluster, ITestOutputHelper log) => (_cluster, _log) = (cluster, log);

    private (int ExitCode, string Output, string Error) Oxrd(params string[] args)
    {
        var result = OxrdProcess.Run(Long, args);
        _log.WriteLine($"oxrd {string.Join(' ', args)} → {result.ExitCode}\n{result.Output}{result.Error}");
        return result;
    }

    /// <summary>Waits until the merge job of the latest submission has left the queue's active states.</summary>
    private static void WaitForMerge(string output)
    {
        var merge = SlurmSubmissions.Read(output)[^1].MergeJob;
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < Long)
        {
            var state = SlurmClusterFixture.Slurm("squeue", "-h", "-t", "all", "-j", merge, "-o", "%T").Trim();
            if (state is "COMPLETED" or "FAILED" or "CANCELLED" or "TIMEOUT")
            {
                return;
            }

            Thread.Sleep(200);
        }

        throw new TimeoutException($"merge job {merge} did not end");
    }

    private void AssertEqualsReference(string output)
    {
        foreach (var file in new[] { "campaign.csv", "cell01/lattice.csv", "cell02/lattice.csv", "cell03/lattice.csv" })
        {
            Assert.True(File.ReadAllBytes(Path.Combine(_cluster.Reference, file)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(output, file))),
                $"{file} differs from the local executor's");
        }
    }

    [Fact]
    public void A_campaign_through_slurm_gives_the_local_executors_bytes()
    {
        var output = Path.Combine(_cluster.Folder, "slurm");
        var run = Oxrd("campaign", "run", "--campaign", _cluster.CampaignFile, "--out", output, "--executor", "slurm");
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("job array", run.Output, StringComparison.Ordinal);
        WaitForMerge(output);
        AssertEqualsReference(output);
        Assert.True(File.Exists(Path.Combine(output, "campaign.h5")));
        // cell03's overrides reached its run (the pipeline in its provenance is the merged one); cell01 kept the file's value.
        using (var cell03 = Hdf5.Hdf5File.Open(Path.Combine(output, "cell03", "reduced.h5")))
        {
            Assert.Contains("\"activeMass_mg\": 0.9", cell03.ReadString("entry/provenance/pipeline"), StringComparison.Ordinal);
        }

        using (var cell01 = Hdf5.Hdf5File.Open(Path.Combine(output, "cell01", "reduced.h5")))
        {
            Assert.Contains("\"activeMass_mg\": 0.84", cell01.ReadString("entry/provenance/pipeline"), StringComparison.Ordinal);
        }

        foreach (var label in new[] { "cell01", "cell02", "cell03" })
        {
            Assert.Contains("slurm job", File.ReadAllText(Path.Combine(output, "logs", label + ".log")), StringComparison.Ordinal);
        }

        var status = Oxrd("campaign", "status", "--campaign", _cluster.CampaignFile, "--out", output);
        Assert.Contains("3 scans: 3 done", status.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void A_task_cancelled_mid_run_is_shown_cancelled_and_retrying_resumes_only_it_to_the_uninterrupted_result()
    {
        var output = Path.Combine(_cluster.Folder, "cancel");
        var run = Oxrd("campaign", "run", "--campaign", _cluster.CampaignFile, "--out", output, "--executor", "slurm");
        Assert.True(run.ExitCode == 0, run.Error);
        var array = SlurmSubmissions.Read(output)[0].ArrayJob;

        // Cancel cell02 as soon as its journal holds two fitted frames (past its header; a record is 16 B × 3000 bins):
        // it is running and will leave a checkpoint to resume from.
        var journal = Path.Combine(output, "cell02", ".oxrd", "journal.bin");
        var watch = Stopwatch.StartNew();
        while (!(File.Exists(journal) && new FileInfo(journal).Length > 2 * 16 * 3000))
        {
            Assert.True(watch.Elapsed < Long, "cell02 never started");
            Assert.Null(ScanRecords.ReadExit(output, "cell02"));
            Thread.Sleep(10);
        }

        SlurmClusterFixture.Slurm("scancel", $"{array}_1");
        WaitForMerge(output);
        var frames = Checkpoint.Load(Path.Combine(output, "cell02", ".oxrd", "checkpoint.json"))?.FramesDone ?? 0;
        _log.WriteLine($"cell02 cancelled after {frames} frames");
        Assert.True(frames < SlurmClusterFixture.Frames[1], $"cell02 finished all {frames} frames before the cancel: nothing was interrupted");

        var status = Oxrd("campaign", "status", "--campaign", _cluster.CampaignFile, "--out", output);
        var lines = status.Output.Split('\n');
        Assert.Contains(lines, l => l.StartsWith("cell02", StringComparison.Ordinal) && l.Contains("cancelled", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("cell01", StringComparison.Ordinal) && l.Contains("done", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("cell03", StringComparison.Ordinal) && l.Contains("done", StringComparison.Ordinal));
        // The merge job ran anyway (afterany) and merged what was finished.
        Assert.DoesNotContain("\ncell02,", File.ReadAllText(Path.Combine(output, "campaign.csv")), StringComparison.Ordinal);

        var retry = Oxrd("campaign", "run", "--campaign", _cluster.CampaignFile, "--out", output, "--executor", "slurm", "--retry-failed");
        Assert.True(retry.ExitCode == 0, retry.Error);
        Assert.Contains("retrying cell02", retry.Output, StringComparison.Ordinal);
        var submissions = SlurmSubmissions.Read(output);
        Assert.Equal(2, submissions.Count);
        Assert.Equal(["cell02"], submissions[1].Tasks.Keys);
        WaitForMerge(output);
        Assert.Contains($"resume: {frames} frames restored from the journal", File.ReadAllText(Path.Combine(output, "logs", "cell02.log")), StringComparison.Ordinal);
        AssertEqualsReference(output);
        Assert.Contains("3 scans: 3 done", Oxrd("campaign", "status", "--campaign", _cluster.CampaignFile, "--out", output).Output, StringComparison.Ordinal);
    }

    [Fact]
    public void A_campaign_naming_a_missing_input_or_pipeline_is_refused_before_anything_is_submitted()
    {
        var campaign = Path.Combine(_cluster.Folder, "bad.json");
        File.WriteAllText(campaign, $$"""
            { "pipeline": "{{_cluster.Pipeline}}",
              "scans": [ { "label": "ok", "input": ["{{Path.GetDirectoryName(_cluster.Pipeline)}}"] },
                         { "label": "gone", "input": ["no/such/scan"] },
                         { "label": "nopipe", "input": ["{{Path.GetDirectoryName(_cluster.Pipeline)}}"], "pipeline": "missing.json" } ] }
            """);
        var jobsBefore = SlurmClusterFixture.Slurm("squeue", "-h", "-t", "all", "-o", "%i");
        var output = Path.Combine(_cluster.Folder, "bad");
        var run = Oxrd("campaign", "run", "--campaign", campaign, "--out", output, "--executor", "slurm");
        Assert.Equal(2, run.ExitCode);
        var lines = run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.Contains(lines, l => l.Contains("scan gone: input not found: " + Path.Combine(_cluster.Folder, "no", "such", "scan"), StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Contains("scan nopipe: pipeline not found: " + Path.Combine(_cluster.Folder, "missing.json"), StringComparison.Ordinal));
        Assert.False(Directory.Exists(output));
        Assert.Equal(jobsBefore, SlurmClusterFixture.Slurm("squeue", "-h", "-t", "all", "-o", "%i"));
    }

    [Fact]
    public void Without_sbatch_or_with_the_cluster_down_the_run_says_so_in_one_line_and_exits_2()
    {
        var empty = Path.Combine(_cluster.Folder, "empty-path");
        Directory.CreateDirectory(empty);
        var noSbatch = OxrdProcess.Run(Long, new Dictionary<string, string?> { ["PATH"] = empty },
            "campaign", "run", "--campaign", _cluster.CampaignFile, "--out", Path.Combine(_cluster.Folder, "nosbatch"), "--executor", "slurm");
        Assert.Equal(2, noSbatch.ExitCode);
        Assert.Equal("oxrd: sbatch not found on PATH: the slurm executor needs SLURM's client commands (on a laptop: eval \"$(scripts/slurm-local.sh up)\")", noSbatch.Error.Trim());

        // A configuration naming a controller that is not there: the same cluster on ports nobody listens on.
        var down = Path.Combine(_cluster.Folder, "down.conf");
        File.WriteAllLines(down, File.ReadAllLines(_cluster.SlurmConf).Select(l =>
            l.StartsWith("SlurmctldPort=", StringComparison.Ordinal) ? "SlurmctldPort=9" : l));
        var noCluster = OxrdProcess.Run(Long, new Dictionary<string, string?> { ["SLURM_CONF"] = down },
            "campaign", "run", "--campaign", _cluster.CampaignFile, "--out", Path.Combine(_cluster.Folder, "nocluster"), "--executor", "slurm");
        Assert.Equal(2, noCluster.ExitCode);
        var line = Assert.Single(noCluster.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("Unable to contact slurm controller", line, StringComparison.Ordinal);
    }
}
