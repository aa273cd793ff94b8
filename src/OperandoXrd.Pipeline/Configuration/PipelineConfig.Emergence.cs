using System.Text.Json;
using OperandoXrd.Fitting.Emergence;

namespace OperandoXrd.Pipeline.Configuration;

/// <summary>
/// The <c>emergence</c> section: the live detector of new phases (on unless <c>"enabled": false</c>), its
/// thresholds, the phase library (<c>library</c>: folders of CIFs; default the folders holding the pipeline's own
/// phase CIFs, i.e. calibration/phases) and further <c>candidates</c> (CIF files), and <c>autoAdd</c> (off unless
/// true, or <c>oxrd reduce --auto-add</c>): a phase the detector names joins the model from the frame it is reported at.
/// </summary>
public sealed record EmergenceSection(bool Enabled, EmergenceOptions Options, IReadOnlyList<string> Library, IReadOnlyList<string> Candidates, bool AutoAdd = false);

public sealed partial class PipelineConfig
{
    private static readonly string[] EmergenceKeys =
        ["enabled", "threshold", "persistence", "companionThreshold", "misfitFraction", "minScore", "maxStrain", "identifyWithinFrames", "library", "candidates", "autoAdd"];

    /// <summary>The <c>emergence</c> section (defaults when absent).</summary>
    public EmergenceSection Emergence { get; init; } = new(true, new EmergenceOptions(), [], []);

    private static EmergenceSection ParseEmergence(JsonElement s, string source, Func<string?, string?> resolve, FitConfigurationLike fit)
    {
        var where = $"{source}: emergence";
        var defaultLibrary = fit.PhaseFolders;
        if (s.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            return new EmergenceSection(true, new EmergenceOptions(), defaultLibrary, []);
        }

        CheckKeys(s, EmergenceKeys, where);
        var defaults = new EmergenceOptions();
        var options = new EmergenceOptions
        {
            Threshold = s.TryGetProperty("threshold", out var t) ? Number(t, $"{where}.threshold") : defaults.Threshold,
            Persistence = s.TryGetProperty("persistence", out var p) ? Int(p, $"{where}.persistence") : defaults.Persistence,
            CompanionThreshold = s.TryGetProperty("companionThreshold", out var c) ? Number(c, $"{where}.companionThreshold") : defaults.CompanionThreshold,
            MisfitFraction = s.TryGetProperty("misfitFraction", out var m) ? Number(m, $"{where}.misfitFraction") : defaults.MisfitFraction,
            MinScore = s.TryGetProperty("minScore", out var ms) ? Number(ms, $"{where}.minScore") : defaults.MinScore,
            MaxStrain = s.TryGetProperty("maxStrain", out var st) ? Number(st, $"{where}.maxStrain") : defaults.MaxStrain,
            IdentifyWithinFrames = s.TryGetProperty("identifyWithinFrames", out var w) ? Int(w, $"{where}.identifyWithinFrames") : defaults.IdentifyWithinFrames,
        };
        if (s.TryGetProperty("threshold", out _) && !s.TryGetProperty("companionThreshold", out _))
        {
            options = options with { CompanionThreshold = Math.Min(defaults.CompanionThreshold, options.Threshold) };
        }

        try
        {
            options.Validate();
        }
        catch (ArgumentException e)
        {
            throw new PipelineConfigException($"{source}: {e.Message}", e);
        }

        var enabled = !s.TryGetProperty("enabled", out var en) || Bool(en, $"{where}.enabled");
        var library = s.TryGetProperty("library", out var lib) && lib.ValueKind != JsonValueKind.Null ? Paths(lib, $"{where}.library", resolve) : defaultLibrary;
        var candidates = s.TryGetProperty("candidates", out var cand) && cand.ValueKind != JsonValueKind.Null ? Paths(cand, $"{where}.candidates", resolve) : [];
        foreach (var folder in library)
        {
            if (!Directory.Exists(folder))
            {
                throw new PipelineConfigException($"{where}.library: folder {folder} does not exist.");
            }
        }

        foreach (var file in candidates)
        {
            if (!File.Exists(file))
            {
                throw new PipelineConfigException($"{where}.candidates: CIF {file} does not exist.");
            }
        }

        var autoAdd = s.TryGetProperty("autoAdd", out var add) && Bool(add, $"{where}.autoAdd");
        return new EmergenceSection(enabled, options, library, candidates, autoAdd);
    }

    private static void CheckKeys(JsonElement element, string[] known, string where)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new PipelineConfigException($"{where}: expected a JSON object.");
        }

        var unknown = element.EnumerateObject().Select(p => p.Name).Where(n => !known.Contains(n, StringComparer.Ordinal)).ToList();
        if (unknown.Count > 0)
        {
            throw new PipelineConfigException($"{where}: unknown key{(unknown.Count > 1 ? "s" : "")} {string.Join(", ", unknown.Select(k => $"'{k}'"))} (known: {string.Join(", ", known)}).");
        }
    }

    private static double Number(JsonElement v, string where) =>
        v.ValueKind == JsonValueKind.Number && double.IsFinite(v.GetDouble()) ? v.GetDouble() : throw new PipelineConfigException($"{where}: expected a finite number, found {v}.");

    private static int Int(JsonElement v, string where) =>
        v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var i) ? i : throw new PipelineConfigException($"{where}: expected a whole number, found {v}.");

    private static string String(JsonElement v, string where) =>
        v.ValueKind == JsonValueKind.String ? v.GetString()! : throw new PipelineConfigException($"{where}: expected a string, found {v.ValueKind}.");

    private static bool Bool(JsonElement v, string where) =>
        v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : throw new PipelineConfigException($"{where}: expected true or false, found {v}.");

    private static List<string> Paths(JsonElement v, string where, Func<string?, string?> resolve)
    {
        if (v.ValueKind == JsonValueKind.String)
        {
            return [resolve(v.GetString())!];
        }

        if (v.ValueKind != JsonValueKind.Array)
        {
            throw new PipelineConfigException($"{where}: expected a path or a list of paths.");
        }

        return [.. v.EnumerateArray().Select(item => resolve(String(item, where))!)];
    }

    // The folders of the pipeline's own phase CIFs: where the default library lives.
    private readonly record struct FitConfigurationLike(IReadOnlyList<string> PhaseFolders);
}
