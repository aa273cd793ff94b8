using System.Text.Json;
using System.Text.RegularExpressions;
using OperandoXrd.Pipeline.Configuration;

namespace OperandoXrd.Campaigns.Files;

/// <summary>
/// One scan of a campaign with every path absolute: what one <c>oxrd reduce … --resume</c> into
/// <c>&lt;out&gt;/&lt;label&gt;/</c> needs. <see cref="Index"/> is its place in the campaign file (the job-array index).
/// </summary>
public sealed record CampaignScan(int Index, string Label, IReadOnlyList<string> Inputs, string Pipeline, string? Echem, string? Peek, string? Poni, string? OverridesJson)
{
    /// <summary>The scan's own output folder.</summary>
    public string Folder(string output) => Path.Combine(output, Label);

    /// <summary>The <c>oxrd reduce</c> arguments for this scan; the same for every executor, so results agree.</summary>
    public IReadOnlyList<string> ReduceArguments(string output)
    {
        var args = new List<string> { "reduce", "--pipeline", Pipeline };
        if (Inputs.Count > 0)
        {
            // Without inputs in the campaign, the pipeline's own "input" is the scan.
            args.Add("--input");
            args.AddRange(Inputs);
        }

        void Add(string option, string? value)
        {
            if (value is not null)
            {
                args.Add(option);
                args.Add(value);
            }
        }

        Add("--poni", Poni);
        Add("--peek", Peek);
        Add("--echem", Echem);
        Add("--pipeline-overrides", OverridesJson);
        args.AddRange(["--out", Folder(output), "--resume"]);
        return args;
    }
}

/// <summary>A campaign file read and resolved (relative paths against its folder), not yet checked against the disk.</summary>
public sealed partial class Campaign
{
    /// <summary>Labels that would collide with what the campaign itself writes in the output folder or campaign.h5.</summary>
    private static readonly string[] ReservedLabels = ["logs", "lattice", "figures"];

    public required string Source { get; init; }

    public required string Name { get; init; }

    public required IReadOnlyList<CampaignScan> Scans { get; init; }

    /// <summary>Reads and resolves a campaign file; a malformed file is a <see cref="CampaignException"/> listing every problem, one per line.</summary>
    public static Campaign Load(string path)
    {
        var source = Path.GetFullPath(path);
        var entry = CampaignFile.Read(source);
        var folder = Path.GetDirectoryName(source) ?? ".";
        string? Resolve(string? relative) => relative is null ? null : Path.GetFullPath(Path.Combine(folder, relative));
        var problems = new List<string>();
        if (entry.Scans is not { Count: > 0 })
        {
            throw new CampaignException($"{source}: no scans (a \"scans\" list with at least one scan is needed)");
        }

        var scans = new List<CampaignScan>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < entry.Scans.Count; i++)
        {
            var s = entry.Scans[i];
            var label = s.Label ?? "";
            var where = $"{source}: scan {i + 1}{(label.Length > 0 ? $" ({label})" : "")}";
            if (!LabelPattern().IsMatch(label))
            {
                problems.Add($"{where}: label '{label}' must be letters, digits, '_', '.' or '-' (it names a folder and an HDF5 entry)");
            }
            else if (ReservedLabels.Contains(label, StringComparer.Ordinal))
            {
                problems.Add($"{where}: label '{label}' is reserved (the campaign writes {string.Join(", ", ReservedLabels)})");
            }
            else if (!seen.Add(label))
            {
                problems.Add($"{where}: label '{label}' is used by an earlier scan");
            }

            var pipeline = Resolve(s.Pipeline ?? entry.Pipeline);
            if (pipeline is null)
            {
                problems.Add($"{where}: no pipeline (give \"pipeline\" at the top or in the scan)");
            }

            scans.Add(new CampaignScan(i, label, (s.Input ?? []).Select(p => Resolve(p)!).ToList(), pipeline ?? "", Resolve(s.Echem), Resolve(s.Peek), Resolve(s.Poni),
                s.Overrides?.ToJsonString(new JsonSerializerOptions { WriteIndented = false })));
        }

        if (problems.Count > 0)
        {
            throw new CampaignException(string.Join('\n', problems));
        }

        return new Campaign { Source = source, Name = entry.Name ?? Path.GetFileNameWithoutExtension(source), Scans = scans };
    }

    /// <summary>
    /// Everything that would make a scan fail before its first frame: missing inputs, a pipeline that does not read
    /// (with its overrides), a missing PONI, PEEK model or voltage log. One line per problem; empty when the campaign
    /// can be submitted.
    /// </summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        foreach (var scan in Scans)
        {
            var where = $"{Source}: scan {scan.Label}";
            PipelineConfig? config = null;
            if (!File.Exists(scan.Pipeline))
            {
                problems.Add($"{where}: pipeline not found: {scan.Pipeline}");
            }
            else
            {
                try
                {
                    config = PipelineOverrides.Load(scan.Pipeline, scan.OverridesJson);
                }
                catch (PipelineConfigException e)
                {
                    problems.Add($"{where}: {e.Message}");
                }
            }

            var inputs = scan.Inputs.Count > 0 ? scan.Inputs : config?.Inputs ?? [];
            if (inputs.Count == 0 && config is not null)
            {
                problems.Add($"{where}: no input (give \"input\" in the scan or in {scan.Pipeline})");
            }

            foreach (var input in inputs.Where(p => !File.Exists(p) && !Directory.Exists(p)))
            {
                problems.Add($"{where}: input not found: {input}");
            }

            if (config is null)
            {
                continue;
            }

            var poni = scan.Poni ?? config.Poni;
            if (poni is null)
            {
                problems.Add($"{where}: no PONI file (give \"poni\" in the scan or in {scan.Pipeline})");
            }

            foreach (var (what, file) in new[] { ("PONI file", poni), ("PEEK model", scan.Peek ?? config.Fit.Fit.PeekModel), ("voltage log", scan.Echem ?? config.Echem.File) })
            {
                if (file is not null && !File.Exists(file))
                {
                    problems.Add($"{where}: {what} not found: {file}");
                }
            }
        }

        return problems;
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9_.-]*$")]
    private static partial Regex LabelPattern();
}
