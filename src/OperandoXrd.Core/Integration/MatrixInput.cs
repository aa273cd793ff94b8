namespace OperandoXrd.Core.Integration;

/// <summary>
/// Everything the sparse matrix depends on, already reduced to per-pixel arrays: the integration engine never sees a
/// PONI, a detector or a unit name (pyFAI's separation of geometry from the integration engine). Radial arrays are in
/// the "base" unit the bins are laid out in (2θ in rad, q in nm⁻¹ as pyFAI does); <see cref="RadialScale"/> turns
/// bin centres into the output unit.
/// </summary>
public sealed class MatrixInput
{
    /// <summary>Slow axis.</summary>
    public required int Rows { get; init; }

    /// <summary>Fast axis.</summary>
    public required int Columns { get; init; }

    /// <summary>Radial position of every pixel centre, Rows×Columns row-major.</summary>
    public required double[] RadialCenters { get; init; }

    /// <summary>Radial position of every pixel corner, (Rows+1)×(Columns+1) row-major. Needed by bbox and full.</summary>
    public double[]? RadialCorners { get; init; }

    /// <summary>χ of every pixel centre (rad). Needed for an azimuthal sector.</summary>
    public double[]? ChiCenters { get; init; }

    /// <summary>χ of every pixel corner (rad), (Rows+1)×(Columns+1). Needed by full.</summary>
    public double[]? ChiCorners { get; init; }

    /// <summary>Static mask, 1 = masked (gaps, bad pixels, user mask), Rows×Columns; null = nothing masked.</summary>
    public byte[]? Mask { get; init; }

    /// <summary>Per-pixel normalization folded into the matrix: solid angle × polarization × flat. Null = 1.</summary>
    public double[]? Normalization { get; init; }

    public required int Npt { get; init; }

    public PixelSplit Split { get; init; } = PixelSplit.BBox;

    /// <summary>Radial range in the base unit; null = the unmasked pixels' extent.</summary>
    public (double Min, double Max)? RadialRange { get; init; }

    /// <summary>Azimuthal sector [min, max) in rad: only pixels whose centre χ lies inside contribute.</summary>
    public (double Min, double Max)? AzimuthRange { get; init; }

    /// <summary>Output radial value = base value × RadialScale (e.g. 180/π for 2θ in degrees, 0.1 for q in Å⁻¹).</summary>
    public double RadialScale { get; init; } = 1.0;

    /// <summary>False (pyFAI's default for 2θ, q, r): negative lower pixel bounds are clamped to 0.</summary>
    public bool AllowNegativeRadial { get; init; }

    /// <summary>Short text for error messages (e.g. the PONI file name).</summary>
    public string Source { get; init; } = "integration input";
}
