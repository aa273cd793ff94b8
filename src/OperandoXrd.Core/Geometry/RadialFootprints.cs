using OperandoXrd.Core.Integration;

namespace OperandoXrd.Core.Geometry;

/// <summary>
/// The 2θ footprint of the detector's pixels ring by ring, from the true pixel corners of a geometry: a pixel whose
/// 2θ changes by 2a across it along one axis and by 2b along the other sees the pattern through a box of half-width a
/// convolved with one of half-width b (a trapezoid). For each 2θ knot this gives the RMS of the larger and of the
/// smaller half-width over the pixels whose centre is nearest that knot, which keeps the footprint's variance exact.
/// It is what the fitter's instrument function needs to know of the detector (as numbers).
/// </summary>
public sealed record RadialFootprints(double[] TwoThetaDeg, double[] MajorHalfWidthDeg, double[] MinorHalfWidthDeg, double[] BoundingHalfWidthDeg, double[] DensitySlope)
{
    /// <summary>The pixel's own footprint: box(a) ⊗ box(b), the trapezoid through which a pixel sees the pattern.</summary>
    public IReadOnlyList<double[]> PixelBoxes => [MajorHalfWidthDeg, MinorHalfWidthDeg];

    /// <summary>
    /// How the integrator spreads each pixel over the bins, as boxes (bins aside): none (nothing), bounding box (a box of
    /// half-width a + b, pyFAI's centre ± largest |corner − centre|) or full (the pixel's area: the trapezoid again).
    /// A bin's value is a mean over the pixels this spreading reaches, weighted by how many pixels there are at each 2θ:
    /// see <see cref="DensitySlope"/>.
    /// </summary>
    public IReadOnlyList<double[]> SplitBoxes(PixelSplit split) => split switch
    {
        PixelSplit.None => [],
        PixelSplit.BBox => [BoundingHalfWidthDeg],
        _ => [MajorHalfWidthDeg, MinorHalfWidthDeg],
    };

    /// <summary>Footprints at <paramref name="knots"/> 2θ knots evenly spread over [min, max] degrees; pixels where
    /// <paramref name="mask"/> is non-zero (when given) are left out, and knots no pixel reaches are dropped.</summary>
    public static RadialFootprints Compute(PixelGeometry geometry, double minDeg, double maxDeg, int knots = 64, byte[]? mask = null)
    {
        ArgumentNullException.ThrowIfNull(geometry);
        ArgumentOutOfRangeException.ThrowIfLessThan(knots, 2);
        if (!(maxDeg > minDeg))
        {
            throw new ArgumentException($"2θ range {minDeg}–{maxDeg}° is empty.");
        }

        var rows = geometry.Rows;
        var columns = geometry.Columns;
        var centres = geometry.RadialCenters(RadialUnit.TwoThetaDeg);
        var corners = geometry.RadialCorners(RadialUnit.TwoThetaDeg);
        var stride = columns + 1;
        var step = (maxDeg - minDeg) / (knots - 1);
        var sumMajor = new double[knots];
        var sumMinor = new double[knots];
        var sumBounding = new double[knots];
        var count = new long[knots];
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < columns; c++)
            {
                var i = (r * columns) + c;
                if (mask is not null && mask[i] != 0)
                {
                    continue;
                }

                var k = (int)Math.Round((centres[i] - minDeg) / step);
                if (k < 0 || k >= knots)
                {
                    continue;
                }

                var (a, b) = HalfWidths(corners, stride, r, c);
                var major = Math.Max(a, b);
                var minor = Math.Min(a, b);
                sumMajor[k] += major * major;
                sumMinor[k] += minor * minor;
                sumBounding[k] += (a + b) * (a + b);
                count[k]++;
            }
        }

        var t = new List<double>();
        var ma = new List<double>();
        var mi = new List<double>();
        var bb = new List<double>();
        for (var k = 0; k < knots; k++)
        {
            if (count[k] > 0)
            {
                t.Add(minDeg + (k * step));
                ma.Add(Math.Sqrt(sumMajor[k] / count[k]));
                mi.Add(Math.Sqrt(sumMinor[k] / count[k]));
                bb.Add(Math.Sqrt(sumBounding[k] / count[k]));
            }
        }

        if (t.Count == 0)
        {
            throw new ArgumentException($"No pixel of the detector lies between 2θ {minDeg} and {maxDeg}°.");
        }

        var slope = new double[t.Count];
        var counts = Enumerable.Range(0, knots).Where(k => count[k] > 0).Select(k => (double)count[k]).ToArray();
        for (var k = 0; k < t.Count; k++)
        {
            int lo = Math.Max(k - 1, 0), hi = Math.Min(k + 1, t.Count - 1);
            slope[k] = hi > lo ? Math.Log(counts[hi] / counts[lo]) / (t[hi] - t[lo]) : 0;
        }

        return new RadialFootprints([.. t], [.. ma], [.. mi], [.. bb], slope);
    }

    /// <summary>
    /// Half-widths (a, b) of pixel (r, c)'s two footprint boxes from the corner table (stride = columns + 1): half the
    /// mean 2θ change across the pixel along each axis, halved again (a box of half-width a spans 2a). The bilinear
    /// cross term is second order over one pixel.
    /// </summary>
    public static (double AlongRows, double AlongColumns) HalfWidths(double[] corners, int stride, int r, int c)
    {
        ArgumentNullException.ThrowIfNull(corners);
        var t00 = corners[(r * stride) + c];
        var t01 = corners[(r * stride) + c + 1];
        var t10 = corners[((r + 1) * stride) + c];
        var t11 = corners[((r + 1) * stride) + c + 1];
        var alongRows = 0.5 * ((t10 + t11) - (t00 + t01));
        var alongColumns = 0.5 * ((t01 + t11) - (t00 + t10));
        return (Math.Abs(0.5 * alongRows), Math.Abs(0.5 * alongColumns));
    }
}
