using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Text.RegularExpressions;

namespace OperandoXrd.Core.Configuration;

/// <summary>
/// Reads a configuration file (a pipeline, a campaign) through a source-generated <c>JsonSerializerContext</c> and
/// turns System.Text.Json's errors into one line that names the file, the key and the line. Every configuration
/// context carries the same options:
/// <code>
/// [JsonSourceGenerationOptions(UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
///     ReadCommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true)]
/// </code>
/// so an unknown key (a typo) is an error, never silently ignored; sections another reader owns are typed
/// <see cref="JsonElement"/> (absent: <see cref="JsonValueKind.Undefined"/>) and checked by that reader.
/// </summary>
public static partial class StrictJson
{
    /// <summary>
    /// Deserializes <paramref name="json"/>; any error becomes <paramref name="fail"/>(message, cause), the message
    /// starting with <paramref name="source"/> (the file's path).
    /// </summary>
    public static T Read<T>(string json, JsonTypeInfo<T> type, string source, Func<string, Exception, Exception> fail)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(fail);
        try
        {
            return JsonSerializer.Deserialize(json, type) ?? throw new JsonException("expected a JSON object, found null");
        }
        catch (JsonException e)
        {
            throw fail(Describe(e, source, type), e);
        }
    }

    /// <summary>
    /// The text of the configuration file at <paramref name="path"/>; an unreadable file becomes
    /// <paramref name="fail"/>("path: cannot read the <paramref name="what"/>: reason", cause).
    /// </summary>
    public static string ReadFile(string path, string what, Func<string, Exception, Exception> fail)
    {
        ArgumentNullException.ThrowIfNull(fail);
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw fail($"{path}: cannot read the {what}: {e.Message}", e);
        }
    }

    /// <summary>"file: section.key: what is wrong (line n)." for one of System.Text.Json's exceptions.</summary>
    public static string Describe(JsonException error, string source, JsonTypeInfo? root = null)
    {
        ArgumentNullException.ThrowIfNull(error);
        var path = Where(error.Path);
        var line = error.LineNumber is long l ? $" (line {l + 1})" : "";
        var unmapped = UnmappedKey().Match(error.Message);
        if (unmapped.Success)
        {
            var key = unmapped.Groups[1].Value;
            // The path may or may not end in the key itself; the message names the section that has no such key.
            var section = path.EndsWith(key, StringComparison.Ordinal) ? path[..^key.Length].TrimEnd('.') : path;
            var known = (section.Length == 0 ? root : KeyType(root, section).Info)?.Properties.Select(p => p.Name).ToList();
            var hint = known is { Count: > 0 } ? $"; known: {string.Join(", ", known)}" : "";
            return $"{source}: {(section.Length > 0 ? section + ": " : "")}unknown key '{key}'{hint}{line}.";
        }

        // System.Text.Json names the containing type, not the key's: find the key's type from the metadata.
        var what = NotConverted().IsMatch(error.Message) && KeyType(root, path).Type is { } keyType
            ? $"expected {Expected(keyType)}"
            : FirstSentence(error.Message);
        return $"{source}: {(path.Length > 0 ? path + ": " : "")}{what}{line}.";
    }

    /// <summary>"$.integration.npt" → "integration.npt"; "$['a b']" → "a b".</summary>
    private static string Where(string? path) =>
        string.IsNullOrEmpty(path) ? "" : path.TrimStart('$').TrimStart('.').Replace("['", ".", StringComparison.Ordinal).Replace("']", "", StringComparison.Ordinal).TrimStart('.');

    /// <summary>The declared type of the key at <paramref name="path"/> ("integration.npt", "phases[0]") and its metadata, or nulls.</summary>
    private static (Type? Type, JsonTypeInfo? Info) KeyType(JsonTypeInfo? root, string path)
    {
        var info = root;
        Type? type = null;
        foreach (var part in path.Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            // "phases[0]": the key "phases", then its element type once per index.
            var bracket = part.IndexOf('[', StringComparison.Ordinal);
            var key = bracket < 0 ? part : part[..bracket];
            var property = info?.Properties.FirstOrDefault(p => string.Equals(p.Name, key, StringComparison.Ordinal));
            if (property is null)
            {
                return (null, null);
            }

            type = property.PropertyType;
            for (var i = bracket; i >= 0 && type is not null; i = part.IndexOf('[', i + 1))
            {
                type = type.GetElementType();
            }

            if (type is null)
            {
                return (null, null);
            }

            info = info!.Options.TryGetTypeInfo(Nullable.GetUnderlyingType(type) ?? type, out var next) ? next : null;
        }

        return (type, info);
    }

    private static string Expected(Type type) => Expected(type.ToString());

    private static string Expected(string type) =>
        type.Contains("Int32", StringComparison.Ordinal) || type.Contains("Int64", StringComparison.Ordinal) ? "a whole number"
        : type.Contains("Double", StringComparison.Ordinal) ? "a number"
        : type.Contains("String", StringComparison.Ordinal) ? "a string"
        : type.Contains("Boolean", StringComparison.Ordinal) ? "true or false"
        : type.Contains("[]", StringComparison.Ordinal) ? "a list"
        : "a JSON object";

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return (end > 0 ? message[..end] : message).TrimEnd('.');
    }

    [GeneratedRegex(@"The JSON property '([^']*)' could not be mapped")]
    private static partial Regex UnmappedKey();

    [GeneratedRegex(@"could not be converted to ")]
    private static partial Regex NotConverted();
}
