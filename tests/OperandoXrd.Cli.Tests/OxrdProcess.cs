using System.Diagnostics;

namespace OperandoXrd.Cli.Tests;

/// <summary>Runs the built <c>oxrd</c> program as a child process, the way a user (or a crash) meets it.</summary>
internal static class OxrdProcess
{
    public static string Dll => Path.Combine(AppContext.BaseDirectory, "oxrd.dll");

    public static Process Start(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Dll);
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        var process = Process.Start(info)!;
        // Drain the pipes so that a chatty child never blocks on a full pipe.
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    public static (int ExitCode, string Output, string Error) Run(TimeSpan timeout, params string[] args) => Run(timeout, null, args);

    /// <summary>Runs oxrd with some environment variables changed (null removes one).</summary>
    public static (int ExitCode, string Output, string Error) Run(TimeSpan timeout, IReadOnlyDictionary<string, string?>? environment, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                info.Environment.Remove(name);
            }
            else
            {
                info.Environment[name] = value;
            }
        }

        info.ArgumentList.Add(Dll);
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"oxrd {string.Join(' ', args)} did not finish in {timeout}");
        }

        return (process.ExitCode, output.Result, error.Result);
    }
}
