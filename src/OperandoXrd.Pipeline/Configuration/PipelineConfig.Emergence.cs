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
    /// <summary>The <c>emergence</c> section (defaults when absent).</summary>
    public EmergenceSection Emergence { get; init; } = new(true, new EmergenceOptions(), [], []);

    private static EmergenceSection ToSection(EmergenceFile? s, string source, Func<string?, string?> resolve, IReadOnlyList<string> phaseFolders)
    {
        var where = $"{source}: emergence";
        if (s is null)
        {
            return new EmergenceSection(true, new EmergenceOptions(), phaseFolders, []);
        }

        var defaults = new EmergenceOptions();
        var options = new EmergenceOptions
        {
            Threshold = s.Threshold ?? defaults.Threshold,
            Persistence = s.Persistence ?? defaults.Persistence,
            // A lower threshold alone lowers the companions' with it.
            CompanionThreshold = s.CompanionThreshold ?? (s.Threshold is { } t ? Math.Min(defaults.CompanionThreshold, t) : defaults.CompanionThreshold),
            MisfitFraction = s.MisfitFraction ?? defaults.MisfitFraction,
            MinScore = s.MinScore ?? defaults.MinScore,
            MaxStrain = s.MaxStrain ?? defaults.MaxStrain,
            IdentifyWithinFrames = s.IdentifyWithinFrames ?? defaults.IdentifyWithinFrames,
        };
        try
        {
            options.Validate();
        }
        catch (ArgumentException e)
        {
            throw new PipelineConfigException($"{source}: {e.Message}", e);
        }

        var library = s.Library.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null ? phaseFolders : Paths(s.Library, $"{where}.library", resolve);
        var candidates = s.Candidates.ValueKind == JsonValueKind.Undefined ? [] : Paths(s.Candidates, $"{where}.candidates", resolve);
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

        return new EmergenceSection(s.Enabled ?? true, options, library, candidates, s.AutoAdd ?? false);
    }
}
