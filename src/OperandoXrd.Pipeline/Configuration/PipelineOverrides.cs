using System.Text.Json;
using System.Text.Json.Nodes;

namespace OperandoXrd.Pipeline.Configuration;

/// <summary>
/// Pipeline keys given for one run on top of a pipeline file (a campaign scan's <c>overrides</c>, <c>oxrd reduce
/// --pipeline-overrides</c>): objects merge key by key, any other value replaces the file's. The merged text is then
/// read as the pipeline file itself, relative paths against the pipeline file's folder, so an unknown key in the
/// overrides is refused with the same message as in the file.
/// </summary>
public static class PipelineOverrides
{
    private static readonly JsonDocumentOptions s_read = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    /// <summary>The pipeline file read with <paramref name="overridesJson"/> (a JSON object) merged over it.</summary>
    public static PipelineConfig Load(string pipelinePath, string? overridesJson)
    {
        if (string.IsNullOrWhiteSpace(overridesJson))
        {
            return PipelineConfig.Load(pipelinePath);
        }

        var merged = Merge(PipelineConfig.ReadFile(pipelinePath), overridesJson, pipelinePath);
        return PipelineConfig.Parse(merged, pipelinePath, Path.GetDirectoryName(Path.GetFullPath(pipelinePath)) ?? ".");
    }

    /// <summary>The pipeline text with the overrides merged in.</summary>
    public static string Merge(string pipelineJson, string overridesJson, string source)
    {
        JsonObject target, overrides;
        try
        {
            target = JsonNode.Parse(pipelineJson, documentOptions: s_read) as JsonObject
                ?? throw new PipelineConfigException($"{source}: expected a JSON object.");
        }
        catch (JsonException e)
        {
            throw new PipelineConfigException($"{source}: not valid JSON: {e.Message}", e);
        }

        try
        {
            overrides = JsonNode.Parse(overridesJson, documentOptions: s_read) as JsonObject
                ?? throw new PipelineConfigException($"{source}: overrides: expected a JSON object.");
        }
        catch (JsonException e)
        {
            throw new PipelineConfigException($"{source}: overrides are not valid JSON: {e.Message}", e);
        }

        MergeInto(target, overrides);
        return target.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    private static void MergeInto(JsonObject target, JsonObject overrides)
    {
        foreach (var (key, value) in overrides.ToList())
        {
            if (value is JsonObject inner && target[key] is JsonObject existing)
            {
                MergeInto(existing, inner);
            }
            else
            {
                target[key] = value?.DeepClone();
            }
        }
    }
}
