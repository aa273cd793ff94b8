using System.Globalization;
using System.Text.Json;
using OperandoXrd.Core.Geometry;
using OperandoXrd.Core.Integration;
using OperandoXrd.Electrochem.Logs;
using OperandoXrd.Fitting.Configuration;

namespace OperandoXrd.Pipeline.Configuration;

/// <summary>The <c>integration</c> section.</summary>
public sealed record IntegrationSection(int Npt, RadialUnit Unit, (double Min, double Max)? Range, PixelSplit Split, double? Polarization)
{
    /// <summary>The integrator's options for this section, with an optional user mask (the detector's gaps are always masked).</summary>
    public IntegrationOptions ToOptions(byte[]? mask = null) => new()
    {
        Npt = Npt,
        Unit = Unit,
        Split = Split,
        RadialRange = Range,
        PolarizationFactor = Polarization,
        Mask = mask,
    };
}

/// <summary>The <c>echem</c> section.</summary>
public sealed record EchemSection(string? File, VoltageLogFormat Format, double ActiveMass_mg, double TheoreticalCapacity_mAh_g, double X0, double ClockOffset_s);

/// <summary>
/// A pipeline file (pipelines/*.json), whole: every section typed, relative paths resolved against the file's folder,
/// unknown keys an error that names them. The "phases", "fit" and "background" sections are the fitter's own reader's
/// (<see cref="FitConfiguration"/>); this class adds the rest and the keys only the host knows ("input").
/// </summary>
public sealed partial class PipelineConfig
{
    private static readonly string[] TopKeys = ["name", "description", "poni", "mask", "input", "integration", "background", "phases", "fit", "echem", "emergence"];
    private static readonly string[] IntegrationKeys = ["npt", "unit", "range", "split", "polarization"];
    private static readonly string[] EchemKeys = ["file", "format", "activeMass_mg", "theoreticalCapacity_mAh_g", "x0", "clockOffset_s"];

    public required string Source { get; init; }

    public required string Json { get; init; }

    public required string Name { get; init; }

    public string? Poni { get; init; }

    public string? Mask { get; init; }

    public IReadOnlyList<string> Inputs { get; init; } = [];

    public required IntegrationSection Integration { get; init; }

    public required FitConfiguration Fit { get; init; }

    public required EchemSection Echem { get; init; }

    public static PipelineConfig Load(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new PipelineConfigException($"{path}: cannot read the pipeline file: {e.Message}", e);
        }

        return Parse(text, path, Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".");
    }

    public static PipelineConfig Parse(string json, string source, string baseDirectory)
    {
        FitConfiguration fit;
        try
        {
            fit = FitConfiguration.Parse(json, source, baseDirectory);
        }
        catch (FitConfigurationException e)
        {
            throw new PipelineConfigException(e.Message, e);
        }

        using var doc = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        var root = doc.RootElement;
        CheckKeys(root, TopKeys, source);
        string? Resolve(string? relative) => relative is null ? null : Path.GetFullPath(Path.Combine(baseDirectory, relative));

        var inputs = new List<string>();
        if (root.TryGetProperty("input", out var input) && input.ValueKind != JsonValueKind.Null)
        {
            if (input.ValueKind == JsonValueKind.String)
            {
                inputs.Add(Resolve(input.GetString())!);
            }
            else if (input.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in input.EnumerateArray())
                {
                    inputs.Add(Resolve(String(item, $"{source}: input"))!);
                }
            }
            else
            {
                throw new PipelineConfigException($"{source}: input: expected a path or a list of paths.");
            }
        }

        return new PipelineConfig
        {
            Source = source,
            Json = json,
            Name = OptionalString(root, "name", source) ?? Path.GetFileNameWithoutExtension(source),
            Poni = Resolve(OptionalString(root, "poni", source)),
            Mask = Resolve(OptionalString(root, "mask", source)),
            Inputs = inputs,
            Integration = ParseIntegration(root, source),
            Fit = fit,
            Echem = ParseEchem(root, source, Resolve),
            Emergence = ParseEmergence(root, source, Resolve,
                new FitConfigurationLike([.. fit.Phases.Select(p => Path.GetDirectoryName(Path.GetFullPath(p.Cif))!).Distinct(StringComparer.Ordinal)])),
        };
    }

    private static IntegrationSection ParseIntegration(JsonElement root, string source)
    {
        var where = $"{source}: integration";
        if (!root.TryGetProperty("integration", out var s) || s.ValueKind == JsonValueKind.Null)
        {
            return new IntegrationSection(3000, RadialUnit.TwoThetaDeg, null, PixelSplit.BBox, 0.99);
        }

        CheckKeys(s, IntegrationKeys, where);
        var npt = s.TryGetProperty("npt", out var n) ? Int(n, $"{where}.npt") : 3000;
        if (npt <= 0)
        {
            throw new PipelineConfigException($"{where}.npt: {npt} bins; it must be positive.");
        }

        var unit = RadialUnit.TwoThetaDeg;
        if (s.TryGetProperty("unit", out var u))
        {
            var text = String(u, $"{where}.unit");
            if (!RadialUnits.TryParse(text, out unit))
            {
                throw new PipelineConfigException($"{where}.unit: unknown unit '{text}' (2th_deg, 2th_rad, q_nm^-1, q_A^-1, d_A, r_mm).");
            }
        }

        (double, double)? range = null;
        if (s.TryGetProperty("range", out var r) && r.ValueKind != JsonValueKind.Null)
        {
            range = Pair(r, $"{where}.range");
        }

        var split = PixelSplit.BBox;
        if (s.TryGetProperty("split", out var sp))
        {
            try
            {
                split = PixelSplits.Parse(String(sp, $"{where}.split"));
            }
            catch (ArgumentException e)
            {
                throw new PipelineConfigException($"{where}.split: {e.Message}", e);
            }
        }

        double? polarization = 0.99;
        if (s.TryGetProperty("polarization", out var p))
        {
            polarization = p.ValueKind == JsonValueKind.Null ? null : Number(p, $"{where}.polarization");
            if (polarization is double f && (f < -1 || f > 1))
            {
                throw new PipelineConfigException($"{where}.polarization: {f} is outside [-1, 1].");
            }
        }

        return new IntegrationSection(npt, unit, range, split, polarization);
    }

    private static EchemSection ParseEchem(JsonElement root, string source, Func<string?, string?> resolve)
    {
        var where = $"{source}: echem";
        var section = new EchemSection(null, VoltageLogFormat.Auto, 0.84, 279, 1.0, 0);
        if (!root.TryGetProperty("echem", out var s) || s.ValueKind == JsonValueKind.Null)
        {
            return section;
        }

        CheckKeys(s, EchemKeys, where);
        var format = VoltageLogFormat.Auto;
        if (s.TryGetProperty("format", out var f) && f.ValueKind != JsonValueKind.Null)
        {
            try
            {
                format = VoltageLogFormatNames.Parse(String(f, $"{where}.format"));
            }
            catch (ArgumentException e)
            {
                throw new PipelineConfigException($"{where}.format: {e.Message}", e);
            }
        }

        double Positive(string key, double fallback)
        {
            if (!s.TryGetProperty(key, out var v))
            {
                return fallback;
            }

            var x = Number(v, $"{where}.{key}");
            return x > 0 ? x : throw new PipelineConfigException(string.Create(CultureInfo.InvariantCulture, $"{where}.{key}: {x} must be positive."));
        }

        return section with
        {
            File = resolve(OptionalString(s, "file", where)),
            Format = format,
            ActiveMass_mg = Positive("activeMass_mg", section.ActiveMass_mg),
            TheoreticalCapacity_mAh_g = Positive("theoreticalCapacity_mAh_g", section.TheoreticalCapacity_mAh_g),
            X0 = s.TryGetProperty("x0", out var x0) ? Number(x0, $"{where}.x0") : section.X0,
            ClockOffset_s = s.TryGetProperty("clockOffset_s", out var co) ? Number(co, $"{where}.clockOffset_s") : 0,
        };
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

    private static string? OptionalString(JsonElement element, string key, string where) =>
        element.TryGetProperty(key, out var v) && v.ValueKind != JsonValueKind.Null ? String(v, $"{where}: {key}") : null;

    private static string String(JsonElement v, string where) =>
        v.ValueKind == JsonValueKind.String ? v.GetString()! : throw new PipelineConfigException($"{where}: expected a string, found {v.ValueKind}.");

    private static double Number(JsonElement v, string where) =>
        v.ValueKind == JsonValueKind.Number && double.IsFinite(v.GetDouble()) ? v.GetDouble() : throw new PipelineConfigException($"{where}: expected a finite number, found {v}.");

    private static int Int(JsonElement v, string where) =>
        v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var i) ? i : throw new PipelineConfigException($"{where}: expected a whole number, found {v}.");

    private static (double, double) Pair(JsonElement v, string where)
    {
        if (v.ValueKind != JsonValueKind.Array || v.GetArrayLength() != 2)
        {
            throw new PipelineConfigException($"{where}: expected [min, max].");
        }

        var a = Number(v[0], where);
        var b = Number(v[1], where);
        return a < b ? (a, b) : throw new PipelineConfigException(string.Create(CultureInfo.InvariantCulture, $"{where}: min {a} is not below max {b}."));
    }
}

/// <summary>An unreadable or inconsistent pipeline configuration (exit code 2). The message names the file and key.</summary>
public sealed class PipelineConfigException : Exception
{
    public PipelineConfigException(string message) : base(message) { }

    public PipelineConfigException(string message, Exception inner) : base(message, inner) { }

    public PipelineConfigException() { }
}
