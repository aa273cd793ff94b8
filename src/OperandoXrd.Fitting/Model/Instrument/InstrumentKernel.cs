namespace OperandoXrd.Fitting.Model.Instrument;

/// <summary>
/// The instrument function of one reflection on the pattern's own grid: taps k_m (m = <see cref="Min"/>…<see cref="Max"/>)
/// such that the observed profile at grid point i is Σ_m k_m·TCH(x_{i−m}). k_m = ∫K(u)·hat((mΔ − u)/Δ) du is the
/// kernel K integrated against the linear-interpolation hat of step Δ, so the sum is the exact convolution of K with
/// the TCH interpolated linearly between grid points; the TCH itself is evaluated exactly at the grid points for any
/// peak position. One tap at 0 is the bare TCH.
/// </summary>
public sealed class InstrumentTaps
{
    public InstrumentTaps(double[] taps, int origin)
    {
        ArgumentNullException.ThrowIfNull(taps);
        if (taps.Length == 0 || origin < 0 || origin >= taps.Length)
        {
            throw new ArgumentException("the taps must include m = 0");
        }

        Taps = taps;
        Origin = origin;
    }

    /// <summary>The per-bin kernel of a grid (every reflection on that grid shares it); <see cref="Taps"/> is then the
    /// kernel at the middle of the grid, for inspection.</summary>
    public InstrumentTaps(BinKernel bins)
    {
        ArgumentNullException.ThrowIfNull(bins);
        Bins = bins;
        Taps = bins.Row(bins.Columns[0].Length / 2);
        Origin = -bins.Min;
    }

    /// <summary>The bare profile (a point instrument).</summary>
    public static InstrumentTaps Identity { get; } = new([1.0], 0);

    /// <summary>k_m at index m + <see cref="Origin"/>.</summary>
    public double[] Taps { get; }

    public int Origin { get; }

    public int Min => -Origin;

    public int Max => Taps.Length - 1 - Origin;

    public bool IsIdentity => Taps.Length == 1 && Bins is null;

    /// <summary>Taps that differ from bin to bin (the integration matrix's own forward model), or null: one kernel for
    /// the whole window.</summary>
    public BinKernel? Bins { get; }
}

/// <summary>
/// Builds <see cref="InstrumentTaps"/> for a reflection from an <see cref="InstrumentFunction"/>: the instrument function
/// is the distribution of δ = U_1 + … + U_n + U_bin + Δ(S), independent boxes (the pixel footprint's two axes, the
/// integrator's pixel splitting, the bin) and the parallax shift Δ(s) of a scatterer at depth s (attenuation-weighted
/// over the thickness), built as a density on a grid 16× finer than the pattern's and integrated against the pattern
/// grid's hat functions. See docs/instrument-profile.md.
/// </summary>
/// <remarks>
/// A quadrature in the kernel (a few nodes per reflection) was tried first and fails where it matters: on a
/// Pilatus300K at 160 mm the footprint (~0.08° wide) is 4× the sample's peak width, and eight Gauss nodes of the
/// kernel then sample the peak as eight spikes (47 % of the peak height off). The pattern's grid (bins of 0.0037°) is
/// finer than any peak, so a discrete convolution on it is both exact for the interpolated TCH and cheap.
/// </remarks>
public static class InstrumentKernel
{
    private const int RuleOrder = 32; // depth points: the parallax deposited on the fine grid
    private const double Deg = Math.PI / 180;
    private static readonly (double[] X, double[] W) s_rule = GaussLegendre(RuleOrder);

    /// <summary>Taps for a reflection at <paramref name="twoTheta"/> (degrees) on a grid of local step
    /// <paramref name="step"/> (degrees; also the bin width when the profile includes the bin).</summary>
    public static InstrumentTaps Taps(InstrumentFunction? profile, double twoTheta, double step)
    {
        if (profile is null || !(step > 0))
        {
            return InstrumentTaps.Identity;
        }

        // The kernel's density on a fine grid (step/16): the integrator's part first (splitting boxes and the bin, a
        // mean over pixels weighted by their density: tilted by 1 − slope·u), then the physics convolved in (depth
        // points, the pixel's trapezoid); finally integrated against the hat functions of the pattern's grid.
        const int fine = 16;
        var h = step / fine;
        var (points, weights) = Depth(profile, twoTheta);
        var split = profile.SplitBoxes.Select(b => profile.At(b, twoTheta)).ToList();
        if (profile.IncludeBin)
        {
            split.Add(0.5 * step);
        }

        var pixel = profile.Boxes.Select(b => profile.At(b, twoTheta)).ToList();
        var reach = split.Sum() + pixel.Sum() + points.Max(Math.Abs) + (2 * step);
        var half = (int)Math.Ceiling(reach / h) + 2;
        var density = new double[(2 * half) + 1];
        density[half] = 1 / h;
        foreach (var box in split)
        {
            density = Box(density, box / h);
        }

        var slope = profile.DensitySlope is { } table ? profile.At(table, twoTheta) : 0;
        if (slope != 0)
        {
            for (var i = 0; i < density.Length; i++)
            {
                density[i] *= Math.Max(1 - (slope * (i - half) * h), 0);
            }
        }

        var deposited = new double[density.Length];
        for (var p = 0; p < points.Length; p++)
        {
            var shift = points[p] / h;
            var k0 = (int)Math.Floor(shift);
            var f = shift - k0;
            for (var i = 0; i < density.Length; i++)
            {
                var j = i + k0;
                if (j >= 0 && j < density.Length)
                {
                    deposited[j] += weights[p] * (1 - f) * density[i];
                }

                if (j + 1 >= 0 && j + 1 < density.Length)
                {
                    deposited[j + 1] += weights[p] * f * density[i];
                }
            }
        }

        density = deposited;
        foreach (var box in pixel)
        {
            density = Box(density, box / h);
        }

        var mMax = (int)Math.Ceiling(((double)half / fine)) + 1;
        var taps = new double[(2 * mMax) + 1];
        for (var m = -mMax; m <= mMax; m++)
        {
            var sum = 0.0;
            for (var j = -fine; j <= fine; j++)
            {
                var i = (m * fine) + j + half;
                if (i >= 0 && i < density.Length)
                {
                    sum += density[i] * h * (1 - (Math.Abs(j) / (double)fine));
                }
            }

            taps[m + mMax] = sum;
        }

        // Trim negligible ends and renormalise (rounding in the running sums only).
        var total = taps.Sum();
        int lo = 0, hi = taps.Length - 1;
        while (lo < mMax && taps[lo] < 1e-9 * total)
        {
            lo++;
        }

        while (hi > mMax && taps[hi] < 1e-9 * total)
        {
            hi--;
        }

        var kept = taps[lo..(hi + 1)];
        var keptTotal = kept.Sum();
        for (var i = 0; i < kept.Length; i++)
        {
            kept[i] /= keptTotal;
        }

        return new InstrumentTaps(kept, mMax - lo);
    }

    // The mean of the density over [x − w, x + w] (w in fine cells; each cell a point mass density·h): prefix sums read
    // with linear interpolation at the fractional ends. Narrower than half a cell: unchanged.
    private static double[] Box(double[] density, double w)
    {
        if (!(w > 0.5))
        {
            return density;
        }

        var cumulative = new double[density.Length + 1];
        for (var i = 0; i < density.Length; i++)
        {
            cumulative[i + 1] = cumulative[i] + density[i];
        }

        double At(double t)
        {
            t = Math.Clamp(t + 0.5, 0, density.Length);
            var k = (int)Math.Floor(t);
            return k >= density.Length ? cumulative[^1] : cumulative[k] + ((t - k) * density[k]);
        }

        var next = new double[density.Length];
        for (var i = 0; i < density.Length; i++)
        {
            next[i] = (At(i + w) - At(i - w)) / (2 * w);
        }

        return next;
    }

    /// <summary>Parallax shift (degrees) of a scatterer <paramref name="s_mm"/> further along the beam (towards a flat
    /// detector normal to the beam at <paramref name="distance_mm"/>): it is seen at atan((1 − s/D)·tan2θ).</summary>
    public static double ParallaxShift(double twoTheta, double s_mm, double distance_mm)
    {
        var t = twoTheta * Deg;
        return (Math.Atan((1 - s_mm / distance_mm) * Math.Tan(t)) - t) / Deg;
    }

    // The parallax: Gauss–Legendre points over the depth s ∈ [−t/2, t/2] (from the sample centre towards the detector),
    // each seen shifted by ParallaxShift. A ray scattered at s has travelled s + t/2 in and leaves through
    // (t/2 − s)/cos2θ, so its weight ∝ exp(μ·s·(1/cos2θ − 1)).
    internal static (double[] Points, double[] Weights) Depth(InstrumentFunction profile, double twoTheta)
    {
        var (sx, sw) = Axis(profile.SampleThickness_mm / 2);
        var points = new double[sx.Length];
        var weights = new double[sx.Length];
        var secMinus1 = (1 / Math.Cos(twoTheta * Deg)) - 1;
        var sum = 0.0;
        for (var i = 0; i < sx.Length; i++)
        {
            points[i] = profile.SampleThickness_mm > 0 ? ParallaxShift(twoTheta, sx[i], profile.Distance_mm) : 0;
            weights[i] = sw[i] * Math.Exp(profile.Attenuation_per_mm * sx[i] * secMinus1);
            sum += weights[i];
        }

        for (var i = 0; i < sx.Length; i++)
        {
            weights[i] /= sum;
        }

        return (points, weights);
    }

    // A box of half-width h as a Gauss–Legendre rule (weights summing to 1); a point when h is 0.
    private static (double[] X, double[] W) Axis(double h)
    {
        if (!(h > 0))
        {
            return ([0.0], [1.0]);
        }

        var x = new double[RuleOrder];
        var w = new double[RuleOrder];
        for (var i = 0; i < RuleOrder; i++)
        {
            x[i] = h * s_rule.X[i];
            w[i] = 0.5 * s_rule.W[i];
        }

        return (x, w);
    }

    // Gauss–Legendre nodes and weights on [−1, 1] (Newton on P_n from the Chebyshev guess).
    private static (double[] X, double[] W) GaussLegendre(int n)
    {
        var x = new double[n];
        var w = new double[n];
        for (var i = 0; i < n; i++)
        {
            var z = Math.Cos(Math.PI * (i + 0.75) / (n + 0.5));
            double dp = 0;
            for (var iteration = 0; iteration < 100; iteration++)
            {
                double p0 = 1, p1 = z;
                for (var k = 2; k <= n; k++)
                {
                    var p2 = (((2 * k) - 1) * z * p1 - ((k - 1) * p0)) / k;
                    p0 = p1;
                    p1 = p2;
                }

                dp = n * ((z * p1) - p0) / ((z * z) - 1);
                var dz = p1 / dp;
                z -= dz;
                if (Math.Abs(dz) < 1e-15)
                {
                    break;
                }
            }

            x[i] = z;
            w[i] = 2 / ((1 - (z * z)) * dp * dp);
        }

        return (x, w);
    }
}
