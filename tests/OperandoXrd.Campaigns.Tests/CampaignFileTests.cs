using OperandoXrd.Campaigns.Execution;
using OperandoXrd.Campaigns.Files;
using OperandoXrd.Pipeline.Configuration;

namespace OperandoXrd.Campaigns.Tests;

public sealed class CampaignFileTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "oxrd-campaign-file-" + Guid.NewGuid().ToString("N"));

    public CampaignFileTests()
    {
        Directory.CreateDirectory(Path.Combine(_folder, "pipelines"));
        Directory.CreateDirectory(Path.Combine(_folder, "data", "cell01"));
        File.WriteAllText(Path.Combine(_folder, "pipelines", "geometry.poni"), "");
        File.WriteAllText(Path.Combine(_folder, "pipelines", "default.json"), """
            { "name": "t", "poni": "geometry.poni",
              "phases": [ { "name": "LPSCl", "cif": "LPSCl.cif", "refine": ["cell", "scale"] } ],
              "echem": { "activeMass_mg": 0.84, "clockOffset_s": 0 } }
            """);
        File.WriteAllText(Path.Combine(_folder, "pipelines", "LPSCl.cif"), "");
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Write(string json)
    {
        var path = Path.Combine(_folder, "campaign.json");
        File.WriteAllText(path, json);
        return path;
    }

    [Fact]
    public void An_unknown_key_is_an_error_naming_the_key_and_the_file()
    {
        var path = Write("""{ "pipeline": "pipelines/default.json", "scans": [ { "label": "cell01", "input": ["data/cell01"], "inptu": [] } ] }""");
        var e = Assert.Throws<CampaignException>(() => Campaign.Load(path));
        Assert.Contains("unknown key 'inptu'", e.Message, StringComparison.Ordinal);
        Assert.StartsWith(path, e.Message, StringComparison.Ordinal);
        Assert.Contains("scans[0]", e.Message, StringComparison.Ordinal);

        path = Write("""{ "pipline": "pipelines/default.json", "scans": [] }""");
        e = Assert.Throws<CampaignException>(() => Campaign.Load(path));
        Assert.Contains("unknown key 'pipline'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Relative_paths_resolve_against_the_campaign_folder_and_overrides_reach_the_pipeline()
    {
        var path = Write("""
            { "pipeline": "pipelines/default.json",
              "scans": [ { "label": "cell01", "input": ["data/cell01"], "echem": "data/cell01.mpt",
                           "overrides": { "echem": { "activeMass_mg": 0.9, "clockOffset_s": 12 } } } ] }
            """);
        var scan = Assert.Single(Campaign.Load(path).Scans);
        Assert.Equal(Path.Combine(_folder, "pipelines", "default.json"), scan.Pipeline);
        Assert.Equal([Path.Combine(_folder, "data", "cell01")], scan.Inputs);
        Assert.Equal(Path.Combine(_folder, "data", "cell01.mpt"), scan.Echem);
        var config = PipelineOverrides.Load(scan.Pipeline, scan.OverridesJson);
        Assert.Equal(0.9, config.Echem.ActiveMass_mg);
        Assert.Equal(12, config.Echem.ClockOffset_s);
        // Keys the overrides leave alone keep the file's values, and paths still resolve against the pipeline's folder.
        Assert.Equal(Path.Combine(_folder, "pipelines", "geometry.poni"), config.Poni);
        var args = scan.ReduceArguments("/out");
        Assert.Equal(["--out", "/out/cell01", "--resume"], args.TakeLast(3));
        Assert.Contains("--pipeline-overrides", args);
    }

    [Fact]
    public void Missing_inputs_and_pipelines_are_listed_one_line_each_before_anything_runs()
    {
        var path = Write("""
            { "pipeline": "pipelines/default.json",
              "scans": [ { "label": "cell01", "input": ["data/cell01"] },
                         { "label": "cell02", "input": ["data/nowhere"] },
                         { "label": "cell03", "input": ["data/cell01"], "pipeline": "pipelines/missing.json" },
                         { "label": "cell04", "input": ["data/cell01"], "overrides": { "echem": { "activeMas_mg": 1 } } } ] }
            """);
        var problems = Campaign.Load(path).Problems();
        Assert.Equal(3, problems.Count);
        Assert.Contains(problems, p => p.Contains("scan cell02: input not found: " + Path.Combine(_folder, "data", "nowhere"), StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("scan cell03: pipeline not found: " + Path.Combine(_folder, "pipelines", "missing.json"), StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("scan cell04", StringComparison.Ordinal) && p.Contains("'activeMas_mg'", StringComparison.Ordinal));
        Assert.All(problems, p => Assert.DoesNotContain('\n', p));
    }

    [Fact]
    public void Labels_must_be_unique_names_for_folders_and_entries()
    {
        var path = Write("""
            { "pipeline": "pipelines/default.json",
              "scans": [ { "label": "cell01", "input": ["data/cell01"] }, { "label": "cell01", "input": ["data/cell01"] },
                         { "label": "a/b", "input": ["data/cell01"] }, { "label": "logs", "input": ["data/cell01"] } ] }
            """);
        var e = Assert.Throws<CampaignException>(() => Campaign.Load(path));
        var lines = e.Message.Split('\n');
        Assert.Equal(3, lines.Length);
        Assert.Contains("used by an earlier scan", lines[0], StringComparison.Ordinal);
        Assert.Contains("'a/b'", lines[1], StringComparison.Ordinal);
        Assert.Contains("reserved", lines[2], StringComparison.Ordinal);
    }

    [Fact]
    public void Sbatch_arguments_split_as_a_shell_would()
    {
        Assert.Equal(["--time=02:00:00", "--comment=two words", "--mem=8G"], SlurmCommands.SplitWords("--time=02:00:00  --comment='two words' --mem=8G"));
        Assert.Empty(SlurmCommands.SplitWords(null));
        Assert.Throws<ArgumentException>(() => SlurmCommands.SplitWords("--comment='open"));
    }

    [Fact]
    public void The_task_script_is_valid_bash_and_quotes_every_path()
    {
        var path = Write("""{ "pipeline": "pipelines/default.json", "scans": [ { "label": "cell01", "input": ["data/it's here"] } ] }""");
        var campaign = Campaign.Load(path);
        var script = Path.Combine(_folder, "task.sh");
        File.WriteAllText(script, SlurmExecutor.TaskScript(campaign, "/out dir", ["/usr/bin/dotnet", "/opt/oxrd/oxrd.dll"]));
        using var bash = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("bash", ["-n", script]) { RedirectStandardError = true })!;
        var error = bash.StandardError.ReadToEnd();
        bash.WaitForExit();
        Assert.True(bash.ExitCode == 0, error);
        // The words bash would pass to oxrd: the path with a quote and the output folder with a space survive intact.
        using var echo = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("bash",
            ["-c", $"SLURM_ARRAY_TASK_ID=0; eval \"$(sed -n '/^case/,/^esac/p' {OxrdInvocation.Quote(script)})\"; printf '%s\\n' \"${{args[@]}}\""])
        { RedirectStandardOutput = true })!;
        var words = echo.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        echo.WaitForExit();
        Assert.Contains(Path.Combine(_folder, "data", "it's here"), words);
        Assert.Contains("/out dir/cell01", words);
    }
}
