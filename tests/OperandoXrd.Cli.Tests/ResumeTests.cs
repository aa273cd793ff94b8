using System.Diagnostics;
using Xunit.Abstractions;

namespace OperandoXrd.Cli.Tests;

public sealed class ResumeTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "oxrd-resume-" + Guid.NewGuid().ToString("N"));
    private readonly ITestOutputHelper _output;

    public ResumeTests(ITestOutputHelper output) => _output = output;

    public void Dispose()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private (string Pipeline, string Peek) Simulate(int frames)
    {
        var (run, peek) = SmallSimulatedRun.Create(_folder, frames, framesPerFile: 5, seed: 11);
        return (run.PipelinePath, peek);
    }

    [Fact]
    public void Killing_the_run_with_sigkill_and_resuming_gives_the_same_results_as_an_uninterrupted_run()
    {
        const int frames = 30;
        var (pipeline, peek) = Simulate(frames);
        var reference = Path.Combine(_folder, "reference");
        var done = OxrdProcess.Run(TimeSpan.FromMinutes(5), "reduce", "--pipeline", pipeline, "--peek", peek, "--out", reference);
        Assert.True(done.ExitCode is 0 or 1, done.Error);

        // Kill at random points of progress (the seed is printed so a failure can be replayed), resume each time. The
        // points are counted in journal records, not seconds: how long a frame takes depends on the machine's load,
        // and a clock-based schedule on a fast run kills nothing. Target 0 kills during start-up or the reference fit.
        var seed = Environment.TickCount;
        _output.WriteLine($"kill schedule seed {seed}");
        var random = new Random(seed);
        var resumed = Path.Combine(_folder, "resumed");
        var journal = Path.Combine(resumed, ".oxrd", "journal.bin");
        const long recordBytes = 16 * 3000;
        var kills = 0;
        for (var attempt = 0; attempt < 8; attempt++)
        {
            var before = File.Exists(journal) ? new FileInfo(journal).Length : 0;
            var remaining = frames - (int)(before / recordBytes);
            var target = attempt < 4 && remaining > 2 ? before + (recordBytes * random.Next(0, remaining - 1)) : long.MaxValue;
            using var child = OxrdProcess.Start("reduce", "--pipeline", pipeline, "--peek", peek, "--out", resumed, "--resume");
            var watch = Stopwatch.StartNew();
            while (!child.HasExited && watch.Elapsed < TimeSpan.FromMinutes(5))
            {
                if (target != long.MaxValue && File.Exists(journal) && new FileInfo(journal).Length >= target)
                {
                    break;
                }

                Thread.Sleep(2);
            }

            if (!child.HasExited && target != long.MaxValue)
            {
                child.Kill();
                child.WaitForExit();
                kills++;
                _output.WriteLine($"killed at journal {new FileInfo(journal).Length / recordBytes} records (target {(target - before) / recordBytes} more)");
                continue;
            }

            Assert.True(child.WaitForExit(TimeSpan.FromMinutes(5)));
            Assert.True(child.ExitCode is 0 or 1, $"exit {child.ExitCode}");
            break;
        }

        Assert.True(kills > 0, "no run was interrupted: the test proved nothing");
        // Integrated patterns bitwise, and the fits too: the fitter is deterministic, and a resume replays it over the
        // same patterns in the same order.
        Assert.Equal(File.ReadAllBytes(Path.Combine(reference, ".oxrd", "journal.bin")), File.ReadAllBytes(Path.Combine(resumed, ".oxrd", "journal.bin")));
        Assert.Empty(Fitting.Output.LatticeCsv.Differences(
            File.ReadAllText(Path.Combine(reference, "lattice.csv")), File.ReadAllText(Path.Combine(resumed, "lattice.csv")), 0));
        var diff = Process.Start(new ProcessStartInfo("h5diff", ["--relative=1e-12", Path.Combine(reference, "reduced.h5"), Path.Combine(resumed, "reduced.h5")]) { RedirectStandardOutput = true })!;
        var text = diff.StandardOutput.ReadToEnd();
        diff.WaitForExit();
        Assert.True(diff.ExitCode == 0, "reduced.h5 differs:\n" + text);
    }

    [Fact]
    public void Ctrl_c_drains_the_frames_in_flight_and_leaves_consistent_outputs_that_resume_completes()
    {
        // Enough frames that the run is still going when its first checkpoint (1 s) puts rows into lattice.csv.
        const int frames = 200;
        var (pipeline, peek) = Simulate(frames);
        var output = Path.Combine(_folder, "interrupted");
        using (var child = OxrdProcess.Start("reduce", "--pipeline", pipeline, "--peek", peek, "--out", output))
        {
            // Interrupt once the run is under way: a few frames are in the journal (counted in records, not seconds:
            // a fast run would be over before any clock-based moment came).
            var journal = Path.Combine(output, ".oxrd", "journal.bin");
            var watch = Stopwatch.StartNew();
            while (!child.HasExited && watch.Elapsed < TimeSpan.FromMinutes(2) && (!File.Exists(journal) || new FileInfo(journal).Length < 3 * 16 * 3000))
            {
                Thread.Sleep(2);
            }

            using (var signal = Process.Start("kill", ["-INT", child.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                signal.WaitForExit();
            }

            Assert.True(child.WaitForExit(TimeSpan.FromMinutes(2)), "the run did not stop after Ctrl-C");
            Assert.True(child.ExitCode is 0 or 1, $"exit {child.ExitCode}");
        }

        // Whatever was done is complete and agrees across the outputs.
        var rows = File.ReadAllLines(Path.Combine(output, "lattice.csv")).Length - 1;
        Assert.InRange(rows, 2, frames - 1);
        using (var reduced = Hdf5.Hdf5File.Open(Path.Combine(output, "reduced.h5")))
        using (var intensity = reduced.OpenDataset("/entry/integrated/intensity"))
        {
            Assert.Equal(rows, intensity.Dims[0]);
        }

        _output.WriteLine($"{rows} of {frames} frames done when Ctrl-C arrived");
        var resumed = OxrdProcess.Run(TimeSpan.FromMinutes(5), "reduce", "--pipeline", pipeline, "--peek", peek, "--out", output, "--resume");
        Assert.True(resumed.ExitCode is 0 or 1, resumed.Error);
        Assert.Equal(frames + 1, File.ReadAllLines(Path.Combine(output, "lattice.csv")).Length);
    }

    [Fact]
    public void Bad_arguments_exit_with_code_2_and_one_line()
    {
        var result = OxrdProcess.Run(TimeSpan.FromMinutes(1), "simulate", "--frames", "0", "--out", _folder);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--frames must be positive", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", result.Error, StringComparison.Ordinal);
    }
}
