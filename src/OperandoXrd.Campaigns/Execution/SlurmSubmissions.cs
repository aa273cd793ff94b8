using System.Text.Json;
using System.Text.Json.Serialization;
using OperandoXrd.Core.IO;

namespace OperandoXrd.Campaigns.Execution;

/// <summary>One <c>oxrd campaign run --executor slurm</c>: the job array (task index = the scan's place in the campaign file), the merge job, the scans it ran.</summary>
public sealed record SlurmSubmission(string ArrayJob, string MergeJob, Dictionary<string, int> Tasks, DateTimeOffset SubmittedUtc);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(List<SlurmSubmission>))]
internal sealed partial class SlurmSubmissionContext : JsonSerializerContext;

/// <summary><c>&lt;out&gt;/.campaign/slurm.json</c>: every submission of a campaign, oldest first (a retry adds one).</summary>
public static class SlurmSubmissions
{
    public static string PathIn(string output) => Path.Combine(output, ".campaign", "slurm.json");

    public static List<SlurmSubmission> Read(string output)
    {
        var path = PathIn(output);
        if (!File.Exists(path))
        {
            return [];
        }

        try
        {
            return JsonSerializer.Deserialize(File.ReadAllText(path), SlurmSubmissionContext.Default.ListSlurmSubmission) ?? [];
        }
        catch (JsonException e)
        {
            throw new IOException($"{path}: unreadable submission record: {e.Message}", e);
        }
    }

    public static void Append(string output, SlurmSubmission submission)
    {
        var all = Read(output);
        all.Add(submission);
        AtomicFile.WriteAllText(PathIn(output), JsonSerializer.Serialize(all, SlurmSubmissionContext.Default.ListSlurmSubmission));
    }

    /// <summary>The latest submission that ran <paramref name="label"/>, with the SLURM id of its task (<c>array_index</c>).</summary>
    public static (SlurmSubmission Submission, string TaskId)? Latest(IReadOnlyList<SlurmSubmission> submissions, string label)
    {
        ArgumentNullException.ThrowIfNull(submissions);
        for (var k = submissions.Count - 1; k >= 0; k--)
        {
            if (submissions[k].Tasks.TryGetValue(label, out var index))
            {
                return (submissions[k], $"{submissions[k].ArrayJob}_{index}");
            }
        }

        return null;
    }
}
