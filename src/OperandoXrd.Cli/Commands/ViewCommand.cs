using System.CommandLine;
using OperandoXrd.Viewer;
using OperandoXrd.Viewer.Feeds;

namespace OperandoXrd.Cli.Commands;

/// <summary>
/// <c>oxrd view --run DIR [--screenshot FILE.png] [--after-frames N] [--width W --height H]</c>: the live viewer
/// following a run folder (reduced.h5 + lattice.csv), or one headless screenshot of it.
/// </summary>
internal static class ViewCommand
{
    public static Command Create()
    {
        var run = new Option<DirectoryInfo>("--run") { Description = "Run folder to follow (reduced.h5, lattice.csv); it may still be empty.", Required = true };
        var screenshot = new Option<FileInfo?>("--screenshot") { Description = "Render once, write this PNG and exit (headless: run under xvfb-run -a)." };
        var afterFrames = new Option<int?>("--after-frames") { Description = "With --screenshot: wait for N frames first (default: all the run holds now)." };
        var width = new Option<int>("--width") { Description = "Window / screenshot width in pixels.", DefaultValueFactory = _ => 1400 };
        var height = new Option<int>("--height") { Description = "Window / screenshot height in pixels.", DefaultValueFactory = _ => 900 };
        var timeout = new Option<double>("--timeout") { Description = "With --screenshot: longest wait for the frames, seconds.", DefaultValueFactory = _ => 120 };
        var log = new Option<bool>("--log") { Description = "Start with a logarithmic intensity scale (key L toggles)." };
        var command = new Command("view", "Live viewer: contour, latest pattern with fit, voltage and lattice parameters of a run as it grows. " +
            "Keys: L log/linear, Left/Right frames, Home/End first/latest, R reset zoom; mouse wheel/drag zooms/pans 2θ.")
        {
            run, screenshot, afterFrames, width, height, timeout, log,
        };
        command.SetAction(parse =>
        {
            // Reported here, not thrown: System.CommandLine would print a stack trace and exit 1; the contract says one line, exit 2.
            try
            {
                return Run(
                    parse.GetValue(run)!,
                    parse.GetValue(screenshot),
                    parse.GetValue(afterFrames),
                    parse.GetValue(width),
                    parse.GetValue(height),
                    parse.GetValue(timeout),
                    parse.GetValue(log));
            }
            catch (UsageException e)
            {
                Console.Error.WriteLine($"oxrd: {e.Message}");
                return ExitCodes.BadArguments;
            }
        });
        return command;
    }

    private static int Run(DirectoryInfo run, FileInfo? screenshot, int? afterFrames, int width, int height, double timeout, bool log)
    {
        if (!run.Exists)
        {
            throw new UsageException($"--run {run.FullName}: no such folder");
        }

        if (width < 320 || height < 240 || width > 8192 || height > 8192)
        {
            throw new UsageException($"--width/--height {width}x{height}: use 320x240 to 8192x8192");
        }

        if (afterFrames is < 0)
        {
            throw new UsageException($"--after-frames must be 0 or more (got {afterFrames})");
        }

        if (!(timeout > 0))
        {
            throw new UsageException($"--timeout must be positive (got {timeout})");
        }

        // Say how to run headless before touching the folder or GLFW.
        if (ViewerApp.DisplayProblem() is { } problem)
        {
            Console.Error.WriteLine($"oxrd view: {problem}; {ViewerApp.HeadlessHint}");
            return ExitCodes.BadArguments;
        }

        using var feed = new RunFolderFeed(run.FullName);
        var options = new ViewerOptions
        {
            Width = width,
            Height = height,
            ScreenshotPath = screenshot?.FullName,
            AfterFrames = afterFrames,
            ScreenshotTimeout = TimeSpan.FromSeconds(timeout),
            LogScale = log,
        };
        var code = ViewerApp.Run(feed, options, Console.Error);
        if (code == ViewerApp.ExitOk && screenshot is not null)
        {
            Console.WriteLine($"oxrd view: wrote {screenshot.FullName}");
        }

        return code;
    }
}
