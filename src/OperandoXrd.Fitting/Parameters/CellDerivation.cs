using OperandoXrd.Crystallography.Cells;
using OperandoXrd.Crystallography.Symmetry;

namespace OperandoXrd.Fitting.Parameters;

/// <summary>A quantity computed from refined parameters, with its esd propagated through the covariance.</summary>
public readonly record struct DerivedQuantity(string Name, double Value, double Esd);

/// <summary>
/// Direct-cell parameters (the lattice system's a, b, c, α, β, γ, then V, and c/a where the system has a and c only)
/// from the independent A-terms p and their covariance: cov(A) = M cov(p) Mᵀ with the lattice system's constraint
/// matrix, then the crystallography API's analytic ∂(cell)/∂A.
/// </summary>
public static class CellDerivation
{
    private static readonly string[] CellNames = ["a", "b", "c", "alpha", "beta", "gamma", "V"];

    /// <param name="system">Lattice system that maps p to A.</param>
    /// <param name="p">Independent A-terms (Å⁻²).</param>
    /// <param name="covariance">cov(p_i, p_j).</param>
    public static DerivedQuantity[] FromIndependentA(LatticeSystem system, ReadOnlySpan<double> p, Func<int, int, double> covariance)
    {
        ArgumentNullException.ThrowIfNull(system);
        ArgumentNullException.ThrowIfNull(covariance);
        var n = system.ParameterCount;
        Span<double> a = stackalloc double[6];
        system.Expand(p, a);
        var covA = new double[6, 6];
        for (var i = 0; i < 6; i++)
        {
            for (var j = 0; j < 6; j++)
            {
                var s = 0.0;
                for (var k = 0; k < n; k++)
                {
                    var mik = system.ConstraintMatrix(i, k);
                    if (mik == 0)
                    {
                        continue;
                    }

                    for (var l = 0; l < n; l++)
                    {
                        s += mik * covariance(k, l) * system.ConstraintMatrix(j, l);
                    }
                }

                covA[i, j] = s;
            }
        }

        var (cell, values, esd) = UnitCell.PropagateFromA(a, covA);
        var result = new List<DerivedQuantity>();
        foreach (var name in system.CellParameters)
        {
            var i = Array.IndexOf(CellNames, name);
            result.Add(new DerivedQuantity(name, values[i], esd[i]));
        }

        result.Add(new DerivedQuantity("V", values[6], esd[6]));
        if (system.CellParameters.Count == 2 && system.CellParameters[0] == "a" && system.CellParameters[1] == "c")
        {
            // c/a: gradient (∂c − (c/a)∂a)/a in A-space, then the same quadratic form.
            var jac = cell.JacobianCellFromA();
            Span<double> g = stackalloc double[6];
            for (var k = 0; k < 6; k++)
            {
                g[k] = (jac[2, k] - cell.C / cell.A * jac[0, k]) / cell.A;
            }

            var s = 0.0;
            for (var i = 0; i < 6; i++)
            {
                for (var j = 0; j < 6; j++)
                {
                    s += g[i] * covA[i, j] * g[j];
                }
            }

            result.Add(new DerivedQuantity("c/a", cell.C / cell.A, Math.Sqrt(Math.Max(s, 0))));
        }

        return [.. result];
    }
}
