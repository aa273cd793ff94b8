using System.Diagnostics;

namespace OperandoXrd.Viewer.Tests;

/// <summary>
/// Runs this test assembly's <see cref="ChildProgram"/> in a child process under <c>xvfb-run -a</c> (its own
/// virtual X server on a free display, no window manager), the way CI and users run the viewer headless.
/// </summary>
internal static class Xvfb
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    private static string ChildDll => typeof(ChildProgram).Assembly.Location;

    // The SDK tells child processes which dotnet runs them; fall back to the one on PATH.
    private static string Dotnet => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    public static Process Start(params string[] args)
    {
        var info = new ProcessStartInfo("xvfb-run")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in (string[])["-a", "-s", "-screen 0 1600x1000x24", Dotnet, ChildDll, .. args])
        {
            info.ArgumentList.Add(a);
        }

        return Process.Start(info) ?? throw new InvalidOperationException("could not start xvfb-run (is the xvfb package installed?)");
    }

    public static Result Run(params string[] args) => Wait(Start(args), TimeSpan.FromSeconds(90));

    /// <summary>Runs the child with no display at all (DISPLAY and WAYLAND_DISPLAY removed), not under Xvfb.</summary>
    public static Result RunWithoutDisplay(params string[] args)
    {
        var info = new ProcessStartInfo(Dotnet)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(ChildDll);
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        info.Environment.Remove("DISPLAY");
        info.Environment.Remove("WAYLAND_DISPLAY");
        return Wait(Process.Start(info)!, TimeSpan.FromSeconds(60));
    }

    public static Result Wait(Process process, TimeSpan timeout)
    {
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(timeout))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException($"viewer child did not exit within {timeout.TotalSeconds} s; stderr: {stderr.Result}");
            }

            process.WaitForExit();
            return new Result(process.ExitCode, stdout.Result, stderr.Result);
        }
    }
}

/// <summary>The tests that start Xvfb run one at a time: concurrent <c>xvfb-run -a</c> can race for a display number.</summary>
[CollectionDefinition("xvfb", DisableParallelization = true)]
public sealed class XvfbCollection;
