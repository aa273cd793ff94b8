using System.Globalization;
using System.Runtime.CompilerServices;
using OperandoXrd.Crystallography.Patterns;
using OperandoXrd.Crystallography.Profiles;
using OperandoXrd.Crystallography.Scattering;
using OperandoXrd.Fitting.Configuration;
using OperandoXrd.Fitting.Model.Instrument;
using OperandoXrd.Fitting.Optimization;
using OperandoXrd.Fitting.Parameters;
using OperandoXrd.Fitting.Peek;

namespace OperandoXrd.Fitting.Model;

/// <summary>Everything about the calculated pattern that is fixed for a run.</summary>
public sealed record WholePatternOptions
{
    /// <summary>Wavelength, Å.</summary>
    public required double Wavelength { get; init; }

    public FitMode Mode { get; init; } = FitMode.Pawley;

    /// <summary>Chebyshev background terms over the fit range.</summary>
    public int ChebyshevTerms { get; init; } = 4;

    public PeekModel? Peek { get; init; }

    /// <summary>Half-window of each peak in FWHMs (the crystallography default, so fits match simulations).</summary>
    public double WindowFwhm { get; init; } = TchPseudoVoigt.DefaultWindow;

    /// <summary>The instrument function convolved with every phase reflection (pixel footprint, sample thickness, bin);
    /// null: the bare TCH (a pattern whose instrument broadening the TCH widths absorb).</summary>
    public InstrumentFunction? Instrument { get; init; }
}

/// <summary>
/// The calculated pattern of a frame on the fit-range grid: Chebyshev background + PEEK model (scale, shift) + for
/// each phase Σ_k scale·I_k·L(2θ_k)·[TCH ⊗ instrument](2θ − pos_k) with pos_k = atan((1 − displacement)·tan2θ_k(p)) +
/// zero (L the powder Lorentz factor 1/(sin²θ cosθ); I_k = m|F|² in Rietveld mode, a parameter in Pawley/Le Bail; the
/// instrument function as taps on the grid, <see cref="InstrumentKernel"/>), with the analytic Jacobian of every
/// parameter. Parameters are named (see <see cref="Parameters"/>):
/// <c>zero</c> (deg), <c>displacement</c> (the sample's shift along the beam towards a flat detector normal to it, as a
/// fraction of the distance: a ray at 2θ is then seen at atan((1 − s/D)·tan2θ); docs/instrument-profile.md),
/// <c>bkg0..</c>, <c>PEEK:scale</c>,
/// <c>PEEK:shift</c> (deg), and per phase <c>P:scale</c>, <c>P:A0</c>… (independent A-terms, Å⁻²),
/// <c>P:U</c>…<c>P:Z</c>, and in Pawley/Le Bail mode <c>P:I(h,k,l)</c> per peak group.
/// </summary>
/// <remarks>
/// Phases, reflections, coefficients, structure intensities, the TCH profile and its derivatives are the
/// crystallography API's (<see cref="PhaseModel"/>, <see cref="TchPseudoVoigt"/>); what lives here is the fitter's
/// view: a flat parameter vector with free/fixed flags and a Jacobian that only fills active columns inside each
/// peak's window, with per-column row ranges, so a per-frame fit touches a few hundred thousand numbers rather
/// than the 3000 × (all parameters) a dense Jacobian would clear and multiply. Not thread-safe: one per worker.
/// </remarks>
[SkipLocalsInit]
public sealed partial class WholePatternModel : ILeastSquaresModel
{
    private const double Deg = Math.PI / 180;
    private readonly double[] _x;
    private readonly double[] _chebyshev;
    private readonly double[] _peekBackground;
    private readonly PeekPeak[] _peekPeaks;
    private readonly PhaseBlock[] _phases;
    private readonly double[] _v, _dp, _dg, _dl, _tmp, _partitionCalc, _partitionNonPhase;
    private readonly ConvolvedProfile _convolved;
    private readonly double _meanStep;
    private readonly int _zero, _displacement, _bkg0, _peekScale = -1, _peekShift = -1;
    private readonly int _chebyshevTerms;

    /// <param name="x">Fit-range grid, 2θ degrees, strictly ascending.</param>
    /// <param name="phases">Phases with their refine lists.</param>
    /// <param name="profiles">Start TCH parameters per phase (same order).</param>
    /// <param name="options">Wavelength, mode, background, PEEK.</param>
    public WholePatternModel(ReadOnlySpan<double> x, IReadOnlyList<PhaseDefinition> phases, IReadOnlyList<TchParameters> profiles, WholePatternOptions options)
    {
        ArgumentNullException.ThrowIfNull(phases);
        ArgumentNullException.ThrowIfNull(profiles);
        ArgumentNullException.ThrowIfNull(options);
        if (x.Length < 2)
        {
            throw new FitConfigurationException($"The pattern has {x.Length} points in the fit range; a fit needs a pattern.");
        }

        for (var i = 1; i < x.Length; i++)
        {
            if (!(x[i] > x[i - 1]))
            {
                throw new FitConfigurationException($"The pattern's 2θ values do not increase at point {i}.");
            }
        }

        Options = options;
        _x = x.ToArray();
        var n = _x.Length;
        double min = _x[0], max = _x[^1];
        _chebyshevTerms = options.ChebyshevTerms;
        _chebyshev = new double[_chebyshevTerms * n];
        Chebyshev.Table(_x, min, max, _chebyshevTerms, _chebyshev);
        _v = new double[n];
        _dp = new double[n];
        _dg = new double[n];
        _dl = new double[n];
        _tmp = new double[n];
        _convolved = new ConvolvedProfile(_x);
        _meanStep = (_x[^1] - _x[0]) / (n - 1);
        options.Instrument?.Validate();
        _partitionCalc = new double[n];
        _partitionNonPhase = new double[n];

        var set = new ParameterSet();
        var layout = new ParameterLayout();
        layout.AddGlobals(set);
        _zero = layout.Global(ParameterRole.Zero);
        _displacement = layout.Global(ParameterRole.Displacement);
        _bkg0 = set.Count;
        for (var k = 0; k < _chebyshevTerms; k++)
        {
            layout.Add(set, ParameterRole.Background, -1, k, $"bkg{k}", 0);
        }

        _peekBackground = new double[n];
        _peekPeaks = [];
        if (options.Peek is { } peek)
        {
            _peekScale = layout.Add(set, ParameterRole.PeekScale, -1, 0, "PEEK:scale", 1, lower: 0);
            _peekShift = layout.Add(set, ParameterRole.PeekShift, -1, 0, "PEEK:shift", 0, lower: -0.02, upper: 0.02);
            var coefficients = peek.Background.ToArray();
            for (var i = 0; i < n; i++)
            {
                _peekBackground[i] = _x[i] >= peek.RangeMin && _x[i] <= peek.RangeMax ? Chebyshev.Evaluate(coefficients, _x[i], peek.RangeMin, peek.RangeMax) : 0;
            }

            _peekPeaks = [.. peek.Peaks];
        }

        if (profiles.Count != phases.Count)
        {
            throw new ArgumentException($"{phases.Count} phases but {profiles.Count} start profiles.", nameof(profiles));
        }

        _phases = new PhaseBlock[phases.Count];
        var binTaps = options.Instrument is { Bins: not null } instrument ? new InstrumentTaps(BinKernel.Create(instrument, _x)) : null;
        for (var p = 0; p < phases.Count; p++)
        {
            _phases[p] = new PhaseBlock(p, phases[p], profiles[p], options, _x, set, layout, binTaps);
        }

        Parameters = set;
        Layout = layout;
    }

    public WholePatternOptions Options { get; }

    /// <summary>The parameters, free flags and bounds; the sequential fitter edits values and flags between fits.</summary>
    public ParameterSet Parameters { get; }

    /// <summary>Each parameter's role, phase and term (computed once; see <see cref="ParameterLayout"/>).</summary>
    public ParameterLayout Layout { get; }

    /// <summary>The fit-range grid (2θ degrees).</summary>
    public ReadOnlySpan<double> X => _x;

    public int PointCount => _x.Length;

    public int ParameterCount => Parameters.Count;

    public int PhaseCount => _phases.Length;

    public PhaseDefinition Phase(int phase) => _phases[phase].Definition;

    public int ZeroIndex => _zero;

    public int DisplacementIndex => _displacement;

    public int BackgroundIndex(int term) => _bkg0 + term;

    public int ChebyshevTerms => _chebyshevTerms;

    /// <summary>Index of PEEK:scale, or −1 without a PEEK model.</summary>
    public int PeekScaleIndex => _peekScale;

    public int PeekShiftIndex => _peekShift;

    public int ScaleIndex(int phase) => _phases[phase].Scale;

    /// <summary>Index of the phase's first independent A-term; the others follow.</summary>
    public int CellIndex(int phase) => _phases[phase].Cell;

    public int CellTermCount(int phase) => _phases[phase].CellCount;

    /// <summary>Index of the phase's TCH U; V, W, X, Y, Z follow.</summary>
    public int WidthIndex(int phase) => _phases[phase].Width;

    /// <summary>Index of the first Pawley intensity (−1 in Rietveld mode); one per peak group.</summary>
    public int IntensityIndex(int phase) => _phases[phase].Intensity;

    public IReadOnlyList<PeakGroup> PeakGroups(int phase) => _phases[phase].Groups;

    /// <summary>Whether every phase has structure intensities (atoms in its CIF) to start Pawley/Le Bail intensities from.</summary>
    public bool HasStructureIntensities => _phases.All(p => p.Groups.Any(g => g.StructureIntensity > 0));

    /// <summary>
    /// Whether at least <see cref="MinPeakFraction"/> of peak group <paramref name="group"/>'s profile (zero and
    /// displacement included, current widths) lies inside the fit range. Only then does the pattern measure its
    /// intensity: a peak centred well beyond an edge reaches in with a far tail only — for a near-Gaussian profile
    /// 0.9° out (NCA 0 0 12 at 11.9° with a 2–11° range) ~e⁻³⁵⁰ of its height — so its intensity is undetermined; a
    /// Pawley reference sent it to ~1e145, and its width derivatives (the Lorentzian part does not vanish with η)
    /// then made every per-frame normal matrix singular. The fitter neither refines nor partitions such intensities.
    /// </summary>
    public bool PeakInRange(int phase, int group, ReadOnlySpan<double> p) => PeakFractionInRange(phase, group, p) >= MinPeakFraction;

    /// <summary>
    /// Share of a peak's profile area that must lie on the fit-range grid for its intensity to count as measured
    /// (refined on a Pawley reference, partitioned by <see cref="PartitionIntensities"/>); below it the intensity is
    /// held. 0.4 ≈ centre within ~0.1 FWHM of an edge. Lower thresholds let intensities be fixed from a shoulder or a
    /// tail alone: on a simulated broad-peak (small-detector) charge with the exact model, 0.05 or 10⁻³ made the GoF
    /// creep from 1.0 to ~2 within 16 frames as those poorly measured intensities went stale, 0.4 kept it at ~1.05.
    /// </summary>
    public const double MinPeakFraction = 0.4;

    /// <summary>Fraction of the peak group's (unit-area) profile that lies on the fit-range grid.</summary>
    public double PeakFractionInRange(int phase, int group, ReadOnlySpan<double> p)
    {
        var block = _phases[phase];
        var pos = block.Position(group, p, Options.Wavelength, p[_zero], p[_displacement], out _, out _, out _);
        if (double.IsNaN(pos))
        {
            return 0;
        }

        var tch = new TchParameters(p[block.Width], p[block.Width + 1], p[block.Width + 2], p[block.Width + 3], p[block.Width + 4], p[block.Width + 5]);
        var shape = TchPseudoVoigt.Shape(tch, pos);
        var taps = block.Taps[group];
        var (start, count) = _convolved.Window(shape, taps, Options.WindowFwhm);
        if (count == 0 || !(shape.Fwhm > 0))
        {
            return 0;
        }

        var v = _tmp.AsSpan(0, count);
        v.Clear();
        _convolved.Add(start, count, v, 1, shape, taps);
        var sum = 0.0;
        for (var i = 0; i < count; i++)
        {
            sum += v[i] * Step(start + i);
        }

        return sum;
    }

    /// <summary>2θ (degrees, zero and displacement included) of each peak group for the given parameters.</summary>
    public double[] PeakPositions(int phase, ReadOnlySpan<double> p)
    {
        var block = _phases[phase];
        var result = new double[block.Groups.Length];
        for (var g = 0; g < result.Length; g++)
        {
            result[g] = block.Position(g, p, Options.Wavelength, p[_zero], p[_displacement], out _, out _, out _);
        }

        return result;
    }

    private double Step(int i) => i == 0 ? _x[1] - _x[0] : i == _x.Length - 1 ? _x[^1] - _x[^2] : 0.5 * (_x[i + 1] - _x[i - 1]);

    /// <summary>Tick marks: each phase's peak positions inside the grid, with labels.</summary>
    public IEnumerable<(string Phase, string Hkl, double TwoTheta)> Ticks(ReadOnlySpan<double> p)
    {
        var list = new List<(string, string, double)>();
        for (var k = 0; k < _phases.Length; k++)
        {
            var positions = PeakPositions(k, p);
            for (var g = 0; g < positions.Length; g++)
            {
                if (positions[g] >= _x[0] && positions[g] <= _x[^1])
                {
                    list.Add((_phases[k].Definition.Name, _phases[k].Groups[g].Label, positions[g]));
                }
            }
        }

        return list;
    }
}
