using System.Diagnostics;
using System.Globalization;
using OperandoXrd.Campaigns.Files;

namespace OperandoXrd.Campaigns.Execution;

/// <summary>
/// Runs the scans on this machine, <c>maxParallel</c> at a time, each as a child process <c>oxrd reduce … --resume</c>
/// into <c>&lt;out&gt;/&lt;label&gt;/</c> with its output in <c>&lt;out&gt;/logs/&lt;label&gt;.log</c>. A child process
/// rather than a call in this process: it is the very command a SLURM task runs (so both executors give the same
/// bytes), the HDF5 library serialises every call in one process (two scans in one process would wait on each other),
/// a scan that crashes or runs out of memory takes only itself down, and each scan's memory goes back to the
/// system when it ends. Starting a process costs about a second of a scan that takes tens of seconds.
/// </summary>
public static class LocalExecutor
{
    /// <summary>Runs the scans; returns each one's exit code (null: cancelled).</summary>
    public static async Task<IReadOnlyDictionary<string, int?>> RunAsync(IReadOnlyList<CampaignScan> scans, string output, int maxParallel, TextWriter report, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(scans);
        ArgumentNullException.ThrowIfNull(report);
        Directory.CreateDirectory(Path.Combine(output, "logs"));
        Directory.CreateDirectory(ScanRecords.Folder(output));
        var results = new Dictionary<string, int?>(StringComparer.Ordinal);
        var command = OxrdInvocation.Command();
        await Parallel.ForEachAsync(scans, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, maxParallel) }, async (scan, _) =>
        {
            if (cancellation.IsCancellationRequested)
            {
                return;
            }

            var code = await RunScanAsync(scan, output, command, report, cancellation).ConfigureAwait(false);
            lock (results)
            {
                results[scan.Label] = code;
            }
        }).ConfigureAwait(false);
        return results;
    }

    private static async Task<int?> RunScanAsync(CampaignScan scan, string output, IReadOnlyList<string> command, TextWriter report, CancellationToken cancellation)
    {
        ScanRecords.Clear(output, scan.Label);
        var arguments = scan.ReduceArguments(output);
        var info = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var word in command.Skip(1).Concat(arguments))
        {
            info.ArgumentList.Add(word);
        }

        var log = new StreamWriter(ScanRecords.LogPath(output, scan.Label), append: true) { AutoFlush = true, NewLine = "\n" };
        await using (log.ConfigureAwait(false))
        {
            var watch = Stopwatch.StartNew();
            Append(log, string.Create(CultureInfo.InvariantCulture, $"== {DateTime.UtcNow:yyyy-MM-ddTHH:mm:ssZ} local: oxrd {string.Join(' ', arguments.Select(OxrdInvocation.Quote))}"));
            using var process = new Process { StartInfo = info };
            process.OutputDataReceived += (_, e) => Append(log, e.Data);
            process.ErrorDataReceived += (_, e) => Append(log, e.Data);
            process.Start();
            ScanRecords.WriteStarted(output, scan.Label, string.Create(CultureInfo.InvariantCulture, $"local pid {process.Id} on {Environment.MachineName}"));
            Say(report, $"campaign: {scan.Label} started (local pid {process.Id})");
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var cancelled = false;
            using (cancellation.Register(() =>
            {
                // SIGTERM, as scancel sends it: oxrd reduce stops reading, drains its frames and leaves a checkpoint.
                cancelled = true;
                Terminate(process.Id);
            }))
            {
                await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            }

            int? code = cancelled ? null : process.ExitCode;
            ScanRecords.WriteExit(output, scan.Label, code);
            Say(report, string.Create(CultureInfo.InvariantCulture, $"campaign: {scan.Label} {(code is null ? "cancelled" : code is 0 or 1 ? "done" : "failed")}{(code is { } c ? $" (exit {c})" : "")} after {watch.Elapsed.TotalSeconds:F1} s"));
            return code;
        }
    }

    private static void Append(StreamWriter log, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            log.WriteLine(line);
        }
    }

    private static void Say(TextWriter report, string line)
    {
        lock (report)
        {
            report.WriteLine(line);
        }
    }

    /// <summary>SIGTERM through kill(1): .NET can only SIGKILL another process, which would leave no final outputs.</summary>
    private static void Terminate(int pid)
    {
        try
        {
            using var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", pid.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false });
            kill?.WaitForExit(5000);
        }
        catch (System.ComponentModel.Win32Exception)
        {
        }
    }
}
