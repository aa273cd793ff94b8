using System.Globalization;
using MathNet.Numerics.LinearAlgebra;
using OperandoXrd.Crystallography.Profiles;
using OperandoXrd.Fitting.Model;
using OperandoXrd.Fitting.Optimization;
using OperandoXrd.Fitting.Parameters;

namespace OperandoXrd.Fitting.Peek;

/// <summary>Finds and fits the peaks of an empty-cell pattern (see <see cref="PeekModel.FitFromPattern"/>).</summary>
internal static class PeekModelFitter
{
    public static PeekModel Fit(double[] x, double[] y, double[] sigma, int peakCount, int backgroundTerms, double? wavelength, string? source)
    {
        if (x.Length == 0)
        {
            throw new ArgumentException("The empty-cell pattern has no points.", nameof(x));
        }

        if (y.Length != x.Length || sigma.Length != x.Length)
        {
            throw new ArgumentException($"The empty-cell pattern has {x.Length} 2θ values but {y.Length} intensities and {sigma.Length} σ.", nameof(y));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(peakCount, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(backgroundTerms, 1);
        for (var i = 1; i < x.Length; i++)
        {
            if (!(x[i] > x[i - 1]))
            {
                throw new ArgumentException($"2θ must increase strictly; it does not at point {i} ({x[i].ToString(CultureInfo.InvariantCulture)}).", nameof(x));
            }
        }

        var valid = new bool[x.Length];
        var validCount = 0;
        for (var i = 0; i < x.Length; i++)
        {
            valid[i] = double.IsFinite(y[i]) && sigma[i] > 0 && double.IsFinite(sigma[i]);
            validCount += valid[i] ? 1 : 0;
        }

        if (validCount < 4 * backgroundTerms)
        {
            throw new ArgumentException($"The empty-cell pattern has only {validCount} usable points (finite intensity, positive σ).", nameof(y));
        }

        double min = x[0], max = x[^1];
        var background = LowerEnvelope(x, y, sigma, valid, min, max, backgroundTerms);
        var net = new double[x.Length];
        for (var i = 0; i < x.Length; i++)
        {
            net[i] = valid[i] ? y[i] - Chebyshev.Evaluate(background, x[i], min, max) : 0;
        }

        var candidates = FindPeaks(x, net, sigma, valid);
        if (candidates.Count == 0)
        {
            throw new ArgumentException("No peak rises above the noise of the empty-cell pattern (nothing 4σ above the background after smoothing).", nameof(y));
        }

        var chosen = candidates.OrderByDescending(c => c.Height * c.Fwhm).Take(peakCount).OrderBy(c => c.Position).ToList();
        var step = (max - min) / (x.Length - 1);
        var weightedSigma = new double[x.Length];
        for (var i = 0; i < x.Length; i++)
        {
            weightedSigma[i] = valid[i] ? sigma[i] : double.PositiveInfinity;
        }

        var lm = new LevenbergMarquardt(new LevenbergMarquardtOptions { MaxIterations = 300 });
        var values = (double[]?)null;
        LeastSquaresResult result;
        // Fit, then look for peaks the first pass hid (sharp peaks sitting on a broad amorphous hump only show up
        // once the hump is modelled) until peakCount peaks or nothing > 5σ is left in the residual.
        for (var round = 0; ; round++)
        {
            var parameters = Parameters(chosen, background, values, backgroundTerms, min, max, step);
            var model = new PeekFitModel(x, min, max, backgroundTerms, chosen.Count);
            result = lm.Fit(model, y, weightedSigma, parameters);
            if (!result.Converged && result.Iterations == 0)
            {
                throw new ArgumentException($"The PEEK peak fit failed: {result.Message}", nameof(y));
            }

            values = result.Values;
            if (chosen.Count >= peakCount || round == 4)
            {
                break;
            }

            var calc = new double[x.Length];
            model.Evaluate(values, calc, null);
            var residual = new double[x.Length];
            for (var i = 0; i < x.Length; i++)
            {
                residual[i] = valid[i] ? y[i] - calc[i] : 0;
            }

            var current = CurrentPeaks(values, backgroundTerms, chosen.Count);
            // Only peak-like structure: a residual wiggle wider than a sixth of the range is background.
            var extra = FindPeaks(x, residual, sigma, valid)
                .Where(c => c.Fwhm < (max - min) / 6)
                .Where(c => current.TrueForAll(p => Math.Abs(p.Position - c.Position) > 0.5 * Math.Min(p.Fwhm, c.Fwhm) + step))
                .OrderByDescending(c => c.Height * c.Fwhm)
                .Take(peakCount - chosen.Count)
                .ToList();
            if (extra.Count == 0)
            {
                break;
            }

            background = values.AsSpan(0, backgroundTerms).ToArray();
            chosen = [.. current, .. extra];
            values = null;
            var keep = current.Count;
            var refit = Parameters(chosen, background, null, backgroundTerms, min, max, step);
            for (var k = 0; k < keep; k++)
            {
                // Keep the fitted shapes of the peaks found so far as start values.
                var o = backgroundTerms + 4 * k;
                refit[o + 1] = result.Values[o + 1];
                refit[o + 2] = result.Values[o + 2];
                refit[o + 3] = result.Values[o + 3];
            }

            values = refit.Values.ToArray();
        }

        var peaks = new List<PeekPeak>();
        for (var k = 0; k < chosen.Count; k++)
        {
            var o = backgroundTerms + 4 * k;
            // A peak the fit drove to zero area carries nothing.
            if (result.Values[o + 3] > 0)
            {
                peaks.Add(new PeekPeak(result.Values[o], result.Values[o + 1], result.Values[o + 2], result.Values[o + 3]));
            }
        }

        return new PeekModel(peaks, min, max, result.Values.AsSpan(0, backgroundTerms).ToArray(), wavelength, source);
    }

    private sealed record Candidate(double Position, double Height, double Fwhm);

    private static ParameterSet Parameters(List<Candidate> chosen, double[] background, double[]? values, int terms, double min, double max, double step)
    {
        var parameters = new ParameterSet();
        for (var k = 0; k < terms; k++)
        {
            parameters.Add($"bkg{k}", values?[k] ?? background[k], free: true);
        }

        for (var k = 0; k < chosen.Count; k++)
        {
            var c = chosen[k];
            var h = Math.Max(c.Fwhm, 2 * step);
            var o = terms + 4 * k;
            parameters.Add($"pos{k}", values?[o] ?? c.Position, free: true, Math.Max(c.Position - h, min), Math.Min(c.Position + h, max));
            // Widths stay near the measured FWHM: without a floor on H_G a weak peak can turn into a pure Lorentzian
            // whose tails soak up background and inflate its area.
            parameters.Add($"hg{k}", values?[o + 1] ?? 0.85 * h, free: true, Math.Max(0.3 * step, 0.25 * h), 5 * h);
            parameters.Add($"hl{k}", values?[o + 2] ?? 0.15 * h, free: true, 0, 1.5 * h);
            parameters.Add($"area{k}", values?[o + 3] ?? c.Height * h * 1.064, free: true, 0);
        }

        return parameters;
    }

    private static List<Candidate> CurrentPeaks(double[] values, int terms, int count)
    {
        var list = new List<Candidate>();
        for (var k = 0; k < count; k++)
        {
            var o = terms + 4 * k;
            var fwhm = Math.Max(Math.Sqrt(values[o + 1] * values[o + 1] + values[o + 2] * values[o + 2]), 1e-6);
            list.Add(new Candidate(values[o], values[o + 3] / (1.064 * fwhm), fwhm));
        }

        return list;
    }

    // Iteratively reweighted Chebyshev fit that drops points lying well above the curve: what is left is the
    // smooth floor (amorphous hump + air scatter) under the Bragg peaks.
    private static double[] LowerEnvelope(double[] x, double[] y, double[] sigma, bool[] valid, double min, double max, int terms)
    {
        var n = x.Length;
        var table = new double[terms * n];
        Chebyshev.Table(x, min, max, terms, table);
        var use = (bool[])valid.Clone();
        var coefficients = new double[terms];
        for (var iteration = 0; iteration < 30; iteration++)
        {
            var rows = use.Count(u => u);
            var a = Matrix<double>.Build.Dense(rows, terms);
            var b = Vector<double>.Build.Dense(rows);
            var r = 0;
            for (var i = 0; i < n; i++)
            {
                if (!use[i])
                {
                    continue;
                }

                for (var k = 0; k < terms; k++)
                {
                    a[r, k] = table[k * n + i] / sigma[i];
                }

                b[r] = y[i] / sigma[i];
                r++;
            }

            var solution = a.QR().Solve(b);
            solution.CopyTo(Vector<double>.Build.Dense(coefficients));
            for (var k = 0; k < terms; k++)
            {
                coefficients[k] = solution[k];
            }

            var changed = false;
            for (var i = 0; i < n; i++)
            {
                if (!use[i])
                {
                    continue;
                }

                var fit = 0.0;
                for (var k = 0; k < terms; k++)
                {
                    fit += coefficients[k] * table[k * n + i];
                }

                if (y[i] - fit > 2 * sigma[i])
                {
                    use[i] = false;
                    changed = true;
                }
            }

            if (!changed)
            {
                break;
            }
        }

        return coefficients;
    }

    private static List<Candidate> FindPeaks(double[] x, double[] net, double[] sigma, bool[] valid)
    {
        var n = x.Length;
        // A 7-point triangular smoothing (weights 1..4..1 / 16) keeps one noisy point from making two maxima out of
        // one peak and cuts the noise by √44/16 ≈ 0.41, so a 4σ test on the smoothed curve finds peaks a few σ
        // high per point but spread over several points, while pure noise rarely passes.
        ReadOnlySpan<double> kernel = [1, 2, 3, 4, 3, 2, 1];
        const double noiseFactor = 0.4145780;
        var smooth = new double[n];
        for (var i = 0; i < n; i++)
        {
            double sum = 0, weight = 0;
            for (var k = -3; k <= 3; k++)
            {
                var j = i + k;
                if (j >= 0 && j < n && valid[j])
                {
                    sum += kernel[k + 3] * net[j];
                    weight += kernel[k + 3];
                }
            }

            smooth[i] = weight > 0 ? sum / weight : 0;
        }

        var found = new List<Candidate>();
        for (var i = 1; i < n - 1; i++)
        {
            if (!valid[i] || smooth[i] < smooth[i - 1] || smooth[i] <= smooth[i + 1] || smooth[i] < 4 * noiseFactor * sigma[i])
            {
                continue;
            }

            var half = smooth[i] / 2;
            int lo = i, hi = i;
            while (lo > 0 && smooth[lo] > half)
            {
                lo--;
            }

            while (hi < n - 1 && smooth[hi] > half)
            {
                hi++;
            }

            var fwhm = Math.Max(x[hi] - x[lo], x[Math.Min(i + 1, n - 1)] - x[i]);
            found.Add(new Candidate(x[i], smooth[i], fwhm));
        }

        // A maximum within ¾ of the narrower FWHM of a stronger one is the same peak; a sharp peak on a broad
        // hump is not.
        var result = new List<Candidate>();
        foreach (var c in found.OrderByDescending(c => c.Height))
        {
            if (result.TrueForAll(r => Math.Abs(r.Position - c.Position) > 0.75 * Math.Min(r.Fwhm, c.Fwhm)))
            {
                result.Add(c);
            }
        }

        return result;
    }

    /// <summary>Background Chebyshev + free pseudo-Voigt peaks (pos, H_G, H_L, area) each.</summary>
    private sealed class PeekFitModel(double[] x, double min, double max, int terms, int peaks) : ILeastSquaresModel
    {
        private readonly double[] _table = MakeTable(x, min, max, terms);
        private readonly double[] _v = new double[x.Length];
        private readonly double[] _dPos = new double[x.Length];
        private readonly double[] _dG = new double[x.Length];
        private readonly double[] _dL = new double[x.Length];

        public int PointCount => x.Length;

        public int ParameterCount => terms + 4 * peaks;

        private static double[] MakeTable(double[] x, double min, double max, int terms)
        {
            var t = new double[terms * x.Length];
            Chebyshev.Table(x, min, max, terms, t);
            return t;
        }

        public void Evaluate(ReadOnlySpan<double> p, Span<double> values, Jacobian? jacobian)
        {
            var n = x.Length;
            values.Clear();
            for (var k = 0; k < terms; k++)
            {
                var c = p[k];
                var row = _table.AsSpan(k * n, n);
                for (var i = 0; i < n; i++)
                {
                    values[i] += c * row[i];
                }

                if (jacobian is not null && jacobian.IsActive(k))
                {
                    row.CopyTo(jacobian.Column(k));
                    jacobian.Touch(k, 0, n);
                }
            }

            for (var k = 0; k < peaks; k++)
            {
                var o = terms + 4 * k;
                var peak = new PeekPeak(p[o], p[o + 1], p[o + 2], p[o + 3]);
                var shape = PeekModel.ShapeOf(peak, peak.Position);
                var (start, count) = TchPseudoVoigt.Window(x, shape);
                if (count == 0)
                {
                    continue;
                }

                var xs = x.AsSpan(start, count);
                TchPseudoVoigt.Evaluate(xs, shape, _v, _dPos, _dG, _dL);
                for (var i = 0; i < count; i++)
                {
                    values[start + i] += peak.Area * _v[i];
                }

                if (jacobian is null)
                {
                    continue;
                }

                // dPosition includes the widths' change with θ0 through the shared TCH formulas; this peak's
                // widths are fixed numbers, so take that part back out.
                for (var i = 0; i < count; i++)
                {
                    var explicitPos = _dPos[i] - _dG[i] * shape.DGaussianDPosition - _dL[i] * shape.DLorentzianDPosition;
                    jacobian.Column(o)[start + i] = peak.Area * explicitPos;
                    jacobian.Column(o + 1)[start + i] = peak.Area * _dG[i];
                    jacobian.Column(o + 2)[start + i] = peak.Area * _dL[i];
                    jacobian.Column(o + 3)[start + i] = _v[i];
                }

                for (var j = 0; j < 4; j++)
                {
                    jacobian.Touch(o + j, start, start + count);
                }
            }
        }
    }
}
