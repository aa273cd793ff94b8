using OperandoXrd.Crystallography.Cells;
using OperandoXrd.Crystallography.Symmetry;

namespace OperandoXrd.Crystallography.Reflections;

/// <summary>One symmetry-unique powder reflection: Miller indices of the representative, multiplicity, d (Å).</summary>
public readonly record struct Reflection(int H, int K, int L, int Multiplicity, double D)
{
    /// <summary>1/d² for another cell given by its A-terms (the hkl set stays fixed while a fit moves the cell).</summary>
    public double InverseDSquared(ReadOnlySpan<double> a) => UnitCell.InverseDSquared(a, H, K, L);

    public override string ToString() => $"({H} {K} {L}) d={D:F5} m={Multiplicity}";
}

/// <summary>
/// Lists the reflections of a cell and space group down to d_min: one entry per class of equivalent reflections
/// (point group plus Friedel mates), systematic absences removed using the operators themselves, sorted by d
/// descending. The representative is the equivalent with most non-negative indices, then the largest h, k, l
/// (so 110 rather than 2-10 in hexagonal, 11-1 in monoclinic, hkl with h ≥ k ≥ l ≥ 0 in cubic).
/// </summary>
public static class ReflectionGenerator
{
    /// <summary>Reflections with d_min ≤ d ≤ d_max.</summary>
    public static Reflection[] Generate(UnitCell cell, SpaceGroup group, double dMin, double dMax = double.PositiveInfinity)
    {
        ArgumentNullException.ThrowIfNull(cell);
        ArgumentNullException.ThrowIfNull(group);
        if (!(dMin > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(dMin), "d_min must be positive");
        }

        var a = cell.ToA();
        // |h| = |r·a| ≤ |r|·|a| = a/d, so the box below contains every reflection with d ≥ d_min.
        int hMax = (int)Math.Floor(cell.A / dMin), kMax = (int)Math.Floor(cell.B / dMin), lMax = (int)Math.Floor(cell.C / dMin);
        double sMax = 1 / (dMin * dMin), sMin = double.IsPositiveInfinity(dMax) ? 0 : 1 / (dMax * dMax);
        var result = new List<Reflection>();
        Span<(int H, int K, int L)> orbit = stackalloc (int, int, int)[96];
        for (var h = -hMax; h <= hMax; h++)
        {
            for (var k = -kMax; k <= kMax; k++)
            {
                for (var l = -lMax; l <= lMax; l++)
                {
                    if (h == 0 && k == 0 && l == 0)
                    {
                        continue;
                    }

                    var s = UnitCell.InverseDSquared(a, h, k, l);
                    if (s > sMax * (1 + 1e-12) || s < sMin * (1 - 1e-12))
                    {
                        continue;
                    }

                    var n = group.Orbit(h, k, l, orbit);
                    if (Representative(orbit[..n]) != (h, k, l) || group.IsSystematicallyAbsent(h, k, l))
                    {
                        continue;
                    }

                    result.Add(new Reflection(h, k, l, n, 1 / Math.Sqrt(s)));
                }
            }
        }

        result.Sort(static (x, y) =>
        {
            var c = y.D.CompareTo(x.D);
            if (Math.Abs(x.D - y.D) > 1e-9 * x.D)
            {
                return c;
            }

            c = y.H.CompareTo(x.H);
            if (c != 0)
            {
                return c;
            }

            c = y.K.CompareTo(x.K);
            return c != 0 ? c : y.L.CompareTo(x.L);
        });
        return [.. result];
    }

    /// <summary>Reflections within a 2θ range (degrees) at wavelength λ (Å).</summary>
    public static Reflection[] GenerateForTwoTheta(UnitCell cell, SpaceGroup group, double wavelength, double twoThetaMaxDeg, double twoThetaMinDeg = 0)
    {
        var dMin = Bragg.DFromTwoTheta(twoThetaMaxDeg, wavelength);
        var dMax = twoThetaMinDeg > 0 ? Bragg.DFromTwoTheta(twoThetaMinDeg, wavelength) : double.PositiveInfinity;
        return Generate(cell, group, dMin, dMax);
    }

    /// <summary>The canonical member of an orbit (see the class remarks).</summary>
    public static (int H, int K, int L) Representative(ReadOnlySpan<(int H, int K, int L)> orbit)
    {
        var best = orbit[0];
        for (var i = 1; i < orbit.Length; i++)
        {
            if (IsBetter(orbit[i], best))
            {
                best = orbit[i];
            }
        }

        return best;
    }

    private static bool IsBetter((int H, int K, int L) x, (int H, int K, int L) y)
    {
        int nx = NonNegative(x), ny = NonNegative(y);
        if (nx != ny)
        {
            return nx > ny;
        }

        if (x.H != y.H)
        {
            return x.H > y.H;
        }

        return x.K != y.K ? x.K > y.K : x.L > y.L;
    }

    private static int NonNegative((int H, int K, int L) x) => (x.H >= 0 ? 1 : 0) + (x.K >= 0 ? 1 : 0) + (x.L >= 0 ? 1 : 0);
}
