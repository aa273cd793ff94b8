using System.Globalization;
using OperandoXrd.Fitting.Output;
using OperandoXrd.Viewer;
using OperandoXrd.Viewer.Feeds;
using OperandoXrd.Viewer.Native;

namespace OperandoXrd.Viewer.Tests;

/// <summary>
/// Entry point of this assembly when a test starts it as a child process (<c>dotnet OperandoXrd.Viewer.Tests.dll ...</c>):
/// <c>glinfo</c> prints the GL strings of a fresh 3.3 core context; <c>channel FRAMES CAPACITY PNG</c> feeds the viewer
/// in-process through a <see cref="ViewerChannel"/>; <c>window DIR SECONDS</c> runs the visible window and closes it; <c>view --run DIR [--screenshot F] [--after-frames N]
/// [--width W] [--height H] [--poll S] [--log 1]</c> runs the viewer exactly as <c>oxrd view</c> does.
/// </summary>
public static class ChildProgram
{
    public static int Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "glinfo")
        {
            using var window = new GameWindow(GameWindowSettings.Default, new NativeWindowSettings { StartVisible = false, ClientSize = (64, 64) });
            Console.WriteLine($"GL_VERSION={GL.GetString(StringName.Version)}");
            Console.WriteLine($"GL_RENDERER={GL.GetString(StringName.Renderer)}");
            Console.WriteLine($"GL_SHADING_LANGUAGE_VERSION={GL.GetString(StringName.ShadingLanguageVersion)}");
            Console.WriteLine($"GL_ERROR={GL.GetError()}");
            return 0;
        }

        if (args.Length == 3 && args[0] == "window")
        {
            // The interactive path: a visible window drawing to its own framebuffer and swapping, closed from another
            // thread after a while (GLFW allows glfwSetWindowShouldClose and glfwPostEmptyEvent from any thread).
            using var feed = new RunFolderFeed(args[1]);
            using var window = new ViewerWindow(feed, new ViewerOptions { Width = 1000, Height = 700 });
            var seconds = double.Parse(args[2], CultureInfo.InvariantCulture);
            _ = Task.Run(async () =>
            {
                await Task.Delay(TimeSpan.FromSeconds(seconds)).ConfigureAwait(false);
                window.Close();
                GLFW.PostEmptyEvent();
            });
            window.Run();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"redraws={window.Redraws} frames={window.State.Frames.Count} size={window.ClientSize.X}x{window.ClientSize.Y} error={GL.GetError()}"));
            return 0;
        }

        if (args.Length == 4 && args[0] == "channel")
        {
            // In-process feed: a producer pushes every frame of a synthetic run into a small DropOldest channel
            // before the viewer takes any, as a pipeline outrunning the viewer would; the viewer then shows what is left.
            int frames = int.Parse(args[1], CultureInfo.InvariantCulture), capacity = int.Parse(args[2], CultureInfo.InvariantCulture);
            var channel = new ViewerChannel(capacity);
            var radial = Enumerable.Range(0, SyntheticRun.Npt).Select(SyntheticRun.Radial).ToArray();
            var accepted = 0;
            for (var k = 0; k < frames; k++)
            {
                var obs = Enumerable.Range(0, SyntheticRun.Npt).Select(i => SyntheticRun.Observed(k, i)).ToArray();
                var calc = Enumerable.Range(0, SyntheticRun.Npt).Select(i => SyntheticRun.Model(k, i)).ToArray();
                accepted += channel.Writer.TryWrite(new ViewerFrame(k, SyntheticRun.StartTime + k * SyntheticRun.Period, radial, obs, calc,
                    [new PhaseTicks("NCA", [SyntheticRun.StrongPeak(k)])], [new LatticeValue("NCA_a", SyntheticRun.NcaA(k), 2e-4)],
                    SyntheticRun.Voltage(k), 0.05)) ? 1 : 0;
            }

            channel.Writer.Complete();
            Console.WriteLine($"accepted={accepted} dropped={channel.Dropped}");
            using var feed = channel.ToFeed();
            return ViewerApp.Run(feed, new ViewerOptions { ScreenshotPath = args[3], AfterFrames = frames }, Console.Error);
        }

        if (args.Length > 0 && args[0] == "view")
        {
            string? run = null, screenshot = null;
            int? after = null;
            int width = 1400, height = 900;
            var poll = 0.5;
            var log = false;
            for (var i = 1; i + 1 < args.Length; i += 2)
            {
                var value = args[i + 1];
                switch (args[i])
                {
                    case "--run": run = value; break;
                    case "--screenshot": screenshot = value; break;
                    case "--after-frames": after = int.Parse(value, CultureInfo.InvariantCulture); break;
                    case "--width": width = int.Parse(value, CultureInfo.InvariantCulture); break;
                    case "--height": height = int.Parse(value, CultureInfo.InvariantCulture); break;
                    case "--poll": poll = double.Parse(value, CultureInfo.InvariantCulture); break;
                    case "--log": log = value == "1"; break;
                    default: Console.Error.WriteLine($"unknown option {args[i]}"); return 3;
                }
            }

            using var feed = new RunFolderFeed(run ?? throw new ArgumentException("--run is required"), TimeSpan.FromSeconds(poll));
            return ViewerApp.Run(feed, new ViewerOptions
            {
                Width = width,
                Height = height,
                ScreenshotPath = screenshot,
                AfterFrames = after,
                ScreenshotTimeout = TimeSpan.FromSeconds(60),
                LogScale = log,
            }, Console.Error);
        }

        Console.Error.WriteLine("usage: glinfo | view --run DIR ...");
        return 3;
    }
}
