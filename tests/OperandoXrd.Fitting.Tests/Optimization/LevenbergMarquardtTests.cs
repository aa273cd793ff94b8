using MathNet.Numerics.LinearAlgebra;
using OperandoXrd.Fitting.Optimization;
using OperandoXrd.Fitting.Parameters;

namespace OperandoXrd.Fitting.Tests.Optimization;

public class LevenbergMarquardtTests
{
    /// <summary>f = Σ c_k x^k: linear, so LM must land on the weighted normal-equation solution exactly.</summary>
    private sealed class Polynomial(double[] x, int degree) : ILeastSquaresModel
    {
        public int PointCount => x.Length;

        public int ParameterCount => degree + 1;

        public void Evaluate(ReadOnlySpan<double> p, Span<double> values, Jacobian? jacobian)
        {
            for (var i = 0; i < x.Length; i++)
            {
                double v = 0, xp = 1;
                for (var k = 0; k <= degree; k++)
                {
                    v += p[k] * xp;
                    if (jacobian is not null && jacobian.IsActive(k))
                    {
                        jacobian.Column(k)[i] = xp;
                    }

                    xp *= x[i];
                }

                values[i] = v;
            }

            if (jacobian is not null)
            {
                for (var k = 0; k <= degree; k++)
                {
                    jacobian.Touch(k, 0, x.Length);
                }
            }
        }
    }

    /// <summary>Gaussian peak on a constant: A exp(−(x−μ)²/(2s²)) + b.</summary>
    private sealed class GaussianPeak(double[] x) : ILeastSquaresModel
    {
        public int PointCount => x.Length;

        public int ParameterCount => 4;

        public void Evaluate(ReadOnlySpan<double> p, Span<double> values, Jacobian? jacobian)
        {
            double a = p[0], mu = p[1], s = p[2], b = p[3];
            for (var i = 0; i < x.Length; i++)
            {
                var t = (x[i] - mu) / s;
                var g = Math.Exp(-0.5 * t * t);
                values[i] = a * g + b;
                if (jacobian is not null)
                {
                    jacobian.Column(0)[i] = g;
                    jacobian.Column(1)[i] = a * g * t / s;
                    jacobian.Column(2)[i] = a * g * t * t / s;
                    jacobian.Column(3)[i] = 1;
                }
            }

            if (jacobian is not null)
            {
                for (var k = 0; k < 4; k++)
                {
                    jacobian.Touch(k, 0, x.Length);
                }
            }
        }
    }

    [Fact]
    public void Weighted_polynomial_matches_normal_equations_and_their_covariance()
    {
        var rng = new Random(7);
        var x = Enumerable.Range(0, 200).Select(i => -1 + 2.0 * i / 199).ToArray();
        var sigma = x.Select(v => 0.05 + 0.1 * Math.Abs(v)).ToArray();
        var y = x.Select((v, i) => 1.5 - 0.7 * v + 0.3 * v * v + 2.0 * v * v * v + sigma[i] * Gauss(rng)).ToArray();

        var parameters = new ParameterSet();
        for (var k = 0; k < 4; k++)
        {
            parameters.Add($"c{k}", 0, free: true);
        }

        var result = new LevenbergMarquardt().Fit(new Polynomial(x, 3), y, sigma, parameters);

        // Independent reference: MathNet QR on the whitened design matrix.
        var design = Matrix<double>.Build.Dense(x.Length, 4, (i, k) => Math.Pow(x[i], k) / sigma[i]);
        var rhs = Vector<double>.Build.Dense(x.Length, i => y[i] / sigma[i]);
        var exact = design.QR().Solve(rhs);
        var chi2 = (design * exact - rhs).L2Norm();
        chi2 *= chi2;
        var cov = (design.TransposeThisAndMultiply(design)).Inverse() * (chi2 / (x.Length - 4));

        Assert.True(result.Converged, result.Message);
        for (var k = 0; k < 4; k++)
        {
            // LM stops once Δχ² < 1e-3, i.e. within a few hundredths of an esd of the exact minimum.
            Assert.True(Math.Abs(exact[k] - result.Values[k]) < 0.01 * Math.Sqrt(cov[k, k]), $"c{k}: {result.Values[k]} vs {exact[k]}");
            Assert.Equal(Math.Sqrt(cov[k, k]), result.Esd(k), 1e-9);
        }

        Assert.Equal(cov[1, 3], result.CovarianceOf(1, 3), 1e-9 * Math.Abs(cov[1, 3]));
        Assert.Equal(chi2, result.ChiSquared, 1e-3);
        Assert.Equal(Math.Sqrt(chi2 / (x.Length - 4)), result.GoF, 1e-9);
        Assert.Equal(result.Rwp / result.Rexp, result.GoF, 1e-9);
    }

    [Fact]
    public void Fixed_parameters_stay_put_and_have_zero_esd()
    {
        var x = Enumerable.Range(0, 50).Select(i => i / 49.0).ToArray();
        var y = x.Select(v => 2 + 3 * v).ToArray();
        var sigma = x.Select(_ => 0.1).ToArray();
        var parameters = new ParameterSet();
        parameters.Add("c0", 2.5, free: false);
        parameters.Add("c1", 0, free: true);

        var result = new LevenbergMarquardt().Fit(new Polynomial(x, 1), y, sigma, parameters);

        Assert.Equal(2.5, result.Values[0]);
        Assert.Equal(0, result.Esd(0));
        // Least squares slope through the origin shifted by 2.5: Σx(y−2.5)/Σx².
        var slope = x.Zip(y).Sum(t => t.First * (t.Second - 2.5)) / x.Sum(v => v * v);
        Assert.Equal(slope, result.Values[1], 1e-9);
    }

    [Fact]
    public void Upper_bound_is_respected_and_reported()
    {
        var x = Enumerable.Range(0, 50).Select(i => i / 49.0).ToArray();
        var y = x.Select(v => 2 + 3 * v).ToArray();
        var sigma = x.Select(_ => 0.1).ToArray();
        var parameters = new ParameterSet();
        parameters.Add("c0", 0, free: true);
        parameters.Add("c1", 0, free: true, lower: -10, upper: 1);

        var result = new LevenbergMarquardt().Fit(new Polynomial(x, 1), y, sigma, parameters);

        Assert.Equal(1, result.Values[1], 12);
        Assert.Equal([1], result.AtBounds);
        // With the slope pinned at 1, the intercept is the mean of y − x.
        Assert.Equal(x.Zip(y).Average(t => t.Second - t.First), result.Values[0], 4);
    }

    [Fact]
    public void Gaussian_peak_agrees_with_lmfit()
    {
        if (!File.Exists("/usr/bin/python3"))
        {
            Assert.Fail("/usr/bin/python3 with python3-lmfit is required for this reference test.");
        }

        var rng = new Random(11);
        var x = Enumerable.Range(0, 301).Select(i => 2 + 0.01 * i).ToArray();
        var truth = x.Select(v => 1000 * Math.Exp(-0.5 * Math.Pow((v - 3.3) / 0.07, 2)) + 50).ToArray();
        var y = truth.Select(t => t + Math.Sqrt(t) * Gauss(rng)).ToArray();
        var sigma = y.Select(v => Math.Sqrt(Math.Max(v, 1))).ToArray();
        var parameters = new ParameterSet();
        parameters.Add("A", 500, free: true);
        parameters.Add("mu", 3.25, free: true);
        parameters.Add("s", 0.1, free: true, lower: 1e-4);
        parameters.Add("b", 0, free: true);

        var result = new LevenbergMarquardt().Fit(new GaussianPeak(x), y, sigma, parameters);

        var reference = Lmfit.GaussianPeak(x, y, sigma, [500, 3.25, 0.1, 0]);
        Assert.True(result.Converged, result.Message);
        for (var k = 0; k < 4; k++)
        {
            // lmfit converges to its own tolerance (ftol 1.5e-8); agree to a small fraction of an esd.
            Assert.True(Math.Abs(result.Values[k] - reference.Values[k]) < 1e-3 * reference.Esd[k], $"param {k}: {result.Values[k]} vs lmfit {reference.Values[k]}");
            Assert.Equal(reference.Esd[k], result.Esd(k), reference.Esd[k] * 1e-3);
        }

        Assert.Equal(reference.RedChi, result.GoF * result.GoF, 1e-6 * reference.RedChi);
    }

    internal static double Gauss(Random rng)
    {
        var u1 = 1.0 - rng.NextDouble();
        var u2 = rng.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
