using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using OperandoXrd.Core.Configuration;

namespace OperandoXrd.Campaigns.Files;

/// <summary>One scan of a campaign file, as written (paths still relative to the campaign file's folder).</summary>
public sealed class CampaignScanEntry
{
    /// <summary>Folder name under the output folder, entry name in campaign.h5, <c>scan</c> column of campaign.csv.</summary>
    public string? Label { get; set; }

    /// <summary>Frame files, scan folders or a Dectris master (as <c>oxrd reduce --input</c>).</summary>
    public List<string>? Input { get; set; }

    /// <summary>This scan's pipeline file (default: the campaign's).</summary>
    public string? Pipeline { get; set; }

    /// <summary>Voltage log (default: the pipeline's echem.file).</summary>
    public string? Echem { get; set; }

    /// <summary>PEEK model (default: the pipeline's background.peek).</summary>
    public string? Peek { get; set; }

    /// <summary>PONI file (default: the pipeline's poni).</summary>
    public string? Poni { get; set; }

    /// <summary>Pipeline keys for this scan only, merged over the pipeline file (e.g. <c>{"echem": {"activeMass_mg": 0.9}}</c>).</summary>
    public JsonObject? Overrides { get; set; }
}

/// <summary>A campaign file as written: a default pipeline and the scans.</summary>
public sealed class CampaignFileEntry
{
    /// <summary>Name of the campaign (job names, titles); default: the file's name.</summary>
    public string? Name { get; set; }

    /// <summary>The pipeline every scan uses unless it names its own.</summary>
    public string? Pipeline { get; set; }

    public List<CampaignScanEntry>? Scans { get; set; }
}

/// <summary>
/// The campaign file's reader: System.Text.Json with a source-generated context of its own; keys are camelCase and
/// a key that is not part of the format is an error (<see cref="JsonUnmappedMemberHandling.Disallow"/>).
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, ReadCommentHandling = JsonCommentHandling.Skip,
    AllowTrailingCommas = true, UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(CampaignFileEntry))]
internal sealed partial class CampaignJsonContext : JsonSerializerContext;

/// <summary>Reads a campaign file; every error names the file (and the key or scan).</summary>
public static class CampaignFile
{
    public static CampaignFileEntry Read(string path) =>
        Parse(StrictJson.ReadFile(path, "campaign file", (message, e) => new CampaignException(message, e)), path);

    public static CampaignFileEntry Parse(string json, string source) =>
        StrictJson.Read(json, CampaignJsonContext.Default.CampaignFileEntry, source, (message, e) => new CampaignException(message, e));
}

/// <summary>A campaign that cannot run as written (exit code 2): the message names the file, the scan and the problem.</summary>
public sealed class CampaignException : Exception
{
    public CampaignException(string message) : base(message) { }

    public CampaignException(string message, Exception inner) : base(message, inner) { }

    public CampaignException() { }
}
