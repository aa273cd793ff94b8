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
        var candidates = FindPeaks(x, y, sigma, valid, background, min, max);
        if (candidates.Count == 0)
        {
            throw new ArgumentException("No peak rises above the noise of the empty-cell pattern (nothing > 5σ over the background).", nameof(y));
        }

        var chosen = candidates.OrderByDescending(c => c.Height * c.Fwhm).Take(peakCount).OrderBy(c => c.Position).ToList();
        var parameters = new ParameterSet();
        for (var k = 0; k < backgroundTerms; k++)
        {
            parameters.Add($"bkg{k}", background[k], free: true);
        }

        var step = (max - min) / (x.Length - 1);
        foreach (var (c, k) in chosen.Select((c, k) => (c, k)))
        {
            var h = Math.Max(c.Fwhm, 2 * step);
            parameters.Add($"pos{k}", c.Position, free: true, c.Position - h, c.Position + h);
            parameters.Add($"hg{k}", 0.85 * h, free: true, 0.3 * step, 5 * h);
            parameters.Add($"hl{k}", 0.15 * h, free: true, 0, 5 * h);
            parameters.Add($"area{k}", c.Height * h * 1.064, free: true, 0);
        }

        var model = new PeekFitModel(x, min, max, backgroundTerms, chosen.Count);
        var weightedSigma = new double[x.Length];
        for (var i = 0; i < x.Length; i++)
        {
            weightedSigma[i] = valid[i] ? sigma[i] : double.PositiveInfinity;
        }

        var lm = new LevenbergMarquardt(new LevenbergMarquardtOptions { MaxIterations = 300 });
        var result = lm.Fit(model, y, weightedSigma, parameters);
        if (!result.Converged && result.Iterations == 0)
        {
            throw new ArgumentException($"The PEEK peak fit failed: {result.Message}", nameof(y));
        }

        var peaks = new List<PeekPeak>();
        for (var k = 0; k < chosen.Count; k++)
        {
            var o = backgroundTerms + 4 * k;
            peaks.Add(new PeekPeak(result.Values[o], result.Values[o + 1], result.Values[o + 2], result.Values[o + 3]));
        }

        return new PeekModel(peaks, min, max, result.Values.AsSpan(0, backgroundTerms).ToArray(), wavelength, source);
    }

    private sealed record Candidate(double Position, double Height, double Fwhm);

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

    private static List<Candidate> FindPeaks(double[] x, double[] y, double[] sigma, bool[] valid, double[] background, double min, double max)
    {
        var n = x.Length;
        var net = new double[n];
        for (var i = 0; i < n; i++)
        {
            net[i] = valid[i] ? y[i] - Chebyshev.Evaluate(background, x[i], min, max) : 0;
        }

        // Three-point smoothing keeps one noisy point from making two maxima out of one peak.
        var smooth = new double[n];
        for (var i = 0; i < n; i++)
        {
            smooth[i] = (net[Math.Max(i - 1, 0)] + 2 * net[i] + net[Math.Min(i + 1, n - 1)]) / 4;
        }

        var found = new List<Candidate>();
        for (var i = 1; i < n - 1; i++)
        {
            if (!valid[i] || smooth[i] < smooth[i - 1] || smooth[i] <= smooth[i + 1] || smooth[i] < 5 * sigma[i])
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

        // A shoulder within one FWHM of a stronger maximum is the same peak for this purpose.
        var result = new List<Candidate>();
        foreach (var c in found.OrderByDescending(c => c.Height))
        {
            if (result.TrueForAll(r => Math.Abs(r.Position - c.Position) > 0.75 * Math.Max(r.Fwhm, c.Fwhm)))
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
