using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using OperandoXrd.Core.Configuration;
using OperandoXrd.Crystallography.Profiles;
using OperandoXrd.Fitting.Model;

namespace OperandoXrd.Fitting.Configuration;

/// <summary>
/// The instrument's own peak width (<c>instrument.json</c>, written by <c>oxrd calibrate --instrument</c>, named by a
/// pipeline as <c>"instrument": "FILE"</c>): the TCH terms U, V, W (deg²), X, Y (deg) measured on a calibrant with
/// its cell fixed, their esds, and where they came from. The one reader and writer of the format.
/// </summary>
/// <remarks>
/// Format (docs/pipeline-format.md, "instrument.json"): <c>{"format": "oxrd-instrument", "version": 1, "profile":
/// {"U": …, "V": …, "W": …, "X": …, "Y": …, "Z": …}, "esd": {…}, "wavelength_A": …, "calibrant": "LaB6",
/// "geometry": "cal.poni", "source": "…", "terms": {…}}</c>. Only <c>format</c>, <c>version</c> and <c>profile</c> are
/// required. Extensible: later instrumental terms (pixel footprint, parallax, …) go under <c>terms</c> or as new keys;
/// a reader ignores keys it does not know, and refuses a <c>version</c> newer than it knows.
/// </remarks>
public sealed record InstrumentProfile
{
    public const string FormatName = "oxrd-instrument";

    public const int Version = 1;

    private static readonly string[] TermNames = ["U", "V", "W", "X", "Y", "Z"];

    /// <summary>The TCH terms, U, V, W in deg², X, Y in deg (Z in deg², usually 0).</summary>
    public required TchParameters Profile { get; init; }

    /// <summary>Esds of U, V, W, X, Y, Z (0 where not refined).</summary>
    public double[] Esd { get; init; } = new double[6];

    public double? WavelengthAngstrom { get; init; }

    public string? Calibrant { get; init; }

    /// <summary>The PONI the calibrant was integrated with.</summary>
    public string? Geometry { get; init; }

    /// <summary>Free text: program, image, date.</summary>
    public string? Source { get; init; }

    /// <summary>Further instrumental terms by name (kept as read; for the profile model's later terms).</summary>
    public IReadOnlyDictionary<string, double> Terms { get; init; } = new Dictionary<string, double>(StringComparer.Ordinal);

    /// <summary>Reads <paramref name="path"/>.</summary>
    /// <exception cref="FitConfigurationException">Unreadable, not JSON, not this format, a newer version, or a
    /// missing/non-numeric profile term; the message names the file and key.</exception>
    public static InstrumentProfile Load(string path)
    {
        var text = StrictJson.ReadFile(path, "instrument file", (message, e) => new FitConfigurationException(message, e));

        JsonNode? root;
        try
        {
            root = JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new FitConfigurationException($"{path}: not valid JSON: {e.Message}", e);
        }

        if (root is not JsonObject o || o["format"]?.GetValueKind() != JsonValueKind.String || (string?)o["format"] != FormatName)
        {
            throw new FitConfigurationException($"{path}: not an instrument file (\"format\": \"{FormatName}\" expected)");
        }

        var version = o["version"] is JsonValue v && v.TryGetValue<int>(out var vi) ? vi : throw new FitConfigurationException($"{path}: \"version\" must be an integer");
        if (version > Version)
        {
            throw new FitConfigurationException($"{path}: version {version} is newer than this program reads ({Version})");
        }

        if (o["profile"] is not JsonObject profile)
        {
            throw new FitConfigurationException($"{path}: \"profile\" must be an object with U, V, W, X, Y");
        }

        var values = new double[6];
        var esd = new double[6];
        for (var i = 0; i < TermNames.Length; i++)
        {
            var key = TermNames[i];
            if (profile[key] is null)
            {
                if (i < 5)
                {
                    throw new FitConfigurationException($"{path}: profile.{key} is missing");
                }

                continue;
            }

            values[i] = Number(profile[key], $"{path}: profile.{key}");
            if (o["esd"] is JsonObject e && e[key] is not null)
            {
                esd[i] = Number(e[key], $"{path}: esd.{key}");
            }
        }

        var terms = new Dictionary<string, double>(StringComparer.Ordinal);
        if (o["terms"] is JsonObject t)
        {
            foreach (var (key, node) in t)
            {
                terms[key] = Number(node, $"{path}: terms.{key}");
            }
        }

        return new InstrumentProfile
        {
            Profile = new TchParameters(values[0], values[1], values[2], values[3], values[4], values[5]),
            Esd = esd,
            WavelengthAngstrom = o["wavelength_A"] is JsonValue w && w.TryGetValue<double>(out var wd) ? wd : null,
            Calibrant = o["calibrant"]?.GetValueKind() == JsonValueKind.String ? (string?)o["calibrant"] : null,
            Geometry = o["geometry"]?.GetValueKind() == JsonValueKind.String ? (string?)o["geometry"] : null,
            Source = o["source"]?.GetValueKind() == JsonValueKind.String ? (string?)o["source"] : null,
            Terms = terms,
        };
    }

    /// <summary>Writes the file atomically (a temporary file beside it, then renamed over it).</summary>
    public void Save(string path)
    {
        var full = Path.GetFullPath(path);
        var temporary = full + ".tmp-" + Guid.NewGuid().ToString("N");
        File.WriteAllText(temporary, ToJson());
        File.Move(temporary, full, overwrite: true);
    }

    /// <summary>The file's text.</summary>
    public string ToJson()
    {
        var profile = new JsonObject();
        var esd = new JsonObject();
        for (var i = 0; i < TermNames.Length; i++)
        {
            profile[TermNames[i]] = Profile[(TchParameter)i];
            esd[TermNames[i]] = Esd.Length > i ? Esd[i] : 0;
        }

        var terms = new JsonObject();
        foreach (var (key, value) in Terms)
        {
            terms[key] = value;
        }

        var root = new JsonObject
        {
            ["format"] = FormatName,
            ["version"] = Version,
            ["description"] = "TCH pseudo-Voigt instrument profile: H_G² = U tan²θ + V tanθ + W (+ Z/cos²θ), H_L = X tanθ + Y/cosθ; U, V, W, Z in deg², X, Y in deg (2θ). Fixed in every frame's fit; phases refine their own broadening on top.",
            ["profile"] = profile,
            ["esd"] = esd,
            ["wavelength_A"] = WavelengthAngstrom,
            ["calibrant"] = Calibrant,
            ["geometry"] = Geometry,
            ["source"] = Source,
            ["terms"] = terms,
        };
        // Relaxed escaping keeps θ, ² and ' readable in the file.
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n";
    }

    /// <summary>A phase's start profile: the instrument's terms plus the phase's own (sample) start terms.</summary>
    public TchParameters Combine(TchParameters? sample)
    {
        var s = sample ?? default;
        var p = Profile;
        return new TchParameters(p.U + s.U, p.V + s.V, p.W + s.W, p.X + s.X, p.Y + s.Y, p.Z + s.Z);
    }

    /// <summary>
    /// Holds the instrument's terms in every frame's fit: a refined U, W, X, Y or Z of any phase may not go below the
    /// instrument's (the phase's refined part is its sample broadening on top: Gaussian variances and Lorentzian
    /// widths add), and V stays at its start value (instrument + the phase's own).
    /// </summary>
    public void Constrain(WholePatternModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var parameters = model.Parameters;
        for (var phase = 0; phase < model.PhaseCount; phase++)
        {
            var first = model.WidthIndex(phase);
            for (var t = 0; t < 6; t++)
            {
                var j = first + t;
                if (t == 1)
                {
                    parameters.SetBounds(j, parameters[j], parameters[j]);
                }
                else
                {
                    parameters.SetBounds(j, Profile[(TchParameter)t], parameters.Upper[j]);
                }
            }
        }
    }

    private static double Number(JsonNode? node, string where) =>
        node is JsonValue v && v.TryGetValue<double>(out var d) && double.IsFinite(d)
            ? d
            : throw new FitConfigurationException(string.Create(CultureInfo.InvariantCulture, $"{where}: expected a finite number"));
}
