using System.Globalization;
using OperandoXrd.Calibration.Calibrants;
using OperandoXrd.Calibration.Refinement;
using OperandoXrd.Calibration.Rings;
using OperandoXrd.Calibration.Search;
using OperandoXrd.Core.Geometry;

namespace OperandoXrd.Calibration;

/// <summary>How a calibration starts and what it refines.</summary>
public sealed record CalibrationOptions
{
    /// <summary>The calibrant whose rings are on the image.</summary>
    public required Calibrant Calibrant { get; init; }

    /// <summary>
    /// Start geometry (its detector must have the image's shape). Its wavelength is the one used (and refined with
    /// <see cref="FreeWavelength"/>).
    /// </summary>
    public required Poni Start { get; init; }

    /// <summary>
    /// How far (pixels) from the start's beam centre the centre search may go; null searches the whole detector
    /// (no guess given); 0 skips the search (the start is trusted as it is).
    /// </summary>
    public double? CentreSearchRadius { get; init; } = 60;

    /// <summary>Direct-beam distances (metres) the distance search considers; null keeps the start's distance.</summary>
    public (double Min, double Max)? DistanceRange { get; init; }

    public bool FreeRot3 { get; init; }

    public bool FreeWavelength { get; init; }

    /// <summary>Use at most this many rings (lowest 2θ first); null: every ring with enough points.</summary>
    public int? MaxRings { get; init; }

    /// <summary>A ring needs this many control points to count.</summary>
    public int MinPointsPerRing { get; init; } = 5;

    /// <summary>The calibration fails when the final RMS residual exceeds this many pixels.</summary>
    public double MaxRmsPixels { get; init; } = 1.0;

    /// <summary>The calibration fails when the RMS of the per-ring mean residuals exceeds this many pixels.</summary>
    public double MaxRingOffsetPixels { get; init; } = 0.25;
}

/// <summary>Points and residuals of one ring after the final refinement.</summary>
public sealed record RingSummary(int Ring, string Hkl, double TwoThetaDeg, int Points, double RmsDeg);

/// <summary>What a calibration found.</summary>
public sealed record CalibrationResult(
    Poni Poni,
    double[] Esd,
    IReadOnlyList<ControlPoint> Points,
    double[] Residuals,
    double RmsDeg,
    double RmsPixels,
    IReadOnlyList<RingSummary> Rings,
    IReadOnlySet<GeometryParameter> Refined,
    int Passes);

/// <summary>The calibration cannot give a geometry; the message says what was tried and the best reached.</summary>
public sealed class CalibrationException : Exception
{
    public CalibrationException(string message) : base(message) { }

    public CalibrationException() { }

    public CalibrationException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>
/// The calibration schedule: (1) search the beam centre and distance from the image around the start; (2) pick
/// points on the first rings in wide bands and refine dist, poni1, poni2, rot1, rot2; (3) pick points on every ring
/// in bands narrowed to what the residuals allow, reject outliers (4 robust σ) and rings with too few points, refine
/// again (rot3 and λ too when free); repeat until the point set and RMS settle.
/// </summary>
public static class Calibrator
{
    private const int MaxPasses = 6;

    public static CalibrationResult Run(CalibrationImage image, CalibrationOptions options, Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(options);
        var calibrant = options.Calibrant;
        var poni = options.Start;
        var detector = poni.Detector;
        if (detector.Rows != image.Rows || detector.Columns != image.Columns)
        {
            throw new CalibrationException($"{image.Source}: the image is {image.Rows} × {image.Columns} pixels but detector {detector.Name} is {detector.Rows} × {detector.Columns}");
        }

        if (image.ValidPixels == 0)
        {
            throw new CalibrationException($"{image.Source}: every pixel is masked (module gaps, negative flags and the mask); nothing to calibrate");
        }

        var lambda = poni.Wavelength * 1e10;
        var beam = new DetectorProjection(poni).BeamCenter();
        if (options.CentreSearchRadius is not null && (beam.Row < -0.5 || beam.Row > image.Rows - 0.5 || beam.Column < -0.5 || beam.Column > image.Columns - 0.5))
        {
            throw new CalibrationException(string.Create(CultureInfo.InvariantCulture,
                $"{image.Source}: the start geometry puts the beam centre at row {beam.Row:F1}, column {beam.Column:F1}, outside the {image.Rows} × {image.Columns} detector; give --center inside it (or a PONI guess whose beam hits the detector)"));
        }

        if (options.CentreSearchRadius is null or > 0 || options.DistanceRange is not null)
        {
            var range = options.DistanceRange ?? (poni.Distance * 0.9999, poni.Distance * 1.0001);
            poni = StartSearch.Run(image, poni, calibrant, options.CentreSearchRadius is 0 ? 0.5 : options.CentreSearchRadius, range, out var score);
            log?.Invoke(string.Create(CultureInfo.InvariantCulture,
                $"start search: beam centre row {new DetectorProjection(poni).BeamCenter().Row:F1}, column {new DetectorProjection(poni).BeamCenter().Column:F1}, distance {poni.Distance * 1e3:F2} mm (ring match {score:F1} σ)"));
        }

        var geometryFree = new HashSet<GeometryParameter> { GeometryParameter.Distance, GeometryParameter.Poni1, GeometryParameter.Poni2, GeometryParameter.Rot1, GeometryParameter.Rot2 };
        var allFree = new HashSet<GeometryParameter>(geometryFree);
        if (options.FreeRot3)
        {
            allFree.Add(GeometryParameter.Rot3);
        }

        if (options.FreeWavelength)
        {
            allFree.Add(GeometryParameter.Wavelength);
        }

        GeometryFit? fit = null;
        List<ControlPoint> points = [];
        var bestRms = double.PositiveInfinity;
        var passes = 0;
        double? previousRms = null;
        for (var pass = 0; pass < MaxPasses; pass++)
        {
            passes++;
            var windows = Windows(image, poni, calibrant, lambda, pass == 0 ? null : fit!.RmsRadians, pass == 0 ? 8 : options.MaxRings);
            var picked = RingExtractor.Extract(image, poni, windows);
            picked = DropSparseRings(picked, options.MinPointsPerRing);
            if (picked.Count < 10 || picked.Select(p => p.Ring).Distinct().Count() < 2)
            {
                if (fit is not null)
                {
                    break;
                }

                throw new CalibrationException(string.Create(CultureInfo.InvariantCulture,
                    $"{image.Source}: no {calibrant.Name} rings found at λ = {lambda:0.######} Å (searched the beam centre and distance around the start; {picked.Count} points on {picked.Select(p => p.Ring).Distinct().Count()} rings, at least 10 on 2 rings needed)"));
            }

            var free = pass == 0 ? geometryFree : allFree;
            var trial = GeometryRefiner.Refine(poni, calibrant, picked, free);
            (picked, trial) = RejectOutliers(poni, calibrant, picked, trial, free, options.MinPointsPerRing);
            if (picked.Count < 10)
            {
                break;
            }

            fit = trial;
            points = picked;
            poni = trial.Poni;
            lambda = poni.Wavelength * 1e10;
            bestRms = Math.Min(bestRms, trial.RmsRadians);
            log?.Invoke(string.Create(CultureInfo.InvariantCulture,
                $"pass {pass + 1}: {points.Count} points on {points.Select(p => p.Ring).Distinct().Count()} rings, RMS {trial.RmsRadians * 180 / Math.PI:0.#####}°, dist {poni.Distance * 1e3:F3} mm"));
            if (pass >= 2 && previousRms is double prev && Math.Abs(prev - trial.RmsRadians) <= 0.02 * prev)
            {
                break;
            }

            previousRms = trial.RmsRadians;
        }

        if (fit is null)
        {
            throw new CalibrationException($"{image.Source}: no {calibrant.Name} rings could be refined at λ = {lambda.ToString("0.######", CultureInfo.InvariantCulture)} Å");
        }

        var pixelResiduals = PixelResiduals(poni, points, fit.Residuals);
        var rmsPixels = GeometryRefiner.Rms(pixelResiduals);
        var rmsDeg = fit.RmsRadians * 180 / Math.PI;
        // Wrong calibrant or wavelength: a refinement can still pull a few rings onto some of the image's, with a
        // per-point RMS under a pixel, but the rings then sit systematically off their points. The RMS of the
        // per-ring mean residuals tells: a few hundredths of a pixel for a right calibration, tenths for a wrong one.
        var ringOffsetPixels = Math.Sqrt(points.Select((p, i) => (p.Ring, Residual: pixelResiduals[i]))
            .GroupBy(x => x.Ring).Select(g => g.Average(x => x.Residual)).Average(m => m * m));
        log?.Invoke(string.Create(CultureInfo.InvariantCulture, $"RMS {rmsPixels:0.###} pixels; RMS of the per-ring mean residuals {ringOffsetPixels:0.###} pixels"));
        if (!(rmsPixels <= options.MaxRmsPixels) || !(ringOffsetPixels <= options.MaxRingOffsetPixels))
        {
            throw new CalibrationException(string.Create(CultureInfo.InvariantCulture,
                $"{image.Source}: the {calibrant.Name} rings at λ = {lambda:0.######} Å do not match the image: best RMS residual {rmsDeg:0.#####}° 2θ = {rmsPixels:0.##} pixels with {points.Count} points, rings off their points by {ringOffsetPixels:0.##} pixels RMS (limits {options.MaxRmsPixels} and {options.MaxRingOffsetPixels} pixel); check the calibrant and the wavelength"));
        }

        var rings = points.Select((p, i) => (p.Ring, Residual: fit.Residuals[i]))
            .GroupBy(x => x.Ring)
            .OrderBy(g => g.Key)
            .Select(g => new RingSummary(g.Key, calibrant.Rings[g.Key].Hkl, calibrant.Rings[g.Key].TwoTheta(lambda) * 180 / Math.PI, g.Count(),
                GeometryRefiner.Rms(g.Select(x => x.Residual).ToArray()) * 180 / Math.PI))
            .ToList();
        return new CalibrationResult(poni, fit.Esd, points, fit.Residuals, rmsDeg, rmsPixels, rings, allFree, passes);
    }

    /// <summary>Residuals converted to pixels: 2θ residual over |∇2θ| at the point.</summary>
    public static double[] PixelResiduals(Poni poni, IReadOnlyList<ControlPoint> points, double[] residuals)
    {
        ArgumentNullException.ThrowIfNull(poni);
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(residuals);
        var projection = new DetectorProjection(poni);
        var result = new double[points.Count];
        for (var i = 0; i < result.Length; i++)
        {
            var (r, c) = (points[i].Row, points[i].Column);
            var gr = (projection.TwoTheta(r + 0.5, c) - projection.TwoTheta(r - 0.5, c));
            var gc = (projection.TwoTheta(r, c + 0.5) - projection.TwoTheta(r, c - 0.5));
            result[i] = residuals[i] / Math.Sqrt((gr * gr) + (gc * gc));
        }

        return result;
    }

    /// <summary>
    /// Bands for the rings on the detector: half the gap to the neighbouring rings at most; in the first pass up to
    /// 25 pixels (the start may be that far off), later four times the RMS residual plus four pixels.
    /// </summary>
    private static List<RingWindow> Windows(CalibrationImage image, Poni poni, Calibrant calibrant, double lambda, double? rms, int? maxRings)
    {
        var (min, max) = TwoThetaRange(image, poni);
        var pixelAngle = Math.Min(poni.Detector.PixelSize1, poni.Detector.PixelSize2) / poni.Distance;
        var all = calibrant.Rings.Select((r, i) => (Index: i, TwoTheta: r.TwoTheta(lambda))).Where(x => double.IsFinite(x.TwoTheta)).ToArray();
        var windows = new List<RingWindow>();
        for (var i = 0; i < all.Length; i++)
        {
            var t = all[i].TwoTheta;
            if (t <= min || t >= max)
            {
                continue;
            }

            var gap = Math.Min(i > 0 ? t - all[i - 1].TwoTheta : double.PositiveInfinity, i + 1 < all.Length ? all[i + 1].TwoTheta - t : double.PositiveInfinity);
            // cos²2θ: a pixel spans less 2θ far from the beam.
            var pixel = pixelAngle * Math.Cos(t) * Math.Cos(t);
            var wanted = rms is double r ? (4 * r) + (4 * pixel) : 25 * pixel;
            var width = Math.Min(0.45 * gap, wanted);
            if (width < 1.5 * pixel)
            {
                continue; // a ring this close to its neighbour would pick the neighbour's points
            }

            windows.Add(new RingWindow(all[i].Index, t, width));
            if (maxRings is int m && windows.Count >= m)
            {
                break;
            }
        }

        return windows;
    }

    private static (double Min, double Max) TwoThetaRange(CalibrationImage image, Poni poni)
    {
        var projection = new DetectorProjection(poni);
        var beam = projection.BeamCenter();
        var onDetector = beam.Row >= 0 && beam.Row <= image.Rows - 1 && beam.Column >= 0 && beam.Column <= image.Columns - 1;
        double min = double.PositiveInfinity, max = 0;
        foreach (var (r, c) in Edge(image.Rows, image.Columns))
        {
            var t = projection.TwoTheta(r, c);
            min = Math.Min(min, t);
            max = Math.Max(max, t);
        }

        return (onDetector ? 0 : min, max);
    }

    private static IEnumerable<(double Row, double Column)> Edge(int rows, int columns)
    {
        for (var r = 0; r < rows; r += 8)
        {
            yield return (r, 0);
            yield return (r, columns - 1);
        }

        for (var c = 0; c < columns; c += 8)
        {
            yield return (0, c);
            yield return (rows - 1, c);
        }

        yield return (rows - 1, columns - 1);
    }

    private static List<ControlPoint> DropSparseRings(List<ControlPoint> points, int minPoints)
    {
        var counts = points.GroupBy(p => p.Ring).ToDictionary(g => g.Key, g => g.Count());
        return [.. points.Where(p => counts[p.Ring] >= minPoints)];
    }

    /// <summary>Drops points more than 4 robust σ from the median residual, then rings left too sparse, and refits.</summary>
    private static (List<ControlPoint>, GeometryFit) RejectOutliers(Poni start, Calibrant calibrant, List<ControlPoint> points, GeometryFit fit, IReadOnlySet<GeometryParameter> free, int minPoints)
    {
        for (var round = 0; round < 3; round++)
        {
            var residuals = fit.Residuals;
            var sorted = residuals.OrderBy(x => x).ToArray();
            var median = sorted[sorted.Length / 2];
            var deviations = residuals.Select(x => Math.Abs(x - median)).OrderBy(x => x).ToArray();
            var sigma = Math.Max(1.4826 * deviations[deviations.Length / 2], 1e-7);
            var kept = new List<ControlPoint>(points.Count);
            for (var i = 0; i < points.Count; i++)
            {
                if (Math.Abs(residuals[i] - median) <= 4 * sigma)
                {
                    kept.Add(points[i]);
                }
            }

            kept = DropSparseRings(kept, minPoints);
            if (kept.Count == points.Count || kept.Count < 10)
            {
                return (points, fit);
            }

            points = kept;
            fit = GeometryRefiner.Refine(start, calibrant, points, free);
        }

        return (points, fit);
    }
}
