namespace OperandoXrd.Crystallography.Cells;

/// <summary>
/// A direct cell: a, b, c in Å and α, β, γ in degrees, with its metric tensor G, reciprocal metric G* = G⁻¹ and
/// the reciprocal-metric terms A0..A5 of 1/d² = A0h² + A1k² + A2l² + A3hk + A4hl + A5kl (GSAS-II's convention:
/// A0 = G*11, A1 = G*22, A2 = G*33, A3 = 2G*12, A4 = 2G*13, A5 = 2G*23).
/// </summary>
public sealed record UnitCell(double A, double B, double C, double Alpha, double Beta, double Gamma)
{
    private const double Deg = Math.PI / 180.0;

    /// <summary>Checks that lengths are positive and the angles make a real cell (positive volume).</summary>
    public UnitCell Validate()
    {
        if (!(A > 0) || !(B > 0) || !(C > 0))
        {
            throw new ArgumentException($"cell lengths must be positive (a={A}, b={B}, c={C})");
        }

        if (!(Alpha > 0 && Alpha < 180 && Beta > 0 && Beta < 180 && Gamma > 0 && Gamma < 180) || !(Volume > 0))
        {
            throw new ArgumentException($"cell angles α={Alpha}, β={Beta}, γ={Gamma} do not make a cell");
        }

        return this;
    }

    /// <summary>Direct metric tensor G (3×3, Å²), row-major.</summary>
    public double[] MetricTensor()
    {
        double ca = Math.Cos(Alpha * Deg), cb = Math.Cos(Beta * Deg), cg = Math.Cos(Gamma * Deg);
        return
        [
            A * A, A * B * cg, A * C * cb,
            A * B * cg, B * B, B * C * ca,
            A * C * cb, B * C * ca, C * C,
        ];
    }

    /// <summary>Cell volume, Å³.</summary>
    public double Volume
    {
        get
        {
            double ca = Math.Cos(Alpha * Deg), cb = Math.Cos(Beta * Deg), cg = Math.Cos(Gamma * Deg);
            var f = 1 - ca * ca - cb * cb - cg * cg + 2 * ca * cb * cg;
            return f > 0 ? A * B * C * Math.Sqrt(f) : double.NaN;
        }
    }

    /// <summary>Reciprocal metric tensor G* = G⁻¹ (Å⁻²), row-major.</summary>
    public double[] ReciprocalMetricTensor() => Invert3(MetricTensor());

    /// <summary>The six A-terms (Å⁻²).</summary>
    public double[] ToA()
    {
        var g = ReciprocalMetricTensor();
        return [g[0], g[4], g[8], 2 * g[1], 2 * g[2], 2 * g[5]];
    }

    /// <summary>1/d² of reflection hkl (Å⁻²).</summary>
    public double InverseDSquared(int h, int k, int l) => InverseDSquared(ToA(), h, k, l);

    /// <summary>d-spacing of reflection hkl (Å).</summary>
    public double D(int h, int k, int l) => 1.0 / Math.Sqrt(InverseDSquared(h, k, l));

    /// <summary>1/d² from A-terms.</summary>
    public static double InverseDSquared(ReadOnlySpan<double> a, int h, int k, int l) =>
        a[0] * h * h + a[1] * k * k + a[2] * l * l + a[3] * h * k + a[4] * h * l + a[5] * k * l;

    /// <summary>The cell whose reciprocal metric has the given A-terms.</summary>
    public static UnitCell FromA(ReadOnlySpan<double> a)
    {
        if (a.Length != 6)
        {
            throw new ArgumentException("six A-terms are needed", nameof(a));
        }

        double[] gStar = [a[0], a[3] / 2, a[4] / 2, a[3] / 2, a[1], a[5] / 2, a[4] / 2, a[5] / 2, a[2]];
        var g = Invert3(gStar);
        return FromMetric(g);
    }

    /// <summary>The cell of a direct metric tensor G.</summary>
    public static UnitCell FromMetric(ReadOnlySpan<double> g)
    {
        double a = Math.Sqrt(g[0]), b = Math.Sqrt(g[4]), c = Math.Sqrt(g[8]);
        return new UnitCell(a, b, c,
            Math.Acos(Math.Clamp(g[5] / (b * c), -1, 1)) / Deg,
            Math.Acos(Math.Clamp(g[2] / (a * c), -1, 1)) / Deg,
            Math.Acos(Math.Clamp(g[1] / (a * b), -1, 1)) / Deg);
    }

    /// <summary>
    /// Analytic Jacobian J[i, j] = ∂q_i/∂A_j of q = (a, b, c, α, β, γ, V) (Å, degrees, Å³) with respect to the six
    /// A-terms, for propagating the A-terms' covariance to cell esds: cov(q) = J·cov(A)·Jᵀ.
    /// Uses dG = −G·dG*·G (G = G*⁻¹) and dV = (V/2)·tr(G*·dG).
    /// </summary>
    public double[,] JacobianCellFromA()
    {
        var g = MetricTensor();
        var gStar = Invert3(g);
        var j = new double[7, 6];
        Span<double> dgStar = stackalloc double[9];
        Span<double> tmp = stackalloc double[9];
        Span<double> dg = stackalloc double[9];
        double a = A, b = B, c = C, v = Volume;
        for (var k = 0; k < 6; k++)
        {
            dgStar.Clear();
            switch (k)
            {
                case 0: dgStar[0] = 1; break;
                case 1: dgStar[4] = 1; break;
                case 2: dgStar[8] = 1; break;
                case 3: dgStar[1] = dgStar[3] = 0.5; break;
                case 4: dgStar[2] = dgStar[6] = 0.5; break;
                case 5: dgStar[5] = dgStar[7] = 0.5; break;
            }

            Multiply3(g, dgStar, tmp);
            Multiply3(tmp, g, dg);
            for (var i = 0; i < 9; i++)
            {
                dg[i] = -dg[i];
            }

            double da = dg[0] / (2 * a), db = dg[4] / (2 * b), dc = dg[8] / (2 * c);
            j[0, k] = da;
            j[1, k] = db;
            j[2, k] = dc;
            j[3, k] = AngleDerivative(g[5], dg[5], b, c, db, dc);
            j[4, k] = AngleDerivative(g[2], dg[2], a, c, da, dc);
            j[5, k] = AngleDerivative(g[1], dg[1], a, b, da, db);
            var trace = 0.0;
            for (var r = 0; r < 3; r++)
            {
                for (var s = 0; s < 3; s++)
                {
                    trace += gStar[r * 3 + s] * dg[s * 3 + r];
                }
            }

            j[6, k] = 0.5 * v * trace;
        }

        return j;
    }

    // angle = acos(g / (x·y)); d(angle) in degrees.
    private static double AngleDerivative(double gxy, double dgxy, double x, double y, double dx, double dy)
    {
        var cos = gxy / (x * y);
        var dcos = dgxy / (x * y) - cos * (dx / x + dy / y);
        var sin = Math.Sqrt(Math.Max(1 - cos * cos, 1e-300));
        return -dcos / sin / Deg;
    }

    /// <summary>
    /// Cell parameters (a, b, c, α, β, γ, V) and their standard uncertainties from A-terms and their 6×6 covariance.
    /// </summary>
    public static (UnitCell Cell, double[] Values, double[] Esd) PropagateFromA(ReadOnlySpan<double> a, double[,] covarianceA)
    {
        ArgumentNullException.ThrowIfNull(covarianceA);
        var cell = FromA(a);
        var j = cell.JacobianCellFromA();
        var esd = new double[7];
        for (var i = 0; i < 7; i++)
        {
            var s = 0.0;
            for (var p = 0; p < 6; p++)
            {
                for (var q = 0; q < 6; q++)
                {
                    s += j[i, p] * covarianceA[p, q] * j[i, q];
                }
            }

            esd[i] = Math.Sqrt(Math.Max(s, 0));
        }

        double[] values = [cell.A, cell.B, cell.C, cell.Alpha, cell.Beta, cell.Gamma, cell.Volume];
        return (cell, values, esd);
    }

    private static void Multiply3(ReadOnlySpan<double> x, ReadOnlySpan<double> y, Span<double> r)
    {
        for (var i = 0; i < 3; i++)
        {
            for (var k = 0; k < 3; k++)
            {
                r[i * 3 + k] = x[i * 3] * y[k] + x[i * 3 + 1] * y[3 + k] + x[i * 3 + 2] * y[6 + k];
            }
        }
    }

    private static double[] Invert3(ReadOnlySpan<double> m)
    {
        var det = m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6]) + m[2] * (m[3] * m[7] - m[4] * m[6]);
        if (!(Math.Abs(det) > 0))
        {
            throw new ArgumentException("singular metric tensor");
        }

        var inv = 1.0 / det;
        return
        [
            (m[4] * m[8] - m[5] * m[7]) * inv, (m[2] * m[7] - m[1] * m[8]) * inv, (m[1] * m[5] - m[2] * m[4]) * inv,
            (m[5] * m[6] - m[3] * m[8]) * inv, (m[0] * m[8] - m[2] * m[6]) * inv, (m[2] * m[3] - m[0] * m[5]) * inv,
            (m[3] * m[7] - m[4] * m[6]) * inv, (m[1] * m[6] - m[0] * m[7]) * inv, (m[0] * m[4] - m[1] * m[3]) * inv,
        ];
    }
}
