using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using OperandoXrd.Pipeline.Configuration;
using OperandoXrd.Pipeline.Peek;
using OperandoXrd.Simulation.Operando;

namespace OperandoXrd.Cli.Commands;

/// <summary>
/// <c>oxrd bench reduce</c>: end to end on a bitshuffle-LZ4 Pilatus2M archive (simulated, or the one given), frames/s
/// overall and per stage, and the process's peak resident memory.
/// </summary>
internal static class BenchReduceCommand
{
    public static Command Create()
    {
        var frames = new Option<int>("--frames") { Description = "Frames to simulate for the archive.", DefaultValueFactory = _ => 200 };
        var folder = new Option<DirectoryInfo?>("--work") { Description = "Work folder (default: a temporary folder, removed afterwards)." };
        var detector = new Option<string>("--detector") { Description = "pilatus2m or pilatus300k.", DefaultValueFactory = _ => "pilatus2m" };
        detector.AcceptOnlyFromAmong("pilatus2m", "pilatus300k");
        var record = BenchTable.RecordOption();
        var command = new Command("reduce", "End-to-end frames/s of oxrd reduce on a bslz4 archive, per-stage throughput, set-up and wrap-up part by part, peak RSS.") { frames, folder, detector, record };
        command.SetAction(async (parse, cancellation) =>
        {
            var work = parse.GetValue(folder)?.FullName ?? Path.Combine(Path.GetTempPath(), "oxrd-bench-reduce-" + Guid.NewGuid().ToString("N"));
            try
            {
                return await Run(work, parse.GetValue(frames), parse.GetValue(detector)!, parse.GetValue(record), cancellation).ConfigureAwait(false);
            }
            finally
            {
                if (parse.GetValue(folder) is null)
                {
                    Directory.Delete(work, recursive: true);
                }
            }
        });
        return command;
    }

    private static async Task<int> Run(string work, int frames, string detector, FileInfo? record, CancellationToken cancellation)
    {
        var table = new BenchTable("reduce");
        var watch = Stopwatch.StartNew();
        var run = new OperandoSimulator(new SimulationOptions { OutputFolder = Path.Combine(work, "data"), PhaseFolder = Defaults.PhaseFolder, Frames = frames, Detector = detector }).Run();
        var simulateSeconds = watch.Elapsed.TotalSeconds;
        var (peek, _) = PeekModelBuilder.Build(PipelineConfig.Load(run.PipelinePath), run.PoniPath, [run.EmptyCellFile]);
        var peekPath = Path.Combine(run.Folder, "peek-model.json");
        peek.Save(peekPath);

        var options = ReduceCommand.Options(run.PipelinePath, null, null, peekPath, null, Path.Combine(work, "results"));
        options.MatrixCacheFolder = null;
        var archiveBytes = run.FrameFiles.Sum(f => new FileInfo(f).Length);
        var summary = await ReduceCommand.Run(options, cancellation).ConfigureAwait(false);
        var rates = summary.StageRates;
        using var self = Process.GetCurrentProcess();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"bench reduce: machine {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"bench reduce: archive {frames} {detector} frames, bslz4, {archiveBytes / 1e6:F0} MB (simulated in {simulateSeconds:F1} s)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"bench reduce: end to end {summary.Frames / summary.Elapsed.TotalSeconds:F1} frames/s ({summary.Elapsed.TotalSeconds:F2} s including matrix build and final outputs)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"bench reduce: steady state {summary.SteadyFramesPerSecond:F1} frames/s (once set up and the start-up backlog is out: no matrix build, reference fit or final outputs)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"bench reduce: per stage (frames/s of busy time): read+decode {rates.Read:F1}, integrate {rates.Integrate:F1}, fit {rates.Fit:F1}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"bench reduce: peak RSS {self.PeakWorkingSet64 / 1e6:F0} MB (this process, the simulation included; oxrd reduce alone reports its own)"));
        var archive = string.Create(CultureInfo.InvariantCulture, $"{frames} {detector} frames, bslz4, {archiveBytes / 1e6:F0} MB, matrix built cold");
        table.Add("oxrd reduce, whole run", summary.Frames / summary.Elapsed.TotalSeconds, "frames/s", archive);
        table.Add("oxrd reduce, steady state", summary.SteadyFramesPerSecond, "frames/s", "once set up, without the final outputs");
        table.Add("stage read+decode", rates.Read, "frames/s", "busy time");
        table.Add("stage integrate", rates.Integrate, "frames/s", "busy time");
        table.Add("stage fit", rates.Fit, "frames/s", "busy time");
        foreach (var (part, seconds) in summary.SetUpAndWrapUp)
        {
            table.Add(part, seconds, "s", part == "final outputs" ? "wrap-up, whole (issue 18: ≤ 0.5 s for 100 frames)" : part == "reference fit" ? "issue 18: ≤ 0.3 s" : "");
        }

        table.Add("peak RSS", self.PeakWorkingSet64 / 1e6, "MB", "this process, the simulation included");
        table.Finish(record);
        return ExitCodes.Ok;
    }
}
