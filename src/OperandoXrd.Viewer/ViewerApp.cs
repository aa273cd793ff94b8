using OperandoXrd.Viewer.Feeds;
using OperandoXrd.Viewer.Native;

namespace OperandoXrd.Viewer;

/// <summary>
/// The viewer's entry point for <c>oxrd view</c> and for the pipeline host (<c>oxrd reduce --view</c>): checks for a
/// display, opens the window on the calling thread and runs it until closed or until the screenshot is written.
/// </summary>
public static class ViewerApp
{
    public const int ExitOk = 0;

    /// <summary>A screenshot was written, but the wanted frames did not all arrive in time.</summary>
    public const int ExitIncomplete = 1;

    /// <summary>No display to open a window on (or GL 3.3 core not available there).</summary>
    public const int ExitNoDisplay = 2;

    /// <summary>How to run without a screen, for messages.</summary>
    public const string HeadlessHint =
        "to run headless, start it under a virtual X server: xvfb-run -a -s \"-screen 0 1600x1000x24\" oxrd view --run DIR --screenshot view.png";

    /// <summary>Null when a display looks reachable, else why not.</summary>
    public static string? DisplayProblem()
    {
        var display = Environment.GetEnvironmentVariable("DISPLAY");
        var wayland = Environment.GetEnvironmentVariable("WAYLAND_DISPLAY");
        return string.IsNullOrEmpty(display) && string.IsNullOrEmpty(wayland) ? "no display (DISPLAY is not set)" : null;
    }

    /// <summary>
    /// Runs the viewer over <paramref name="feed"/> on this thread. Returns <see cref="ExitOk"/>, or
    /// <see cref="ExitIncomplete"/> when a screenshot timed out before its frames, or <see cref="ExitNoDisplay"/>
    /// (with the message on <paramref name="error"/>) when no window could be opened.
    /// </summary>
    public static int Run(IRunFeed feed, ViewerOptions options, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(feed);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(error);
        if (DisplayProblem() is { } problem)
        {
            error.WriteLine($"oxrd view: {problem}; {HeadlessHint}");
            return ExitNoDisplay;
        }

        ViewerWindow window;
        try
        {
            window = new ViewerWindow(feed, options);
        }
        catch (Exception e) when (e is GlfwException or DllNotFoundException or EntryPointNotFoundException)
        {
            error.WriteLine($"oxrd view: cannot open a window: {e.Message}; {HeadlessHint}");
            return ExitNoDisplay;
        }

        using (window)
        {
            window.Run();
            if (options.ScreenshotPath is not null && window.ScreenshotComplete == false)
            {
                error.WriteLine($"oxrd view: wrote {options.ScreenshotPath} with {window.State.Frames.Count} frames; " +
                    (feed.IsComplete
                        ? $"the feed ended before {options.AfterFrames} frames"
                        : $"{options.AfterFrames} frames did not arrive within {options.ScreenshotTimeout.TotalSeconds:0} s"));
                return ExitIncomplete;
            }
        }

        return ExitOk;
    }
}
