using OperandoXrd.Campaigns.Execution;
using OperandoXrd.Campaigns.Files;
using OperandoXrd.Campaigns.Status;
using OperandoXrd.Pipeline.Checkpoints;

namespace OperandoXrd.Campaigns.Tests;

public sealed class CampaignStatusTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "oxrd-campaign-status-" + Guid.NewGuid().ToString("N"));

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Each_scan_is_read_from_its_records_checkpoint_and_log()
    {
        Directory.CreateDirectory(Path.Combine(_folder, "data"));
        File.WriteAllText(Path.Combine(_folder, "pipeline.json"), "{}");
        var labels = new[] { "done", "failed", "cancelled", "running", "killed", "new" };
        File.WriteAllText(Path.Combine(_folder, "campaign.json"),
            $$"""{ "pipeline": "pipeline.json", "scans": [ {{string.Join(", ", labels.Select(l => $$"""{ "label": "{{l}}", "input": ["data"] }"""))}} ] }""");
        var campaign = Campaign.Load(Path.Combine(_folder, "campaign.json"));
        var output = Path.Combine(_folder, "out");
        Directory.CreateDirectory(ScanRecords.Folder(output));
        Directory.CreateDirectory(Path.Combine(output, "logs"));
        Directory.CreateDirectory(Path.Combine(output, "failed", ".oxrd"));
        new Checkpoint(Checkpoint.CurrentVersion, 17, 1000, 3000, "key", DateTimeOffset.UnixEpoch).Save(Path.Combine(output, "failed", ".oxrd", "checkpoint.json"));

        ScanRecords.WriteExit(output, "done", 1);
        ScanRecords.WriteExit(output, "failed", 3);
        // Two attempts in the log: the last one's first oxrd: line is the failure.
        File.WriteAllLines(ScanRecords.LogPath(output, "failed"),
            ["== first attempt", "oxrd: reduce stopped: an older reason", "== second attempt", "12:00:01 info: reading", "oxrd: reduce stopped: /data/out/lattice.csv: No space left on device", "oxrd: the checkpoint is intact", "== end of task 12_1: 3"]);
        ScanRecords.WriteExit(output, "cancelled", null);
        ScanRecords.WriteStarted(output, "running", $"local pid {Environment.ProcessId} on {Environment.MachineName}");
        ScanRecords.WriteStarted(output, "killed", $"local pid {int.MaxValue - 1} on {Environment.MachineName}");

        var states = CampaignStatus.Read(campaign, output, out var unavailable).ToDictionary(s => s.Label);
        Assert.False(unavailable); // no SLURM submission: squeue is not asked
        Assert.Equal(ScanState.Done, states["done"].State);
        Assert.Contains("some frames failed", states["done"].Detail, StringComparison.Ordinal);
        Assert.Equal(ScanState.Failed, states["failed"].State);
        Assert.Equal(17, states["failed"].FramesDone);
        Assert.Equal("exit 3: oxrd: reduce stopped: /data/out/lattice.csv: No space left on device", states["failed"].Detail);
        Assert.Equal(ScanState.Cancelled, states["cancelled"].State);
        Assert.Equal(ScanState.Running, states["running"].State);
        Assert.Equal(ScanState.Cancelled, states["killed"].State);
        Assert.Equal(ScanState.New, states["new"].State);
        Assert.Equal(0, states["new"].FramesDone);
    }
}
