using System.CommandLine;
using System.Globalization;
using OperandoXrd.Hdf5.Frames;
using OperandoXrd.Simulation.Operando;

namespace OperandoXrd.Cli.Commands;

/// <summary><c>oxrd demo</c>: simulate a BM31-like operando run, then reduce it.</summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var frames = new Option<int>("--frames") { Description = "Number of frames to simulate.", DefaultValueFactory = _ => 100 };
        var output = new Option<DirectoryInfo>("--out") { Description = "Work folder for the simulated data and the results.", DefaultValueFactory = _ => new DirectoryInfo("demo-run") };
        var detector = new Option<string>("--detector") { Description = "pilatus2m (default) or pilatus300k for a quick look.", DefaultValueFactory = _ => "pilatus2m" };
        detector.AcceptOnlyFromAmong("pilatus2m", "pilatus300k");
        var command = new Command("demo", "Simulate a BM31-like operando run (NCA | LPSCl | Li-In, first cycle), then reduce it.") { frames, output, detector };
        command.SetAction(parse => Run(parse.GetValue(output)!.FullName, parse.GetValue(frames), parse.GetValue(detector)!));
        return command;
    }

    private static int Run(string folder, int frames, string detector)
    {
        if (frames <= 0)
        {
            throw new UsageException($"--frames must be positive (got {frames})");
        }

        var dataFolder = Path.Combine(folder, "data");
        Console.WriteLine($"demo: simulating {frames} {detector} frames of a BM31-like first cycle into {dataFolder}");
        var run = SimulateCommand.Simulate(new SimulationOptions
        {
            OutputFolder = dataFolder,
            PhaseFolder = Defaults.PhaseFolder,
            Frames = frames,
            Detector = detector,
        });

        // Read the run back the way the pipeline will: one frame sequence over the scan folder's LIMA files.
        using var source = FrameSources.Open([run.ScanFolder]);
        Console.WriteLine($"demo: read back {source.FrameCount} frames of {source.Rows} x {source.Columns} {source.DType} from {source.Layout}; times by rule {source.TimeRule}");
        var truth = File.ReadAllLines(run.TruthPath).Skip(1).Select(l => l.Split(',')).ToArray();
        var buffer = new int[source.Rows * source.Columns];
        var worstTime = 0.0;
        Console.WriteLine("frame  time_s     counts(>=0)     gaps(-1)  bad(-2)  x_Li    NCA_a    NCA_c");
        for (var i = 0; i < source.FrameCount; i++)
        {
            source.ReadFrame(i, buffer);
            long sum = 0;
            int gaps = 0, bad = 0;
            foreach (var v in buffer)
            {
                if (v >= 0)
                {
                    sum += v;
                }
                else if (v == -1)
                {
                    gaps++;
                }
                else
                {
                    bad++;
                }
            }

            var timing = source.GetTiming(i);
            var t = truth[i];
            worstTime = Math.Max(worstTime, Math.Abs(timing.StartUnixSeconds - double.Parse(t[1], CultureInfo.InvariantCulture)));
            if (i % Math.Max(1, source.FrameCount / 10) == 0 || i == source.FrameCount - 1)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{i,5}  {timing.StartUnixSeconds - source.GetTiming(0).StartUnixSeconds,8:F0}  {sum,14}  {gaps,9}  {bad,7}  {double.Parse(t[4], CultureInfo.InvariantCulture),5:F3}  {double.Parse(t[7], CultureInfo.InvariantCulture),7:F4}  {double.Parse(t[8], CultureInfo.InvariantCulture),7:F4}"));
            }
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"demo: frame times agree with the simulator's truth to {worstTime:E1} s"));
        Console.WriteLine($"demo: truth {run.TruthPath}");
        Console.WriteLine($"demo: voltage log {run.VoltageLogPath}");
        Console.WriteLine($"demo: pipeline {run.PipelinePath}");
        return ExitCodes.Ok;
    }
}
