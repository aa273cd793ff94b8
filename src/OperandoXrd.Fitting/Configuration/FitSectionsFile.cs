using System.Text.Json;
using System.Text.Json.Serialization;

namespace OperandoXrd.Fitting.Configuration;

/// <summary>
/// The fitter's sections of a pipeline file as written ("phases", "fit", "background", "instrument"), before
/// defaults, paths and checks; <see cref="FitConfiguration.FromFile"/> turns them into a <see cref="FitConfiguration"/>.
/// The host's whole-file type (Pipeline's <c>PipelineFile</c>) derives from this one, so a pipeline file is read once,
/// every key typed, unknown keys an error naming the key (<c>StrictJson</c>, Core/Configuration).
/// </summary>
public class FitSectionsFile
{
    [JsonPropertyName("phases")]
    public PhaseFile?[]? Phases { get; init; }

    [JsonPropertyName("fit")]
    public FitSettingsFile? Fit { get; init; }

    [JsonPropertyName("background")]
    public BackgroundFile? Background { get; init; }

    /// <summary>An instrument.json (oxrd calibrate --instrument), relative to the pipeline file.</summary>
    [JsonPropertyName("instrument")]
    public string? Instrument { get; init; }
}

/// <summary>One entry of <c>phases</c> as written.</summary>
public sealed class PhaseFile
{
    [JsonPropertyName("name")]
    public string? Name { get; init; }

    [JsonPropertyName("cif")]
    public string? Cif { get; init; }

    [JsonPropertyName("refine")]
    public string?[]? Refine { get; init; }

    [JsonPropertyName("profile")]
    public ProfileFile? Profile { get; init; }
}

/// <summary>A phase's start TCH widths as written (degrees); an absent term is 0.</summary>
public sealed class ProfileFile
{
    [JsonPropertyName("U")]
    public double? U { get; init; }

    [JsonPropertyName("V")]
    public double? V { get; init; }

    [JsonPropertyName("W")]
    public double? W { get; init; }

    [JsonPropertyName("X")]
    public double? X { get; init; }

    [JsonPropertyName("Y")]
    public double? Y { get; init; }

    [JsonPropertyName("Z")]
    public double? Z { get; init; }
}

/// <summary>The <c>fit</c> section as written (<see cref="FitSettings"/> has the meanings and defaults).</summary>
public sealed class FitSettingsFile
{
    [JsonPropertyName("mode")]
    public string? Mode { get; init; }

    [JsonPropertyName("range")]
    public double[]? Range { get; init; }

    [JsonPropertyName("exclude")]
    public double[]?[]? Exclude { get; init; }

    [JsonPropertyName("carryOver")]
    public string? CarryOver { get; init; }

    [JsonPropertyName("order")]
    public string? Order { get; init; }

    [JsonPropertyName("refine")]
    public string?[]? Refine { get; init; }

    [JsonPropertyName("referenceFrame")]
    public int? ReferenceFrame { get; init; }

    [JsonPropertyName("maxGoFRatio")]
    public double? MaxGoFRatio { get; init; }

    [JsonPropertyName("maxRelativeCellChange")]
    public double? MaxRelativeCellChange { get; init; }

    [JsonPropertyName("repartitionEvery")]
    public int? RepartitionEvery { get; init; }

    [JsonPropertyName("maxIterations")]
    public int? MaxIterations { get; init; }

    [JsonPropertyName("instrumentFunction")]
    public bool? InstrumentFunction { get; init; }

    /// <summary>"scaled", "least-squares" or "berar-lelann" (docs/uncertainty.md).</summary>
    [JsonPropertyName("esd")]
    public string? Esd { get; init; }

    [JsonPropertyName("sampleThickness_mm")]
    public double? SampleThickness_mm { get; init; }

    [JsonPropertyName("sampleAttenuation_per_mm")]
    public double? SampleAttenuation_per_mm { get; init; }
}

/// <summary>The <c>background</c> section as written.</summary>
public sealed class BackgroundFile
{
    [JsonPropertyName("peek")]
    public string? Peek { get; init; }

    [JsonPropertyName("chebyshev")]
    public int? Chebyshev { get; init; }
}

/// <summary>
/// A pipeline file read by the fitter alone (<see cref="FitConfiguration.Parse"/>): the other sections belong to other
/// stages and are skipped here (the host's reader checks them); inside the fitter's sections unknown keys are errors.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Skip)]
internal sealed class FitOnlyPipelineFile : FitSectionsFile;

/// <summary>Source-generated metadata for the fitter's sections, with the options every configuration context carries.</summary>
[JsonSourceGenerationOptions(UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow, ReadCommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true)]
[JsonSerializable(typeof(FitOnlyPipelineFile))]
internal sealed partial class FitJsonContext : JsonSerializerContext;
