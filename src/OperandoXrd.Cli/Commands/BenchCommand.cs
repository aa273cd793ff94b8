using System.CommandLine;
using System.Diagnostics;

namespace OperandoXrd.Cli.Commands;

/// <summary><c>oxrd bench</c>: speed measurements side by side with the field's reference tools.</summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var command = new Command("bench", "Speed measurements side by side with the reference tools (pyFAI, lmfit).");
        command.Subcommands.Add(BenchIntegrateCommand.Create());
        command.Subcommands.Add(BenchReduceCommand.Create());
        command.Subcommands.Add(BenchCalibrateCommand.Create());
        return command;
    }

    /// <summary>Runs a reference script with Debian's Python (pyFAI) and parses the JSON on its last output line.</summary>
    internal static System.Text.Json.JsonElement RunPythonJson(IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in arguments)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start) ?? throw new UsageException("cannot start /usr/bin/python3 (install python3-pyfai)");
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new UsageException($"pyFAI benchmark failed (exit {process.ExitCode}): {stderr.Result}");
        }

        return System.Text.Json.JsonDocument.Parse(stdout.Trim().Split('\n')[^1]).RootElement.Clone();
    }
}
