namespace OperandoXrd.Fitting.Emergence;

/// <summary>
/// Settings of the emergence detector (pipeline section <c>emergence</c>). Significances are in units of the robust
/// noise of the band-pass filtered normalised residual (see <see cref="ResidualScanner"/>), so 5 means the same thing
/// on a Pilatus2M and a Pilatus300K pattern, whatever the σ of the integration.
/// </summary>
public sealed record EmergenceOptions
{
    /// <summary>Significance a peak must reach in a frame to count as present there.</summary>
    public double Threshold { get; init; } = 5;

    /// <summary>Consecutive fitted frames a peak must be present in before it is reported.</summary>
    public int Persistence { get; init; } = 3;

    /// <summary>
    /// Significance of the companion peaks that join a persistent peak for the library match (they need not be
    /// persistent yet: a phase's second and third reflections trail its strongest one).
    /// </summary>
    public double CompanionThreshold { get; init; } = 4;

    /// <summary>
    /// A residual peak no higher than this fraction of the model's own Bragg peak within
    /// <see cref="NeighbourhoodFwhm"/> is misfit of that reflection: a profile a little off, intensities that follow
    /// the cell with a frame's lag, leave a residual of a few to ~15 % of the reflection, and it stays with the
    /// reflection as it moves. A new phase grows where the model has (next to) nothing. A tracked peak is judged
    /// against the model as it was when its track began (see <see cref="ResidualScanner.IsMisfit(in ResidualPeak, double)"/>).
    /// </summary>
    public double MisfitFraction { get; init; } = 0.25;

    /// <summary>
    /// Half-width, in expected FWHMs, of the neighbourhood searched for a modelled reflection. A reflection that moves
    /// with the cell leaves a dipole whose positive lobe sits about 2 FWHM from the model's maximum (NCA near 8.9° in
    /// the 1D simulated charge, 15σ from frame 2 on): at 1.5 that lobe read as a new peak.
    /// </summary>
    public double NeighbourhoodFwhm { get; init; } = 3;

    /// <summary>How far (in FWHMs) a peak may lie from its track's position in the previous frame and still be the same peak.</summary>
    public double TrackToleranceFwhm { get; init; } = 0.6;

    /// <summary>Smallest library figure of merit (0–1) that identifies a phase.</summary>
    public double MinScore { get; init; } = 0.5;

    /// <summary>Observed peaks a library phase must explain to be identified (one peak fits too many phases).</summary>
    public int MinMatchedPeaks { get; init; } = 2;

    /// <summary>Frames after a peak becomes persistent during which the match is retried before the peaks are reported as unindexed.</summary>
    public int IdentifyWithinFrames { get; init; } = 5;

    /// <summary>Largest isotropic cell strain |Δd/d| the library match allows.</summary>
    public double MaxStrain { get; init; } = 0.02;

    /// <summary>Position tolerance of a match, in expected FWHMs (on top of the common strain).</summary>
    public double MatchToleranceFwhm { get; init; } = 0.4;

    /// <summary>Frames near the ends of the fit range not scanned, in expected FWHMs (reflections half in, half out).</summary>
    public double EdgeFwhm { get; init; } = 2;

    /// <summary>Throws if a value is out of its range (the message names the key).</summary>
    public void Validate()
    {
        Check(Threshold > 0, "threshold", "must be positive");
        Check(Persistence >= 1, "persistence", "must be at least 1");
        Check(CompanionThreshold > 0 && CompanionThreshold <= Threshold, "companionThreshold", "must be positive and at most threshold");
        Check(MisfitFraction >= 0, "misfitFraction", "must not be negative");
        Check(NeighbourhoodFwhm >= 0, "neighbourhoodFwhm", "must not be negative");
        Check(TrackToleranceFwhm > 0, "trackToleranceFwhm", "must be positive");
        Check(MinScore is > 0 and <= 1, "minScore", "must lie in (0, 1]");
        Check(MinMatchedPeaks >= 1, "minMatchedPeaks", "must be at least 1");
        Check(IdentifyWithinFrames >= 0, "identifyWithinFrames", "must not be negative");
        Check(MaxStrain is >= 0 and < 0.2, "maxStrain", "must lie in [0, 0.2)");
        Check(MatchToleranceFwhm > 0, "matchToleranceFwhm", "must be positive");
        Check(EdgeFwhm >= 0, "edgeFwhm", "must not be negative");
    }

    private static void Check(bool ok, string key, string what)
    {
        if (!ok)
        {
            throw new ArgumentException($"emergence.{key} {what}.");
        }
    }
}
