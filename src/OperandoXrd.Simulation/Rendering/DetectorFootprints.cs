using OperandoXrd.Core.Geometry;

namespace OperandoXrd.Simulation.Rendering;

/// <summary>
/// What each pixel of a detector sees of a 1D pattern: the 2θ at its centre, how 2θ varies across it along each pixel
/// axis (from the true corner positions), and the frame-independent factors (solid angle, polarization) that turn
/// a scattered intensity into counts. Built once per geometry; each simulated frame is then one pass over it.
/// </summary>
public sealed class DetectorFootprints
{
    private DetectorFootprints(int rows, int columns, float[] centre, float[] halfA, float[] halfB, float[] factor, byte[] mask, float[] chi, double distance_mm)
    {
        Rows = rows;
        Columns = columns;
        CentreDeg = centre;
        HalfWidthRowsDeg = halfA;
        HalfWidthColumnsDeg = halfB;
        Factor = factor;
        Mask = mask;
        ChiRad = chi;
        Distance_mm = distance_mm;
    }

    public int Rows { get; }

    public int Columns { get; }

    /// <summary>2θ (degrees) at each pixel centre. Float: 2θ up to 30° in float keeps 2e-6° resolution, 10⁴ below a pixel.</summary>
    public float[] CentreDeg { get; }

    /// <summary>Half the 2θ change across the pixel along the slow axis (degrees, ≥ 0).</summary>
    public float[] HalfWidthRowsDeg { get; }

    /// <summary>Half the 2θ change across the pixel along the fast axis (degrees, ≥ 0).</summary>
    public float[] HalfWidthColumnsDeg { get; }

    /// <summary>Solid angle × polarization, relative (as pyFAI's arrays).</summary>
    public float[] Factor { get; }

    /// <summary>1 where the detector has no pixel (module gaps), from the detector's static mask.</summary>
    public byte[] Mask { get; }

    /// <summary>Azimuth χ (radians, pyFAI's: atan2 of the slow-axis and fast-axis offsets) at each pixel centre.</summary>
    public float[] ChiRad { get; }

    /// <summary>Sample-to-detector distance (the PONI's), mm.</summary>
    public double Distance_mm { get; }

    public static DetectorFootprints Create(PixelGeometry geometry, double polarizationFactor)
    {
        ArgumentNullException.ThrowIfNull(geometry);
        var rows = geometry.Detector.Rows;
        var columns = geometry.Detector.Columns;
        var centres = geometry.RadialCenters(RadialUnit.TwoThetaDeg);
        var corners = geometry.RadialCorners(RadialUnit.TwoThetaDeg);
        var solidAngle = geometry.SolidAngle();
        var polarization = geometry.Polarization(polarizationFactor);
        var mask = geometry.Detector.CreateStaticMask();
        var chiCentres = geometry.ChiCenters();

        var n = rows * columns;
        var centre = new float[n];
        var halfA = new float[n];
        var halfB = new float[n];
        var factor = new float[n];
        var chi = new float[n];
        var stride = columns + 1;
        Parallel.For(0, rows, r =>
        {
            for (var c = 0; c < columns; c++)
            {
                var i = r * columns + c;
                var (alongRows, alongColumns) = RadialFootprints.HalfWidths(corners, stride, r, c);
                centre[i] = (float)centres[i];
                halfA[i] = (float)alongRows;
                halfB[i] = (float)alongColumns;
                factor[i] = (float)(solidAngle[i] * polarization[i]);
                chi[i] = (float)chiCentres[i];
            }
        });

        return new DetectorFootprints(rows, columns, centre, halfA, halfB, factor, mask, chi, geometry.Poni.Distance * 1e3);
    }
}
