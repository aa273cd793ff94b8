using OperandoXrd.Calibration.Calibrants;
using OperandoXrd.Core.Geometry;

namespace OperandoXrd.Calibration.Search;

/// <summary>
/// A start geometry good enough for ring picking, found from the image alone: first the beam centre that makes the
/// radial profile sharpest (rings are concentric about it, so the profile's variance between radius bins peaks
/// there), then the distance whose ring radii L·tan 2θ_k land on the profile's peaks. Tilts are kept from the start
/// geometry: they bend rings into ellipses by a few pixels, which the ring picking and refinement absorb.
/// </summary>
public static class StartSearch
{
    /// <summary>
    /// Searches the beam centre within <paramref name="centreRadius"/> pixels of the start's beam centre (the whole
    /// detector when null) and the direct-beam distance within <paramref name="distanceRange"/> (metres), returning
    /// the start geometry moved there. <paramref name="score"/> is the distance match: the mean background-removed
    /// profile height at the expected rings, in units of the profile's noise.
    /// </summary>
    public static Poni Run(CalibrationImage image, Poni start, Calibrant calibrant, double? centreRadius, (double Min, double Max) distanceRange, out double score)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(start);
        ArgumentNullException.ThrowIfNull(calibrant);
        var detector = start.Detector;
        var beam = new DetectorProjection(start).BeamCenter();
        var centre = FindCentre(image, beam, centreRadius);
        var lambda = start.Wavelength * 1e10;
        var distance = FindDistance(image, centre, detector.PixelSize1, calibrant, lambda, distanceRange, out score);

        // Place the PONI so that the direct beam falls on the centre found: with rotations fixed, moving the PONI moves
        // the whole ring pattern rigidly on the detector.
        var tilt = Math.Cos(start.Rot1) * Math.Cos(start.Rot2);
        var moved = new Poni
        {
            Distance = distance * tilt,
            Poni1 = 0,
            Poni2 = 0,
            Rot1 = start.Rot1,
            Rot2 = start.Rot2,
            Rot3 = start.Rot3,
            Wavelength = start.Wavelength,
            Detector = detector,
        };
        var origin = new DetectorProjection(moved).BeamCenter();
        return new Poni
        {
            Distance = moved.Distance,
            Poni1 = (centre.Row - origin.Row) * detector.PixelSize1 * (detector.FlipsRows ? -1 : 1),
            Poni2 = (centre.Column - origin.Column) * detector.PixelSize2 * (detector.FlipsColumns ? -1 : 1),
            Rot1 = start.Rot1,
            Rot2 = start.Rot2,
            Rot3 = start.Rot3,
            Wavelength = start.Wavelength,
            Detector = detector,
        };
    }

    /// <summary>Beam centre (pixel-centre units) maximising the between-bin variance of the radial profile.</summary>
    public static (double Row, double Column) FindCentre(CalibrationImage image, (double Row, double Column) guess, double? radius)
    {
        ArgumentNullException.ThrowIfNull(image);
        var bin = Math.Max(1, (int)Math.Round(Math.Min(image.Rows, image.Columns) / 300.0));
        var binned = Binned.Create(image, bin);

        // In binned units: pixel-centre position r of the full image lies at (r + 0.5)/bin − 0.5 in the binned one.
        double ToBinned(double v) => ((v + 0.5) / bin) - 0.5;
        double FromBinned(double v) => ((v + 0.5) * bin) - 0.5;
        double r0, c0, reach;
        if (radius is double rad)
        {
            r0 = ToBinned(guess.Row);
            c0 = ToBinned(guess.Column);
            reach = rad / bin;
        }
        else
        {
            r0 = (binned.Rows - 1) / 2.0;
            c0 = (binned.Columns - 1) / 2.0;
            reach = Math.Max(binned.Rows, binned.Columns) / 2.0;
        }

        // Coarse grid, then a pattern search from the best few (the objective falls off slowly, ~1/offset, but has
        // side maxima where a ring lines up with its neighbour).
        var step = Math.Max(1.0, reach / 12);
        var candidates = new List<(double Score, double Row, double Column)>();
        for (var r = r0 - reach; r <= r0 + reach + 1e-9; r += step)
        {
            for (var c = c0 - reach; c <= c0 + reach + 1e-9; c += step)
            {
                candidates.Add((binned.Sharpness(r, c), r, c));
            }
        }

        var bestOverall = (Score: double.NegativeInfinity, Row: r0, Column: c0);
        foreach (var candidate in candidates.OrderByDescending(x => x.Score).Take(4))
        {
            var current = candidate;
            var s = step / 2;
            while (s >= 0.2)
            {
                var improved = false;
                foreach (var (dr, dc) in new[] { (s, 0.0), (-s, 0.0), (0.0, s), (0.0, -s), (s, s), (s, -s), (-s, s), (-s, -s) })
                {
                    var score = binned.Sharpness(current.Row + dr, current.Column + dc);
                    if (score > current.Score)
                    {
                        current = (score, current.Row + dr, current.Column + dc);
                        improved = true;
                    }
                }

                if (!improved)
                {
                    s /= 2;
                }
            }

            if (current.Score > bestOverall.Score)
            {
                bestOverall = current;
            }
        }

        return (FromBinned(bestOverall.Row), FromBinned(bestOverall.Column));
    }

    /// <summary>Direct-beam distance (metres) putting the calibrant's rings on the radial profile's peaks.</summary>
    public static double FindDistance(CalibrationImage image, (double Row, double Column) centre, double pixel, Calibrant calibrant, double lambda,
        (double Min, double Max) range, out double score)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(calibrant);
        const double binWidth = 0.5;
        var maxRadius = 0.0;
        foreach (var (r, c) in new[] { (0, 0), (image.Rows - 1, 0), (0, image.Columns - 1), (image.Rows - 1, image.Columns - 1) })
        {
            maxRadius = Math.Max(maxRadius, Math.Sqrt(((r - centre.Row) * (r - centre.Row)) + ((c - centre.Column) * (c - centre.Column))));
        }

        var bins = (int)(maxRadius / binWidth) + 2;
        var sum = new double[bins];
        var count = new int[bins];
        var values = image.Values;
        for (var r = 0; r < image.Rows; r++)
        {
            var dr = r - centre.Row;
            for (var c = 0; c < image.Columns; c++)
            {
                var v = values[(r * image.Columns) + c];
                if (float.IsNaN(v))
                {
                    continue;
                }

                var dc = c - centre.Column;
                var b = (int)(Math.Sqrt((dr * dr) + (dc * dc)) / binWidth);
                sum[b] += Math.Sqrt(Math.Max(v, 0));
                count[b]++;
            }
        }

        // Profile minus its running mean over ±15 pixels: rings stand out, smooth background goes; divided by the
        // spread of that difference, so the score reads as a signal-to-noise ratio.
        var profile = new double[bins];
        for (var b = 0; b < bins; b++)
        {
            profile[b] = count[b] > 0 ? sum[b] / count[b] : double.NaN;
        }

        var detrended = new double[bins];
        const int half = (int)(15 / binWidth);
        for (var b = 0; b < bins; b++)
        {
            double s = 0;
            var n = 0;
            for (var j = Math.Max(0, b - half); j <= Math.Min(bins - 1, b + half); j++)
            {
                if (!double.IsNaN(profile[j]))
                {
                    s += profile[j];
                    n++;
                }
            }

            detrended[b] = double.IsNaN(profile[b]) || n == 0 ? double.NaN : profile[b] - (s / n);
        }

        var finite = detrended.Where(double.IsFinite).Select(Math.Abs).OrderBy(x => x).ToArray();
        var spread = finite.Length > 0 ? Math.Max(finite[finite.Length / 2] * 1.4826, 1e-12) : 1;
        var tangents = calibrant.Rings.Select(r => Math.Tan(r.TwoTheta(lambda))).Where(double.IsFinite).ToArray();
        var step = 0.3 / Math.Max(maxRadius, 10);
        var bestScore = double.NegativeInfinity;
        var bestDistance = range.Min;
        for (var distance = range.Min; distance <= range.Max; distance *= 1 + step)
        {
            var total = 0.0;
            var rings = 0;
            foreach (var t in tangents)
            {
                var radius = distance * t / pixel / binWidth;
                var b = (int)Math.Round(radius);
                if (b < 2 || b >= bins - 1)
                {
                    continue;
                }

                var peak = Math.Max(detrended[b], Math.Max(detrended[b - 1], detrended[b + 1]));
                if (double.IsFinite(peak))
                {
                    total += peak;
                    rings++;
                }
            }

            // At least three rings on the detector: fewer leave the distance free to fit any one bright feature.
            if (rings >= 3 && total > bestScore)
            {
                bestScore = total;
                bestDistance = distance;
            }
        }

        score = double.IsFinite(bestScore) ? bestScore / spread : 0;
        return bestDistance;
    }

    /// <summary>The image binned by an integer factor (mean of the valid pixels, √counts to temper the brightest rings).</summary>
    private sealed class Binned
    {
        private readonly float[] _values;
        private readonly int[] _index;
        private readonly double _mean;
        private readonly double[] _sum;
        private readonly int[] _count;

        private Binned(int rows, int columns, float[] values, int[] index, double mean)
        {
            Rows = rows;
            Columns = columns;
            _values = values;
            _index = index;
            _mean = mean;
            var bins = (int)Math.Sqrt((double)rows * rows + ((double)columns * columns)) * 2 + 8;
            _sum = new double[bins];
            _count = new int[bins];
        }

        public int Rows { get; }

        public int Columns { get; }

        public static Binned Create(CalibrationImage image, int bin)
        {
            int rows = image.Rows / bin, columns = image.Columns / bin;
            var values = new List<float>();
            var index = new List<int>();
            var total = 0.0;
            for (var r = 0; r < rows; r++)
            {
                for (var c = 0; c < columns; c++)
                {
                    double s = 0;
                    var n = 0;
                    for (var i = 0; i < bin; i++)
                    {
                        for (var j = 0; j < bin; j++)
                        {
                            var v = image.Values[((r * bin) + i) * image.Columns + (c * bin) + j];
                            if (!float.IsNaN(v))
                            {
                                s += Math.Sqrt(Math.Max(v, 0));
                                n++;
                            }
                        }
                    }

                    if (n * 2 >= bin * bin)
                    {
                        values.Add((float)(s / n));
                        index.Add((r * columns) + c);
                        total += s / n;
                    }
                }
            }

            return new Binned(rows, columns, [.. values], [.. index], values.Count > 0 ? total / values.Count : 0);
        }

        /// <summary>Σ_bins S²/n of the mean-removed values over radius bins of one binned pixel about (row, column).</summary>
        public double Sharpness(double row, double column)
        {
            Array.Clear(_sum);
            Array.Clear(_count);
            var columns = Columns;
            for (var i = 0; i < _values.Length; i++)
            {
                var p = _index[i];
                var dr = (p / columns) - row;
                var dc = (p % columns) - column;
                var b = (int)Math.Sqrt((dr * dr) + (dc * dc));
                if (b < _sum.Length)
                {
                    _sum[b] += _values[i] - _mean;
                    _count[b]++;
                }
            }

            var total = 0.0;
            for (var b = 0; b < _sum.Length; b++)
            {
                if (_count[b] > 0)
                {
                    total += _sum[b] * _sum[b] / _count[b];
                }
            }

            return total;
        }
    }
}
