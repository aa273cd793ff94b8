using System.Runtime.CompilerServices;
using OperandoXrd.Fitting.Parameters;

namespace OperandoXrd.Fitting.Optimization;

/// <summary>Stopping rules and damping for <see cref="LevenbergMarquardt"/>.</summary>
public sealed record LevenbergMarquardtOptions
{
    /// <summary>Give up after this many model evaluations.</summary>
    public int MaxIterations { get; init; } = 100;

    /// <summary>Converged when an accepted step lowers χ² by less than this fraction of χ² ...</summary>
    public double RelativeChiSquaredTolerance { get; init; } = 1e-7;

    /// <summary>
    /// ... or by less than this absolute amount: Δχ² = 1 is one standard deviation of one parameter, so improvements
    /// of 10⁻³ move nothing that matters and only cost per-frame time.
    /// </summary>
    public double AbsoluteChiSquaredTolerance { get; init; } = 1e-3;

    /// <summary>Initial damping λ relative to the (scaled) normal-matrix diagonal.</summary>
    public double InitialLambda { get; init; } = 1e-3;
}

/// <summary>
/// Levenberg–Marquardt for weighted least squares with an analytic Jacobian and box bounds.
/// </summary>
/// <remarks>
/// Our own dense solver rather than MathNet's: the normal matrix is small (tens of parameters per frame, a few
/// hundred on a Pawley reference fit) while the Jacobian columns are mostly zero, so building JᵀWJ from column
/// overlaps and a row-major Cholesky on reused buffers beats forming a dense MathNet Matrix each iteration (which
/// allocates and multiplies the zeros). Damping is Marquardt's — λ on the diagonal of the normal matrix scaled to
/// unit diagonal — with Nielsen's λ update; bounds are enforced by projecting each step onto the box.
/// One instance is reused for many fits of the same size: buffers grow on demand and are never freed, so a
/// per-frame fit allocates only its result.
/// </remarks>
[SkipLocalsInit]
public sealed class LevenbergMarquardt
{
    private readonly LevenbergMarquardtOptions _options;
    private Jacobian? _jacobian;
    private double[] _f = [], _fTrial = [], _r = [], _sqrtW = [];
    private int _lastM, _lastN;
    private double[] _normal = [], _factor = [], _gradient = [], _scale = [], _step = [], _trial = [], _current = [], _work = [];
    private int[] _freeIndex = [];
    private bool[] _pinned = [];

    public LevenbergMarquardt(LevenbergMarquardtOptions? options = null) => _options = options ?? new LevenbergMarquardtOptions();

    public LevenbergMarquardtOptions Options => _options;

    /// <summary>The parameters where the last <see cref="Fit"/> ended (valid until the next fit).</summary>
    internal ReadOnlySpan<double> LastValues => _current.AsSpan(0, _lastN);

    /// <summary>The model at <see cref="LastValues"/>, as the optimizer evaluated it there (valid until the next fit).</summary>
    internal ReadOnlySpan<double> LastModel => _f.AsSpan(0, _lastM);

    /// <summary>
    /// Fits <paramref name="model"/> to <paramref name="y"/> with weights 1/σ². Points whose σ is not a positive
    /// finite number, or whose y is not finite, get weight zero (detector gaps, excluded regions).
    /// The parameter set is updated with the fitted values.
    /// </summary>
    public LeastSquaresResult Fit(ILeastSquaresModel model, ReadOnlySpan<double> y, ReadOnlySpan<double> sigma, ParameterSet parameters)
    {
        var m = model.PointCount;
        var n = model.ParameterCount;
        if (y.Length != m || sigma.Length != m)
        {
            throw new ArgumentException($"The model has {m} points but y has {y.Length} and σ {sigma.Length}.");
        }

        if (parameters.Count != n)
        {
            throw new ArgumentException($"The model has {n} parameters but the parameter set has {parameters.Count}.");
        }

        Ensure(m, n);
        _lastM = m;
        _lastN = n;
        var jac = _jacobian!;
        var points = 0;
        var sumWy2 = 0.0;
        for (var i = 0; i < m; i++)
        {
            var s = sigma[i];
            var ok = s > 0 && double.IsFinite(s) && double.IsFinite(y[i]);
            _sqrtW[i] = ok ? 1 / s : 0;
            if (ok)
            {
                points++;
                sumWy2 += y[i] * y[i] / (s * s);
            }
        }

        var nf = 0;
        for (var j = 0; j < n; j++)
        {
            var free = parameters.IsFree(j);
            jac.SetActive(j, free);
            if (free)
            {
                _freeIndex[nf++] = j;
            }
        }

        var p = _current.AsSpan(0, n);
        var lower = parameters.Lower;
        var upper = parameters.Upper;
        parameters.Values.CopyTo(p);
        for (var j = 0; j < n; j++)
        {
            p[j] = Math.Clamp(p[j], lower[j], upper[j]);
        }

        var iterations = 0;
        var converged = false;
        var message = "";
        jac.Clear();
        model.Evaluate(p, _f.AsSpan(0, m), jac);
        var chi2 = Residuals(y, _f, m);
        if (!double.IsFinite(chi2))
        {
            return Finish(parameters, p, n, nf, points, sumWy2, double.NaN, 0, false, "model is not finite at the start values", false);
        }

        if (nf == 0)
        {
            return Finish(parameters, p, n, 0, points, sumWy2, chi2, 0, true, "", false);
        }

        BuildNormal(m, nf);
        var lambda = _options.InitialLambda;
        var nu = 2.0;
        while (true)
        {
            if (iterations >= _options.MaxIterations)
            {
                message = $"iteration limit {_options.MaxIterations} reached";
                break;
            }

            if (!SolveDamped(nf, lambda, p, lower, upper))
            {
                lambda = Math.Max(lambda * 10, 1e-6);
                if (lambda > 1e20)
                {
                    message = "normal matrix is singular";
                    break;
                }

                continue;
            }

            var trial = _trial.AsSpan(0, n);
            p.CopyTo(trial);
            for (var k = 0; k < nf; k++)
            {
                var j = _freeIndex[k];
                trial[j] = Math.Clamp(p[j] + _step[k], lower[j], upper[j]);
                _step[k] = trial[j] - p[j];
            }

            iterations++;
            model.Evaluate(trial, _fTrial.AsSpan(0, m), null);
            var chi2Trial = ResidualsTrial(y, m);
            // Predicted decrease of the linearized model for the (projected) step: 2δᵀg − δᵀAδ.
            var predicted = PredictedDecrease(nf);
            if (double.IsFinite(chi2Trial) && chi2Trial < chi2)
            {
                var decrease = chi2 - chi2Trial;
                trial.CopyTo(p);
                var rho = predicted > 0 ? decrease / predicted : 0;
                lambda *= Math.Max(1.0 / 3.0, 1 - Math.Pow(2 * rho - 1, 3));
                nu = 2;
                jac.Clear();
                model.Evaluate(p, _f.AsSpan(0, m), jac);
                chi2 = Residuals(y, _f, m);
                BuildNormal(m, nf);
                if (decrease < _options.AbsoluteChiSquaredTolerance || decrease < _options.RelativeChiSquaredTolerance * chi2)
                {
                    converged = true;
                    break;
                }
            }
            else
            {
                lambda *= nu;
                nu *= 2;
                // No step makes χ² smaller even with heavy damping: we sit at the minimum to machine precision.
                if (lambda > 1e12 || (double.IsFinite(chi2Trial) && chi2Trial - chi2 <= 1e-12 * chi2 && predicted <= 1e-10 * chi2))
                {
                    converged = true;
                    break;
                }
            }
        }

        return Finish(parameters, p, n, nf, points, sumWy2, chi2, iterations, converged, message, true);
    }

    private void Ensure(int m, int n)
    {
        if (_jacobian is null || _jacobian.Rows != m || _jacobian.Columns != n)
        {
            _jacobian = new Jacobian(m, n);
        }

        if (_f.Length < m)
        {
            _f = new double[m];
            _fTrial = new double[m];
            _r = new double[m];
            _sqrtW = new double[m];
        }

        if (_current.Length < n)
        {
            _normal = new double[n * n];
            _factor = new double[n * n];
            _gradient = new double[n];
            _scale = new double[n];
            _step = new double[n];
            _trial = new double[n];
            _current = new double[n];
            _work = new double[n];
            _freeIndex = new int[n];
            _pinned = new bool[n];
        }
    }

    private double Residuals(ReadOnlySpan<double> y, double[] f, int m)
    {
        var chi2 = 0.0;
        for (var i = 0; i < m; i++)
        {
            var r = _sqrtW[i] == 0 ? 0 : (y[i] - f[i]) * _sqrtW[i];
            _r[i] = r;
            chi2 += r * r;
        }

        return chi2;
    }

    private double ResidualsTrial(ReadOnlySpan<double> y, int m)
    {
        var chi2 = 0.0;
        for (var i = 0; i < m; i++)
        {
            if (_sqrtW[i] != 0)
            {
                var r = (y[i] - _fTrial[i]) * _sqrtW[i];
                chi2 += r * r;
            }
        }

        return chi2;
    }

    /// <summary>Weights the free columns in place and forms A = JᵀWJ and g = JᵀW(y − f) from column overlaps.</summary>
    private void BuildNormal(int m, int nf)
    {
        var jac = _jacobian!;
        for (var k = 0; k < nf; k++)
        {
            var j = _freeIndex[k];
            var first = jac.First(j);
            var end = jac.End(j);
            if (end > first)
            {
                DenseKernels.MultiplyInPlace(jac.Column(j)[first..end], _sqrtW.AsSpan(first, end - first));
            }
        }

        for (var k = 0; k < nf; k++)
        {
            var j = _freeIndex[k];
            var fk = jac.First(j);
            var ek = jac.End(j);
            var colK = jac.Column(j);
            _gradient[k] = ek > fk ? DenseKernels.Dot(colK[fk..ek], _r.AsSpan(fk, ek - fk)) : 0;
            for (var l = 0; l <= k; l++)
            {
                var jl = _freeIndex[l];
                var lo = Math.Max(fk, jac.First(jl));
                var hi = Math.Min(ek, jac.End(jl));
                var a = hi > lo ? DenseKernels.Dot(colK[lo..hi], jac.Column(jl)[lo..hi]) : 0;
                _normal[k * nf + l] = a;
                _normal[l * nf + k] = a;
            }
        }

        _ = m;
    }

    /// <summary>
    /// Solves (S A S + λ I) z = S g, δ = S z with S = diag(A)^(-1/2), holding parameters that sit on a bound and
    /// would step outwards at zero (an active set): projecting such a step afterwards would leave the other
    /// parameters compensating for a move that never happens, and the fit would stall short of the minimum.
    /// </summary>
    private bool SolveDamped(int nf, double lambda, ReadOnlySpan<double> p, ReadOnlySpan<double> lower, ReadOnlySpan<double> upper)
    {
        var pinned = _pinned.AsSpan(0, nf);
        pinned.Clear();
        for (var k = 0; k < nf; k++)
        {
            var d = _normal[k * nf + k];
            // A parameter the data do not see (zero column) gets unit scale; the damping then pins it in place.
            _scale[k] = d > 0 ? 1 / Math.Sqrt(d) : 1;
        }

        for (var pass = 0; pass <= nf; pass++)
        {
            for (var k = 0; k < nf; k++)
            {
                for (var l = 0; l <= k; l++)
                {
                    _factor[k * nf + l] = pinned[k] || pinned[l] ? 0 : _normal[k * nf + l] * _scale[k] * _scale[l];
                }

                _factor[k * nf + k] = pinned[k] ? 1 : _factor[k * nf + k] + lambda + (_normal[k * nf + k] > 0 ? 0 : 1);
                _step[k] = pinned[k] ? 0 : _gradient[k] * _scale[k];
            }

            if (!DenseKernels.Cholesky(_factor.AsSpan(0, nf * nf), nf))
            {
                return false;
            }

            DenseKernels.CholeskySolve(_factor.AsSpan(0, nf * nf), nf, _step.AsSpan(0, nf));
            var newlyPinned = false;
            for (var k = 0; k < nf; k++)
            {
                _step[k] *= _scale[k];
                if (!double.IsFinite(_step[k]))
                {
                    return false;
                }

                var j = _freeIndex[k];
                if (!pinned[k] && ((_step[k] < 0 && p[j] <= lower[j]) || (_step[k] > 0 && p[j] >= upper[j])))
                {
                    pinned[k] = true;
                    newlyPinned = true;
                }
            }

            if (!newlyPinned)
            {
                return true;
            }
        }

        return true;
    }

    private double PredictedDecrease(int nf)
    {
        var s = 0.0;
        for (var k = 0; k < nf; k++)
        {
            var ad = 0.0;
            for (var l = 0; l < nf; l++)
            {
                ad += _normal[k * nf + l] * _step[l];
            }

            s += _step[k] * (2 * _gradient[k] - ad);
        }

        return s;
    }

    private LeastSquaresResult Finish(ParameterSet parameters, ReadOnlySpan<double> p, int n, int nf, int points, double sumWy2,
        double chi2, int iterations, bool converged, string message, bool haveNormal)
    {
        var values = p[..n].ToArray();
        parameters.CopyValuesFrom(values);
        // Free × free only: a Pawley reference has hundreds of parameters, and the per-frame result should not
        // carry a mostly-zero n² matrix.
        var covariance = new double[nf * nf];
        var position = new int[n];
        Array.Fill(position, -1);
        for (var k = 0; k < nf; k++)
        {
            position[_freeIndex[k]] = k;
        }

        var dof = Math.Max(1, points - nf);
        var reducedChi2 = chi2 / dof;
        var undetermined = new List<int>();
        if (haveNormal && nf > 0 && double.IsFinite(chi2))
        {
            // Inverse through the unit-diagonal scaled matrix: far better conditioned than A itself when parameters
            // differ by orders of magnitude (A-terms ~1e-2 Å⁻², intensities ~1e4).
            var unseen = false;
            for (var k = 0; k < nf; k++)
            {
                var d = _normal[k * nf + k];
                _scale[k] = d > 0 && double.IsFinite(d) ? 1 / Math.Sqrt(d) : 0;
                unseen |= _scale[k] == 0;
                ScaledRow(k, nf);
            }

            if (DenseKernels.Cholesky(_factor.AsSpan(0, nf * nf), nf, NormalEquations.NullSpaceTolerance))
            {
                DenseKernels.CholeskyInverse(_factor.AsSpan(0, nf * nf), nf, covariance, _work);
            }
            else
            {
                // Not (numerically) positive definite: some combination of parameters is not determined. Find which parameters
                // take part in it and give only those NaN (co)variances, instead of all of them.
                for (var k = 0; k < nf; k++)
                {
                    ScaledRow(k, nf);
                }

                var marked = new bool[nf];
                NormalEquations.PseudoInverse(_factor.AsSpan(0, nf * nf), nf, covariance, marked);
                for (var k = 0; k < nf; k++)
                {
                    if (marked[k])
                    {
                        undetermined.Add(_freeIndex[k]);
                    }
                }
            }

            for (var k = 0; k < nf; k++)
            {
                for (var l = 0; l < nf; l++)
                {
                    covariance[k * nf + l] *= _scale[k] * _scale[l] * reducedChi2;
                }
            }

            if (unseen)
            {
                // A parameter the data do not see at all (zero column): its variance is unbounded, not zero.
                for (var k = 0; k < nf; k++)
                {
                    if (_scale[k] == 0)
                    {
                        undetermined.Add(_freeIndex[k]);
                        for (var l = 0; l < nf; l++)
                        {
                            covariance[k * nf + l] = covariance[l * nf + k] = double.NaN;
                        }
                    }
                }
            }

            undetermined.Sort();
        }

        var atBounds = new List<int>();
        for (var k = 0; k < nf; k++)
        {
            var j = _freeIndex[k];
            var lo = parameters.Lower[j];
            var hi = parameters.Upper[j];
            if ((double.IsFinite(lo) && values[j] <= lo + 1e-12 * (1 + Math.Abs(lo))) || (double.IsFinite(hi) && values[j] >= hi - 1e-12 * (1 + Math.Abs(hi))))
            {
                atBounds.Add(j);
            }
        }

        var rwp = sumWy2 > 0 ? Math.Sqrt(chi2 / sumWy2) : double.NaN;
        var rexp = sumWy2 > 0 ? Math.Sqrt(Math.Max(0, points - nf) / sumWy2) : double.NaN;
        return new LeastSquaresResult
        {
            Values = values,
            Covariance = covariance,
            FreePosition = position,
            ParameterCount = n,
            ChiSquared = chi2,
            Points = points,
            FreeParameters = nf,
            Iterations = iterations,
            Converged = converged,
            Message = message,
            Rwp = rwp,
            Rexp = rexp,
            GoF = Math.Sqrt(reducedChi2),
            SerialCorrelation = SerialCorrelation(_lastM),
            AtBounds = [.. atBounds],
            Undetermined = [.. undetermined.Distinct()],
        };
    }

    // Lag-1 correlation of the weighted residuals of the last evaluation at the solution (_r), neighbouring weighted
    // points only: a zero-weight gap breaks the chain.
    private double SerialCorrelation(int m)
    {
        double lag = 0, sum = 0;
        for (var i = 0; i < m; i++)
        {
            if (_sqrtW[i] == 0)
            {
                continue;
            }

            sum += _r[i] * _r[i];
            if (i > 0 && _sqrtW[i - 1] != 0)
            {
                lag += _r[i] * _r[i - 1];
            }
        }

        return sum > 0 ? lag / sum : double.NaN;
    }

    // Row k (lower triangle) of the unit-diagonal scaled normal matrix into _factor; a zero column gets a unit
    // diagonal so that it decouples.
    private void ScaledRow(int k, int nf)
    {
        for (var l = 0; l <= k; l++)
        {
            _factor[k * nf + l] = _normal[k * nf + l] * _scale[k] * _scale[l];
        }

        if (_scale[k] == 0)
        {
            _factor[k * nf + k] = 1;
        }
    }
}
