namespace OperandoXrd.Fitting.Emergence;

/// <summary>
/// A peak in the residual that the model does not explain, as the detector reports it.
/// </summary>
/// <param name="TwoTheta">Position, degrees 2θ as observed (averaged over the frames it was present in, weighted by significance²).</param>
/// <param name="D">d-spacing, Å (from the position, the fitted zero shift removed).</param>
/// <param name="Fwhm">Width, degrees 2θ (second moment of the positive residual in the reporting frame; NaN if too weak to say).</param>
/// <param name="Height">Height above the model, in the pattern's intensity units, in the reporting frame.</param>
/// <param name="Significance">Height in units of the filtered residual's noise in the reporting frame.</param>
/// <param name="Trend">Change of <see cref="Height"/> per frame over its present run (least squares; 0 with one frame).</param>
/// <param name="FirstFrame">First frame of its present run.</param>
public sealed record UnexplainedPeak(double TwoTheta, double D, double Fwhm, double Height, double Significance, double Trend, int FirstFrame);

/// <summary>One newly seen phase (or a set of unindexed peaks).</summary>
/// <param name="Phase">Library phase name, or <see cref="Unindexed"/>.</param>
/// <param name="FirstFrame">First frame (0-based, as in lattice.csv) of the persistent run in which the peaks are seen.</param>
/// <param name="DetectedFrame">Frame at which the detector reported it.</param>
/// <param name="Score">Figure of merit of the named phase (0–1); for <c>unindexed</c>, that of the best library phase, which fell short.</param>
/// <param name="Strain">Isotropic strain Δd/d of the match (0 when unindexed).</param>
/// <param name="Peaks">The matched (or unexplained) peaks, by decreasing d.</param>
/// <param name="Cif">CIF of the identified phase (null when unindexed).</param>
public sealed record EmergenceEvent(string Phase, int FirstFrame, int DetectedFrame, double Score, double Strain, IReadOnlyList<UnexplainedPeak> Peaks, string? Cif)
{
    /// <summary>The phase name of a set of peaks no library phase explains.</summary>
    public const string Unindexed = "unindexed";

    public bool IsIndexed => !string.Equals(Phase, Unindexed, StringComparison.Ordinal);
}
