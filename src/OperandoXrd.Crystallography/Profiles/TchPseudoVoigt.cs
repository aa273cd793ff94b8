using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace OperandoXrd.Crystallography.Profiles;

/// <summary>The six Thompson–Cox–Hastings width parameters.</summary>
public enum TchParameter
{
    U,
    V,
    W,
    X,
    Y,
    Z,
}

/// <summary>
/// Thompson–Cox–Hastings width parameters, with 2θ in degrees: H_G² = U tan²θ + V tanθ + W + Z/cos²θ (deg²),
/// H_L = X tanθ + Y/cosθ (deg).
/// </summary>
public readonly record struct TchParameters(double U, double V, double W, double X, double Y, double Z = 0)
{
    public double this[TchParameter p] => p switch
    {
        TchParameter.U => U,
        TchParameter.V => V,
        TchParameter.W => W,
        TchParameter.X => X,
        TchParameter.Y => Y,
        TchParameter.Z => Z,
        _ => throw new ArgumentOutOfRangeException(nameof(p)),
    };

    /// <summary>A copy with one parameter replaced.</summary>
    public TchParameters With(TchParameter p, double value) => p switch
    {
        TchParameter.U => this with { U = value },
        TchParameter.V => this with { V = value },
        TchParameter.W => this with { W = value },
        TchParameter.X => this with { X = value },
        TchParameter.Y => this with { Y = value },
        TchParameter.Z => this with { Z = value },
        _ => throw new ArgumentOutOfRangeException(nameof(p)),
    };
}

/// <summary>
/// The shape of one TCH peak at its position: total FWHM H, mixing η, the Gaussian and Lorentzian FWHMs and every
/// partial derivative a least-squares fitter needs to chain through them. Width parameters enter only through
/// H_G and H_L, so ∂P/∂U = ∂P/∂H_G · ∂H_G/∂U and so on; see <see cref="DHG"/> and <see cref="DHL"/>.
/// </summary>
public readonly struct TchShape
{
    internal TchShape(double twoTheta0, double h, double eta, double hg, double hl, double dHdHG, double dHdHL, double dEtadHG,
        double dEtadHL, double tan, double sec, double dHGdPos, double dHLdPos)
    {
        TwoTheta0 = twoTheta0;
        Fwhm = h;
        Eta = eta;
        GaussianFwhm = hg;
        LorentzianFwhm = hl;
        DFwhmDGaussian = dHdHG;
        DFwhmDLorentzian = dHdHL;
        DEtaDGaussian = dEtadHG;
        DEtaDLorentzian = dEtadHL;
        Tan = tan;
        Sec = sec;
        DGaussianDPosition = dHGdPos;
        DLorentzianDPosition = dHLdPos;
    }

    /// <summary>Peak position 2θ0 (degrees) the shape was computed for.</summary>
    public double TwoTheta0 { get; }

    /// <summary>Total FWHM H (degrees 2θ).</summary>
    public double Fwhm { get; }

    /// <summary>Lorentzian fraction η.</summary>
    public double Eta { get; }

    public double GaussianFwhm { get; }

    public double LorentzianFwhm { get; }

    public double DFwhmDGaussian { get; }

    public double DFwhmDLorentzian { get; }

    public double DEtaDGaussian { get; }

    public double DEtaDLorentzian { get; }

    /// <summary>tanθ0.</summary>
    public double Tan { get; }

    /// <summary>1/cosθ0.</summary>
    public double Sec { get; }

    /// <summary>∂H_G/∂2θ0 (per degree).</summary>
    public double DGaussianDPosition { get; }

    /// <summary>∂H_L/∂2θ0 (per degree).</summary>
    public double DLorentzianDPosition { get; }

    /// <summary>The same shape (widths and their derivatives) centred <paramref name="offset"/> degrees further: one node
    /// of an instrument function convolved with the profile.</summary>
    public TchShape Shifted(double offset) => new(TwoTheta0 + offset, Fwhm, Eta, GaussianFwhm, LorentzianFwhm, DFwhmDGaussian,
        DFwhmDLorentzian, DEtaDGaussian, DEtaDLorentzian, Tan, Sec, DGaussianDPosition, DLorentzianDPosition);

    /// <summary>∂H_G/∂parameter (zero for X and Y).</summary>
    public double DHG(TchParameter p)
    {
        var twoHg = 2 * GaussianFwhm;
        return p switch
        {
            TchParameter.U => Tan * Tan / twoHg,
            TchParameter.V => Tan / twoHg,
            TchParameter.W => 1 / twoHg,
            TchParameter.Z => Sec * Sec / twoHg,
            _ => 0,
        };
    }

    /// <summary>∂H_L/∂parameter (zero for U, V, W, Z).</summary>
    public double DHL(TchParameter p) => p switch
    {
        TchParameter.X => Tan,
        TchParameter.Y => Sec,
        _ => 0,
    };
}

/// <summary>
/// Area-normalised Thompson–Cox–Hastings pseudo-Voigt (Thompson, Cox &amp; Hastings 1987, J. Appl. Cryst. 20, 79):
/// P(x) = η L(x) + (1 − η) G(x) with G, L of common FWHM H,
/// H = (H_G⁵ + 2.69269 H_G⁴H_L + 2.42843 H_G³H_L² + 4.47163 H_G²H_L³ + 0.07842 H_G H_L⁴ + H_L⁵)^(1/5),
/// η = 1.36603 q − 0.47719 q² + 0.11116 q³, q = H_L / H. Evaluated only inside ±N·H of the peak
/// (the Lorentzian tail beyond loses a fraction ≈ η/(πN) of the area; N = 15 by default).
/// </summary>
[SkipLocalsInit]
public static class TchPseudoVoigt
{
    /// <summary>Default half-window in FWHMs.</summary>
    public const double DefaultWindow = 15;

    private const double Deg = Math.PI / 180.0;
    private const double FourLn2 = 2.772588722239781;
    private const double GaussNorm = 0.9394372786996513; // 2·sqrt(ln2/π)
    private const double LorentzNorm = 0.6366197723675814; // 2/π
    private const double MinGaussianSquared = 1e-12;

    /// <summary>The shape at 2θ0 (degrees) for the given width parameters.</summary>
    public static TchShape Shape(in TchParameters p, double twoTheta0Deg)
    {
        var theta = twoTheta0Deg * Deg / 2;
        var cos = Math.Cos(theta);
        var tan = Math.Tan(theta);
        var sec = 1 / cos;
        var hg2 = p.U * tan * tan + p.V * tan + p.W + p.Z * sec * sec;
        // A vanishing Gaussian width is legal (pure Lorentzian) but ∂H_G/∂W = 1/(2H_G) diverges; floor it.
        var hg = Math.Sqrt(Math.Max(hg2, MinGaussianSquared));
        var hl = Math.Max(p.X * tan + p.Y * sec, 0);
        double g2 = hg * hg, g3 = g2 * hg, g4 = g3 * hg, g5 = g4 * hg;
        double l2 = hl * hl, l3 = l2 * hl, l4 = l3 * hl, l5 = l4 * hl;
        var poly = g5 + 2.69269 * g4 * hl + 2.42843 * g3 * l2 + 4.47163 * g2 * l3 + 0.07842 * hg * l4 + l5;
        var h = Math.Pow(poly, 0.2);
        var dPolydG = 5 * g4 + 4 * 2.69269 * g3 * hl + 3 * 2.42843 * g2 * l2 + 2 * 4.47163 * hg * l3 + 0.07842 * l4;
        var dPolydL = 2.69269 * g4 + 2 * 2.42843 * g3 * hl + 3 * 4.47163 * g2 * l2 + 4 * 0.07842 * hg * l3 + 5 * l4;
        var dHdPoly = 0.2 * h / poly;
        var dHdG = dPolydG * dHdPoly;
        var dHdL = dPolydL * dHdPoly;
        var q = hl / h;
        var eta = 1.36603 * q - 0.47719 * q * q + 0.11116 * q * q * q;
        var dEtadq = 1.36603 - 2 * 0.47719 * q + 3 * 0.11116 * q * q;
        var dEtadG = dEtadq * (-hl / (h * h)) * dHdG;
        var dEtadL = dEtadq * (1 / h - hl / (h * h) * dHdL);
        // d/d(2θ0 in degrees) = (π/360) d/dθ.
        var dThetadPos = Deg / 2;
        var sec2 = sec * sec;
        var dHg2dTheta = 2 * p.U * tan * sec2 + p.V * sec2 + 2 * p.Z * sec2 * tan;
        var dHGdPos = hg2 > MinGaussianSquared ? dHg2dTheta / (2 * hg) * dThetadPos : 0;
        var dHLdPos = p.X * tan + p.Y * sec > 0 ? (p.X * sec2 + p.Y * sec * tan) * dThetadPos : 0;
        return new TchShape(twoTheta0Deg, h, eta, hg, hl, dHdG, dHdL, dEtadG, dEtadL, tan, sec, dHGdPos, dHLdPos);
    }

    /// <summary>P(x) for one x (degrees).</summary>
    public static double Value(double x, in TchShape s)
    {
        var u = (x - s.TwoTheta0) / s.Fwhm;
        var g = GaussNorm / s.Fwhm * Math.Exp(-FourLn2 * u * u);
        var l = LorentzNorm / s.Fwhm / (1 + 4 * u * u);
        return s.Eta * l + (1 - s.Eta) * g;
    }

    /// <summary>Index range [Start, Start+Count) of an ascending grid within ±window·H of the peak.</summary>
    public static (int Start, int Count) Window(ReadOnlySpan<double> grid, in TchShape s, double window = DefaultWindow)
    {
        var half = window * s.Fwhm;
        var start = LowerBound(grid, s.TwoTheta0 - half);
        var end = LowerBound(grid, s.TwoTheta0 + half);
        if (end < grid.Length && grid[end] <= s.TwoTheta0 + half)
        {
            end++;
        }

        return (start, end - start);
    }

    /// <summary>y[i] += area·P(x[i]) over the peak window. x must be ascending (degrees 2θ).</summary>
    public static void Add(ReadOnlySpan<double> x, Span<double> y, double area, in TchShape s, double window = DefaultWindow)
    {
        if (y.Length < x.Length)
        {
            throw new ArgumentException("y is shorter than the grid", nameof(y));
        }

        var (start, count) = Window(x, s, window);
        if (count == 0)
        {
            return;
        }

        PeakKernel.Add(x.Slice(start, count), y.Slice(start, count), area, s);
    }

    /// <summary>
    /// Evaluates the area-normalised profile over a window slice of the grid, with partial derivatives:
    /// <paramref name="value"/> = P, <paramref name="dPosition"/> = dP/d2θ0 (total, including the change of H and η
    /// with θ0), <paramref name="dGaussian"/> = ∂P/∂H_G, <paramref name="dLorentzian"/> = ∂P/∂H_L. Chain with
    /// <see cref="TchShape.DHG"/>/<see cref="TchShape.DHL"/> for U…Z. All output spans must be as long as
    /// <paramref name="x"/>. Nothing is allocated.
    /// </summary>
    public static void Evaluate(ReadOnlySpan<double> x, in TchShape s, Span<double> value, Span<double> dPosition,
        Span<double> dGaussian, Span<double> dLorentzian)
    {
        if (value.Length < x.Length || dPosition.Length < x.Length || dGaussian.Length < x.Length || dLorentzian.Length < x.Length)
        {
            throw new ArgumentException("output spans are shorter than the grid");
        }

        PeakKernel.Evaluate(x, s, value, dPosition, dGaussian, dLorentzian);
    }

    private static int LowerBound(ReadOnlySpan<double> grid, double v)
    {
        int lo = 0, hi = grid.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (grid[mid] < v)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }

    /// <summary>
    /// The hot loops. One point costs an exp and a division; the fitter calls this ~100 peaks × ~250 points per
    /// iteration, so the loop walks refs in Vector512 → Vector256 → scalar steps (Vector128 of doubles would hold only
    /// two lanes and is not worth a branch here) and shares every sub-expression between value and derivatives.
    /// </summary>
    private static class PeakKernel
    {
        public static void Add(ReadOnlySpan<double> x, Span<double> y, double area, in TchShape s)
        {
            double h = s.Fwhm, x0 = s.TwoTheta0, invH = 1 / h;
            var a = area * s.Eta * LorentzNorm * invH;
            var b = area * (1 - s.Eta) * GaussNorm * invH;
            ref var xr = ref MemoryMarshal.GetReference(x);
            ref var yr = ref MemoryMarshal.GetReference(y);
            var n = x.Length;
            var i = 0;
            if (Vector512.IsHardwareAccelerated && n >= Vector512<double>.Count)
            {
                var vx0 = Vector512.Create(x0);
                var vInvH = Vector512.Create(invH);
                var va = Vector512.Create(a);
                var vb = Vector512.Create(b);
                var vK = Vector512.Create(-FourLn2);
                var one = Vector512<double>.One;
                var four = Vector512.Create(4.0);
                for (; i <= n - Vector512<double>.Count; i += Vector512<double>.Count)
                {
                    var u = (Vector512.LoadUnsafe(ref xr, (nuint)i) - vx0) * vInvH;
                    var u2 = u * u;
                    var g = Vector512.Exp(vK * u2);
                    var l = one / (one + four * u2);
                    var r = Vector512.LoadUnsafe(ref yr, (nuint)i) + va * l + vb * g;
                    r.StoreUnsafe(ref yr, (nuint)i);
                }
            }

            if (Vector256.IsHardwareAccelerated && n - i >= Vector256<double>.Count)
            {
                var vx0 = Vector256.Create(x0);
                var vInvH = Vector256.Create(invH);
                var va = Vector256.Create(a);
                var vb = Vector256.Create(b);
                var vK = Vector256.Create(-FourLn2);
                var one = Vector256<double>.One;
                var four = Vector256.Create(4.0);
                for (; i <= n - Vector256<double>.Count; i += Vector256<double>.Count)
                {
                    var u = (Vector256.LoadUnsafe(ref xr, (nuint)i) - vx0) * vInvH;
                    var u2 = u * u;
                    var g = Vector256.Exp(vK * u2);
                    var l = one / (one + four * u2);
                    var r = Vector256.LoadUnsafe(ref yr, (nuint)i) + va * l + vb * g;
                    r.StoreUnsafe(ref yr, (nuint)i);
                }
            }

            for (; i < n; i++)
            {
                var u = (Unsafe.Add(ref xr, i) - x0) * invH;
                var u2 = u * u;
                Unsafe.Add(ref yr, i) += a / (1 + 4 * u2) + b * Math.Exp(-FourLn2 * u2);
            }
        }

        // With G = gN·e, L = lN/(1+4u²), u = (x−x0)/H:
        //   ∂G/∂x0 = G·2·4ln2·u/H      ∂L/∂x0 = L·8u/(H(1+4u²))
        //   ∂G/∂H  = G(8ln2·u² − 1)/H   ∂L/∂H  = L(4u² − 1)/(H(1+4u²))      ∂P/∂η = L − G
        public static void Evaluate(ReadOnlySpan<double> x, in TchShape s, Span<double> value, Span<double> dPosition,
            Span<double> dGaussian, Span<double> dLorentzian)
        {
            double h = s.Fwhm, x0 = s.TwoTheta0, invH = 1 / h, eta = s.Eta;
            double gN = GaussNorm * invH, lN = LorentzNorm * invH;
            // ∂P/∂H_G = ∂P/∂H·H_G' + ∂P/∂η·η_G'; same for L. Position: explicit + through H_G(θ0), H_L(θ0).
            double hG = s.DFwhmDGaussian, hL = s.DFwhmDLorentzian, eG = s.DEtaDGaussian, eL = s.DEtaDLorentzian;
            double gPos = s.DGaussianDPosition, lPos = s.DLorentzianDPosition;
            ref var xr = ref MemoryMarshal.GetReference(x);
            ref var vr = ref MemoryMarshal.GetReference(value);
            ref var pr = ref MemoryMarshal.GetReference(dPosition);
            ref var gr = ref MemoryMarshal.GetReference(dGaussian);
            ref var lr = ref MemoryMarshal.GetReference(dLorentzian);
            var n = x.Length;
            var i = 0;
            if (Vector512.IsHardwareAccelerated && n >= Vector512<double>.Count)
            {
                var vx0 = Vector512.Create(x0);
                var vInvH = Vector512.Create(invH);
                var vK = Vector512.Create(-FourLn2);
                var vK8 = Vector512.Create(2 * FourLn2);
                var one = Vector512<double>.One;
                var four = Vector512.Create(4.0);
                var eight = Vector512.Create(8.0);
                var vEta = Vector512.Create(eta);
                var vEta1 = Vector512.Create(1 - eta);
                var vgN = Vector512.Create(gN);
                var vlN = Vector512.Create(lN);
                var vhG = Vector512.Create(hG);
                var vhL = Vector512.Create(hL);
                var veG = Vector512.Create(eG);
                var veL = Vector512.Create(eL);
                var vgPos = Vector512.Create(gPos);
                var vlPos = Vector512.Create(lPos);
                for (; i <= n - Vector512<double>.Count; i += Vector512<double>.Count)
                {
                    var u = (Vector512.LoadUnsafe(ref xr, (nuint)i) - vx0) * vInvH;
                    var u2 = u * u;
                    var g = vgN * Vector512.Exp(vK * u2);
                    var inv = one / (one + four * u2);
                    var l = vlN * inv;
                    var p = vEta * l + vEta1 * g;
                    var dx0 = (vEta * l * eight * u * inv + vEta1 * g * vK8 * u) * vInvH;
                    var dH = (vEta * l * (four * u2 - one) * inv + vEta1 * g * (vK8 * u2 - one)) * vInvH;
                    var dEta = l - g;
                    var dG = dH * vhG + dEta * veG;
                    var dL = dH * vhL + dEta * veL;
                    p.StoreUnsafe(ref vr, (nuint)i);
                    (dx0 + dG * vgPos + dL * vlPos).StoreUnsafe(ref pr, (nuint)i);
                    dG.StoreUnsafe(ref gr, (nuint)i);
                    dL.StoreUnsafe(ref lr, (nuint)i);
                }
            }

            if (Vector256.IsHardwareAccelerated && n - i >= Vector256<double>.Count)
            {
                var vx0 = Vector256.Create(x0);
                var vInvH = Vector256.Create(invH);
                var vK = Vector256.Create(-FourLn2);
                var vK8 = Vector256.Create(2 * FourLn2);
                var one = Vector256<double>.One;
                var four = Vector256.Create(4.0);
                var eight = Vector256.Create(8.0);
                var vEta = Vector256.Create(eta);
                var vEta1 = Vector256.Create(1 - eta);
                var vgN = Vector256.Create(gN);
                var vlN = Vector256.Create(lN);
                var vhG = Vector256.Create(hG);
                var vhL = Vector256.Create(hL);
                var veG = Vector256.Create(eG);
                var veL = Vector256.Create(eL);
                var vgPos = Vector256.Create(gPos);
                var vlPos = Vector256.Create(lPos);
                for (; i <= n - Vector256<double>.Count; i += Vector256<double>.Count)
                {
                    var u = (Vector256.LoadUnsafe(ref xr, (nuint)i) - vx0) * vInvH;
                    var u2 = u * u;
                    var g = vgN * Vector256.Exp(vK * u2);
                    var inv = one / (one + four * u2);
                    var l = vlN * inv;
                    var p = vEta * l + vEta1 * g;
                    var dx0 = (vEta * l * eight * u * inv + vEta1 * g * vK8 * u) * vInvH;
                    var dH = (vEta * l * (four * u2 - one) * inv + vEta1 * g * (vK8 * u2 - one)) * vInvH;
                    var dEta = l - g;
                    var dG = dH * vhG + dEta * veG;
                    var dL = dH * vhL + dEta * veL;
                    p.StoreUnsafe(ref vr, (nuint)i);
                    (dx0 + dG * vgPos + dL * vlPos).StoreUnsafe(ref pr, (nuint)i);
                    dG.StoreUnsafe(ref gr, (nuint)i);
                    dL.StoreUnsafe(ref lr, (nuint)i);
                }
            }

            for (; i < n; i++)
            {
                var u = (Unsafe.Add(ref xr, i) - x0) * invH;
                var u2 = u * u;
                var g = gN * Math.Exp(-FourLn2 * u2);
                var inv = 1 / (1 + 4 * u2);
                var l = lN * inv;
                var dx0 = (eta * l * 8 * u * inv + (1 - eta) * g * 2 * FourLn2 * u) * invH;
                var dH = (eta * l * (4 * u2 - 1) * inv + (1 - eta) * g * (2 * FourLn2 * u2 - 1)) * invH;
                var dEta = l - g;
                var dG = dH * hG + dEta * eG;
                var dL = dH * hL + dEta * eL;
                Unsafe.Add(ref vr, i) = eta * l + (1 - eta) * g;
                Unsafe.Add(ref pr, i) = dx0 + dG * gPos + dL * lPos;
                Unsafe.Add(ref gr, i) = dG;
                Unsafe.Add(ref lr, i) = dL;
            }
        }
    }
}
