using System.Reflection;

namespace OperandoXrd.Campaigns.Execution;

/// <summary>
/// How a scan task starts <c>oxrd</c>: this very program by absolute path (<c>dotnet …/oxrd.dll</c> when run through
/// dotnet, else the executable), so that a task on a node runs the same build as the command that submitted it.
/// <c>OXRD_COMMAND</c> (words separated by spaces, e.g. <c>/shared/oxrd/oxrd</c> or
/// <c>dotnet /shared/oxrd/oxrd.dll</c>) replaces it where the nodes see the program under another path.
/// </summary>
public static class OxrdInvocation
{
    public const string EnvironmentVariable = "OXRD_COMMAND";

    public static IReadOnlyList<string> Command()
    {
        if (Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } given)
        {
            return given.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        }

        var process = Environment.ProcessPath ?? "dotnet";
        var entry = Assembly.GetEntryAssembly()?.Location;
        var isDotnetHost = string.Equals(Path.GetFileNameWithoutExtension(process), "dotnet", StringComparison.Ordinal);
        return isDotnetHost && !string.IsNullOrEmpty(entry) ? [process, entry] : [process];
    }

    /// <summary>A word quoted for bash (single quotes; a single quote inside becomes '\'').</summary>
    public static string Quote(string word) => "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
