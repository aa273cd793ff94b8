using System.Runtime.CompilerServices;

namespace OperandoXrd.Core.Geometry;

/// <summary>
/// 2θ and χ at arbitrary (sub-pixel) detector positions for one set of geometry parameters: what a calibration
/// evaluates at its control points. Same rotation and sign conventions as <see cref="PixelGeometry"/> (pyFAI's
/// <c>calc_pos_zyx</c> with float64 pixel coordinates): a position (row, column) is in pixel-centre units, so pixel
/// i's centre is at i and its metric coordinate is pixel·(i + 0.5) − Poni.
/// </summary>
public readonly struct DetectorProjection
{
    private readonly LabFrame _frame;
    private readonly double _pixel1, _pixel2, _poni1, _poni2;
    private readonly int _rows, _columns;
    private readonly bool _flipRows, _flipColumns;

    /// <summary>The projection of a PONI (distance, PONI, rotations and detector).</summary>
    public DetectorProjection(Poni poni)
        : this(poni?.Detector ?? throw new ArgumentNullException(nameof(poni)), poni.Distance, poni.Poni1, poni.Poni2, poni.Rot1, poni.Rot2, poni.Rot3)
    {
    }

    /// <summary>The projection of explicit parameters (metres, radians) on <paramref name="detector"/>.</summary>
    public DetectorProjection(Detector detector, double distance, double poni1, double poni2, double rot1, double rot2, double rot3)
    {
        ArgumentNullException.ThrowIfNull(detector);
        _frame = new LabFrame(distance, rot1, rot2, rot3);
        _pixel1 = detector.PixelSize1;
        _pixel2 = detector.PixelSize2;
        _poni1 = poni1;
        _poni2 = poni2;
        _rows = detector.Rows;
        _columns = detector.Columns;
        _flipRows = detector.FlipsRows;
        _flipColumns = detector.FlipsColumns;
    }

    /// <summary>2θ in radians at (row, column), pixel-centre units.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double TwoTheta(double row, double column)
    {
        Lab(row, column, out var t1, out var t2, out var t3);
        return Math.Atan2(Math.Sqrt((t1 * t1) + (t2 * t2)), t3);
    }

    /// <summary>χ in radians at (row, column), (−π, π].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double Chi(double row, double column)
    {
        Lab(row, column, out var t1, out var t2, out _);
        return Math.Atan2(t1, t2);
    }

    /// <summary>Lab-frame coordinates (t1, t2, t3) of the position, metres; t3 along the beam.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Lab(double row, double column, out double t1, out double t2, out double t3)
    {
        var r = _flipRows ? _rows - 1 - row : row;
        var c = _flipColumns ? _columns - 1 - column : column;
        var terms = _frame.Row((_pixel1 * (r + 0.5)) - _poni1);
        _frame.Transform(terms, (_pixel2 * (c + 0.5)) - _poni2, out t1, out t2, out t3);
    }

    /// <summary>
    /// Where the direct beam (2θ = 0) meets the detector plane, in pixel-centre units (may lie outside the detector).
    /// t1 and t2 are linear in the position, so this is one 2 × 2 solve.
    /// </summary>
    public (double Row, double Column) BeamCenter()
    {
        Lab(0, 0, out var a1, out var a2, out _);
        Lab(1, 0, out var r1, out var r2, out _);
        Lab(0, 1, out var c1, out var c2, out _);
        double dr1 = r1 - a1, dr2 = r2 - a2, dc1 = c1 - a1, dc2 = c2 - a2;
        var det = (dr1 * dc2) - (dc1 * dr2);
        // Solve a + row·dr + column·dc = 0 for (row, column).
        var row = ((-a1 * dc2) + (dc1 * a2)) / det;
        var column = ((-dr1 * a2) + (a1 * dr2)) / det;
        return (row, column);
    }
}
