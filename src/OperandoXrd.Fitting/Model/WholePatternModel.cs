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
    public InstrumentProfile? Instrument { get; init; }
}

/// <summary>
/// The calculated pattern of a frame on the fit-range grid: Chebyshev background + PEEK model (scale, shift) + for
/// each phase Σ_k scale·I_k·L(2θ_k)·[TCH ⊗ instrument](2θ − pos_k) with pos_k = atan((1 − displacement)·tan2θ_k(p)) +
/// zero (L the powder Lorentz factor 1/(sin²θ cosθ); I_k = m|F|² in Rietveld mode, a parameter in Pawley/Le Bail; the
/// instrument kernel as quadrature nodes, <see cref="InstrumentKernel"/>), with the analytic Jacobian of every
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
public sealed class WholePatternModel : ILeastSquaresModel
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
        _partitionCalc = new double[n];
        _partitionNonPhase = new double[n];
        _convolved = new ConvolvedProfile(_x);
        _meanStep = (max - min) / (n - 1);
        options.Instrument?.Validate();

        var set = new ParameterSet();
        _zero = set.Add("zero", 0, lower: -0.05, upper: 0.05);
        _displacement = set.Add("displacement", 0, lower: -0.05, upper: 0.05);
        _bkg0 = set.Count;
        for (var k = 0; k < _chebyshevTerms; k++)
        {
            set.Add($"bkg{k}", 0);
        }

        _peekBackground = new double[n];
        _peekPeaks = [];
        if (options.Peek is { } peek)
        {
            _peekScale = set.Add("PEEK:scale", 1, lower: 0);
            _peekShift = set.Add("PEEK:shift", 0, lower: -0.02, upper: 0.02);
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
        for (var p = 0; p < phases.Count; p++)
        {
            _phases[p] = new PhaseBlock(phases[p], profiles[p], options, _x, set);
        }

        Parameters = set;
    }

    public WholePatternOptions Options { get; }

    /// <summary>The parameters, free flags and bounds; the sequential fitter edits values and flags between fits.</summary>
    public ParameterSet Parameters { get; }

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

    public void Evaluate(ReadOnlySpan<double> p, Span<double> values, Jacobian? jacobian)
    {
        var n = _x.Length;
        values[..n].Clear();
        AddBackground(p, values, jacobian);
        AddPeek(p, values, jacobian);
        foreach (var phase in _phases)
        {
            AddPhase(phase, p, values, jacobian);
        }
    }

    /// <summary>Background + PEEK only (what Le Bail partitioning subtracts).</summary>
    public void EvaluateNonPhase(ReadOnlySpan<double> p, Span<double> values)
    {
        values[.._x.Length].Clear();
        AddBackground(p, values, null);
        AddPeek(p, values, null);
    }

    /// <summary>One phase's contribution alone (for plots and per-phase diagnostics).</summary>
    public void EvaluatePhase(int phase, ReadOnlySpan<double> p, Span<double> values)
    {
        values[.._x.Length].Clear();
        AddPhase(_phases[phase], p, values, null);
    }

    private void AddBackground(ReadOnlySpan<double> p, Span<double> values, Jacobian? jacobian)
    {
        var n = _x.Length;
        for (var k = 0; k < _chebyshevTerms; k++)
        {
            var row = _chebyshev.AsSpan(k * n, n);
            SpanMath.AddScaled(values, row, p[_bkg0 + k]);
            if (jacobian is not null && jacobian.IsActive(_bkg0 + k))
            {
                row.CopyTo(jacobian.Column(_bkg0 + k));
                jacobian.Touch(_bkg0 + k, 0, n);
            }
        }
    }

    private void AddPeek(ReadOnlySpan<double> p, Span<double> values, Jacobian? jacobian)
    {
        if (_peekScale < 0)
        {
            return;
        }

        var n = _x.Length;
        double scale = p[_peekScale], shift = p[_peekShift];
        SpanMath.AddScaled(values, _peekBackground, scale);
        var scaleActive = jacobian is not null && jacobian.IsActive(_peekScale);
        var shiftActive = jacobian is not null && jacobian.IsActive(_peekShift);
        if (scaleActive)
        {
            _peekBackground.CopyTo(jacobian!.Column(_peekScale));
            jacobian.Touch(_peekScale, 0, n);
        }

        foreach (var peak in _peekPeaks)
        {
            var shape = PeekModel.ShapeOf(peak, peak.Position + shift);
            var (start, count) = TchPseudoVoigt.Window(_x, shape, Options.WindowFwhm);
            if (count == 0)
            {
                continue;
            }

            var xs = _x.AsSpan(start, count);
            if (!scaleActive && !shiftActive)
            {
                TchPseudoVoigt.Add(xs, values.Slice(start, count), scale * peak.Area, shape, double.PositiveInfinity);
                continue;
            }

            TchPseudoVoigt.Evaluate(xs, shape, _v, _dp, _dg, _dl);
            var v = _v.AsSpan(0, count);
            SpanMath.AddScaled(values.Slice(start, count), v, scale * peak.Area);
            if (scaleActive)
            {
                SpanMath.AddScaled(jacobian!.Column(_peekScale).Slice(start, count), v, peak.Area);
            }

            if (shiftActive)
            {
                // The peak's own widths are fixed numbers: remove the part of dP/d2θ0 that comes from the TCH
                // widths varying with θ0 (ShapeOf re-derives W and Y so that H_G and H_L stay constant).
                var col = jacobian!.Column(_peekShift).Slice(start, count);
                var a = scale * peak.Area;
                SpanMath.AddScaled(col, _dp.AsSpan(0, count), a);
                SpanMath.AddScaled2(col, _dg.AsSpan(0, count), -a * shape.DGaussianDPosition, _dl.AsSpan(0, count), -a * shape.DLorentzianDPosition);
                jacobian.Touch(_peekShift, start, start + count);
            }
        }
    }

    private void AddPhase(PhaseBlock phase, ReadOnlySpan<double> p, Span<double> values, Jacobian? jacobian)
    {
        var lambda = Options.Wavelength;
        double zero = p[_zero], displacement = p[_displacement];
        var scale = p[phase.Scale];
        var tch = new TchParameters(p[phase.Width], p[phase.Width + 1], p[phase.Width + 2], p[phase.Width + 3], p[phase.Width + 4], p[phase.Width + 5]);
        double lo = _x[0], hi = _x[^1];
        var np = phase.CellCount;
        var jac = jacobian;
        var zeroActive = jac is not null && jac.IsActive(_zero);
        var displacementActive = jac is not null && jac.IsActive(_displacement);
        var scaleActive = jac is not null && jac.IsActive(phase.Scale);
        Span<bool> cellActive = stackalloc bool[6];
        Span<bool> widthActive = stackalloc bool[6];
        var anyCell = false;
        var anyWidth = false;
        for (var j = 0; j < np; j++)
        {
            cellActive[j] = jac is not null && jac.IsActive(phase.Cell + j);
            anyCell |= cellActive[j];
        }

        for (var t = 0; t < 6; t++)
        {
            widthActive[t] = jac is not null && jac.IsActive(phase.Width + t);
            anyWidth |= widthActive[t];
        }

        var rietveld = phase.Intensity < 0;
        for (var g = 0; g < phase.Groups.Length; g++)
        {
            var pos = phase.Position(g, p, lambda, zero, displacement, out var twoTheta, out var dPosDs, out var dPosDDisplacement);
            if (double.IsNaN(pos))
            {
                continue;
            }

            var shape = TchPseudoVoigt.Shape(tch, pos);
            var taps = phase.Taps[g];
            var half = (Options.WindowFwhm * shape.Fwhm) + (Math.Max(taps.Max, -taps.Min) * _meanStep);
            if (pos + half < lo || pos - half > hi || !(shape.Fwhm > 0))
            {
                continue;
            }

            // Both modes carry the powder Lorentz factor in the area: Pawley intensities are then structure-like
            // (m|F|² up to a constant) and stay valid while a peak moves, instead of drifting by ~2 % per 1 % shift.
            // L = 1/(sin²θ cosθ): dL/dθ = L(tanθ − 2cotθ), and θ moves with s = 1/d² through dθ/ds.
            var lorentz = LorentzPolarization.Lorentz(twoTheta);
            var baseIntensity = rietveld ? phase.Groups[g].StructureIntensity : p[phase.Intensity + g];
            var intensity = baseIntensity * lorentz;
            var thetaRad = twoTheta * Deg / 2;
            var dThetaDs = lambda / (4 * Math.Sqrt(phase.InverseDSquared(g, p)) * Math.Cos(thetaRad));
            var dIntensityDs = intensity * (Math.Tan(thetaRad) - 2 / Math.Tan(thetaRad)) * dThetaDs;
            var area = scale * intensity;
            var (start, count) = _convolved.Window(shape, taps, Options.WindowFwhm);
            if (count == 0)
            {
                continue;
            }

            var intensityActive = !rietveld && jac is not null && jac.IsActive(phase.Intensity + g);
            if (jac is null || !(zeroActive || displacementActive || scaleActive || anyCell || anyWidth || intensityActive))
            {
                if (area != 0)
                {
                    _convolved.Add(start, count, values.Slice(start, count), area, shape, taps);
                }

                continue;
            }

            _convolved.Evaluate(start, count, shape, taps, _v, _dp, _dg, _dl, anyWidth);
            var v = _v.AsSpan(0, count);
            var dp = _dp.AsSpan(0, count);
            var end = start + count;
            SpanMath.AddScaled(values.Slice(start, count), v, area);
            if (zeroActive)
            {
                SpanMath.AddScaled(jac!.Column(_zero).Slice(start, count), dp, area);
                jac.Touch(_zero, start, end);
            }

            if (displacementActive)
            {
                SpanMath.AddScaled(jac!.Column(_displacement).Slice(start, count), dp, area * dPosDDisplacement);
                jac.Touch(_displacement, start, end);
            }

            if (scaleActive)
            {
                SpanMath.AddScaled(jac!.Column(phase.Scale).Slice(start, count), v, intensity);
                jac.Touch(phase.Scale, start, end);
            }

            if (intensityActive)
            {
                SpanMath.AddScaled(jac!.Column(phase.Intensity + g).Slice(start, count), v, scale * lorentz);
                jac.Touch(phase.Intensity + g, start, end);
            }

            if (anyCell)
            {
                var c = phase.Groups[g].Coefficients;
                for (var j = 0; j < np; j++)
                {
                    if (!cellActive[j] || c[j] == 0)
                    {
                        continue;
                    }

                    // ∂/∂p_j = c_j ∂/∂s: the profile moves (area·dP/dpos·dpos/ds) and, in Rietveld, the Lorentz
                    // factor inside the area changes (scale·dI/ds·P).
                    var col = jac!.Column(phase.Cell + j).Slice(start, count);
                    if (dIntensityDs != 0)
                    {
                        SpanMath.AddScaled2(col, dp, area * dPosDs * c[j], v, scale * dIntensityDs * c[j]);
                    }
                    else
                    {
                        SpanMath.AddScaled(col, dp, area * dPosDs * c[j]);
                    }

                    jac.Touch(phase.Cell + j, start, end);
                }
            }

            if (anyWidth)
            {
                var dg = _dg.AsSpan(0, count);
                var dl = _dl.AsSpan(0, count);
                for (var t = 0; t < 6; t++)
                {
                    if (!widthActive[t])
                    {
                        continue;
                    }

                    var which = (TchParameter)t;
                    var col = jac!.Column(phase.Width + t).Slice(start, count);
                    SpanMath.AddScaled2(col, dg, area * shape.DHG(which), dl, area * shape.DHL(which));
                    jac.Touch(phase.Width + t, start, end);
                }
            }
        }
    }

    /// <summary>
    /// Le Bail partition: each peak group's intensity becomes its share of the observed counts above background,
    /// I_k ← Σ_i Δx_i (y_i − b_i) · scale·I_k·L_k·P_ik / (y_calc,i − b_i) / (scale · L_k · Σ_i Δx_i P_ik), with
    /// b = background + PEEK and L_k the Lorentz factor. Points of zero weight (<paramref name="weight"/> = 0) do not vote. Pawley/Le Bail mode only.
    /// </summary>
    /// <remarks>
    /// Only groups centred inside the fit range (<see cref="PeakInRange"/>) are partitioned; the others keep their
    /// value. A share is proportional to the current intensity, so a zero would stay zero for ever — a reflection that
    /// enters the range during the run (held at zero until then) or one the reference found empty could never come
    /// back. Such intensities are first raised to a seed of <see cref="PartitionSeed"/> × the phase's largest
    /// intensity: next to a strong overlapping peak the seed keeps a negligible share, alone it takes what is there.
    /// </remarks>
    public void PartitionIntensities(Span<double> p, ReadOnlySpan<double> y, ReadOnlySpan<double> weight)
    {
        var n = _x.Length;
        var calc = _partitionCalc;
        var nonPhase = _partitionNonPhase;
        for (var k = 0; k < _phases.Length; k++)
        {
            var phase = _phases[k];
            if (phase.Intensity < 0)
            {
                continue;
            }

            var largest = 0.0;
            for (var g = 0; g < phase.Groups.Length; g++)
            {
                largest = Math.Max(largest, p[phase.Intensity + g]);
            }

            var seed = PartitionSeed * largest;
            for (var g = 0; g < phase.Groups.Length; g++)
            {
                if (p[phase.Intensity + g] < seed && PeakInRange(k, g, p))
                {
                    p[phase.Intensity + g] = seed;
                }
            }
        }

        Evaluate(p, calc, null);
        EvaluateNonPhase(p, nonPhase);
        var lambda = Options.Wavelength;
        double lo = _x[0], hi = _x[^1];
        foreach (var phase in _phases)
        {
            if (phase.Intensity < 0)
            {
                continue;
            }

            var scale = p[phase.Scale];
            if (!(scale > 0))
            {
                continue;
            }

            var tch = new TchParameters(p[phase.Width], p[phase.Width + 1], p[phase.Width + 2], p[phase.Width + 3], p[phase.Width + 4], p[phase.Width + 5]);
            for (var g = 0; g < phase.Groups.Length; g++)
            {
                var pos = phase.Position(g, p, lambda, p[_zero], p[_displacement], out var twoTheta, out _, out _);
                if (double.IsNaN(pos))
                {
                    continue;
                }

                var lorentz = LorentzPolarization.Lorentz(twoTheta);
                var shape = TchPseudoVoigt.Shape(tch, pos);
                var taps = phase.Taps[g];
                var (start, count) = _convolved.Window(shape, taps, Options.WindowFwhm);
                if (count == 0)
                {
                    continue;
                }

                var v = _tmp.AsSpan(0, count);
                v.Clear();
                _convolved.Add(start, count, v, 1, shape, taps);
                var current = p[phase.Intensity + g];
                double observed = 0, norm = 0;
                for (var i = 0; i < count; i++)
                {
                    var k = start + i;
                    var dx = Step(k);
                    norm += v[i] * dx;
                    var phaseCalc = calc[k] - nonPhase[k];
                    if (weight[k] <= 0 || !(phaseCalc > 0))
                    {
                        continue;
                    }

                    observed += dx * (y[k] - nonPhase[k]) * scale * current * lorentz * v[i] / phaseCalc;
                }

                if (norm >= MinPeakFraction && current > 0)
                {
                    p[phase.Intensity + g] = Math.Max(observed / (scale * lorentz * norm), 0);
                }
            }
        }
    }

    /// <summary>Seed of a zero intensity before a partition, relative to the phase's largest (see <see cref="PartitionIntensities"/>).</summary>
    public const double PartitionSeed = 1e-4;

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

    /// <summary>One phase's slice of the parameter vector and its peak groups.</summary>
    private sealed class PhaseBlock
    {
        public PhaseBlock(PhaseDefinition definition, TchParameters profile, WholePatternOptions options, double[] grid, ParameterSet set)
        {
            double min = grid[0], max = grid[^1];
            Definition = definition;
            var rietveld = options.Mode == FitMode.Rietveld;
            // Reflections up to 1° beyond the range: their 15-FWHM windows (~0.4°) reach in, and a cell that shrinks
            // by a few % during the run brings more in; the hkl list is fixed for the run.
            // Structure intensities always (when the CIF has atoms): Rietveld uses them, Pawley and Le Bail start from them.
            Groups = definition.PeakGroups(options.Wavelength, Math.Max(min - 1.0, 0.05), max + 1.0, withStructureFactors: true);
            var inside = Groups.Count(g => Bragg2Theta(g, definition, options.Wavelength) is var t && t >= min && t <= max);
            if (inside == 0)
            {
                throw new FitConfigurationException(
                    string.Create(CultureInfo.InvariantCulture, $"phase '{definition.Name}': none of its reflections falls inside the fit range {min:0.###}–{max:0.###}° 2θ at λ = {options.Wavelength:0.######} Å."));
            }

            if (rietveld && Groups.All(g => g.StructureIntensity == 0))
            {
                throw new FitConfigurationException($"phase '{definition.Name}': Rietveld mode needs atoms in the CIF, which has none.");
            }

            // The instrument kernel of each reflection at its start position: the footprint and parallax change by
            // far less than a node's accuracy over the few tenths of a degree a peak moves in a run.
            Taps = new InstrumentTaps[Groups.Length];
            for (var g = 0; g < Groups.Length; g++)
            {
                var t = Bragg2Theta(Groups[g], definition, options.Wavelength);
                Taps[g] = double.IsNaN(t) ? InstrumentTaps.Identity : InstrumentKernel.Taps(options.Instrument, t, LocalStep(grid, t));
            }

            var name = definition.Name;
            Scale = set.Add($"{name}:scale", 1, lower: 0);
            var system = definition.LatticeSystem;
            CellCount = system.ParameterCount;
            Span<double> pCell = stackalloc double[6];
            system.Reduce(definition.Phase.Cell.ToA(), pCell);
            var largest = 0.0;
            for (var j = 0; j < CellCount; j++)
            {
                largest = Math.Max(largest, Math.Abs(pCell[j]));
            }

            Cell = set.Count;
            for (var j = 0; j < CellCount; j++)
            {
                // ±8 % on an A-term is ±4 % on a length: far beyond any operando change, near enough to stop a
                // runaway fit before the reflection list stops making sense.
                var span = 0.08 * Math.Max(Math.Abs(pCell[j]), 0.1 * largest);
                set.Add($"{name}:{ATermName(system, j)}", pCell[j], lower: pCell[j] - span, upper: pCell[j] + span);
            }

            // U (strain, ∝ ε²), W, X, Y, Z are non-negative physically; only V may go negative. Without the floor
            // U and X trade off freely at our small tanθ (≤ 0.1) and can drive H_G² below zero at high angle.
            Width = set.Add($"{name}:U", profile.U, lower: 0);
            set.Add($"{name}:V", profile.V);
            set.Add($"{name}:W", profile.W, lower: 0);
            set.Add($"{name}:X", profile.X, lower: 0);
            set.Add($"{name}:Y", profile.Y, lower: 0);
            set.Add($"{name}:Z", profile.Z, lower: 0);
            Intensity = -1;
            if (!rietveld)
            {
                Intensity = set.Count;
                foreach (var g in Groups)
                {
                    set.Add($"{name}:I({g.Label})", g.StructureIntensity > 0 ? g.StructureIntensity : g.Multiplicity, lower: 0);
                }
            }
        }

        public PhaseDefinition Definition { get; }

        public PeakGroup[] Groups { get; }

        /// <summary>Instrument-function taps of each peak group.</summary>
        public InstrumentTaps[] Taps { get; }

        public int Scale { get; }

        public int Cell { get; }

        public int CellCount { get; }

        public int Width { get; }

        public int Intensity { get; }

        public double InverseDSquared(int g, ReadOnlySpan<double> p)
        {
            var c = Groups[g].Coefficients;
            var s = 0.0;
            for (var j = 0; j < c.Length; j++)
            {
                s += c[j] * p[Cell + j];
            }

            return s;
        }

        /// <summary>Observed position of group g; NaN if unreachable. Also 2θ_calc, d(pos)/d(1/d²) and d(pos)/d(displacement).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public double Position(int g, ReadOnlySpan<double> p, double lambda, double zero, double displacement, out double twoTheta, out double dPosDs, out double dPosDDisplacement)
        {
            var s = InverseDSquared(g, p);
            var sinTheta = lambda * Math.Sqrt(s) / 2;
            if (!(s > 0) || sinTheta >= 1)
            {
                twoTheta = dPosDs = dPosDDisplacement = double.NaN;
                return double.NaN;
            }

            var theta = Math.Asin(sinTheta);
            twoTheta = 2 * theta / Deg;
            // A flat detector normal to the beam, the sample moved s = δ·D towards it: a ray at 2θ lands at radius
            // (D − s)·tan2θ, which the calibrated geometry reads as atan((1 − δ)·tan2θ) (docs/instrument-profile.md).
            var tan2t = Math.Tan(2 * theta);
            var q = (1 - displacement) * tan2t;
            var denominator = 1 + (q * q);
            // d2θ/ds = 2·(180/π)·λ/(4√s cosθ); dpos/d2θ = (1 − δ)·sec²2θ/(1 + q²); dpos/dδ = −tan2θ/(1 + q²) (rad → deg).
            var d2tDs = 2 / Deg * lambda / (4 * Math.Sqrt(s) * Math.Cos(theta));
            dPosDs = d2tDs * (1 - displacement) * (1 + (tan2t * tan2t)) / denominator;
            dPosDDisplacement = -tan2t / denominator / Deg;
            return (displacement == 0 ? twoTheta : Math.Atan(q) / Deg) + zero;
        }

        // The grid's step at 2θ (the integration bin width there), the edge steps beyond the grid.
        private static double LocalStep(double[] grid, double twoTheta)
        {
            var i = Array.BinarySearch(grid, twoTheta);
            i = Math.Clamp(i < 0 ? ~i : i, 1, grid.Length - 1);
            return grid[i] - grid[i - 1];
        }

        private static double Bragg2Theta(PeakGroup g, PhaseDefinition definition, double lambda)
        {
            Span<double> p = stackalloc double[6];
            definition.LatticeSystem.Reduce(definition.Phase.Cell.ToA(), p);
            var s = 0.0;
            for (var j = 0; j < g.Coefficients.Length; j++)
            {
                s += g.Coefficients[j] * p[j];
            }

            var sinTheta = lambda * Math.Sqrt(s) / 2;
            return s > 0 && sinTheta < 1 ? 2 * Math.Asin(sinTheta) / Deg : double.NaN;
        }

        // The name of the first A-term carried by independent parameter j (A0..A5 in GSAS-II's numbering).
        private static string ATermName(Crystallography.Symmetry.LatticeSystem system, int j)
        {
            for (var i = 0; i < 6; i++)
            {
                if (system.ConstraintMatrix(i, j) != 0)
                {
                    return "A" + i.ToString(CultureInfo.InvariantCulture);
                }
            }

            return "p" + j.ToString(CultureInfo.InvariantCulture);
        }
    }
}
