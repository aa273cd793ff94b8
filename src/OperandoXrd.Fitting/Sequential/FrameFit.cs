using OperandoXrd.Fitting.Configuration;
using OperandoXrd.Fitting.Parameters;

namespace OperandoXrd.Fitting.Sequential;

/// <summary>What became of one frame.</summary>
public enum FrameStatus
{
    /// <summary>Converged and passed the quality gate; later frames may start from it.</summary>
    Ok,

    /// <summary>Converged, but GoF or a parameter jump failed the quality gate: reported, not carried over.</summary>
    Gated,

    /// <summary>Diverged, did not converge or ran into bounds, also when retried from the reference.</summary>
    Failed,
}

/// <summary>
/// The status words of lattice.csv, reduced.h5 and the run summary — the one definition, which the writers and the
/// readers (the viewer's, <c>oxrd demo</c>'s) share.
/// </summary>
public static class FrameStatuses
{
    /// <summary>Converged and passed the quality gate.</summary>
    public const string Ok = "ok";

    /// <summary>Converged but gated (see the note).</summary>
    public const string Gated = "gated";

    /// <summary>The fit failed, or the frame could not be read or integrated.</summary>
    public const string Failed = "failed";

    /// <summary>A frame that has neither a fit nor an error (not written to files).</summary>
    public const string NotFitted = "not-fitted";

    public static string Name(this FrameStatus status) => status switch
    {
        FrameStatus.Ok => Ok,
        FrameStatus.Gated => Gated,
        _ => Failed,
    };
}

/// <summary>Cell and scale of one phase in one frame.</summary>
/// <param name="Name">Phase name from the pipeline.</param>
/// <param name="Cell">a, b, c, alpha, beta, gamma as the lattice system has them, then V and (hexagonal/tetragonal) c/a, each with esd.</param>
/// <param name="Scale">Phase scale (relative to the reference frame in Pawley mode).</param>
/// <param name="ScaleEsd">esd of the scale.</param>
public sealed record PhaseFit(string Name, IReadOnlyList<DerivedQuantity> Cell, double Scale, double ScaleEsd)
{
    /// <summary>The named cell quantity ("a", "c", "V", "beta", "c/a").</summary>
    public DerivedQuantity this[string name] => Cell.First(q => string.Equals(q.Name, name, StringComparison.Ordinal));
}

/// <summary>The result of fitting one frame.</summary>
public sealed record FrameFit
{
    /// <summary>Frame index as given by the caller (global index in the patterns file).</summary>
    public required int Frame { get; init; }

    public required FrameStatus Status { get; init; }

    /// <summary>Why the frame is gated or failed (empty when ok); also notes such as masked zingers.</summary>
    public string Reason { get; init; } = "";

    /// <summary>LM iterations of the accepted fit (all attempts summed).</summary>
    public int Iterations { get; init; }

    /// <summary>Where the start values came from: "reference", "previous", "last-good", "reference-retry".</summary>
    public string StartedFrom { get; init; } = "";

    /// <summary>The fit was repeated from the reference after the first attempt failed.</summary>
    public bool Retried { get; init; }

    /// <summary>Isolated single-point spikes (zingers) given zero weight.</summary>
    public int MaskedPoints { get; init; }

    public double Rwp { get; init; }

    public double Rexp { get; init; }

    public double GoF { get; init; }

    public required IReadOnlyList<PhaseFit> Phases { get; init; }

    public double PeekScale { get; init; } = double.NaN;

    public double PeekScaleEsd { get; init; } = double.NaN;

    public double Zero { get; init; }

    public double ZeroEsd { get; init; }

    /// <summary>Which esd <see cref="Esd"/> and the cell esds are (<see cref="FitSettings"/>.Esd).</summary>
    public EsdConvention EsdConvention { get; init; }

    /// <summary>
    /// The factor by which the least-squares esd √((JᵀWJ)⁻¹)ᵢᵢ was multiplied to give the reported esds: 1, GoF, or
    /// GoF × the Bérar–Lelann factor (<see cref="EsdConventions.FactorOverLeastSquares"/>).
    /// </summary>
    public double EsdFactor { get; init; } = double.NaN;

    /// <summary>Lag-1 serial correlation of the weighted residuals (Durbin–Watson d ≈ 2(1 − ρ)).</summary>
    public double SerialCorrelation { get; init; } = double.NaN;

    /// <summary>All parameter values (model order; names in <see cref="ParameterNames"/>).</summary>
    public required double[] Values { get; init; }

    /// <summary>esd of every parameter (0 for fixed).</summary>
    public required double[] Esd { get; init; }

    public required IReadOnlyList<string> ParameterNames { get; init; }

    public PhaseFit Phase(string name) => Phases.First(p => string.Equals(p.Name, name, StringComparison.Ordinal));
}
