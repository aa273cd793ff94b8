using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using OperandoXrd.Pipeline.Configuration;
using OperandoXrd.Pipeline.Hosting;
using OperandoXrd.Pipeline.Outputs;
using Spectre.Console;

namespace OperandoXrd.Cli.Commands;

/// <summary><c>oxrd reduce</c>: the whole pipeline, offline on an archive or live beside the detector.</summary>
internal static class ReduceCommand
{
    public static Command Create()
    {
        var pipeline = new Option<FileInfo>("--pipeline") { Description = "Pipeline config (JSON).", Required = true };
        var input = new Option<string[]>("--input") { Description = IntegrateCommand.InputHelp + " Default: the pipeline's \"input\".", AllowMultipleArgumentsPerToken = true };
        var poni = new Option<FileInfo?>("--poni") { Description = "PONI file (default: the pipeline's \"poni\")." };
        var peek = new Option<FileInfo?>("--peek") { Description = "PEEK model JSON (default: the pipeline's background.peek)." };
        var echem = new Option<FileInfo?>("--echem") { Description = "Voltage log (default: the pipeline's echem.file)." };
        var output = new Option<DirectoryInfo>("--out") { Description = "Output folder.", Required = true };
        var follow = new Option<bool>("--follow") { Description = "Live: follow files as the detector writes them." };
        var resume = new Option<bool>("--resume") { Description = "Continue from the output folder's checkpoint." };
        var xye = new Option<bool>("--xye") { Description = "Also write patterns/frame_NNNNN.xye." };
        var autoAdd = new Option<bool>("--auto-add") { Description = "A phase the emergence detector names joins the fit from the frame it is reported at (as the pipeline's emergence.autoAdd)." };
        var start = new Option<string?>("--start-time") { Description = "Start time (ISO 8601) when the files carry none." };
        var period = new Option<double?>("--frame-period") { Description = "Seconds between frame starts when the files carry none." };
        var idle = new Option<double>("--idle-timeout") { Description = "Live: stop after this many seconds without a new frame.", DefaultValueFactory = _ => 60 };
        var flip = IntegrateCommand.FlipOption();
        flip.Description += " Overrides the pipeline's integration.flip.";
        var overrides = new Option<string?>("--pipeline-overrides") { Description = "Pipeline keys (a JSON object) merged over the pipeline file for this run, e.g. '{\"echem\": {\"activeMass_mg\": 0.9}}'." };
        var view = new Option<bool>("--view") { Description = "Open the live viewer beside the run (needs a display; headless: xvfb-run -a oxrd reduce ...)." };
        var command = new Command("reduce", "Integrate, fit and correlate frames into lattice.csv, reduced.h5 and figures.")
        {
            pipeline, input, poni, peek, echem, output, follow, resume, xye, start, period, idle, flip, view, overrides, autoAdd,
        };
        command.SetAction(async (parse, cancellation) =>
        {
            var options = Options(parse.GetValue(pipeline)!.FullName, parse.GetValue(input), parse.GetValue(poni)?.FullName, parse.GetValue(peek)?.FullName,
                parse.GetValue(echem)?.FullName, parse.GetValue(output)!.FullName, parse.GetValue(overrides));
            options.Follow = parse.GetValue(follow);
            options.Resume = parse.GetValue(resume);
            options.WriteXye = parse.GetValue(xye);
            options.AutoAdd = parse.GetValue(autoAdd);
            if (options.AutoAdd && !options.Pipeline!.Emergence.Enabled)
            {
                throw new UsageException($"--auto-add: the emergence detector is off in {options.Pipeline.Source} (emergence.enabled = false); nothing would name a phase to add.");
            }
            options.IdleTimeout_s = parse.GetValue(idle);
            options.FramePeriod_s = parse.GetValue(period);
            if (parse.GetValue(flip))
            {
                options.Flip = Core.Frames.FrameFlip.UpDown;
            }

            if (parse.GetValue(start) is { } text)
            {
                options.StartTime = DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)
                    ? t : throw new UsageException($"--start-time: '{text}' is not an ISO 8601 time");
            }

            RunSummary summary;
            try
            {
                summary = parse.GetValue(view) ? RunWithViewer(options, cancellation) : await Run(options, cancellation).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or Core.Frames.FrameSourceException)
            {
                // One clear line, not a stack trace: the message names the file and the system's reason (ENOSPC...);
                // the log above it says how far the checkpoint got.
                Console.Error.WriteLine($"oxrd: reduce stopped: {e.Message}");
                if (e is OutputWriteException)
                {
                    Console.Error.WriteLine($"oxrd: the checkpoint in {Path.Combine(options.OutputFolder!, ".oxrd")} is intact: make room and run the same command again with --resume");
                }

                return ExitCodes.RunStopped;
            }

            return summary.Failed > 0 ? ExitCodes.SomeFramesFailed : ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>Reduce options from a pipeline file with the command line's overrides.</summary>
    public static ReduceOptions Options(string pipelinePath, string[]? inputs, string? poni, string? peek, string? echem, string output, string? pipelineOverrides = null)
    {
        PipelineConfig config;
        try
        {
            config = PipelineOverrides.Load(pipelinePath, pipelineOverrides);
        }
        catch (PipelineConfigException e)
        {
            throw new UsageException(e.Message, e);
        }

        byte[]? mask = null;
        var poniPath = poni ?? config.Poni;
        if (config.Mask is { } maskPath && poniPath is not null)
        {
            // A PONI without a Detector line has no shape yet (the frames give it): the mask then brings its own.
            var detector = Core.Geometry.Poni.Load(poniPath).Detector;
            mask = AuxiliaryImage.Read(maskPath, detector.Rows, detector.Columns, "mask").Select(v => v != 0 ? (byte)1 : (byte)0).ToArray();
        }

        return new ReduceOptions
        {
            Pipeline = config,
            Inputs = inputs is { Length: > 0 } ? inputs.Select(Path.GetFullPath).ToList() : [.. config.Inputs],
            PoniPath = poniPath,
            PeekPath = peek ?? config.Fit.Fit.PeekModel,
            EchemPath = echem ?? config.Echem.File,
            OutputFolder = output,
            MaskImage = mask,
            Flip = config.Integration.Flip,
            MatrixCacheFolder = Path.Combine(Path.GetTempPath(), "oxrd-matrix-cache"),
        };
    }

    /// <summary>Runs the host with a progress display on a terminal, or plain log lines when output is redirected.</summary>
    public static async Task<RunSummary> Run(ReduceOptions options, CancellationToken cancellation)
    {
        RunSummary summary;
        try
        {
            if (!Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive)
            {
                summary = await RunWithProgressBar(options, cancellation).ConfigureAwait(false);
            }
            else
            {
                var observer = new LogLineObserver();
                summary = await ReductionHost.RunAsync(options, observer, Logging, cancellation).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is PipelineConfigException or OptionsValidationException or Fitting.Configuration.FitConfigurationException)
        {
            throw new UsageException(e.Message, e);
        }

        PrintSummary(summary);
        return summary;
    }

    /// <summary>
    /// The viewer owns the calling thread (GLFW wants the main thread); the host runs beside it and hands every
    /// frame over through a channel that drops the oldest frame rather than ever make the run wait.
    /// </summary>
    private static RunSummary RunWithViewer(ReduceOptions options, CancellationToken cancellation)
    {
        var channel = new Viewer.Feeds.ViewerChannel(64);
        var observer = new ViewerObserver(channel, new LogLineObserver());
        var run = Task.Run(() => ReductionHost.RunAsync(options, observer, Logging, cancellation), cancellation);
        // The summary is printed as soon as the run ends; the window stays open for a look until it is closed.
        _ = run.ContinueWith(t =>
        {
            channel.Writer.TryComplete();
            if (t.IsCompletedSuccessfully)
            {
                PrintSummary(t.Result);
            }
        }, TaskScheduler.Default);
        var viewer = Viewer.ViewerApp.Run(channel.ToFeed($"oxrd reduce {options.OutputFolder}"), new Viewer.ViewerOptions(), Console.Error);
        if (viewer == Viewer.ViewerApp.ExitNoDisplay)
        {
            Console.Error.WriteLine("oxrd: no viewer; the reduction goes on without it");
        }

        RunSummary summary;
        try
        {
            summary = run.GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is PipelineConfigException or OptionsValidationException or Fitting.Configuration.FitConfigurationException)
        {
            throw new UsageException(e.Message, e);
        }

        return summary;
    }

    private static async Task<RunSummary> RunWithProgressBar(ReduceOptions options, CancellationToken cancellation)
    {
        RunSummary? summary = null;
        await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async ctx =>
            {
                var task = ctx.AddTask("reducing", maxValue: 1);
                var observer = new ProgressBarObserver(task);
                summary = await ReductionHost.RunAsync(options, observer, Logging, cancellation).ConfigureAwait(false);
                task.Value = task.MaxValue;
            }).ConfigureAwait(false);
        return summary!;
    }

    private static void Logging(ILoggingBuilder builder)
    {
        builder.SetMinimumLevel(LogLevel.Information);
        builder.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss ";
            o.ColorBehavior = LoggerColorBehavior.Disabled;
        });
        builder.Services.Configure<ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.AddFilter("Microsoft", LogLevel.Warning);
        // The host logs a failed start (a bad pipeline, PONI or voltage log found while preparing) with its stack
        // trace; the command reports the same error as one line and exit 2.
        builder.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.None);
    }

    private static void PrintSummary(RunSummary s)
    {
        var rates = s.StageRates;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"reduce: {s.Frames} frames in {s.Elapsed.TotalSeconds:F1} s ({s.Frames / Math.Max(s.Elapsed.TotalSeconds, 1e-9):F1} frames/s): {s.Ok} ok, {s.Gated} gated, {s.Failed} failed{(s.Cancelled ? " (stopped early)" : "")}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"reduce: steady {s.SteadyFramesPerSecond:F1} frames/s once set up; stage throughput (frames/s of busy time): read {rates.Read:F1}, integrate {rates.Integrate:F1}, fit {rates.Fit:F1}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"reduce: peak memory {s.PeakResidentBytes / 1e6:F0} MB (resident)"));
        if (s.SetUpAndWrapUp.Count > 0)
        {
            // Matrix and reference fit are set-up; "final outputs" is the whole wrap-up, the parts after it are its pieces.
            Console.WriteLine("reduce: set-up and wrap-up (s): " + string.Join(", ", s.SetUpAndWrapUp.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Part} {p.Seconds:F3}"))));
        }

        foreach (var missing in s.MissingFiles)
        {
            Console.WriteLine($"reduce: file skipped: {missing}");
        }

        foreach (var (frame, reason) in s.Failures.Take(20))
        {
            Console.WriteLine($"reduce: frame {frame} failed: {reason}");
        }

        if (s.Failures.Count > 20)
        {
            Console.WriteLine($"reduce: ... and {s.Failures.Count - 20} more failed frames (see lattice.csv status)");
        }

        foreach (var e in s.Emergence)
        {
            Console.WriteLine($"reduce: {Fitting.Emergence.EmergenceDetector.Describe(e)}");
        }

        foreach (var output in s.Outputs)
        {
            Console.WriteLine($"reduce: wrote {output}");
        }
    }

    private sealed class LogLineObserver : IReductionObserver
    {
        private long _last;

        public void OnProgress(RunProgress p)
        {
            var now = Environment.TickCount64;
            if (now - _last < 2000)
            {
                return;
            }

            _last = now;
            Console.Error.WriteLine(Describe(p));
        }

        public void OnFrame(FrameRow row, ReadOnlySpan<double> radial, ReadOnlySpan<double> intensity, ReadOnlySpan<double> calculated)
        {
        }
    }

    /// <summary>Hands each finished frame to the viewer (never blocking: the channel drops the oldest) and progress to another observer.</summary>
    private sealed class ViewerObserver(Viewer.Feeds.ViewerChannel channel, IReductionObserver inner) : IReductionObserver
    {
        private double[]? _radial;

        public void OnProgress(RunProgress progress) => inner.OnProgress(progress);

        public void OnFrame(FrameRow row, ReadOnlySpan<double> radial, ReadOnlySpan<double> intensity, ReadOnlySpan<double> calculated)
        {
            if (intensity.IsEmpty)
            {
                return;
            }

            _radial ??= radial.ToArray();
            var lattice = row.Fit is { Status: not Fitting.Sequential.FrameStatus.Failed } fit
                ? fit.Phases.SelectMany(p => p.Cell.Where(q => q.Name != "V" && q.Name != "c/a").Select(q => new Fitting.Output.LatticeValue($"{p.Name}_{q.Name}", q.Value, q.Esd))).ToList()
                : [];
            channel.Writer.TryWrite(new Viewer.Feeds.ViewerFrame(row.Index, row.Timing.StartUnixSeconds, _radial, intensity.ToArray(),
                calculated.IsEmpty ? null : calculated.ToArray(), null, lattice, row.Echem.Voltage_V, row.Fit?.Rwp ?? double.NaN));
        }

        // The event's line and frame mark; no peak marks here (the observer does not know the radial unit of the frames).
        public void OnEmergence(Fitting.Emergence.EmergenceEvent emergence)
        {
            inner.OnEmergence(emergence);
            channel.Report(new Viewer.Feeds.EmergenceMark(
                new Fitting.Emergence.EmergenceRow(emergence.Phase, emergence.FirstFrame, emergence.Score, [.. emergence.Peaks.Select(p => p.D)]), []));
        }
    }

    private sealed class ProgressBarObserver(ProgressTask task) : IReductionObserver
    {
        public void OnProgress(RunProgress p)
        {
            task.MaxValue = Math.Max(p.FramesKnown, 1);
            task.Value = p.FramesWritten;
            task.Description = Markup.Escape(Describe(p));
        }

        public void OnFrame(FrameRow row, ReadOnlySpan<double> radial, ReadOnlySpan<double> intensity, ReadOnlySpan<double> calculated)
        {
        }
    }

    private static string Describe(RunProgress p)
    {
        var a = p.LastValues.TryGetValue("NCA_a", out var va) ? va : double.NaN;
        var c = p.LastValues.TryGetValue("NCA_c", out var vc) ? vc : double.NaN;
        return string.Create(CultureInfo.InvariantCulture,
            $"frame {p.FramesWritten}/{p.FramesKnown} {p.FramesPerSecond:F1} fps GoF {p.LastGoF:F2} NCA a {a:F4} c {c:F4} failed {p.FramesFailed}");
    }
}
