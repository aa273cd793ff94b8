using System.Diagnostics;
using OperandoXrd.TestSupport;

namespace OperandoXrd.Cli.Tests;

/// <summary>
/// A real one-node SLURM cluster for the campaign tests, started with scripts/slurm-local.sh up (which installs
/// slurm-wlm and munge when they are missing, as root) in a folder and on ports of its own, and stopped at the end.
/// Also simulates the campaign's three small scans and reduces them once with the local executor: the reference the
/// SLURM runs must equal byte for byte.
/// </summary>
public sealed class SlurmClusterFixture : IDisposable
{
    private readonly string _clusterFolder = Path.Combine(Path.GetTempPath(), "oxrd-slurm-test-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly Dictionary<string, string> _environment;

    /// <summary>Frames of the three scans; the second is the longest so that a test can cancel it while it runs.</summary>
    public static readonly int[] Frames = [6, 60, 6];

    public SlurmClusterFixture()
    {
        Folder = Path.Combine(Path.GetTempPath(), "oxrd-campaign-" + Guid.NewGuid().ToString("N"));
        var port = 20000 + (2 * Random.Shared.Next(0, 5000));
        _environment = new Dictionary<string, string>
        {
            ["OXRD_SLURM_DIR"] = _clusterFolder,
            ["OXRD_SLURM_PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        var (code, output, error) = Script("up");
        if (code != 0 || !output.StartsWith("export SLURM_CONF=", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"scripts/slurm-local.sh up failed (exit {code}): {output} {error}");
        }

        SlurmConf = output.Trim()["export SLURM_CONF=".Length..];
        // Every sbatch/squeue the tests and the oxrd processes they start run against this cluster.
        Environment.SetEnvironmentVariable("SLURM_CONF", SlurmConf);

        var scans = new List<string>();
        for (var k = 0; k < Frames.Length; k++)
        {
            var (run, peek) = SmallSimulatedRun.Create(Path.Combine(Folder, $"cell{k + 1:D2}"), Frames[k], framesPerFile: 5, seed: (ulong)(31 + k));
            string Relative(string path) => Path.GetRelativePath(Folder, path);
            scans.Add($$"""{ "label": "cell{{k + 1:D2}}", "input": ["{{Relative(run.ScanFolder)}}"], "peek": "{{Relative(peek)}}"{{(k == 2 ? ", \"overrides\": { \"echem\": { \"activeMass_mg\": 0.9 } }" : "")}} }""");
            if (k == 0)
            {
                Pipeline = run.PipelinePath;
            }
        }

        CampaignFile = Path.Combine(Folder, "campaign.json");
        File.WriteAllText(CampaignFile, $$"""
            { "name": "test", "pipeline": "{{Path.GetRelativePath(Folder, Pipeline!)}}",
              "scans": [ {{string.Join(",\n", scans)}} ] }
            """);
        Reference = Path.Combine(Folder, "reference");
        var local = OxrdProcess.Run(TimeSpan.FromMinutes(10), "campaign", "run", "--campaign", CampaignFile, "--out", Reference, "--executor", "local", "--max-parallel", "2");
        if (local.ExitCode != 0)
        {
            throw new InvalidOperationException($"local reference campaign failed (exit {local.ExitCode}): {local.Output} {local.Error}");
        }
    }

    public string Folder { get; }

    public string SlurmConf { get; }

    public string? Pipeline { get; }

    public string CampaignFile { get; }

    /// <summary>The local executor's output folder.</summary>
    public string Reference { get; }

    public (int ExitCode, string Output, string Error) Script(string verb)
    {
        var info = new ProcessStartInfo("bash", [Path.Combine(RealData.RepoRoot, "scripts", "slurm-local.sh"), verb])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (name, value) in _environment)
        {
            info.Environment[name] = value;
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        // Generous: on a clean machine `up` first installs slurm-wlm and munge with apt-get.
        if (!process.WaitForExit(TimeSpan.FromMinutes(10)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"scripts/slurm-local.sh {verb} did not finish");
        }

        return (process.ExitCode, output.Result, error.Result);
    }

    /// <summary>A SLURM client command against the test cluster.</summary>
    public static string Slurm(string command, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(command, args) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false })!;
        var output = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return output.Result;
    }

    public void Dispose()
    {
        _ = Script("down");
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
