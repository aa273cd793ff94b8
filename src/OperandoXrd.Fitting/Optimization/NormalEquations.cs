using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Factorization;

namespace OperandoXrd.Fitting.Optimization;

/// <summary>What the covariance falls back on when the normal matrix is not positive definite.</summary>
internal static class NormalEquations
{
    /// <summary>Eigenvalues below this fraction of the largest count as zero (the normal matrix's null space).</summary>
    public const double NullSpaceTolerance = 1e-10;

    /// <summary>
    /// A parameter whose squared share of the null space exceeds this is undetermined: moving along a null direction
    /// by one unit moves it by more than 1 % of that unit, so its variance is some 1/λ_null ≥ 10⁶ times larger than it
    /// would be alone — no esd worth reporting.
    /// </summary>
    public const double NullShareTolerance = 1e-4;

    /// <summary>
    /// Pseudo-inverse of a symmetric positive semi-definite n×n matrix (row-major, lower triangle read; unit diagonal
    /// expected, i.e. already scaled) through its eigen-decomposition A = V Λ Vᵀ: Σ over eigenvalues above
    /// <see cref="NullSpaceTolerance"/> × the largest of v vᵀ / λ. Rows and columns of the parameters that take part
    /// in the null space (share above <see cref="NullShareTolerance"/>) are set to NaN and flagged in
    /// <paramref name="undetermined"/>. Only called when Cholesky fails, so speed is no concern.
    /// </summary>
    public static void PseudoInverse(ReadOnlySpan<double> lower, int n, Span<double> inverse, Span<bool> undetermined)
    {
        var values = lower[..(n * n)].ToArray();
        var matrix = Matrix<double>.Build.Dense(n, n, (i, j) => i >= j ? values[i * n + j] : values[j * n + i]);
        Evd<double> evd;
        try
        {
            if (!matrix.ForAll(double.IsFinite))
            {
                throw new ArithmeticException("the normal matrix has non-finite entries");
            }

            evd = matrix.Evd(Symmetricity.Symmetric);
        }
        catch (Exception e) when (e is ArithmeticException or MathNet.Numerics.NonConvergenceException)
        {
            // Nothing to decompose (non-finite entries, or no convergence): nothing is determined.
            undetermined[..n].Fill(true);
            inverse[..(n * n)].Fill(double.NaN);
            return;
        }

        var lambda = new double[n];
        var largest = 0.0;
        for (var k = 0; k < n; k++)
        {
            lambda[k] = evd.EigenValues[k].Real;
            largest = Math.Max(largest, Math.Abs(lambda[k]));
        }

        var vectors = evd.EigenVectors;
        var cut = NullSpaceTolerance * largest;
        for (var i = 0; i < n; i++)
        {
            var share = 0.0;
            for (var k = 0; k < n; k++)
            {
                if (!(lambda[k] > cut))
                {
                    share += vectors[i, k] * vectors[i, k];
                }
            }

            // A NaN or infinite entry leaves nothing determined.
            undetermined[i] = !(share <= NullShareTolerance);
        }

        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j <= i; j++)
            {
                double s;
                if (undetermined[i] || undetermined[j])
                {
                    s = double.NaN;
                }
                else
                {
                    s = 0;
                    for (var k = 0; k < n; k++)
                    {
                        if (lambda[k] > cut)
                        {
                            s += vectors[i, k] * vectors[j, k] / lambda[k];
                        }
                    }
                }

                inverse[i * n + j] = s;
                inverse[j * n + i] = s;
            }
        }
    }
}
