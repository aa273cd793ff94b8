using System.Diagnostics;

namespace OperandoXrd.Campaigns.Execution;

/// <summary>SLURM is not there or does not answer: one clear line, exit code 2, nothing submitted.</summary>
public sealed class SlurmUnavailableException : Exception
{
    public SlurmUnavailableException(string message) : base(message) { }

    public SlurmUnavailableException(string message, Exception inner) : base(message, inner) { }

    public SlurmUnavailableException() { }
}

/// <summary>
/// SLURM's client commands (sbatch, squeue) from PATH with the caller's environment (SLURM_CONF and the rest pass
/// through untouched): the cluster is whatever the user's shell talks to.
/// </summary>
public static class SlurmCommands
{
    /// <summary>How long a client command may take; sbatch against a controller that is down gives up after about 10 s.</summary>
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    public static string Find(string name)
    {
        foreach (var folder in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(folder, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new SlurmUnavailableException($"{name} not found on PATH: the slurm executor needs SLURM's client commands (on a laptop: eval \"$(scripts/slurm-local.sh up)\")");
    }

    /// <summary>Runs a client command; returns (exit code, standard output, standard error).</summary>
    public static (int ExitCode, string Output, string Error) Run(string name, IEnumerable<string> arguments)
    {
        var info = new ProcessStartInfo(Find(name)) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in arguments)
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info) ?? throw new SlurmUnavailableException($"{name} could not be started");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new SlurmUnavailableException($"{name} did not answer within {Timeout.TotalSeconds:F0} s: is the SLURM controller up?");
        }

        return (process.ExitCode, output.Result, error.Result);
    }

    /// <summary>The first line of a failed command's message, for a one-line report.</summary>
    public static string FirstLine(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var line = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "(no message)";
        return line;
    }

    /// <summary>Splits <c>--sbatch-args</c> into words as a shell would (spaces separate, quotes group, no expansions).</summary>
    public static IReadOnlyList<string> SplitWords(string? text)
    {
        var words = new List<string>();
        if (string.IsNullOrWhiteSpace(text))
        {
            return words;
        }

        var current = new System.Text.StringBuilder();
        var inWord = false;
        var quote = '\0';
        foreach (var c in text)
        {
            if (quote != '\0')
            {
                if (c == quote)
                {
                    quote = '\0';
                }
                else
                {
                    current.Append(c);
                }
            }
            else if (c is '\'' or '"')
            {
                quote = c;
                inWord = true;
            }
            else if (char.IsWhiteSpace(c))
            {
                if (inWord)
                {
                    words.Add(current.ToString());
                    current.Clear();
                    inWord = false;
                }
            }
            else
            {
                current.Append(c);
                inWord = true;
            }
        }

        if (quote != '\0')
        {
            throw new ArgumentException($"--sbatch-args: unbalanced quote in '{text}'");
        }

        if (inWord)
        {
            words.Add(current.ToString());
        }

        return words;
    }
}
