using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using OperandoXrd.Crystallography.Profiles;
using OperandoXrd.Crystallography.Scattering;

namespace OperandoXrd.Crystallography.Patterns;

/// <summary>
/// A pattern contribution supplied by another stage (the PEEK model of the cell window, an amorphous hump): it adds
/// its unscaled intensity on the grid. The calculator multiplies by the contribution's scale and, when asked for a
/// Jacobian, returns the unscaled values as the scale's column.
/// </summary>
public interface IPatternContribution
{
    /// <summary>Short name used for the Jacobian column ("PEEK").</summary>
    string Name { get; }

    /// <summary>Adds the unscaled contribution to <paramref name="y"/> (same length as the grid).</summary>
    void AddTo(PatternGrid grid, Span<double> y);
}

/// <summary>Everything a calculated pattern depends on. Mutable: a fitter edits it in place between evaluations.</summary>
public sealed class PatternModel
{
    /// <summary>The phases, in order.</summary>
    public List<PhaseModel> Phases { get; } = [];

    /// <summary>Chebyshev background coefficients (first kind) over the grid range mapped to [−1, 1].</summary>
    public double[] Background { get; set; } = [];

    /// <summary>Extra contributions (PEEK, …) with their scales.</summary>
    public List<(IPatternContribution Contribution, double Scale)> Contributions { get; } = [];

    /// <summary>Zero shift, degrees 2θ: a reflection at 2θ_k is observed at 2θ_k + zero.</summary>
    public double ZeroShift { get; set; }

    /// <summary>Half-window of each peak in FWHMs.</summary>
    public double WindowFwhm { get; set; } = TchPseudoVoigt.DefaultWindow;
}

/// <summary>
/// Column-major Jacobian ∂y_i/∂θ_c of a calculated pattern. Layout: [zero shift, Chebyshev 0..n−1, contribution
/// scales…], then per phase [scale, p_0..p_{m−1} (independent A-terms), U, V, W, X, Y, Z, and, when the phase has
/// <see cref="PhaseModel.Intensities"/>, one column per reflection intensity].
/// </summary>
public sealed class PatternJacobian
{
    private readonly double[] _data;
    private readonly int[] _phaseOffset;

    public PatternJacobian(PatternModel model, int points)
    {
        ArgumentNullException.ThrowIfNull(model);
        Points = points;
        var names = new List<string> { "zero" };
        for (var i = 0; i < model.Background.Length; i++)
        {
            names.Add($"bkg{i}");
        }

        foreach (var (c, _) in model.Contributions)
        {
            names.Add(c.Name + "_scale");
        }

        _phaseOffset = new int[model.Phases.Count];
        for (var p = 0; p < model.Phases.Count; p++)
        {
            var phase = model.Phases[p];
            _phaseOffset[p] = names.Count;
            names.Add($"{phase.Name}_scale");
            for (var j = 0; j < phase.LatticeSystem.ParameterCount; j++)
            {
                names.Add($"{phase.Name}_p{j}");
            }

            foreach (var t in Enum.GetValues<TchParameter>())
            {
                names.Add($"{phase.Name}_{t}");
            }

            if (phase.Intensities is not null)
            {
                foreach (var r in phase.Reflections)
                {
                    names.Add($"{phase.Name}_I({r.H} {r.K} {r.L})");
                }
            }
        }

        Names = names;
        _data = new double[names.Count * points];
        _touchedStart = new int[names.Count];
        _touchedEnd = new int[names.Count];
        _touchedStart.AsSpan().Fill(points);
    }

    // Per column, the index range written since the last clear: a Pawley intensity column is non-zero only inside
    // its peak's window, so clearing (and unit conversion) touch ~250 of 3000 points instead of all of them.
    private readonly int[] _touchedStart;
    private readonly int[] _touchedEnd;

    public int Points { get; }

    /// <summary>Column names in layout order.</summary>
    public IReadOnlyList<string> Names { get; }

    public int Count => Names.Count;

    /// <summary>Column c.</summary>
    public Span<double> Column(int c) => _data.AsSpan(c * Points, Points);

    /// <summary>The index range [Start, End) of column c that the last evaluation may have made non-zero.</summary>
    public (int Start, int End) NonZeroRange(int c) => _touchedStart[c] < _touchedEnd[c] ? (_touchedStart[c], _touchedEnd[c]) : (0, 0);

    /// <summary>Column c restricted to [start, start+count), recording the range as written.</summary>
    internal Span<double> Touch(int c, int start, int count)
    {
        _touchedStart[c] = Math.Min(_touchedStart[c], start);
        _touchedEnd[c] = Math.Max(_touchedEnd[c], start + count);
        return _data.AsSpan(c * Points + start, count);
    }

    /// <summary>First column of phase p (its scale); lattice parameters follow, then U…Z, then intensities.</summary>
    public int PhaseOffset(int phase) => _phaseOffset[phase];

    /// <summary>Column of a named parameter.</summary>
    public int IndexOf(string name)
    {
        for (var i = 0; i < Names.Count; i++)
        {
            if (string.Equals(Names[i], name, StringComparison.Ordinal))
            {
                return i;
            }
        }

        throw new KeyNotFoundException($"no Jacobian column '{name}'");
    }

    internal void Clear()
    {
        for (var c = 0; c < _touchedStart.Length; c++)
        {
            if (_touchedStart[c] < _touchedEnd[c])
            {
                _data.AsSpan(c * Points + _touchedStart[c], _touchedEnd[c] - _touchedStart[c]).Clear();
            }

            _touchedStart[c] = Points;
            _touchedEnd[c] = 0;
        }
    }
}

/// <summary>
/// Computes a 1D powder pattern on a fixed grid: Σ phases Σ reflections area_k · TCH(2θ − 2θ_k − zero) +
/// Chebyshev background + extra contributions, optionally with the analytic Jacobian. One instance per grid; it
/// keeps its scratch buffers, so repeated evaluations allocate nothing. Not thread-safe (one per worker).
/// </summary>
[SkipLocalsInit]
public sealed class PatternCalculator
{
    private const double RadToDeg = 180.0 / Math.PI;
    private static readonly TchParameter[] TchParameterValues = Enum.GetValues<TchParameter>();
    private readonly PatternGrid _grid;
    private readonly double[] _value;
    private readonly double[] _dPos;
    private readonly double[] _dG;
    private readonly double[] _dL;
    private readonly double[] _chebT;

    public PatternCalculator(PatternGrid grid)
    {
        ArgumentNullException.ThrowIfNull(grid);
        _grid = grid;
        _value = new double[grid.Length];
        _dPos = new double[grid.Length];
        _dG = new double[grid.Length];
        _dL = new double[grid.Length];
        _chebT = new double[grid.Length];
    }

    public PatternGrid Grid => _grid;

    /// <summary>y = model (y is overwritten).</summary>
    public void Calculate(PatternModel model, Span<double> y) => Calculate(model, y, null);

    /// <summary>y = model, and the Jacobian when <paramref name="jacobian"/> is not null (built for the same model).</summary>
    public void Calculate(PatternModel model, Span<double> y, PatternJacobian? jacobian)
    {
        ArgumentNullException.ThrowIfNull(model);
        var n = _grid.Length;
        if (y.Length != n)
        {
            throw new ArgumentException($"y has {y.Length} points, the grid {n}", nameof(y));
        }

        y.Clear();
        jacobian?.Clear();
        var twoTheta = _grid.TwoTheta;
        // Profiles live in 2θ; for a q grid, evaluate per degree into y and convert at the end (the background and
        // contributions are added afterwards, in the grid's own unit).
        for (var p = 0; p < model.Phases.Count; p++)
        {
            AddPhase(model, p, twoTheta, y, jacobian);
        }

        var density = _grid.TwoThetaPerRadial;
        if (!density.IsEmpty)
        {
            for (var i = 0; i < n; i++)
            {
                y[i] *= density[i];
            }

            if (jacobian is not null)
            {
                for (var c = 0; c < jacobian.Count; c++)
                {
                    var (start, end) = jacobian.NonZeroRange(c);
                    var col = jacobian.Column(c);
                    for (var i = start; i < end; i++)
                    {
                        col[i] *= density[i];
                    }
                }
            }
        }

        AddBackground(model, y, jacobian);
        var offset = 1 + model.Background.Length;
        for (var c = 0; c < model.Contributions.Count; c++)
        {
            var (contribution, scale) = model.Contributions[c];
            var tmp = _value.AsSpan(0, n);
            tmp.Clear();
            contribution.AddTo(_grid, tmp);
            for (var i = 0; i < n; i++)
            {
                y[i] += scale * tmp[i];
            }

            if (jacobian is not null)
            {
                tmp.CopyTo(jacobian.Touch(offset + c, 0, n));
            }
        }
    }

    private void AddPhase(PatternModel model, int phaseIndex, ReadOnlySpan<double> twoTheta, Span<double> y, PatternJacobian? jac)
    {
        var phase = model.Phases[phaseIndex];
        var lambda = _grid.Wavelength;
        var np = phase.LatticeSystem.ParameterCount;
        var structure = phase.StructureIntensities;
        var pawley = phase.Intensities;
        if (pawley is not null && pawley.Length != phase.Reflections.Count)
        {
            throw new InvalidOperationException($"phase {phase.Name}: {pawley.Length} intensities for {phase.Reflections.Count} reflections");
        }

        var first = jac?.PhaseOffset(phaseIndex) ?? 0;
        double lo = twoTheta[0], hi = twoTheta[^1];
        Span<double> dPosdP = stackalloc double[6];
        for (var k = 0; k < phase.Reflections.Count; k++)
        {
            var s = phase.InverseDSquared(k);
            var sinTheta = lambda * Math.Sqrt(s) / 2;
            if (!(s > 0) || sinTheta >= 1)
            {
                continue;
            }

            var theta = Math.Asin(sinTheta);
            var pos = 2 * theta * RadToDeg + model.ZeroShift;
            var shape = TchPseudoVoigt.Shape(phase.Profile, pos);
            var half = model.WindowFwhm * shape.Fwhm;
            if (pos + half < lo || pos - half > hi)
            {
                continue;
            }

            // Peak area before scale, and d(area)/d(2θ) when it carries Lorentz-polarization.
            double intensity, dIntensityDPos = 0;
            if (pawley is not null)
            {
                intensity = pawley[k];
            }
            else
            {
                var lp = LorentzPolarization.Factor(pos - model.ZeroShift, phase.Polarization);
                intensity = structure[k] * lp;
                if (jac is not null)
                {
                    const double step = 1e-4;
                    var lpPlus = LorentzPolarization.Factor(pos - model.ZeroShift + step, phase.Polarization);
                    var lpMinus = LorentzPolarization.Factor(pos - model.ZeroShift - step, phase.Polarization);
                    dIntensityDPos = structure[k] * (lpPlus - lpMinus) / (2 * step);
                }
            }

            var area = phase.Scale * intensity;
            if (area == 0 && jac is null)
            {
                continue;
            }

            var (start, count) = TchPseudoVoigt.Window(twoTheta, shape, model.WindowFwhm);
            if (count == 0)
            {
                continue;
            }

            var x = twoTheta.Slice(start, count);
            if (jac is null)
            {
                TchPseudoVoigt.Add(x, y.Slice(start, count), area, shape, double.PositiveInfinity);
                continue;
            }

            var v = _value.AsSpan(0, count);
            var dp = _dPos.AsSpan(0, count);
            var dg = _dG.AsSpan(0, count);
            var dl = _dL.AsSpan(0, count);
            TchPseudoVoigt.Evaluate(x, shape, v, dp, dg, dl);
            TensorPrimitives.MultiplyAdd(v, area, y.Slice(start, count), y.Slice(start, count));

            // d(2θ_k)/dp_j = (360/π)·dθ/ds·c_kj with θ = asin(λ√s/2): dθ/ds = λ/(4√s cosθ).
            var dPosdS = 2 * RadToDeg * lambda / (4 * Math.Sqrt(s) * Math.Cos(theta));
            var c = phase.Coefficients(k);
            for (var j = 0; j < np; j++)
            {
                dPosdP[j] = dPosdS * c[j];
            }

            // The zero shift moves the profile only; a cell change also moves the Lorentz-polarization factor
            // that sits in the area: area·dP/dpos + scale·dI/d2θ·P.
            var dAreadPos = phase.Scale * dIntensityDPos;
            AddScaled(jac.Touch(0, start, count), dp, area, default, 0);
            AddScaled(jac.Touch(first, start, count), v, intensity, default, 0);
            for (var j = 0; j < np; j++)
            {
                AddScaled(jac.Touch(first + 1 + j, start, count), dp, area * dPosdP[j], v, dAreadPos * dPosdP[j]);
            }

            var widthCol = first + 1 + np;
            foreach (var t in TchParameterValues)
            {
                var g = shape.DHG(t);
                var l = shape.DHL(t);
                var col = jac.Touch(widthCol + (int)t, start, count);
                if (g != 0)
                {
                    AddScaled(col, dg, area * g, default, 0);
                }

                if (l != 0)
                {
                    AddScaled(col, dl, area * l, default, 0);
                }
            }

            if (pawley is not null)
            {
                AddScaled(jac.Touch(widthCol + 6 + k, start, count), v, phase.Scale, default, 0);
            }
        }
    }

    // col += a·x + b·z (z may be empty when b = 0) with TensorPrimitives' multiply-add (a·x rounded, then the sum):
    // two passes give (col + a·x) + b·z, the same roundings as the single expression our own kernel used.
    private static void AddScaled(Span<double> col, ReadOnlySpan<double> x, double a, ReadOnlySpan<double> z, double b)
    {
        TensorPrimitives.MultiplyAdd(x[..col.Length], a, col, col);
        if (b != 0 && !z.IsEmpty)
        {
            TensorPrimitives.MultiplyAdd(z[..col.Length], b, col, col);
        }
    }

    private void AddBackground(PatternModel model, Span<double> y, PatternJacobian? jac)
    {
        var coefficients = model.Background;
        if (coefficients.Length == 0)
        {
            return;
        }

        var r = _grid.Radial;
        var n = r.Length;
        double lo = r[0], hi = r[^1];
        var tPrev = _dG.AsSpan(0, n);
        var tCur = _dL.AsSpan(0, n);
        var t = _chebT.AsSpan(0, n);
        for (var i = 0; i < n; i++)
        {
            t[i] = (2 * r[i] - lo - hi) / (hi - lo);
            tPrev[i] = 1;
            tCur[i] = t[i];
        }

        for (var m = 0; m < coefficients.Length; m++)
        {
            Span<double> tm;
            if (m == 0)
            {
                tm = tPrev;
            }
            else if (m == 1)
            {
                tm = tCur;
            }
            else
            {
                // T_m = 2t·T_{m−1} − T_{m−2}, rolling the two buffers.
                for (var i = 0; i < n; i++)
                {
                    var next = 2 * t[i] * tCur[i] - tPrev[i];
                    tPrev[i] = tCur[i];
                    tCur[i] = next;
                }

                tm = tCur;
            }

            var a = coefficients[m];
            for (var i = 0; i < n; i++)
            {
                y[i] += a * tm[i];
            }

            if (jac is not null)
            {
                tm.CopyTo(jac.Touch(1 + m, 0, n));
            }
        }
    }
}
