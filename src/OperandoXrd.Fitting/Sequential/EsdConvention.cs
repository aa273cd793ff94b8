namespace OperandoXrd.Fitting.Sequential;

/// <summary>
/// Which estimated standard deviation a fit reports (pipeline key <c>fit.esd</c>, <c>oxrd fit --esd</c>); the
/// derivation and when to use which are in docs/uncertainty.md.
/// </summary>
public enum EsdConvention
{
    /// <summary>√((JᵀWJ)⁻¹)ᵢᵢ × √χ²ν: the least-squares esd scaled by the goodness of fit (GSAS-II, TOPAS). Default.</summary>
    Scaled,

    /// <summary>√((JᵀWJ)⁻¹)ᵢᵢ: right only when the weights are the true variances and the model is complete.</summary>
    LeastSquares,

    /// <summary>
    /// The scaled esd times Bérar &amp; Lelann's (1991) factor for serially correlated residuals,
    /// √((1 + ρ)/(1 − ρ)) with ρ the lag-1 correlation of the weighted residuals (ρ ≈ 1 − d/2, d the Durbin–Watson
    /// statistic); 1 when ρ ≤ 0.
    /// </summary>
    BerarLelann,
}

/// <summary>The names of <see cref="EsdConvention"/> in pipeline files, on the command line and in lattice.csv, and the factors.</summary>
public static class EsdConventions
{
    /// <summary>The spellings, in the order of <see cref="EsdConvention"/>.</summary>
    public static IReadOnlyList<string> Names { get; } = ["scaled", "least-squares", "berar-lelann"];

    public static string Name(this EsdConvention convention) => Names[(int)convention];

    /// <summary>The convention named <paramref name="name"/>, or null when it is not one of <see cref="Names"/>.</summary>
    public static EsdConvention? Parse(string? name)
    {
        for (var i = 0; i < Names.Count; i++)
        {
            if (string.Equals(Names[i], name, StringComparison.Ordinal))
            {
                return (EsdConvention)i;
            }
        }

        return null;
    }

    /// <summary>
    /// Bérar–Lelann's factor for residuals with lag-1 serial correlation <paramref name="rho"/>: √((1 + ρ)/(1 − ρ)),
    /// the standard deviation of a mean of AR(1) errors relative to that of independent ones (docs/uncertainty.md).
    /// 1 for ρ ≤ 0 (a correction for positive correlation; it never shrinks an esd) and NaN-safe.
    /// </summary>
    public static double BerarLelannFactor(double rho) =>
        !double.IsFinite(rho) || rho <= 0 ? 1 : rho >= 1 ? double.PositiveInfinity : Math.Sqrt((1 + rho) / (1 - rho));

    /// <summary>
    /// The factor by which the least-squares esd √((JᵀWJ)⁻¹)ᵢᵢ is multiplied: 1, GoF = √χ²ν, or GoF times the
    /// Bérar–Lelann factor.
    /// </summary>
    public static double FactorOverLeastSquares(this EsdConvention convention, double gof, double rho) => convention switch
    {
        EsdConvention.LeastSquares => 1,
        EsdConvention.Scaled => gof,
        _ => gof * BerarLelannFactor(rho),
    };

    /// <summary>"esd_factor_&lt;name&gt;": the lattice.csv column that names the convention in the header and holds each frame's factor.</summary>
    public static string ColumnName(this EsdConvention convention) => ColumnPrefix + convention.Name();

    /// <summary>The prefix of <see cref="ColumnName"/>.</summary>
    public const string ColumnPrefix = "esd_factor_";

    /// <summary>"scaled | least-squares | berar-lelann", for messages.</summary>
    public static string Choices => string.Join(", ", Names);
}
