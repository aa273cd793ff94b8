using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using OperandoXrd.Pipeline.Configuration;
using OperandoXrd.Pipeline.Hosting;
using OperandoXrd.Pipeline.Outputs;
using OperandoXrd.Pipeline.Peek;
using OperandoXrd.Simulation.Operando;

namespace OperandoXrd.Cli.Commands;

/// <summary>
/// <c>oxrd bench soak</c>: a long live run. A separate writer process (scripts/soak_writer.py, h5py) writes a LIMA-like
/// series at a fixed rate while <c>oxrd reduce --follow</c> runs in this process to the end of the scan; resident memory
/// (VmRSS) and open descriptors (/proc/self/fd) are sampled every second and must stay flat: a live run of a day must
/// not end for want of memory or descriptors. Prints the samples' summary and a verdict.
/// </summary>
internal static class BenchSoakCommand
{
    public static Command Create()
    {
        var frames = new Option<int>("--frames") { Description = "Frames the writer writes.", DefaultValueFactory = _ => 10_000 };
        var rate = new Option<double>("--rate") { Description = "Frames per second the writer writes.", DefaultValueFactory = _ => 50 };
        var perFile = new Option<int>("--frames-per-file") { Description = "Frames per file of the written series.", DefaultValueFactory = _ => 500 };
        var detector = new Option<string>("--detector") { Description = "pilatus300k or pilatus2m.", DefaultValueFactory = _ => "pilatus300k" };
        detector.AcceptOnlyFromAmong("pilatus300k", "pilatus2m");
        var folder = new Option<DirectoryInfo?>("--work") { Description = "Work folder (default: a temporary folder, removed afterwards)." };
        var command = new Command("soak", "A long live run: a writer process at a fixed rate, oxrd reduce --follow to the end; resident memory and open descriptors over time.")
        {
            frames, rate, perFile, detector, folder,
        };
        command.SetAction(async (parse, cancellation) =>
        {
            var n = parse.GetValue(frames);
            var hz = parse.GetValue(rate);
            if (n < 100 || hz <= 0 || parse.GetValue(perFile) < 1)
            {
                throw new UsageException("--frames must be at least 100, --rate and --frames-per-file positive");
            }

            var work = parse.GetValue(folder)?.FullName ?? Path.Combine(Path.GetTempPath(), "oxrd-bench-soak-" + Guid.NewGuid().ToString("N"));
            try
            {
                return await Run(work, n, hz, parse.GetValue(perFile), parse.GetValue(detector)!, cancellation).ConfigureAwait(false);
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

    private sealed record Sample(double Seconds, int FramesWritten, double ResidentMB, int Descriptors);

    private static async Task<int> Run(string work, int frames, double rate, int perFile, string detector, CancellationToken cancellation)
    {
        var inv = CultureInfo.InvariantCulture;
        var run = new OperandoSimulator(new SimulationOptions { OutputFolder = Path.Combine(work, "source"), PhaseFolder = Defaults.PhaseFolder, Frames = 20, FramesPerFile = 20, Detector = detector }).Run();
        var (peek, _) = PeekModelBuilder.Build(PipelineConfig.Load(run.PipelinePath), run.PoniPath, [run.EmptyCellFile]);
        var peekPath = Path.Combine(run.Folder, "peek-model.json");
        peek.Save(peekPath);
        var scan = Path.Combine(work, "scan");
        Directory.CreateDirectory(scan);

        var options = ReduceCommand.Options(run.PipelinePath, [scan], null, peekPath, null, Path.Combine(work, "results"));
        options.Follow = true;
        options.IdleTimeout_s = 120;
        options.EchemPath = null;
        options.MatrixCacheFolder = null;

        var info = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "scripts", "soak_writer.py"));
        foreach (var a in new[] { run.ScanFolder, scan, frames.ToString(inv), rate.ToString(inv), perFile.ToString(inv) })
        {
            info.ArgumentList.Add(a);
        }

        info.Environment["HDF5_PLUGIN_PATH"] = Hdf5.Hdf5Library.DebianPluginFolder;
        info.Environment["HDF5_USE_FILE_LOCKING"] = "FALSE";

        var observer = new Progress();
        var samples = new List<Sample>();
        var clock = Stopwatch.StartNew();
        using var writer = Process.Start(info) ?? throw new InvalidOperationException("cannot start /usr/bin/python3");
        var writerOut = new List<string>();
        writer.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                lock (writerOut)
                {
                    writerOut.Add(line);
                }
            }
        };
        writer.BeginOutputReadLine();
        var writerErr = writer.StandardError.ReadToEndAsync(cancellation);
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                samples.Add(new Sample(clock.Elapsed.TotalSeconds, observer.Written, ResidentMB(), Directory.GetFiles("/proc/self/fd").Length));
                try
                {
                    await Task.Delay(1000, sampling.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }, CancellationToken.None);

        RunSummary summary;
        try
        {
            summary = await ReductionHost.RunAsync(options, observer, null, cancellation).ConfigureAwait(false);
        }
        finally
        {
            await sampling.CancelAsync().ConfigureAwait(false);
            await sampler.ConfigureAwait(false);
            if (!writer.HasExited)
            {
                writer.Kill();
            }
        }

        await writer.WaitForExitAsync(cancellation).ConfigureAwait(false);
        string done;
        lock (writerOut)
        {
            done = writerOut.LastOrDefault(l => l.StartsWith("done ", StringComparison.Ordinal)) ?? "writer did not finish: " + writerErr.Result;
        }

        Report(frames, rate, perFile, detector, summary, samples, done);
        return Flat(samples, frames) ? ExitCodes.Ok : ExitCodes.SomeFramesFailed;
    }

    private static void Report(int frames, double rate, int perFile, string detector, RunSummary summary, List<Sample> samples, string writerDone)
    {
        var inv = CultureInfo.InvariantCulture;
        var parts = writerDone.Split(' ');
        var writerSeconds = parts is ["done", _, var s] ? double.Parse(s, inv) : double.NaN;
        Console.WriteLine(string.Create(inv, $"bench soak: machine {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}, load average {LoadAverage()}"));
        Console.WriteLine(string.Create(inv, $"bench soak: writer process (h5py, LIMA-like, no SWMR): {frames} {detector} frames, bslz4, {perFile} per file, asked {rate:F0} Hz, achieved {frames / writerSeconds:F1} Hz ({writerSeconds:F1} s)"));
        Console.WriteLine(string.Create(inv, $"bench soak: reduce --follow: {summary.Frames} frames ({summary.Ok} ok, {summary.Gated} gated, {summary.Failed} failed) in {summary.Elapsed.TotalSeconds:F1} s; ended by {summary.EndedBy}"));
        Console.WriteLine(string.Create(inv, $"bench soak: stage throughput (frames/s of busy time): read {summary.StageRates.Read:F1}, integrate {summary.StageRates.Integrate:F1}, fit {summary.StageRates.Fit:F1}"));
        Console.WriteLine("bench soak: frames written   time s   RSS MB   open fds");
        foreach (var fraction in new[] { 0.05, 0.1, 0.25, 0.5, 0.75, 1.0 })
        {
            var target = (int)(fraction * frames);
            var at = samples.FirstOrDefault(x => x.FramesWritten >= target) ?? samples[^1];
            Console.WriteLine(string.Create(inv, $"bench soak: {at.FramesWritten,14} {at.Seconds,8:F0} {at.ResidentMB,8:F0} {at.Descriptors,10}"));
        }

        var (rss, fds) = Drift(samples, frames);
        Console.WriteLine(string.Create(inv, $"bench soak: after the first 10 % of frames: RSS {rss.Min:F0}–{rss.Max:F0} MB (last quarter's median {rss.LastMedian:F0} vs second quarter's {rss.SecondMedian:F0} MB), open fds {fds.Min}–{fds.Max} (maximum {fds.LastMax} in the last quarter, {fds.SecondMax} in the second)"));
        Console.WriteLine(Flat(samples, frames)
            ? "bench soak: flat (RSS: last quarter's median within 10 % of the second quarter's; fds: at most 4 above the second quarter's maximum)"
            : "bench soak: NOT flat (see the samples)");
    }

    /// <summary>
    /// Samples after the first 10 % of frames (start-up: matrix, reference fit, channels filling), split in quarters:
    /// the second quarter against the last, so that growth shows and a level reached early does not.
    /// </summary>
    private static ((double Min, double Max, double SecondMedian, double LastMedian) Rss, (int Min, int Max, int SecondMax, int LastMax) Fds) Drift(List<Sample> samples, int frames)
    {
        var steady = samples.Where(s => s.FramesWritten >= frames / 10).ToList();
        if (steady.Count < 8)
        {
            steady = samples;
        }

        static double Median(IEnumerable<double> v)
        {
            var a = v.Order().ToArray();
            return a.Length == 0 ? double.NaN : a[a.Length / 2];
        }

        var q = Math.Max(steady.Count / 4, 1);
        var second = steady.Skip(q).Take(q).ToList();
        var last = steady.Skip(3 * q).ToList();
        return ((steady.Min(s => s.ResidentMB), steady.Max(s => s.ResidentMB), Median(second.Select(s => s.ResidentMB)), Median(last.Select(s => s.ResidentMB))),
            (steady.Min(s => s.Descriptors), steady.Max(s => s.Descriptors), second.Max(s => s.Descriptors), last.Max(s => s.Descriptors)));
    }

    /// <summary>Flat: the last quarter's median RSS within 10 % of the second quarter's, and no more than 4 descriptors above its maximum.</summary>
    private static bool Flat(List<Sample> samples, int frames)
    {
        var (rss, fds) = Drift(samples, frames);
        return rss.LastMedian <= 1.1 * rss.SecondMedian && fds.LastMax <= fds.SecondMax + 4;
    }

    private static double ResidentMB()
    {
        foreach (var line in File.ReadLines("/proc/self/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                return double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
            }
        }

        return double.NaN;
    }

    private static string LoadAverage()
    {
        try
        {
            return File.ReadAllText("/proc/loadavg").Split(' ')[0];
        }
        catch (IOException)
        {
            return "?";
        }
    }

    /// <summary>Frames written so far, from the run's progress reports.</summary>
    private sealed class Progress : IReductionObserver
    {
        private int _written;

        public int Written => Volatile.Read(ref _written);

        public void OnProgress(RunProgress progress) => Volatile.Write(ref _written, progress.FramesWritten);

        public void OnFrame(FrameRow row, ReadOnlySpan<double> radial, ReadOnlySpan<double> intensity, ReadOnlySpan<double> calculated)
        {
        }
    }
}
