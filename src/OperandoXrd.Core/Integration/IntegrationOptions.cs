using OperandoXrd.Core.Geometry;

namespace OperandoXrd.Core.Integration;

/// <summary>What to integrate and how: everything that shapes the sparse matrix, plus the per-frame dummy test.</summary>
public sealed record IntegrationOptions
{
    /// <summary>Number of radial bins (1 … 65535).</summary>
    public int Npt { get; init; } = 3000;

    public RadialUnit Unit { get; init; } = RadialUnit.TwoThetaDeg;

    public PixelSplit Split { get; init; } = PixelSplit.BBox;

    /// <summary>Radial range in <see cref="Unit"/>; null = the extent of the unmasked pixels.</summary>
    public (double Min, double Max)? RadialRange { get; init; }

    /// <summary>Azimuthal sector [min, max) in degrees (pyFAI's χ); pixels whose centre χ lies outside are left out.</summary>
    public (double Min, double Max)? AzimuthRangeDegrees { get; init; }

    /// <summary>Polarization factor f in [−1, 1] (0.99 at a synchrotron); null = no polarization correction.</summary>
    public double? PolarizationFactor { get; init; }

    /// <summary>Divide by pyFAI's relative solid angle (cos³ term). On by default, as in pyFAI.</summary>
    public bool CorrectSolidAngle { get; init; } = true;

    /// <summary>Include the detector's own static mask (Pilatus module gaps).</summary>
    public bool UseDetectorMask { get; init; } = true;

    /// <summary>User mask, Rows × Columns, non-zero = masked; combined with the detector's.</summary>
    public byte[]? Mask { get; init; }

    /// <summary>Flat field, Rows × Columns: intensities are divided by it; 0 or non-finite masks the pixel.</summary>
    public float[]? Flat { get; init; }

    /// <summary>
    /// Raw values within <see cref="DeltaDummy"/> of this are dropped in that frame. The default −1.5 ± 0.75 drops
    /// Pilatus' −1 (gap) and −2 (bad pixel) markers and nothing else; null keeps every finite value.
    /// </summary>
    public double? Dummy { get; init; } = -1.5;

    public double DeltaDummy { get; init; } = 0.75;

    /// <summary>Threads per frame; 0 = all cores.</summary>
    public int Threads { get; init; }
}
