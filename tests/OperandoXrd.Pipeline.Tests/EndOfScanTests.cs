using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using OperandoXrd.Hdf5;
using OperandoXrd.Pipeline.Configuration;
using OperandoXrd.Pipeline.Hosting;
using Xunit.Abstractions;

namespace OperandoXrd.Pipeline.Tests;

/// <summary>
/// <c>reduce --follow</c> started before the detector writes (a separate h5py process re-writing a simulated LIMA
/// series as LIMA saves), and each rule that ends a live run: the acquisition's nb_frames all written, every
/// pre-sized frame of the listed files written, <c>--frames N</c>, the pipeline's end marker, the idle timeout. The
/// assertions are on content (frames, rows, the rule named), never on how fast the machine is.
/// </summary>
public sealed class EndOfScanTests(EndOfScanTests.Data data, ITestOutputHelper output) : IClassFixture<EndOfScanTests.Data>
{
    private const int Frames = 6;

    /// <summary>One simulated 6-frame Pilatus300K series (3 files of 2) for all the tests.</summary>
    public sealed class Data : IDisposable
    {
        public SmallRun Run { get; } = new(frames: Frames, framesPerFile: 2, seed: 21);

        public void Dispose() => Run.Dispose();
    }

    [Fact]
    public async Task An_empty_scan_folder_is_waited_for_and_the_run_ends_when_the_acquisition_s_frames_are_written()
    {
        var (summary, log) = await Follow("empty-first", "", o => { });
        Assert.Equal(Frames, summary.Frames);
        Assert.Equal(Frames, summary.Ok + summary.Gated);
        Assert.StartsWith($"all {Frames} frames of the acquisition written", summary.EndedBy, StringComparison.Ordinal);
        Assert.Contains("/acquisition/nb_frames = 6", summary.EndedBy, StringComparison.Ordinal);
        // Said once, not at every look.
        Assert.Single(log, l => l.StartsWith("live: waiting for the first frame file in ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Listed_files_not_there_yet_are_waited_for_and_the_run_ends_when_their_pre_sized_frames_are_written()
    {
        var names = data.Run.Run.FrameFiles.Select(Path.GetFileName).ToList();
        var (summary, log) = await Follow("listed", "--no-nb-frames", o => o.Inputs = [.. names.Select(n => Path.Combine(Target(o), n!))]);
        Assert.Equal(Frames, summary.Frames);
        Assert.StartsWith($"every pre-sized frame of the listed files written ({Frames} frames)", summary.EndedBy, StringComparison.Ordinal);
        Assert.Single(log, l => l.StartsWith("live: waiting for ", StringComparison.Ordinal) && l.Contains(names[0]!, StringComparison.Ordinal) && l.Contains("(listed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_expected_frame_count_ends_the_run()
    {
        var (summary, _) = await Follow("frames", "--no-nb-frames", o => o.ExpectedFrames = 4);
        Assert.Equal(4, summary.Frames);
        Assert.Equal("--frames 4: every expected frame read", summary.EndedBy);
    }

    [Fact]
    public async Task The_pipeline_s_end_marker_ends_the_run_after_every_frame_before_it()
    {
        var (summary, _) = await Follow("marker", "--no-nb-frames --marker scan.done", o =>
            o.Pipeline = PipelineOverrides.Load(data.Run.Run.PipelinePath, """{"follow": {"endMarker": "scan.done"}}"""));
        Assert.Equal(Frames, summary.Frames);
        Assert.StartsWith("end marker ", summary.EndedBy, StringComparison.Ordinal);
        Assert.EndsWith("scan.done present", summary.EndedBy, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_any_end_the_idle_timeout_ends_the_run_and_says_what_it_waited_for()
    {
        var (summary, _) = await Follow("idle", "--no-nb-frames", o => o.IdleTimeout_s = 4);
        Assert.Equal(Frames, summary.Frames);
        Assert.StartsWith("idle timeout: no new frame for ", summary.EndedBy, StringComparison.Ordinal);
        Assert.Contains("(waiting for the next file in ", summary.EndedBy, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_key_in_the_follow_section_is_an_error_naming_it()
    {
        var e = Assert.Throws<PipelineConfigException>(() => PipelineOverrides.Load(data.Run.Run.PipelinePath, """{"follow": {"endMarkr": "x"}}"""));
        Assert.Contains("endMarkr", e.Message, StringComparison.Ordinal);
    }

    private string Target(ReduceOptions o) => Path.Combine(data.Run.Folder, "scan-" + Path.GetFileName(o.OutputFolder));

    /// <summary>Starts the run on an empty folder, then — once the run says it waits — the writer; returns the summary and the log lines.</summary>
    private async Task<(RunSummary Summary, List<string> Log)> Follow(string name, string writerOptions, Action<ReduceOptions> configure)
    {
        var options = data.Run.Options("out-" + name);
        var target = Target(options);
        Directory.CreateDirectory(target);
        options.Inputs = [target];
        options.Follow = true;
        options.IdleTimeout_s = 120;
        options.PollInterval_s = 0.05;
        configure(options);
        var log = new ConcurrentQueue<string>();
        var run = Task.Run(() => ReductionHost.RunAsync(options, logging: b => b.AddProvider(new ListLogger(log))));

        // The detector starts once the run is waiting for it (set-up takes long on a loaded machine): the order at a
        // beamline, made certain rather than timed.
        var clock = Stopwatch.StartNew();
        while (!log.Any(l => l.StartsWith("live: waiting for ", StringComparison.Ordinal)) && !run.IsCompleted && clock.Elapsed < TimeSpan.FromMinutes(3))
        {
            await Task.Delay(20);
        }

        Assert.False(run.IsCompleted, "the run ended before any file was written");
        using var writer = StartWriter(data.Run.Run.ScanFolder, target, 0.1, writerOptions);
        var writerOutput = writer.StandardOutput.ReadToEndAsync();
        var writerErrors = writer.StandardError.ReadToEndAsync();
        var summary = await run.WaitAsync(TimeSpan.FromMinutes(5));
        Assert.True(writer.WaitForExit(60_000), "the writer did not finish");
        Assert.True(writer.ExitCode == 0, "writer: " + await writerErrors);
        _ = await writerOutput;
        var lines = log.ToList();
        output.WriteLine(string.Join("\n", lines.Where(l => l.StartsWith("live:", StringComparison.Ordinal))));
        output.WriteLine("ended by: " + summary.EndedBy);
        return (summary, lines);
    }

    private static Process StartWriter(string source, string target, double period, string options, [CallerFilePath] string here = "")
    {
        var info = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(Path.GetDirectoryName(here)!, "Python", "scan_writer.py"));
        info.ArgumentList.Add(source);
        info.ArgumentList.Add(target);
        info.ArgumentList.Add(period.ToString(CultureInfo.InvariantCulture));
        foreach (var o in options.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            info.ArgumentList.Add(o);
        }

        info.Environment["HDF5_PLUGIN_PATH"] = Hdf5Library.DebianPluginFolder;
        info.Environment["HDF5_USE_FILE_LOCKING"] = "FALSE";
        return Process.Start(info) ?? throw new InvalidOperationException("cannot start /usr/bin/python3");
    }

    /// <summary>Keeps every log message of the run (category-free), for assertions on what was said.</summary>
    private sealed class ListLogger(ConcurrentQueue<string> lines) : ILoggerProvider, ILogger
    {
        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            lines.Enqueue(formatter(state, exception));

        public void Dispose()
        {
        }
    }
}
