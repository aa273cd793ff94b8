namespace OperandoXrd.Fitting.Optimization;

/// <summary>Outcome of one <see cref="LevenbergMarquardt"/> run.</summary>
public sealed class LeastSquaresResult
{
    /// <summary>All parameter values after the fit (fixed ones unchanged).</summary>
    public required double[] Values { get; init; }

    /// <summary>
    /// Covariance of the free parameters, row-major FreeParameters² in the order of <see cref="FreePosition"/>: the
    /// inverse of the weighted normal matrix JᵀWJ scaled by the reduced χ² (GSAS-II and TOPAS report esds this way,
    /// so a fit to a model that misses something gets honestly larger error bars). Use <see cref="CovarianceOf"/>.
    /// </summary>
    public required double[] Covariance { get; init; }

    /// <summary>Row of parameter i in <see cref="Covariance"/>, −1 for a fixed parameter.</summary>
    public required int[] FreePosition { get; init; }

    public required int ParameterCount { get; init; }

    /// <summary>χ² = Σ w (y − f)², w = 1/σ².</summary>
    public double ChiSquared { get; init; }

    /// <summary>Points with non-zero weight.</summary>
    public int Points { get; init; }

    public int FreeParameters { get; init; }

    /// <summary>Accepted plus rejected LM steps, i.e. model evaluations after the first.</summary>
    public int Iterations { get; init; }

    public bool Converged { get; init; }

    /// <summary>Why the fit stopped when it did not converge ("not finite", "iteration limit", ...); empty otherwise.</summary>
    public string Message { get; init; } = "";

    /// <summary>Rwp = √(Σw(y−f)² / Σwy²).</summary>
    public double Rwp { get; init; }

    /// <summary>Rexp = √((N − P) / Σwy²).</summary>
    public double Rexp { get; init; }

    /// <summary>GoF = √(χ² / (N − P)) = Rwp / Rexp.</summary>
    public double GoF { get; init; }

    /// <summary>
    /// Lag-1 serial correlation of the weighted residuals rᵢ = (yᵢ − fᵢ)/σᵢ at the solution,
    /// ρ = Σ rᵢrᵢ₋₁ / Σ rᵢ² over neighbouring weighted points (Durbin–Watson d ≈ 2(1 − ρ)); the input of the
    /// Bérar–Lelann esd correction. NaN when not finite.
    /// </summary>
    public double SerialCorrelation { get; init; } = double.NaN;

    /// <summary>Indices of free parameters that ended on a bound.</summary>
    public required int[] AtBounds { get; init; }

    /// <summary>
    /// Free parameters the data do not determine: a zero Jacobian column, or a part in the null space of the normal
    /// matrix (an exact or numerical linear dependence on other free parameters). Their variances and covariances
    /// are NaN; the other parameters' covariance is then the pseudo-inverse's, so their esds stay meaningful.
    /// </summary>
    public int[] Undetermined { get; init; } = [];

    /// <summary>Estimated standard deviation of parameter i (0 for fixed parameters, NaN for undetermined ones).</summary>
    public double Esd(int i) => FreePosition[i] < 0 ? 0 : Math.Sqrt(Math.Max(0, CovarianceOf(i, i)));

    /// <summary>cov(p_i, p_j); zero when either is fixed.</summary>
    public double CovarianceOf(int i, int j)
    {
        int a = FreePosition[i], b = FreePosition[j];
        return a < 0 || b < 0 ? 0 : Covariance[a * FreeParameters + b];
    }
}
