using OperandoXrd.Calibration.Refinement;
using OperandoXrd.Core.Geometry;

namespace OperandoXrd.Calibration.Rings;

/// <summary>Where to look for one ring: its expected 2θ under the current geometry and the half-width of the band.</summary>
/// <param name="Ring">Index into the calibrant's rings.</param>
/// <param name="TwoTheta">Expected 2θ, radians.</param>
/// <param name="HalfWidth">Half-width of the search band, radians.</param>
public readonly record struct RingWindow(int Ring, double TwoTheta, double HalfWidth);

/// <summary>
/// Control points along calibrant rings, as pyFAI-calib2's "peak picking" does it but unattended: each ring's band
/// (expected 2θ ± half-width under the current geometry) is cut into azimuthal sectors of about
/// <see cref="SectorArcPixels"/> pixels of arc; in each sector the brightest pixel is a candidate, kept when it
/// stands <see cref="MinimumSignalToNoise"/> standard deviations above the band's edges (the local background) and
/// lies inside the band; its sub-pixel position is the intensity-weighted centroid of 2θ over the pixels around it
/// (weights = counts above background, pixels above 30 % of the peak), moved from the pixel centre along the 2θ
/// gradient to that centroid. Centroiding 2θ rather than pixel positions keeps the ring's curvature out of the
/// estimate. Assignment to a ring is by 2θ: a pixel belongs to the band it falls in.
/// </summary>
public static class RingExtractor
{
    public const double SectorArcPixels = 8;

    public const double MinimumSignalToNoise = 5;

    private const int Box = 3;

    /// <summary>Control points for <paramref name="windows"/> (non-overlapping bands) on <paramref name="image"/>.</summary>
    public static List<ControlPoint> Extract(CalibrationImage image, Poni poni, IReadOnlyList<RingWindow> windows)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(poni);
        ArgumentNullException.ThrowIfNull(windows);
        var points = new List<ControlPoint>();
        if (windows.Count == 0)
        {
            return points;
        }

        var sorted = windows.OrderBy(w => w.TwoTheta).ToArray();
        var geometry = new PixelGeometry(poni, PixelCoordinatePrecision.Double);
        var tth = geometry.RadialCenters(RadialUnit.TwoThetaRad);
        var chi = geometry.ChiCenters();
        var pixelAngle = Math.Min(poni.Detector.PixelSize1, poni.Detector.PixelSize2) / poni.Distance;

        // Sectors per ring ∝ ring circumference, laid out one ring after another.
        var k = sorted.Length;
        var centers = new double[k];
        var half = new double[k];
        var sectors = new int[k];
        var offset = new int[k + 1];
        for (var i = 0; i < k; i++)
        {
            centers[i] = sorted[i].TwoTheta;
            half[i] = sorted[i].HalfWidth;
            var radius = Math.Tan(sorted[i].TwoTheta) / pixelAngle;
            sectors[i] = (int)Math.Clamp(Math.Round(2 * Math.PI * radius / SectorArcPixels), 8, 720);
            offset[i + 1] = offset[i] + sectors[i];
        }

        var cells = offset[k];
        var best = new float[cells];
        var bestIndex = new int[cells];
        var edgeSum = new double[cells];
        var edgeSquares = new double[cells];
        var edgeCount = new int[cells];
        Array.Fill(best, float.NegativeInfinity);
        Array.Fill(bestIndex, -1);

        var values = image.Values;
        for (var p = 0; p < values.Length; p++)
        {
            var v = values[p];
            if (float.IsNaN(v))
            {
                continue;
            }

            var t = tth[p];
            var ring = Nearest(centers, t);
            var delta = Math.Abs(t - centers[ring]);
            if (delta >= half[ring])
            {
                continue;
            }

            var sector = (int)((chi[p] + Math.PI) / (2 * Math.PI) * sectors[ring]);
            var cell = offset[ring] + Math.Clamp(sector, 0, sectors[ring] - 1);
            if (v > best[cell])
            {
                best[cell] = v;
                bestIndex[cell] = p;
            }

            if (delta > 0.6 * half[ring])
            {
                edgeSum[cell] += v;
                edgeSquares[cell] += (double)v * v;
                edgeCount[cell]++;
            }
        }

        var columns = image.Columns;
        var rows = image.Rows;
        for (var ring = 0; ring < k; ring++)
        {
            for (var cell = offset[ring]; cell < offset[ring + 1]; cell++)
            {
                var p = bestIndex[cell];
                if (p < 0 || edgeCount[cell] < 3)
                {
                    continue;
                }

                var background = edgeSum[cell] / edgeCount[cell];
                var variance = Math.Max(edgeSquares[cell] / edgeCount[cell] - background * background, 0);
                var noise = Math.Max(Math.Sqrt(variance), Math.Sqrt(Math.Max(background, 0)) * 0.5);
                var height = best[cell] - background;
                if (!(height > MinimumSignalToNoise * noise) || !(height > 0) || Math.Abs(tth[p] - centers[ring]) > 0.85 * half[ring])
                {
                    continue;
                }

                int r0 = p / columns, c0 = p % columns;
                double sumW = 0, sumT = 0;
                var used = 0;
                for (var r = Math.Max(0, r0 - Box); r <= Math.Min(rows - 1, r0 + Box); r++)
                {
                    for (var c = Math.Max(0, c0 - Box); c <= Math.Min(columns - 1, c0 + Box); c++)
                    {
                        var q = (r * columns) + c;
                        var excess = values[q] - background;
                        if (float.IsNaN(values[q]) || excess < 0.3 * height || Math.Abs(tth[q] - centers[ring]) >= half[ring])
                        {
                            continue;
                        }

                        sumW += excess;
                        sumT += excess * tth[q];
                        used++;
                    }
                }

                if (used < 2)
                {
                    continue;
                }

                // Step from the brightest pixel's centre along ∇2θ to where 2θ equals the centroid.
                var target = sumT / sumW;
                var gRow = (tth[(Math.Min(rows - 1, r0 + 1) * columns) + c0] - tth[(Math.Max(0, r0 - 1) * columns) + c0]) / (Math.Min(rows - 1, r0 + 1) - Math.Max(0, r0 - 1));
                var gColumn = (tth[(r0 * columns) + Math.Min(columns - 1, c0 + 1)] - tth[(r0 * columns) + Math.Max(0, c0 - 1)]) / (Math.Min(columns - 1, c0 + 1) - Math.Max(0, c0 - 1));
                var g2 = (gRow * gRow) + (gColumn * gColumn);
                if (!(g2 > 0))
                {
                    continue;
                }

                var step = (target - tth[p]) / g2;
                points.Add(new ControlPoint(sorted[ring].Ring, r0 + (step * gRow), c0 + (step * gColumn)));
            }
        }

        return points;
    }

    private static int Nearest(double[] centers, double t)
    {
        var i = Array.BinarySearch(centers, t);
        if (i >= 0)
        {
            return i;
        }

        i = ~i;
        if (i == 0)
        {
            return 0;
        }

        if (i == centers.Length)
        {
            return centers.Length - 1;
        }

        return t - centers[i - 1] <= centers[i] - t ? i - 1 : i;
    }
}
