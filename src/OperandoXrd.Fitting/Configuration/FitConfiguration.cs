using System.Globalization;
using System.Text.Json;
using OperandoXrd.Crystallography.Profiles;
using OperandoXrd.Fitting.Parameters;

namespace OperandoXrd.Fitting.Configuration;

/// <summary>How reflection intensities are obtained.</summary>
public enum FitMode
{
    /// <summary>Intensities are parameters, refined on the reference frame and then held (linked) across frames.</summary>
    Pawley,

    /// <summary>Intensities re-partitioned from the observed pattern every cycle of every frame.</summary>
    LeBail,

    /// <summary>Intensities from the structure factors of the CIF's atoms.</summary>
    Rietveld,
}

/// <summary>Where frame n's start values come from.</summary>
public enum CarryOver
{
    /// <summary>Frame n−1 if it passed the quality gate, else the last good frame, else the reference.</summary>
    Gated,

    /// <summary>Always the reference frame's result.</summary>
    Reference,
}

public enum FitOrder
{
    Forward,
    Reverse,
}

/// <summary>One entry of the pipeline's "phases" array.</summary>
/// <param name="Name">Label used in parameter names and lattice.csv columns (NCA, LPSCl, LIC).</param>
/// <param name="Cif">Absolute path of the CIF (resolved against the pipeline file's folder).</param>
/// <param name="Refine">What is free: "cell" (all independent A-terms), single cell names the lattice system has
/// (a, c, ...; only where one cell parameter maps to one A-term), "scale", and TCH terms "U","V","W","X","Y","Z".</param>
/// <param name="Profile">Optional start TCH widths ("profile": {"U": .., "V": .., "W": .., "X": .., "Y": .., "Z": ..}, degrees).</param>
public sealed record PhaseConfiguration(string Name, string Cif, IReadOnlyList<string> Refine, TchParameters? Profile = null);

/// <summary>The "fit" section (plus the fitting half of "background").</summary>
public sealed record FitSettings
{
    public FitMode Mode { get; init; } = FitMode.Pawley;

    /// <summary>Fit range in 2θ degrees.</summary>
    public double RangeMin { get; init; } = 2.0;

    public double RangeMax { get; init; } = 11.0;

    /// <summary>Excluded 2θ intervals (weight zero).</summary>
    public IReadOnlyList<(double Min, double Max)> Exclude { get; init; } = [];

    public CarryOver CarryOver { get; init; } = CarryOver.Gated;

    public FitOrder Order { get; init; } = FitOrder.Forward;

    /// <summary>Global parameters refined every frame (<see cref="ParameterLayout.RefineKeywords"/>): "zero", "displacement", "background", "peekScale", "peekShift".</summary>
    public IReadOnlyList<string> Refine { get; init; } = ["zero", "background", "peekScale"];

    /// <summary>Index (in the patterns file) of the frame whose fit defines the reference; default the first fitted.</summary>
    public int? ReferenceFrame { get; init; }

    /// <summary>Quality gate: a frame whose GoF exceeds this many times the reference GoF is not carried over.</summary>
    public double MaxGoFRatio { get; init; } = 3.0;

    /// <summary>Quality gate: largest relative change of any cell A-term from the start values (2 % on A ≈ 1 % on a length).</summary>
    public double MaxRelativeCellChange { get; init; } = 0.02;

    /// <summary>
    /// Pawley: re-partition the held intensities (one Le Bail step) after every N-th good frame; 0 never. Default 1:
    /// intensities drift as the cell changes (form factors at the new sinθ/λ, Li ordering), and held intensities
    /// then bias the cell (simulated charge: GoF 1.2 → 1.03, NCA a pull mean −1.05 → −0.72).
    /// </summary>
    public int RepartitionEvery { get; init; } = 1;

    public int MaxIterations { get; init; } = 60;

    /// <summary>
    /// "fit.instrumentFunction": convolve every reflection with the instrument function the host derives from its
    /// geometry (pixel footprint, splitting, bin; docs/instrument-profile.md). Off by default for now: it removes most
    /// of the mean biases on simulated 2D frames but costs ≈ 5× the per-frame fit time, which breaks live latency.
    /// </summary>
    public bool InstrumentFunction { get; init; }

    /// <summary>
    /// "fit.sampleThickness_mm": the sample's thickness along the beam (the pellet, not the cell), for the instrument
    /// function's parallax (docs/instrument-profile.md §3); 0: a point sample. When the pipeline does not set it, an
    /// <c>instrument.json</c> term <c>sampleThickness_mm</c> is used.
    /// </summary>
    public double? SampleThickness_mm { get; init; }

    /// <summary>"fit.sampleAttenuation_per_mm": the sample's linear attenuation coefficient (1/mm), which weights the
    /// depths (deeper scatterers count more); 0: every depth alike. Fallback: the <c>instrument.json</c> term
    /// <c>sampleAttenuation_per_mm</c>.</summary>
    public double? SampleAttenuation_per_mm { get; init; }

    /// <summary>Number of Chebyshev background terms ("background.chebyshev").</summary>
    public int ChebyshevTerms { get; init; } = 4;

    /// <summary>PEEK model file ("background.peek"), absolute, or null for none.</summary>
    public string? PeekModel { get; init; }
}

/// <summary>
/// Typed reader for the parts of a pipeline JSON that the fitter uses: "phases", "fit" and "background".
/// Other sections belong to other stages and are ignored here; unknown keys inside these three are errors that
/// name the key and the file.
/// </summary>
public sealed class FitConfiguration
{
    private static readonly string[] PhaseKeys = ["name", "cif", "refine", "profile"];
    private static readonly string[] ProfileKeys = ["U", "V", "W", "X", "Y", "Z"];
    private static readonly string[] FitKeys = ["mode", "range", "exclude", "carryOver", "order", "refine", "referenceFrame", "maxGoFRatio", "maxRelativeCellChange", "repartitionEvery", "maxIterations", "instrumentFunction", "sampleThickness_mm", "sampleAttenuation_per_mm"];
    private static readonly string[] BackgroundKeys = ["peek", "chebyshev"];

    public required IReadOnlyList<PhaseConfiguration> Phases { get; init; }

    public required FitSettings Fit { get; init; }

    /// <summary>
    /// The instrument profile named by the pipeline's <c>"instrument": "FILE"</c> (from <c>oxrd calibrate
    /// --instrument</c>): its TCH terms are added to every phase's start profile and held as floors in every fit.
    /// </summary>
    public InstrumentProfile? Instrument { get; init; }

    /// <summary>Reads the pipeline file at <paramref name="path"/>.</summary>
    /// <exception cref="FitConfigurationException">Unreadable JSON, unknown keys, wrong types or values.</exception>
    public static FitConfiguration Load(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FitConfigurationException($"{path}: cannot read the pipeline file: {e.Message}", e);
        }

        return Parse(text, path, Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".");
    }

    /// <summary>Parses pipeline JSON; relative paths resolve against <paramref name="baseDirectory"/>.</summary>
    public static FitConfiguration Parse(string json, string source, string baseDirectory)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException e)
        {
            throw new FitConfigurationException($"{source}: not valid JSON: {e.Message}", e);
        }

        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new FitConfigurationException($"{source}: the pipeline file must be a JSON object.");
            }

            if (!root.TryGetProperty("phases", out var phasesElement) || phasesElement.ValueKind != JsonValueKind.Array || phasesElement.GetArrayLength() == 0)
            {
                throw new FitConfigurationException($"{source}: \"phases\" must be a non-empty array.");
            }

            var phases = new List<PhaseConfiguration>();
            var names = new HashSet<string>(StringComparer.Ordinal);
            var index = 0;
            foreach (var phase in phasesElement.EnumerateArray())
            {
                var where = $"{source}: phases[{index}]";
                CheckKeys(phase, PhaseKeys, where);
                var name = RequireString(phase, "name", where);
                if (!names.Add(name))
                {
                    throw new FitConfigurationException($"{where}: phase name '{name}' is used twice.");
                }

                var cif = RequireString(phase, "cif", where);
                var refine = phase.TryGetProperty("refine", out var r) ? StringList(r, $"{where}.refine") : ["cell", "scale"];
                TchParameters? profile = null;
                if (phase.TryGetProperty("profile", out var pr) && pr.ValueKind != JsonValueKind.Null)
                {
                    CheckKeys(pr, ProfileKeys, $"{where}.profile");
                    double Get(string key) => pr.TryGetProperty(key, out var v)
                        ? v.ValueKind == JsonValueKind.Number ? v.GetDouble() : throw new FitConfigurationException($"{where}.profile.{key}: expected a number.")
                        : 0;
                    profile = new TchParameters(Get("U"), Get("V"), Get("W"), Get("X"), Get("Y"), Get("Z"));
                }

                phases.Add(new PhaseConfiguration(name, Path.GetFullPath(Path.Combine(baseDirectory, cif)), refine, profile));
                index++;
            }

            var settings = new FitSettings();
            if (root.TryGetProperty("fit", out var fit) && fit.ValueKind != JsonValueKind.Null)
            {
                settings = ParseFit(fit, $"{source}: fit", settings);
            }

            if (root.TryGetProperty("background", out var background) && background.ValueKind != JsonValueKind.Null)
            {
                var where = $"{source}: background";
                CheckKeys(background, BackgroundKeys, where);
                if (background.TryGetProperty("chebyshev", out var cheb))
                {
                    var terms = Int(cheb, $"{where}.chebyshev");
                    if (terms is < 0 or > 24)
                    {
                        throw new FitConfigurationException($"{where}.chebyshev: {terms} terms is outside 0..24.");
                    }

                    settings = settings with { ChebyshevTerms = terms };
                }

                if (background.TryGetProperty("peek", out var peek) && peek.ValueKind != JsonValueKind.Null)
                {
                    if (peek.ValueKind != JsonValueKind.String)
                    {
                        throw new FitConfigurationException($"{where}.peek: expected a file path string.");
                    }

                    settings = settings with { PeekModel = Path.GetFullPath(Path.Combine(baseDirectory, peek.GetString()!)) };
                }
            }

            InstrumentProfile? instrument = null;
            if (root.TryGetProperty("instrument", out var instrumentElement) && instrumentElement.ValueKind != JsonValueKind.Null)
            {
                var file = RequireStringValue(instrumentElement, $"{source}: instrument");
                instrument = InstrumentProfile.Load(Path.GetFullPath(Path.Combine(baseDirectory, file)));
            }

            return new FitConfiguration { Phases = phases, Fit = settings, Instrument = instrument };
        }
    }

    private static FitSettings ParseFit(JsonElement fit, string where, FitSettings s)
    {
        CheckKeys(fit, FitKeys, where);
        if (fit.TryGetProperty("mode", out var mode))
        {
            s = s with
            {
                Mode = RequireStringValue(mode, $"{where}.mode") switch
                {
                    "pawley" => FitMode.Pawley,
                    "lebail" or "le-bail" or "leBail" => FitMode.LeBail,
                    "rietveld" => FitMode.Rietveld,
                    var other => throw new FitConfigurationException($"{where}.mode: '{other}' is not one of pawley, lebail, rietveld."),
                },
            };
        }

        if (fit.TryGetProperty("range", out var range))
        {
            var (lo, hi) = Interval(range, $"{where}.range");
            s = s with { RangeMin = lo, RangeMax = hi };
        }

        if (fit.TryGetProperty("exclude", out var exclude))
        {
            if (exclude.ValueKind != JsonValueKind.Array)
            {
                throw new FitConfigurationException($"{where}.exclude: expected an array of [min, max] pairs.");
            }

            var list = new List<(double, double)>();
            var i = 0;
            foreach (var e in exclude.EnumerateArray())
            {
                list.Add(Interval(e, $"{where}.exclude[{i++}]"));
            }

            s = s with { Exclude = list };
        }

        if (fit.TryGetProperty("carryOver", out var carry))
        {
            s = s with
            {
                CarryOver = RequireStringValue(carry, $"{where}.carryOver") switch
                {
                    "gated" => CarryOver.Gated,
                    "reference" => CarryOver.Reference,
                    var other => throw new FitConfigurationException($"{where}.carryOver: '{other}' is not one of gated, reference."),
                },
            };
        }

        if (fit.TryGetProperty("order", out var order))
        {
            s = s with
            {
                Order = RequireStringValue(order, $"{where}.order") switch
                {
                    "forward" => FitOrder.Forward,
                    "reverse" => FitOrder.Reverse,
                    var other => throw new FitConfigurationException($"{where}.order: '{other}' is not one of forward, reverse."),
                },
            };
        }

        if (fit.TryGetProperty("refine", out var refine))
        {
            var list = StringList(refine, $"{where}.refine");
            foreach (var name in list)
            {
                if (!ParameterLayout.RefineKeywords.ContainsKey(name))
                {
                    throw new FitConfigurationException($"{where}.refine: '{name}' is not a global parameter ({string.Join(", ", ParameterLayout.RefineKeywords.Keys)}).");
                }
            }

            s = s with { Refine = list };
        }

        if (fit.TryGetProperty("referenceFrame", out var reference) && reference.ValueKind != JsonValueKind.Null)
        {
            s = s with { ReferenceFrame = Int(reference, $"{where}.referenceFrame") };
        }

        if (fit.TryGetProperty("maxGoFRatio", out var gof))
        {
            s = s with { MaxGoFRatio = Positive(gof, $"{where}.maxGoFRatio") };
        }

        if (fit.TryGetProperty("maxRelativeCellChange", out var change))
        {
            s = s with { MaxRelativeCellChange = Positive(change, $"{where}.maxRelativeCellChange") };
        }

        if (fit.TryGetProperty("repartitionEvery", out var every))
        {
            s = s with { RepartitionEvery = Math.Max(0, Int(every, $"{where}.repartitionEvery")) };
        }

        if (fit.TryGetProperty("maxIterations", out var iterations))
        {
            s = s with { MaxIterations = Math.Max(1, Int(iterations, $"{where}.maxIterations")) };
        }

        if (fit.TryGetProperty("instrumentFunction", out var instrument))
        {
            if (instrument.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
            {
                throw new FitConfigurationException($"{where}.instrumentFunction must be true or false.");
            }

            s = s with { InstrumentFunction = instrument.GetBoolean() };
        }

        if (fit.TryGetProperty("sampleThickness_mm", out var thickness))
        {
            s = s with { SampleThickness_mm = NonNegative(thickness, $"{where}.sampleThickness_mm") };
        }

        if (fit.TryGetProperty("sampleAttenuation_per_mm", out var attenuation))
        {
            s = s with { SampleAttenuation_per_mm = NonNegative(attenuation, $"{where}.sampleAttenuation_per_mm") };
        }

        return s;
    }

    private static void CheckKeys(JsonElement element, string[] allowed, string where)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new FitConfigurationException($"{where}: expected a JSON object.");
        }

        var unknown = element.EnumerateObject().Select(p => p.Name).Where(n => !allowed.Contains(n, StringComparer.Ordinal)).ToList();
        if (unknown.Count > 0)
        {
            throw new FitConfigurationException($"{where}: unknown key{(unknown.Count > 1 ? "s" : "")} {string.Join(", ", unknown.Select(u => $"'{u}'"))} (allowed: {string.Join(", ", allowed)}).");
        }
    }

    private static string RequireString(JsonElement element, string key, string where) =>
        element.TryGetProperty(key, out var v) ? RequireStringValue(v, $"{where}.{key}") : throw new FitConfigurationException($"{where}: missing \"{key}\".");

    private static string RequireStringValue(JsonElement v, string where) =>
        v.ValueKind == JsonValueKind.String && !string.IsNullOrWhiteSpace(v.GetString()) ? v.GetString()! : throw new FitConfigurationException($"{where}: expected a non-empty string.");

    private static List<string> StringList(JsonElement v, string where)
    {
        if (v.ValueKind != JsonValueKind.Array)
        {
            throw new FitConfigurationException($"{where}: expected an array of strings.");
        }

        return [.. v.EnumerateArray().Select((e, i) => RequireStringValue(e, $"{where}[{i}]"))];
    }

    private static (double, double) Interval(JsonElement v, string where)
    {
        if (v.ValueKind != JsonValueKind.Array || v.GetArrayLength() != 2 || v[0].ValueKind != JsonValueKind.Number || v[1].ValueKind != JsonValueKind.Number)
        {
            throw new FitConfigurationException($"{where}: expected [min, max] in degrees 2θ.");
        }

        double lo = v[0].GetDouble(), hi = v[1].GetDouble();
        if (!(hi > lo))
        {
            throw new FitConfigurationException($"{where}: max {hi.ToString(CultureInfo.InvariantCulture)} is not above min {lo.ToString(CultureInfo.InvariantCulture)}.");
        }

        return (lo, hi);
    }

    private static int Int(JsonElement v, string where) =>
        v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var i) ? i : throw new FitConfigurationException($"{where}: expected an integer.");

    private static double NonNegative(JsonElement v, string where) =>
        v.ValueKind == JsonValueKind.Number && v.GetDouble() >= 0 ? v.GetDouble() : throw new FitConfigurationException($"{where}: expected a number ≥ 0.");

    private static double Positive(JsonElement v, string where) =>
        v.ValueKind == JsonValueKind.Number && v.GetDouble() > 0 ? v.GetDouble() : throw new FitConfigurationException($"{where}: expected a positive number.");
}

/// <summary>Bad fit configuration or input detected before any frame is fitted; the message names file and key.</summary>
public sealed class FitConfigurationException : Exception
{
    public FitConfigurationException(string message) : base(message) { }

    public FitConfigurationException() { }

    public FitConfigurationException(string message, Exception inner) : base(message, inner) { }
}
