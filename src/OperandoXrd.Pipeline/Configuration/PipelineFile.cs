using System.Text.Json;
using System.Text.Json.Serialization;
using OperandoXrd.Fitting.Configuration;

namespace OperandoXrd.Pipeline.Configuration;

/// <summary>
/// A pipeline file as written (pipelines/*.json), before defaults, paths and checks: every key typed, read once.
/// "phases", "fit", "background" and "instrument" are the fitter's sections (<see cref="FitSectionsFile"/>, checked by
/// <see cref="FitConfiguration.FromFile"/>); "input" is a path or a list of paths.
/// </summary>
internal sealed class PipelineFile : FitSectionsFile
{
    [JsonPropertyName("name")]
    public string? Name { get; init; }

    [JsonPropertyName("description")]
    public string? Description { get; init; }

    [JsonPropertyName("poni")]
    public string? Poni { get; init; }

    [JsonPropertyName("wavelength")]
    public double? Wavelength { get; init; }

    [JsonPropertyName("mask")]
    public string? Mask { get; init; }

    [JsonPropertyName("input")]
    public JsonElement Input { get; init; }

    [JsonPropertyName("integration")]
    public IntegrationFile? Integration { get; init; }

    [JsonPropertyName("echem")]
    public EchemFile? Echem { get; init; }

    /// <summary>The emergence detector's section (issue 17).</summary>
    [JsonPropertyName("emergence")]
    public EmergenceFile? Emergence { get; init; }
}

/// <summary>The <c>integration</c> section as written.</summary>
internal sealed class IntegrationFile
{
    [JsonPropertyName("npt")]
    public int? Npt { get; init; }

    [JsonPropertyName("unit")]
    public string? Unit { get; init; }

    [JsonPropertyName("range")]
    public double[]? Range { get; init; }

    [JsonPropertyName("split")]
    public string? Split { get; init; }

    /// <summary>Absent: the default 0.99; null: no polarization correction; else the factor.</summary>
    [JsonPropertyName("polarization")]
    public JsonElement Polarization { get; init; }

    /// <summary>"none" or "ud" (up–down, as Dioptas shows images); null or absent: none.</summary>
    [JsonPropertyName("flip")]
    public string? Flip { get; init; }
}

/// <summary>The <c>echem</c> section as written.</summary>
internal sealed class EchemFile
{
    [JsonPropertyName("file")]
    public string? File { get; init; }

    [JsonPropertyName("format")]
    public string? Format { get; init; }

    [JsonPropertyName("activeMass_mg")]
    public double? ActiveMass_mg { get; init; }

    [JsonPropertyName("theoreticalCapacity_mAh_g")]
    public double? TheoreticalCapacity_mAh_g { get; init; }

    [JsonPropertyName("x0")]
    public double? X0 { get; init; }

    [JsonPropertyName("clockOffset_s")]
    public double? ClockOffset_s { get; init; }
}

/// <summary>The <c>emergence</c> section as written (<see cref="Fitting.Emergence.EmergenceOptions"/> has the meanings and defaults).</summary>
internal sealed class EmergenceFile
{
    [JsonPropertyName("enabled")]
    public bool? Enabled { get; init; }

    [JsonPropertyName("threshold")]
    public double? Threshold { get; init; }

    [JsonPropertyName("persistence")]
    public int? Persistence { get; init; }

    [JsonPropertyName("companionThreshold")]
    public double? CompanionThreshold { get; init; }

    [JsonPropertyName("misfitFraction")]
    public double? MisfitFraction { get; init; }

    [JsonPropertyName("minScore")]
    public double? MinScore { get; init; }

    [JsonPropertyName("maxStrain")]
    public double? MaxStrain { get; init; }

    [JsonPropertyName("identifyWithinFrames")]
    public int? IdentifyWithinFrames { get; init; }

    /// <summary>Folders of CIFs: a path or a list of paths.</summary>
    [JsonPropertyName("library")]
    public JsonElement Library { get; init; }

    /// <summary>CIF files: a path or a list of paths.</summary>
    [JsonPropertyName("candidates")]
    public JsonElement Candidates { get; init; }

    /// <summary>A phase the detector names joins the model (as <c>oxrd reduce --auto-add</c>).</summary>
    [JsonPropertyName("autoAdd")]
    public bool? AutoAdd { get; init; }
}

/// <summary>
/// Source-generated System.Text.Json metadata for pipeline files (no reflection at run time). Unknown keys are
/// errors (<see cref="Core.Configuration.StrictJson"/> names them); a campaign file's context takes the same options.
/// </summary>
[JsonSourceGenerationOptions(UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow, ReadCommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true)]
[JsonSerializable(typeof(PipelineFile))]
internal sealed partial class PipelineJsonContext : JsonSerializerContext;
