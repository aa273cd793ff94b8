using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Xunit.Abstractions;

namespace OperandoXrd.Cli.Tests;

/// <summary>
/// SIGTERM (scancel, a beamline script's kill) to a live <c>oxrd reduce --follow</c> that waits for a listed file the
/// detector has not written: the run stops cleanly — outputs and checkpoint written, summary printed saying why, exit 0
/// since every frame read so far was fine — and <c>--resume</c> continues once the file is there.
/// </summary>
public sealed class StopSignalTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "oxrd-sigterm-" + Guid.NewGuid().ToString("N"));

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

    [Fact]
    public void Sigterm_while_waiting_for_a_file_stops_cleanly_with_exit_0_and_resume_continues()
    {
        var (run, peek) = SmallSimulatedRun.Create(_folder, frames: 6, framesPerFile: 2, seed: 9);
        var inputs = run.FrameFiles.Take(3).ToArray();
        var aside = inputs[2] + ".aside";
        File.Move(inputs[2], aside);
        var outputFolder = Path.Combine(_folder, "out");
        string[] args = ["reduce", "--pipeline", run.PipelinePath, "--peek", peek, "--out", outputFolder, "--follow", "--idle-timeout", "600", "--input", .. inputs];

        var lines = new ConcurrentQueue<string>();
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(OxrdProcess.Dll);
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        using (var child = Process.Start(info)!)
        {
            child.OutputDataReceived += (_, e) => lines.Enqueue("out: " + e.Data);
            child.ErrorDataReceived += (_, e) => lines.Enqueue("err: " + e.Data);
            child.BeginOutputReadLine();
            child.BeginErrorReadLine();

            // Stop it once it has read the two files there and says it waits for the third (content, not a clock).
            var watch = Stopwatch.StartNew();
            while (!child.HasExited && watch.Elapsed < TimeSpan.FromMinutes(4)
                   && !lines.Any(l => l.Contains("live: waiting for " + inputs[2], StringComparison.Ordinal)))
            {
                Thread.Sleep(20);
            }

            Assert.False(child.HasExited, string.Join("\n", lines));
            using (var signal = Process.Start("kill", ["-TERM", child.Id.ToString(CultureInfo.InvariantCulture)]))
            {
                signal.WaitForExit();
            }

            Assert.True(child.WaitForExit(TimeSpan.FromMinutes(2)), "the run did not stop after SIGTERM");
            child.WaitForExit();
            output.WriteLine(string.Join("\n", lines));
            Assert.Equal(0, child.ExitCode);
        }

        Assert.Contains(lines, l => l == "out: reduce: live run ended by stop requested (Ctrl-C or SIGTERM)");
        Assert.Contains(lines, l => l.StartsWith("out: reduce: 4 frames in ", StringComparison.Ordinal));
        Assert.Equal(5, File.ReadAllLines(Path.Combine(outputFolder, "lattice.csv")).Length);
        using (var reduced = Hdf5.Hdf5File.Open(Path.Combine(outputFolder, "reduced.h5")))
        using (var intensity = reduced.OpenDataset("/entry/integrated/intensity"))
        {
            Assert.Equal(4, intensity.Dims[0]);
        }

        // The detector wrote the file after all: the same command with --resume reads it and only it.
        File.Move(aside, inputs[2]);
        var resumed = OxrdProcess.Run(TimeSpan.FromMinutes(5), [.. args.Where(a => a != "--follow"), "--resume"]);
        output.WriteLine(resumed.Output);
        Assert.Equal(0, resumed.ExitCode);
        var rows = File.ReadAllLines(Path.Combine(outputFolder, "lattice.csv")).Skip(1).Select(l => l.Split(',')[0]).ToList();
        Assert.Equal(["0", "1", "2", "3", "4", "5"], rows);
    }
}
