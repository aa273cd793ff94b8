namespace OperandoXrd.Campaigns.Execution;

/// <summary>
/// What the scheduler still knows of jobs, from <c>squeue -t all</c> (array tasks one per line with -r): states by
/// job id (<c>12</c>) or array task (<c>12_3</c>). Finished jobs stay listed for MinJobAge (an hour on the local
/// cluster, five minutes by default); without accounting there is no sacct, and a pending array task cancelled with
/// scancel vanishes at once, so the campaign's own records (<see cref="ScanRecords"/>) complete the picture.
/// </summary>
public static class SlurmQueue
{
    /// <summary>States of the given jobs; null when the scheduler cannot be asked (no squeue, controller down).</summary>
    public static Dictionary<string, string>? States(IEnumerable<string> jobIds)
    {
        ArgumentNullException.ThrowIfNull(jobIds);
        var states = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var id in jobIds.Distinct(StringComparer.Ordinal))
        {
            (int ExitCode, string Output, string Error) result;
            try
            {
                result = SlurmCommands.Run("squeue", ["-h", "-r", "-t", "all", "-j", id, "-o", "%i|%T"]);
            }
            catch (SlurmUnavailableException)
            {
                return null;
            }

            if (result.ExitCode != 0)
            {
                // A job the controller has forgotten is "Invalid job id specified": nothing to add. Anything else
                // (connect failure) means the scheduler cannot tell us.
                if (result.Error.Contains("Invalid job id", StringComparison.OrdinalIgnoreCase))
                {
                    continue;
                }

                return null;
            }

            foreach (var line in result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var parts = line.Split('|');
                if (parts.Length == 2)
                {
                    states[parts[0]] = parts[1];
                }
            }
        }

        return states;
    }
}
