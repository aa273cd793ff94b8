using System.Globalization;
using System.Text.Json;
using OperandoXrd.Core.Configuration;
using OperandoXrd.Core.Frames;
using OperandoXrd.Core.Geometry;
using OperandoXrd.Core.Integration;
using OperandoXrd.Electrochem.Logs;
using OperandoXrd.Fitting.Configuration;

namespace OperandoXrd.Pipeline.Configuration;

/// <summary>The <c>integration</c> section.</summary>
public sealed record IntegrationSection(int Npt, RadialUnit Unit, (double Min, double Max)? Range, PixelSplit Split, double? Polarization)
{
    /// <summary><c>"flip": "ud"</c>: every frame mirrored up–down as it is read (a PONI calibrated in Dioptas); default "none".</summary>
    public FrameFlip Flip { get; init; }

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
/// A pipeline file (pipelines/*.json), whole: every section typed (read through the source-generated
/// <see cref="PipelineJsonContext"/>), relative paths resolved against the file's folder, unknown keys an error that
/// names them. The "phases", "fit" and "background" sections are the fitter's own reader's
/// (<see cref="FitConfiguration"/>); this class adds the rest and the keys only the host knows ("input").
/// </summary>
public sealed partial class PipelineConfig
{
    public required string Source { get; init; }

    public required string Json { get; init; }

    public required string Name { get; init; }

    public string? Poni { get; init; }

    /// <summary>
    /// Top-level <c>"wavelength"</c> in Å: the wavelength of patterns fitted without a PONI (<c>"poni": null</c>), used
    /// when the patterns' own header gives none. Null when absent.
    /// </summary>
    public double? Wavelength_A { get; init; }

    public string? Mask { get; init; }

    public IReadOnlyList<string> Inputs { get; init; } = [];

    public required IntegrationSection Integration { get; init; }

    public required FitConfiguration Fit { get; init; }

    public required EchemSection Echem { get; init; }

    /// <summary>
    /// <c>follow.endMarker</c>: live, the run ends once this file exists (a name in the scan folder — the first input
    /// folder, or the folder of the first input file — or an absolute path). Null: no marker.
    /// </summary>
    public string? EndMarker { get; init; }

    public static PipelineConfig Load(string path) =>
        Parse(ReadFile(path), path, Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".");

    /// <summary>The pipeline file's text; an unreadable file is a <see cref="PipelineConfigException"/> naming it.</summary>
    internal static string ReadFile(string path) =>
        StrictJson.ReadFile(path, "pipeline file", (message, e) => new PipelineConfigException(message, e));

    public static PipelineConfig Parse(string json, string source, string baseDirectory)
    {
        var file = StrictJson.Read(json, PipelineJsonContext.Default.PipelineFile, source, (message, e) => new PipelineConfigException(message, e));
        FitConfiguration fit;
        try
        {
            fit = FitConfiguration.FromFile(file, source, baseDirectory);
        }
        catch (FitConfigurationException e)
        {
            throw new PipelineConfigException(e.Message, e);
        }

        string? Resolve(string? relative) => relative is null ? null : Path.GetFullPath(Path.Combine(baseDirectory, relative));

        // The emergence library's default: the folders holding the pipeline's own phase CIFs (calibration/phases).
        var phaseFolders = fit.Phases.Select(p => Path.GetDirectoryName(Path.GetFullPath(p.Cif))!).Distinct(StringComparer.Ordinal).ToList();
        return new PipelineConfig
        {
            Source = source,
            Json = json,
            Name = file.Name ?? Path.GetFileNameWithoutExtension(source),
            Poni = Resolve(file.Poni),
            Wavelength_A = Wavelength(file.Wavelength, source),
            Mask = Resolve(file.Mask),
            Inputs = file.Input.ValueKind == JsonValueKind.Undefined ? [] : Paths(file.Input, $"{source}: input", Resolve),
            Integration = ToSection(file.Integration, source),
            Fit = fit,
            Echem = ToSection(file.Echem, source, Resolve),
            EndMarker = file.Follow?.EndMarker is { } marker
                ? (string.IsNullOrWhiteSpace(marker) ? throw new PipelineConfigException($"{source}: follow.endMarker: expected a file name, found an empty string.") : marker)
                : null,
            Emergence = ToSection(file.Emergence, source, Resolve, phaseFolders),
        };
    }

    /// <summary>A path or a list of paths (<c>input</c>, <c>emergence.library</c>, <c>emergence.candidates</c>), resolved; null: none.</summary>
    private static List<string> Paths(JsonElement value, string where, Func<string?, string?> resolve) => value.ValueKind switch
    {
        JsonValueKind.Null => [],
        JsonValueKind.String => [resolve(value.GetString())!],
        JsonValueKind.Array => [.. value.EnumerateArray().Select(item => item.ValueKind == JsonValueKind.String
            ? resolve(item.GetString())!
            : throw new PipelineConfigException($"{where}: expected a string, found {item.ValueKind}."))],
        _ => throw new PipelineConfigException($"{where}: expected a path or a list of paths."),
    };

    private static double? Wavelength(double? value, string source) => value switch
    {
        null => null,
        > 0.01 and < 100 => value,
        _ => throw new PipelineConfigException(string.Create(CultureInfo.InvariantCulture, $"{source}: wavelength: {value} is not a wavelength in Å (0.01–100).")),
    };

    private static IntegrationSection ToSection(IntegrationFile? s, string source)
    {
        var where = $"{source}: integration";
        if (s is null)
        {
            return new IntegrationSection(3000, RadialUnit.TwoThetaDeg, null, PixelSplit.BBox, 0.99);
        }

        var npt = s.Npt ?? 3000;
        if (npt <= 0)
        {
            throw new PipelineConfigException($"{where}.npt: {npt} bins; it must be positive.");
        }

        var unit = RadialUnit.TwoThetaDeg;
        if (s.Unit is { } text && !RadialUnits.TryParse(text, out unit))
        {
            throw new PipelineConfigException($"{where}.unit: unknown unit '{text}' (2th_deg, 2th_rad, q_nm^-1, q_A^-1, d_A, r_mm).");
        }

        (double, double)? range = null;
        if (s.Range is { } r)
        {
            if (r.Length != 2)
            {
                throw new PipelineConfigException($"{where}.range: expected [min, max].");
            }

            range = r[0] < r[1] ? (r[0], r[1]) : throw new PipelineConfigException(string.Create(CultureInfo.InvariantCulture, $"{where}.range: min {r[0]} is not below max {r[1]}."));
        }

        var split = PixelSplit.BBox;
        if (s.Split is { } sp)
        {
            try
            {
                split = PixelSplits.Parse(sp);
            }
            catch (ArgumentException e)
            {
                throw new PipelineConfigException($"{where}.split: {e.Message}", e);
            }
        }

        double? polarization = s.Polarization.ValueKind switch
        {
            JsonValueKind.Undefined => 0.99,
            JsonValueKind.Null => null,
            JsonValueKind.Number => s.Polarization.GetDouble(),
            _ => throw new PipelineConfigException($"{where}.polarization: expected a number or null, found {s.Polarization}."),
        };
        if (polarization is double f && (f < -1 || f > 1))
        {
            throw new PipelineConfigException(string.Create(CultureInfo.InvariantCulture, $"{where}.polarization: {f} is outside [-1, 1]."));
        }

        var flip = FrameFlip.None;
        if (s.Flip is not null)
        {
            try
            {
                flip = FrameFlips.Parse(s.Flip);
            }
            catch (ArgumentException e)
            {
                throw new PipelineConfigException($"{where}.flip: {e.Message}", e);
            }
        }

        return new IntegrationSection(npt, unit, range, split, polarization) { Flip = flip };
    }

    private static EchemSection ToSection(EchemFile? s, string source, Func<string?, string?> resolve)
    {
        var where = $"{source}: echem";
        var section = new EchemSection(null, VoltageLogFormat.Auto, 0.84, 279, 1.0, 0);
        if (s is null)
        {
            return section;
        }

        var format = VoltageLogFormat.Auto;
        if (s.Format is { } f)
        {
            try
            {
                format = VoltageLogFormatNames.Parse(f);
            }
            catch (ArgumentException e)
            {
                throw new PipelineConfigException($"{where}.format: {e.Message}", e);
            }
        }

        double Positive(string key, double? value, double fallback) => value switch
        {
            null => fallback,
            > 0 => value.Value,
            _ => throw new PipelineConfigException(string.Create(CultureInfo.InvariantCulture, $"{where}.{key}: {value} must be positive.")),
        };

        return section with
        {
            File = resolve(s.File),
            Format = format,
            ActiveMass_mg = Positive("activeMass_mg", s.ActiveMass_mg, section.ActiveMass_mg),
            TheoreticalCapacity_mAh_g = Positive("theoreticalCapacity_mAh_g", s.TheoreticalCapacity_mAh_g, section.TheoreticalCapacity_mAh_g),
            X0 = s.X0 ?? section.X0,
            ClockOffset_s = s.ClockOffset_s ?? 0,
        };
    }
}

/// <summary>An unreadable or inconsistent pipeline configuration (exit code 2). The message names the file and key.</summary>
public sealed class PipelineConfigException : Exception
{
    public PipelineConfigException(string message) : base(message) { }

    public PipelineConfigException(string message, Exception inner) : base(message, inner) { }

    public PipelineConfigException() { }
}
