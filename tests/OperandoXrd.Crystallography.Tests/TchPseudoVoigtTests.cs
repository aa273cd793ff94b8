using OperandoXrd.Crystallography.Profiles;

namespace OperandoXrd.Crystallography.Tests;

public class TchPseudoVoigtTests
{
    private static readonly TchParameters Typical = new(U: 0.004, V: -0.0015, W: 0.0009, X: 0.012, Y: 0.006, Z: 0.0002);

    [Fact]
    public void Pure_Gaussian_and_pure_Lorentzian_limits()
    {
        var g = TchPseudoVoigt.Shape(new TchParameters(0, 0, 0.0004, 0, 0), 10);
        Assert.Equal(0.02, g.Fwhm, 12);
        Assert.Equal(0.0, g.Eta, 12);
        var l = TchPseudoVoigt.Shape(new TchParameters(0, 0, 0, 0, 0.03), 10);
        Assert.Equal(0.03 / Math.Cos(5 * Math.PI / 180), l.Fwhm, 6);
        Assert.Equal(1.0, l.Eta, 4); // 1.36603 − 0.47719 + 0.11116 = 1.00000
    }

    [Fact]
    public void H_and_eta_follow_the_published_polynomials()
    {
        // TCH (1987): with H_G = H_L = 1, H⁵ = 1 + 2.69269 + 2.42843 + 4.47163 + 0.07842 + 1 = 11.67117.
        // Choose W and Y so that H_G = H_L = 0.05 at 2θ0 = 0⁺ (tanθ → 0, secθ → 1).
        var s = TchPseudoVoigt.Shape(new TchParameters(0, 0, 0.0025, 0, 0.05), 1e-9);
        var h = 0.05 * Math.Pow(11.67117, 0.2);
        Assert.Equal(h, s.Fwhm, 12);
        var q = 0.05 / h;
        Assert.Equal(1.36603 * q - 0.47719 * q * q + 0.11116 * q * q * q, s.Eta, 12);
        // Width laws: H_G² = U tan²θ + V tanθ + W + Z/cos²θ, H_L = X tanθ + Y/cosθ.
        var t = TchPseudoVoigt.Shape(Typical, 24);
        var theta = 12 * Math.PI / 180;
        Assert.Equal(Math.Sqrt(0.004 * Math.Pow(Math.Tan(theta), 2) - 0.0015 * Math.Tan(theta) + 0.0009 + 0.0002 / Math.Pow(Math.Cos(theta), 2)), t.GaussianFwhm, 14);
        Assert.Equal(0.012 * Math.Tan(theta) + 0.006 / Math.Cos(theta), t.LorentzianFwhm, 14);
    }

    /// <summary>Voigt profile by direct numerical convolution (independent of the TCH approximation).</summary>
    private static double Voigt(double x, double hg, double hl)
    {
        // V(x) = ∫ G(x − t) L(t) dt with t = (H_L/2) tan φ, L dt = dφ/π: a smooth integrand on (−π/2, π/2).
        const int n = 20000;
        var sigma = hg / (2 * Math.Sqrt(2 * Math.Log(2)));
        var sum = 0.0;
        for (var i = 0; i < n; i++)
        {
            var phi = -Math.PI / 2 + (i + 0.5) * Math.PI / n;
            var u = x - hl / 2 * Math.Tan(phi);
            sum += Math.Exp(-u * u / (2 * sigma * sigma));
        }

        return sum / n / (sigma * Math.Sqrt(2 * Math.PI));
    }

    [Theory]
    [InlineData(1.0, 0.1)]
    [InlineData(1.0, 0.5)]
    [InlineData(1.0, 1.0)]
    [InlineData(0.5, 1.0)]
    [InlineData(0.1, 1.0)]
    public void TCH_FWHM_and_shape_approximate_the_true_Voigt(double hg, double hl)
    {
        // Width parameters giving exactly these H_G, H_L at 2θ0 → 0.
        var s = TchPseudoVoigt.Shape(new TchParameters(0, 0, hg * hg, 0, hl), 1e-9);
        var peak = Voigt(0, hg, hl);
        double lo = 0, hi = 5 * (hg + hl);
        for (var i = 0; i < 60; i++)
        {
            var mid = (lo + hi) / 2;
            if (Voigt(mid, hg, hl) > peak / 2)
            {
                lo = mid;
            }
            else
            {
                hi = mid;
            }
        }

        var fwhm = 2 * lo;
        // Measured here: the TCH H is low by 0.08 % (H_L/H_G = 0.1) to 0.45 % (H_L/H_G = 0.5) against the exact
        // Voigt FWHM (which matches Olivero & Longbothum's 0.02 % formula); a swapped or mistyped coefficient shifts
        // it by ~1 %.
        Assert.True(Math.Abs(s.Fwhm / fwhm - 1) < 5e-3, $"TCH H = {s.Fwhm}, Voigt FWHM = {fwhm}");
        var olivero = 0.5346 * hl + Math.Sqrt(0.2166 * hl * hl + hg * hg);
        Assert.True(Math.Abs(olivero / fwhm - 1) < 3e-4, $"numerical Voigt FWHM {fwhm} vs Olivero–Longbothum {olivero}");
        // The pseudo-Voigt stays within ~1 % of the Voigt's peak height everywhere.
        var worst = 0.0;
        for (var x = -4 * fwhm; x <= 4 * fwhm; x += fwhm / 20)
        {
            worst = Math.Max(worst, Math.Abs(TchPseudoVoigt.Value(x + s.TwoTheta0, s) - Voigt(x, hg, hl)) / peak);
        }

        Assert.True(worst < 0.015, $"max |pV − V| = {worst:P2} of the peak");
    }

    [Fact]
    public void Profile_is_area_normalised()
    {
        var s = TchPseudoVoigt.Shape(Typical, 8);
        var h = s.Fwhm;
        const int n = 400001;
        var half = 400 * h;
        var step = 2 * half / (n - 1);
        var sum = 0.0;
        for (var i = 0; i < n; i++)
        {
            var w = i == 0 || i == n - 1 ? 0.5 : 1;
            sum += w * TchPseudoVoigt.Value(s.TwoTheta0 - half + i * step, s);
        }

        // Beyond ±400 H only the Lorentzian part survives: its missing fraction is 1 − (2/π)atan(800).
        var expected = 1 - s.Eta * (1 - 2 / Math.PI * Math.Atan(800));
        Assert.Equal(expected, sum * step, 6);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(13)]
    [InlineData(501)]
    public void Vector_paths_agree_with_the_scalar_formula(int points)
    {
        var s = TchPseudoVoigt.Shape(Typical, 8);
        var x = Enumerable.Range(0, points).Select(i => s.TwoTheta0 - 0.1 + 0.2 * i / Math.Max(points - 1, 1) + 1e-4).ToArray();
        var y = Enumerable.Repeat(0.25, points).ToArray();
        TchPseudoVoigt.Add(x, y, 2.5, s, double.PositiveInfinity);
        var v = new double[points];
        var dp = new double[points];
        var dg = new double[points];
        var dl = new double[points];
        TchPseudoVoigt.Evaluate(x, s, v, dp, dg, dl);
        var peak = TchPseudoVoigt.Value(s.TwoTheta0, s);
        for (var i = 0; i < points; i++)
        {
            var expected = TchPseudoVoigt.Value(x[i], s);
            Assert.True(Math.Abs(y[i] - 0.25 - 2.5 * expected) <= 1e-12 * 2.5 * peak, $"Add at {i}");
            Assert.True(Math.Abs(v[i] - expected) <= 1e-12 * peak, $"Evaluate at {i}");
        }
    }

    [Fact]
    public void Analytic_derivatives_match_finite_differences()
    {
        const double pos = 9.3;
        var s = TchPseudoVoigt.Shape(Typical, pos);
        var x = Enumerable.Range(-60, 121).Select(i => pos + i * s.Fwhm / 15 + 1e-5).ToArray();
        var v = new double[x.Length];
        var dp = new double[x.Length];
        var dg = new double[x.Length];
        var dl = new double[x.Length];
        TchPseudoVoigt.Evaluate(x, s, v, dp, dg, dl);

        double[] Profile(TchParameters p, double x0) => x.Select(xi => TchPseudoVoigt.Value(xi, TchPseudoVoigt.Shape(p, x0))).ToArray();

        void Check(string what, double[] analytic, Func<double, double[]> f, double step)
        {
            var plus = f(step);
            var minus = f(-step);
            var scale = analytic.Max(Math.Abs);
            Assert.True(scale > 0, what);
            for (var i = 0; i < x.Length; i++)
            {
                var numeric = (plus[i] - minus[i]) / (2 * step);
                Assert.True(Math.Abs(numeric - analytic[i]) <= 2e-6 * scale, $"{what} at x={x[i]}: {analytic[i]} vs {numeric}");
            }
        }

        Check("position", dp, d => Profile(Typical, pos + d), 1e-6);
        foreach (var t in Enum.GetValues<TchParameter>())
        {
            var analytic = new double[x.Length];
            for (var i = 0; i < x.Length; i++)
            {
                analytic[i] = dg[i] * s.DHG(t) + dl[i] * s.DHL(t);
            }

            Check(t.ToString(), analytic, d => Profile(Typical.With(t, Typical[t] + d), pos), 1e-8);
        }
    }

    [Fact]
    public void Window_covers_plus_minus_N_FWHM()
    {
        var s = TchPseudoVoigt.Shape(Typical, 5);
        var grid = Enumerable.Range(0, 10001).Select(i => i * 0.001).ToArray();
        var (start, count) = TchPseudoVoigt.Window(grid, s, 10);
        Assert.True(grid[start] >= 5 - 10 * s.Fwhm && grid[start - 1] < 5 - 10 * s.Fwhm);
        Assert.True(grid[start + count - 1] <= 5 + 10 * s.Fwhm && grid[start + count] > 5 + 10 * s.Fwhm);
        var y = new double[grid.Length];
        TchPseudoVoigt.Add(grid, y, 1, s, 10);
        Assert.Equal(0, y[start - 1]);
        Assert.Equal(0, y[start + count]);
        Assert.True(y[start] > 0);
    }
}
