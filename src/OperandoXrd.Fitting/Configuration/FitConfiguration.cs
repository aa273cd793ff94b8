using System.Globalization;
using OperandoXrd.Core.Configuration;
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

    /// <summary>"fit.esd": which esd the fit reports (docs/uncertainty.md); default scaled by √χ²ν.</summary>
    public Sequential.EsdConvention Esd { get; init; } = Sequential.EsdConvention.Scaled;

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
/// The fitter's configuration: "phases", "fit", "background" and "instrument" of a pipeline file, read through the
/// source-generated <see cref="FitSectionsFile"/> (unknown keys inside these sections are errors naming the key and
/// the file), with defaults applied, paths resolved and values checked.
/// </summary>
public sealed class FitConfiguration
{
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
        var text = StrictJson.ReadFile(path, "pipeline file", (message, e) => new FitConfigurationException(message, e));
        return Parse(text, path, Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".");
    }

    /// <summary>Parses pipeline JSON; relative paths resolve against <paramref name="baseDirectory"/>. Sections of other stages are skipped.</summary>
    public static FitConfiguration Parse(string json, string source, string baseDirectory) =>
        FromFile(StrictJson.Read(json, FitJsonContext.Default.FitOnlyPipelineFile, source, (message, e) => new FitConfigurationException(message, e)), source, baseDirectory);

    /// <summary>The configuration from the sections as written (already read by a source-generated context).</summary>
    /// <exception cref="FitConfigurationException">A missing or bad value; the message names the file and key.</exception>
    public static FitConfiguration FromFile(FitSectionsFile file, string source, string baseDirectory)
    {
        ArgumentNullException.ThrowIfNull(file);
        if (file.Phases is not { Length: > 0 } phaseEntries)
        {
            throw new FitConfigurationException($"{source}: \"phases\" must be a non-empty array.");
        }

        var phases = new List<PhaseConfiguration>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var index = 0; index < phaseEntries.Length; index++)
        {
            var where = $"{source}: phases[{index}]";
            var phase = phaseEntries[index] ?? throw new FitConfigurationException($"{where}: expected a JSON object.");
            var name = RequireString(phase.Name, "name", where);
            if (!names.Add(name))
            {
                throw new FitConfigurationException($"{where}: phase name '{name}' is used twice.");
            }

            var cif = RequireString(phase.Cif, "cif", where);
            var refine = phase.Refine is { } r ? StringList(r, $"{where}.refine") : ["cell", "scale"];
            var profile = phase.Profile is { } p ? new TchParameters(p.U ?? 0, p.V ?? 0, p.W ?? 0, p.X ?? 0, p.Y ?? 0, p.Z ?? 0) : (TchParameters?)null;
            phases.Add(new PhaseConfiguration(name, Path.GetFullPath(Path.Combine(baseDirectory, cif)), refine, profile));
        }

        var settings = new FitSettings();
        if (file.Fit is { } fit)
        {
            settings = FromFile(fit, $"{source}: fit", settings);
        }

        if (file.Background is { } background)
        {
            var where = $"{source}: background";
            if (background.Chebyshev is { } terms)
            {
                if (terms is < 0 or > 24)
                {
                    throw new FitConfigurationException($"{where}.chebyshev: {terms} terms is outside 0..24.");
                }

                settings = settings with { ChebyshevTerms = terms };
            }

            if (background.Peek is { } peek)
            {
                settings = settings with { PeekModel = Path.GetFullPath(Path.Combine(baseDirectory, RequireString(peek, "peek", where))) };
            }
        }

        var instrument = file.Instrument switch
        {
            null => null,
            { } name when !string.IsNullOrWhiteSpace(name) => InstrumentProfile.Load(Path.GetFullPath(Path.Combine(baseDirectory, name))),
            _ => throw new FitConfigurationException($"{source}: instrument: expected a non-empty string."),
        };
        return new FitConfiguration { Phases = phases, Fit = settings, Instrument = instrument };
    }

    private static FitSettings FromFile(FitSettingsFile fit, string where, FitSettings s)
    {
        if (fit.Mode is { } mode)
        {
            s = s with
            {
                Mode = RequireString(mode, "mode", where) switch
                {
                    "pawley" => FitMode.Pawley,
                    "lebail" or "le-bail" or "leBail" => FitMode.LeBail,
                    "rietveld" => FitMode.Rietveld,
                    var other => throw new FitConfigurationException($"{where}.mode: '{other}' is not one of pawley, lebail, rietveld."),
                },
            };
        }

        if (fit.Range is { } range)
        {
            var (lo, hi) = Interval(range, $"{where}.range");
            s = s with { RangeMin = lo, RangeMax = hi };
        }

        if (fit.Exclude is { } exclude)
        {
            s = s with { Exclude = [.. exclude.Select((e, i) => Interval(e, $"{where}.exclude[{i}]"))] };
        }

        if (fit.CarryOver is { } carry)
        {
            s = s with
            {
                CarryOver = RequireString(carry, "carryOver", where) switch
                {
                    "gated" => CarryOver.Gated,
                    "reference" => CarryOver.Reference,
                    var other => throw new FitConfigurationException($"{where}.carryOver: '{other}' is not one of gated, reference."),
                },
            };
        }

        if (fit.Esd is { } esd)
        {
            var name = RequireString(esd, "esd", where);
            s = s with { Esd = Sequential.EsdConventions.Parse(name) ?? throw new FitConfigurationException($"{where}.esd: '{name}' is not one of {Sequential.EsdConventions.Choices}.") };
        }

        if (fit.Order is { } order)
        {
            s = s with
            {
                Order = RequireString(order, "order", where) switch
                {
                    "forward" => FitOrder.Forward,
                    "reverse" => FitOrder.Reverse,
                    var other => throw new FitConfigurationException($"{where}.order: '{other}' is not one of forward, reverse."),
                },
            };
        }

        if (fit.Refine is { } refine)
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

        if (fit.ReferenceFrame is { } reference)
        {
            s = s with { ReferenceFrame = reference };
        }

        if (fit.MaxGoFRatio is { } gof)
        {
            s = s with { MaxGoFRatio = Positive(gof, $"{where}.maxGoFRatio") };
        }

        if (fit.MaxRelativeCellChange is { } change)
        {
            s = s with { MaxRelativeCellChange = Positive(change, $"{where}.maxRelativeCellChange") };
        }

        if (fit.RepartitionEvery is { } every)
        {
            s = s with { RepartitionEvery = Math.Max(0, every) };
        }

        if (fit.MaxIterations is { } iterations)
        {
            s = s with { MaxIterations = Math.Max(1, iterations) };
        }

        if (fit.InstrumentFunction is { } instrument)
        {
            s = s with { InstrumentFunction = instrument };
        }

        if (fit.SampleThickness_mm is { } thickness)
        {
            s = s with { SampleThickness_mm = NonNegative(thickness, $"{where}.sampleThickness_mm") };
        }

        if (fit.SampleAttenuation_per_mm is { } attenuation)
        {
            s = s with { SampleAttenuation_per_mm = NonNegative(attenuation, $"{where}.sampleAttenuation_per_mm") };
        }

        return s;
    }

    private static string RequireString(string? value, string key, string where) =>
        value is null ? throw new FitConfigurationException($"{where}: missing \"{key}\".")
        : !string.IsNullOrWhiteSpace(value) ? value
        : throw new FitConfigurationException($"{where}.{key}: expected a non-empty string.");

    private static List<string> StringList(string?[] values, string where) =>
        [.. values.Select((v, i) => !string.IsNullOrWhiteSpace(v) ? v : throw new FitConfigurationException($"{where}[{i}]: expected a non-empty string."))];

    private static (double, double) Interval(double[]? v, string where)
    {
        if (v is not { Length: 2 })
        {
            throw new FitConfigurationException($"{where}: expected [min, max] in degrees 2θ.");
        }

        double lo = v[0], hi = v[1];
        if (!(hi > lo))
        {
            throw new FitConfigurationException($"{where}: max {hi.ToString(CultureInfo.InvariantCulture)} is not above min {lo.ToString(CultureInfo.InvariantCulture)}.");
        }

        return (lo, hi);
    }

    private static double NonNegative(double v, string where) =>
        v >= 0 ? v : throw new FitConfigurationException($"{where}: expected a number ≥ 0.");

    private static double Positive(double v, string where) =>
        v > 0 ? v : throw new FitConfigurationException($"{where}: expected a positive number.");
}

/// <summary>Bad fit configuration or input detected before any frame is fitted; the message names file and key.</summary>
public sealed class FitConfigurationException : Exception
{
    public FitConfigurationException(string message) : base(message) { }

    public FitConfigurationException() { }

    public FitConfigurationException(string message, Exception inner) : base(message, inner) { }
}
