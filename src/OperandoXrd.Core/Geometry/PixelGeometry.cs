using System.Runtime.CompilerServices;

namespace OperandoXrd.Core.Geometry;

/// <summary>
/// How pixel-centre coordinates are formed before the (always double precision) geometry.
/// </summary>
public enum PixelCoordinatePrecision
{
    /// <summary>
    /// As pyFAI 0.21 does for its centre arrays (<c>twoThetaArray</c>, <c>chiArray</c>, <c>qArray</c>, <c>rArray</c>,
    /// <c>solidAngleArray</c>, and so <c>polarization</c>): the pixel index is a float32, and pixel·(i + 0.5) − poni
    /// is rounded to float32 before the double-precision rotation. The error is below 0.1 µm on the detector but
    /// reaches ~1e-5 relative in 2θ next to the beam, so this is the default: results equal pyFAI's to the last bit.
    /// Corner arrays are double in pyFAI as here, whatever this setting.
    /// </summary>
    PyFai,

    /// <summary>Pixel coordinates in double precision throughout (pyFAI's formulas fed with float64 indices).</summary>
    Double,
}

/// <summary>
/// Per-pixel geometry of a flat detector: 2θ, q, d, r, χ at pixel centres and corners, pyFAI's relative solid angle
/// and polarization factor. Knows nothing of integration, frames or I/O. All arrays are row-major, double precision,
/// freshly allocated on each call (the caller owns them) and built in parallel over rows.
/// Conventions are pyFAI's: pixel centre i at (i + 0.5)·pixel, corner k at k·pixel along each axis; lab frame
/// (t1, t2, t3) = R3·R2·R1·(p1 − Poni1, p2 − Poni2, Distance) with t3 along the beam; 2θ = atan2(√(t1² + t2²), t3);
/// χ = atan2(t1, t2) in (−π, π] (pyFAI's default discontinuity at π).
/// </summary>
public sealed class PixelGeometry
{
    private readonly LabFrame _frame;
    private readonly double[] _center1;
    private readonly double[] _center2;
    private readonly double[] _corner1;
    private readonly double[] _corner2;

    /// <summary>Geometry with pyFAI-compatible pixel-centre coordinates (<see cref="PixelCoordinatePrecision.PyFai"/>).</summary>
    public PixelGeometry(Poni poni)
        : this(poni, PixelCoordinatePrecision.PyFai)
    {
    }

    /// <summary>Geometry with the given pixel-centre coordinate precision.</summary>
    /// <exception cref="ArgumentException">The detector shape is unknown, or a parameter is not finite, or the
    /// distance is not positive.</exception>
    public PixelGeometry(Poni poni, PixelCoordinatePrecision precision)
    {
        ArgumentNullException.ThrowIfNull(poni);
        var detector = poni.Detector ?? throw new ArgumentException("The PONI has no detector.", nameof(poni));
        if (!detector.HasShape)
        {
            throw new ArgumentException($"Detector '{detector.Name}' has no known shape (v1 PONI without a detector name); give it one with Detector.WithShape.", nameof(poni));
        }

        Check(poni.Distance, "Distance", positive: true);
        Check(poni.Poni1, "Poni1");
        Check(poni.Poni2, "Poni2");
        Check(poni.Rot1, "Rot1");
        Check(poni.Rot2, "Rot2");
        Check(poni.Rot3, "Rot3");
        if (!double.IsFinite(poni.Wavelength))
        {
            throw new ArgumentException($"PONI Wavelength must be finite, got {poni.Wavelength}.", nameof(poni));
        }

        Poni = poni;
        Detector = detector;
        Precision = precision;
        _frame = new LabFrame(poni.Distance, poni.Rot1, poni.Rot2, poni.Rot3);
        _center1 = CenterCoordinates(detector.Rows, detector.PixelSize1, poni.Poni1, detector.FlipsRows, precision);
        _center2 = CenterCoordinates(detector.Columns, detector.PixelSize2, poni.Poni2, detector.FlipsColumns, precision);
        _corner1 = CornerCoordinates(detector.Rows, detector.PixelSize1, poni.Poni1, detector.FlipsRows);
        _corner2 = CornerCoordinates(detector.Columns, detector.PixelSize2, poni.Poni2, detector.FlipsColumns);
    }

    public Poni Poni { get; }

    public Detector Detector { get; }

    /// <summary>How pixel-centre coordinates were formed.</summary>
    public PixelCoordinatePrecision Precision { get; }

    /// <summary>Detector rows (slow axis).</summary>
    public int Rows => Detector.Rows;

    /// <summary>Detector columns (fast axis).</summary>
    public int Columns => Detector.Columns;

    /// <summary>Radial position of every pixel centre in <paramref name="unit"/>: Rows × Columns, row-major.</summary>
    public double[] RadialCenters(RadialUnit unit) => Radial(unit, _center1, _center2);

    /// <summary>
    /// Radial position of every pixel corner: (Rows + 1) × (Columns + 1), row-major. Pixel (i, j) has corners
    /// [i, j], [i + 1, j], [i + 1, j + 1], [i, j + 1] (pyFAI's A, B, C, D).
    /// </summary>
    public double[] RadialCorners(RadialUnit unit) => Radial(unit, _corner1, _corner2);

    /// <summary>Azimuthal angle χ of every pixel centre, radians in (−π, π].</summary>
    public double[] ChiCenters() => Evaluate(new ChiFunction(), _center1, _center2);

    /// <summary>χ of every pixel corner, (Rows + 1) × (Columns + 1), radians in (−π, π].</summary>
    public double[] ChiCorners() => Evaluate(new ChiFunction(), _corner1, _corner2);

    /// <summary>
    /// pyFAI's relative solid angle (<c>solidAngleArray()</c>, order 3): cos³α with cos α = L / √(L² + p1² + p2²),
    /// p measured from the PONI on the detector plane; 1 at the PONI.
    /// </summary>
    public double[] SolidAngle() => Evaluate(new SolidAngleFunction(Poni.Distance), _center1, _center2, planar: true);

    /// <summary>
    /// pyFAI's polarization correction <c>polarization(factor, axis_offset=0)</c> at pixel centres:
    /// ½ (1 + cos²2θ − f cos(2χ) (1 − cos²2θ)). f = 0 unpolarized, f → 1 horizontal linear polarization.
    /// Divide intensities by it. (pyFAI rounds its array to float32; this one stays double.)
    /// </summary>
    public double[] Polarization(double factor) => Polarization(factor, 0.0);

    /// <summary>Polarization with the polarization plane rotated by <paramref name="axisOffset"/> radians from the detector's x axis.</summary>
    public double[] Polarization(double factor, double axisOffset)
    {
        if (!double.IsFinite(factor) || factor < -1.0 || factor > 1.0)
        {
            throw new ArgumentOutOfRangeException(nameof(factor), factor, "Polarization factor must be in [-1, 1].");
        }

        if (!double.IsFinite(axisOffset))
        {
            throw new ArgumentOutOfRangeException(nameof(axisOffset), axisOffset, "Polarization axis offset must be finite.");
        }

        return Evaluate(new PolarizationFunction(factor, axisOffset), _center1, _center2);
    }

    private double[] Radial(RadialUnit unit, double[] along1, double[] along2)
    {
        var wavelength = Poni.Wavelength;
        if (RadialUnits.NeedsWavelength(unit) && !(wavelength > 0))
        {
            throw new InvalidOperationException($"{RadialUnits.Name(unit)} needs a positive wavelength; the PONI has {wavelength}.");
        }

        return unit switch
        {
            RadialUnit.TwoThetaRad => Evaluate(new TwoThetaFunction(1.0, false), along1, along2),
            RadialUnit.TwoThetaDeg => Evaluate(new TwoThetaFunction(RadialUnits.DegreesPerRadian, true), along1, along2),
            RadialUnit.QNm => Evaluate(new QFunction(wavelength, 1.0, false), along1, along2),
            RadialUnit.QA => Evaluate(new QFunction(wavelength, 0.1, true), along1, along2),
            RadialUnit.DA => Evaluate(new DFunction(wavelength), along1, along2),
            RadialUnit.RMm => Evaluate(new RFunction(1000.0), along1, along2),
            _ => throw new ArgumentOutOfRangeException(nameof(unit), unit, "Unknown radial unit."),
        };
    }

    private double[] Evaluate<TFunction>(TFunction function, double[] along1, double[] along2, bool planar = false)
        where TFunction : struct, IPixelFunction
    {
        var output = GC.AllocateUninitializedArray<double>(along1.Length * along2.Length);
        if (planar)
        {
            ParallelRows.For(along1.Length, along2.Length, new PlanarRows<TFunction>(function, along1, along2, output));
        }
        else
        {
            ParallelRows.For(along1.Length, along2.Length, new LabRows<TFunction>(_frame, function, along1, along2, output));
        }

        return output;
    }

    private static double[] CenterCoordinates(int count, double pixel, double poni, bool flip, PixelCoordinatePrecision precision)
    {
        var result = new double[count];
        for (var i = 0; i < count; i++)
        {
            var index = flip ? count - 1 - i : i;
            if (precision == PixelCoordinatePrecision.PyFai)
            {
                // pyFAI builds indices with numpy.fromfunction(dtype=float32); with numpy's scalar casting the
                // offset, the product and the PONI subtraction all stay float32. Each step is one IEEE float32
                // operation here too, so the coordinates are the very same numbers. The casts force float32 rounding
                // at each step even where C# would allow wider intermediates.
                var position = (float)((float)pixel * (float)((float)index + 0.5f));
                result[i] = (float)(position - (float)poni);
            }
            else
            {
                result[i] = (pixel * (index + 0.5)) - poni;
            }
        }

        return result;
    }

    private static double[] CornerCoordinates(int count, double pixel, double poni, bool flip)
    {
        var result = new double[count + 1];
        for (var k = 0; k <= count; k++)
        {
            var index = flip ? count - k : k;
            result[k] = (pixel * index) - poni;
        }

        return result;
    }

    private static void Check(double value, string key, bool positive = false)
    {
        if (!double.IsFinite(value) || (positive && value <= 0))
        {
            throw new ArgumentException($"PONI {key} must be {(positive ? "positive and " : "")}finite, got {value}.", "poni");
        }
    }
}

/// <summary>Detector-to-lab rotation, written term by term as pyFAI's compiled f_t1/f_t2/f_t3 so rounding matches.</summary>
internal readonly struct LabFrame
{
    private readonly double _c1, _s1, _c2, _s2, _c3, _s3;

    // Terms that involve neither p1 nor p2 are formed once; terms in p1 once per row (see Row). Every product keeps
    // pyFAI's association, e.g. (p1·cos2)·cos3 and (p3·cos1)·cos2, so the sums are the very same doubles.
    private readonly double _t1p2, _t2p2, _t1p3, _t2p3, _t3p3;

    public LabFrame(double distance, double rot1, double rot2, double rot3)
    {
        _c1 = Math.Cos(rot1);
        _c2 = Math.Cos(rot2);
        _c3 = Math.Cos(rot3);
        _s1 = Math.Sin(rot1);
        _s2 = Math.Sin(rot2);
        _s3 = Math.Sin(rot3);
        var p3 = distance;
        _t1p2 = (_c3 * _s1 * _s2) - (_c1 * _s3);
        _t2p2 = (_c1 * _c3) + (_s1 * _s2 * _s3);
        _t1p3 = p3 * ((_c1 * _c3 * _s2) + (_s1 * _s3));
        _t2p3 = p3 * (-(_c3 * _s1) + (_c1 * _s2 * _s3));
        _t3p3 = p3 * _c1 * _c2;
    }

    /// <summary>The p1 terms of one detector row.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public RowTerms Row(double p1) => new(p1 * _c2 * _c3, p1 * _c2 * _s3, p1 * _s2);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Transform(in RowTerms row, double p2, out double t1, out double t2, out double t3)
    {
        t1 = (row.T1 + (p2 * _t1p2)) - _t1p3;
        t2 = (row.T2 + (p2 * _t2p2)) - _t2p3;
        t3 = (row.T3 - (p2 * _c2 * _s1)) + _t3p3;
    }

    internal readonly record struct RowTerms(double T1, double T2, double T3);
}

/// <summary>A per-pixel quantity from lab coordinates (or, for planar ones, from detector-plane coordinates).</summary>
internal interface IPixelFunction
{
    double Evaluate(double t1, double t2, double t3);
}

internal readonly struct TwoThetaFunction(double scale, bool scaled) : IPixelFunction
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double Evaluate(double t1, double t2, double t3)
    {
        var tth = Math.Atan2(Math.Sqrt((t1 * t1) + (t2 * t2)), t3);
        return scaled ? tth * scale : tth;
    }
}

internal readonly struct QFunction(double wavelength, double scale, bool scaled) : IPixelFunction
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double Evaluate(double t1, double t2, double t3)
    {
        var q = RadialUnits.QNmFromTwoTheta(Math.Atan2(Math.Sqrt((t1 * t1) + (t2 * t2)), t3), wavelength);
        return scaled ? q * scale : q;
    }
}

internal readonly struct DFunction(double wavelength) : IPixelFunction
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double Evaluate(double t1, double t2, double t3)
        => RadialUnits.DAFromTwoTheta(Math.Atan2(Math.Sqrt((t1 * t1) + (t2 * t2)), t3), wavelength);
}

internal readonly struct RFunction(double scale) : IPixelFunction
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double Evaluate(double t1, double t2, double t3) => Math.Sqrt((t1 * t1) + (t2 * t2)) * scale;
}

internal readonly struct ChiFunction : IPixelFunction
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double Evaluate(double t1, double t2, double t3) => Math.Atan2(t1, t2);
}

internal readonly struct PolarizationFunction(double factor, double axisOffset) : IPixelFunction
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double Evaluate(double t1, double t2, double t3)
    {
        var tth = Math.Atan2(Math.Sqrt((t1 * t1) + (t2 * t2)), t3);
        var chi = Math.Atan2(t1, t2);
        var cos = Math.Cos(tth);
        var cos2 = cos * cos;
        return 0.5 * (1.0 + cos2 - (factor * Math.Cos(2.0 * (chi + axisOffset)) * (1.0 - cos2)));
    }
}

/// <summary>Planar: (p1, p2) relative to the PONI come in as (t1, t2); t3 is unused.</summary>
internal readonly struct SolidAngleFunction(double distance) : IPixelFunction
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double Evaluate(double t1, double t2, double t3)
    {
        var cosa = distance / Math.Sqrt((distance * distance) + (t1 * t1) + (t2 * t2));
        return Math.Pow(cosa, 3.0);
    }
}

internal readonly struct LabRows<TFunction>(LabFrame frame, TFunction function, double[] along1, double[] along2, double[] output) : IRowOperation
    where TFunction : struct, IPixelFunction
{
    public void Invoke(int row)
    {
        var terms = frame.Row(along1[row]);
        var columns = along2.Length;
        var line = output.AsSpan(row * columns, columns);
        var f = function;
        for (var c = 0; c < line.Length; c++)
        {
            frame.Transform(terms, along2[c], out var t1, out var t2, out var t3);
            line[c] = f.Evaluate(t1, t2, t3);
        }
    }
}

internal readonly struct PlanarRows<TFunction>(TFunction function, double[] along1, double[] along2, double[] output) : IRowOperation
    where TFunction : struct, IPixelFunction
{
    public void Invoke(int row)
    {
        var p1 = along1[row];
        var columns = along2.Length;
        var line = output.AsSpan(row * columns, columns);
        var f = function;
        for (var c = 0; c < line.Length; c++)
        {
            line[c] = f.Evaluate(p1, along2[c], 0.0);
        }
    }
}
