using OperandoXrd.Calibration.Calibrants;
using OperandoXrd.Core.Geometry;
using OperandoXrd.Core.Integration;
using OperandoXrd.Crystallography.Profiles;
using OperandoXrd.Fitting.Configuration;
using OperandoXrd.Fitting.Model;
using OperandoXrd.Fitting.Optimization;

namespace OperandoXrd.Calibration.Instrument;

/// <summary>The calibrant pattern and its profile fit.</summary>
/// <param name="TwoTheta">Pattern grid, degrees.</param>
/// <param name="Intensity">Integrated intensities.</param>
/// <param name="Calculated">The fitted model on the grid (NaN outside the fit range).</param>
/// <param name="Profile">Fitted U, V, W, X, Y (Z = 0).</param>
/// <param name="Esd">Esds of U, V, W, X, Y, Z.</param>
public sealed record InstrumentFit(double[] TwoTheta, double[] Intensity, double[] Calculated, TchParameters Profile, double[] Esd, double Rwp, double GoF)
{
    /// <summary>The result as an <c>instrument.json</c> record.</summary>
    public InstrumentProfile ToInstrumentProfile(double wavelengthAngstrom, string calibrant, string? geometry, string source) => new()
    {
        Profile = Profile,
        Esd = Esd,
        WavelengthAngstrom = wavelengthAngstrom,
        Calibrant = calibrant,
        Geometry = geometry,
        Source = source,
    };
}

/// <summary>
/// The instrument's peak width from a calibrant: integrate the image with the calibrated geometry (bbox splitting,
/// bins of a third of a pixel), then a Pawley fit of the calibrant with its certified cell fixed, a Chebyshev
/// background, one free intensity per ring, and the TCH terms U, V, W, X, Y. A calibrant's own broadening is
/// negligible (that is what certifies it), so what is fitted is the instrument's.
/// </summary>
public static class InstrumentProfileFitter
{
    private const int BackgroundTerms = 8;

    /// <summary>Integrates <paramref name="image"/> with <paramref name="poni"/> and fits the pattern.</summary>
    public static InstrumentFit Fit(CalibrationImage image, Poni poni, Calibrant calibrant)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(poni);
        ArgumentNullException.ThrowIfNull(calibrant);
        var (tth, intensity, sigma) = Integrate(image, poni);
        return FitPattern(tth, intensity, sigma, calibrant, poni.Wavelength * 1e10);
    }

    /// <summary>The calibrant's azimuthal average in 2θ degrees: (grid, intensity, σ); empty bins are NaN.</summary>
    public static (double[] TwoTheta, double[] Intensity, double[] Sigma) Integrate(CalibrationImage image, Poni poni)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(poni);
        var geometry = new PixelGeometry(poni);
        var tth = geometry.RadialCenters(RadialUnit.TwoThetaDeg);
        double min = double.PositiveInfinity, max = 0;
        var mask = new byte[image.Values.Length];
        var frame = new float[image.Values.Length];
        for (var i = 0; i < frame.Length; i++)
        {
            var v = image.Values[i];
            if (float.IsNaN(v))
            {
                mask[i] = 1;
                continue;
            }

            frame[i] = v;
            min = Math.Min(min, tth[i]);
            max = Math.Max(max, tth[i]);
        }

        var pixelDeg = Math.Min(poni.Detector.PixelSize1, poni.Detector.PixelSize2) / poni.Distance * 180 / Math.PI;
        var npt = (int)Math.Clamp(Math.Ceiling((max - min) / (pixelDeg / 3)), 500, 12000);
        var options = new IntegrationOptions
        {
            Npt = npt,
            Unit = RadialUnit.TwoThetaDeg,
            Split = PixelSplit.BBox,
            RadialRange = (min, max),
            Mask = mask,
            Dummy = null,
        };
        using var integrator = AzimuthalIntegrator.Create(geometry, options, null, image.Source);
        var pattern = integrator.CreatePattern();
        integrator.Integrate(frame, pattern);
        return (pattern.Radial.ToArray(), pattern.Intensity.ToArray(), pattern.Sigma.ToArray());
    }

    /// <summary>
    /// Pawley fit of a calibrant pattern (2θ degrees) for U, V, W, X, Y with the cell fixed. The fit covers the
    /// pattern from half a degree below the first ring to the last full bin.
    /// </summary>
    public static InstrumentFit FitPattern(double[] twoTheta, double[] intensity, double[] sigma, Calibrant calibrant, double wavelength)
    {
        ArgumentNullException.ThrowIfNull(twoTheta);
        ArgumentNullException.ThrowIfNull(intensity);
        ArgumentNullException.ThrowIfNull(sigma);
        ArgumentNullException.ThrowIfNull(calibrant);
        var firstRing = calibrant.Rings[0].TwoTheta(wavelength) * 180 / Math.PI;
        var lo = Array.FindIndex(twoTheta, t => t >= firstRing - 0.5 && double.IsFinite(t));
        var hi = Array.FindLastIndex(twoTheta, t => double.IsFinite(t)) - 2;
        if (lo < 0 || hi - lo < 50)
        {
            throw new CalibrationException($"the {calibrant.Name} pattern has too few points above its first ring ({firstRing:F3}° 2θ) for a profile fit");
        }

        var x = twoTheta[lo..(hi + 1)];
        var y = intensity[lo..(hi + 1)];
        var s = sigma[lo..(hi + 1)];
        var phase = PhaseDefinition.Create(calibrant.Name, calibrant.Phase, ["U", "V", "W", "X", "Y"]);
        // Start: FWHM ≈ 0.03°, all Gaussian; the coarse step below finds the intensities first.
        var start = new TchParameters(0, 0, 0.0009, 0, 0);
        var model = new WholePatternModel(x, [phase], [start], new WholePatternOptions
        {
            Wavelength = wavelength,
            Mode = FitMode.Pawley,
            ChebyshevTerms = BackgroundTerms,
        });
        var parameters = model.Parameters;
        for (var j = 0; j < parameters.Count; j++)
        {
            parameters.SetFree(j, false);
        }

        for (var t = 0; t < BackgroundTerms; t++)
        {
            parameters.SetFree(model.BackgroundIndex(t), true);
        }

        var firstIntensity = model.IntensityIndex(0);
        for (var g = 0; g < model.PeakGroups(0).Count; g++)
        {
            parameters.SetFree(firstIntensity + g, true);
        }

        var weights = s.Select(v => v > 0 && double.IsFinite(v) ? 1 / (v * v) : 0).ToArray();
        var lm = new LevenbergMarquardt(new LevenbergMarquardtOptions { MaxIterations = 200 });
        model.PartitionIntensities(parameters.Values, y, weights);
        lm.Fit(model, y, s, parameters);

        // Then the widths in stages, each from the last: the constant terms W and Y, then the tanθ terms U and X, then V.
        // V last and only kept when H_G² stays positive over the range: it trades off against U and W, and a box-like
        // peak (pixel footprint wider than the profile) can push it to values that make H_G² negative at low angle.
        var width = model.WidthIndex(0);
        parameters[width + 4] = 0.001;
        LeastSquaresResult result = null!;
        foreach (var stage in new[] { new[] { 2, 4 }, new[] { 0, 2, 3, 4 }, new[] { 0, 1, 2, 3, 4 } })
        {
            var saved = parameters.Values.ToArray();
            foreach (var t in stage)
            {
                parameters.SetFree(width + t, true);
            }

            var trial = lm.Fit(model, y, s, parameters);
            if (stage.Length == 5 && !GaussianWidthPositive(parameters.Values.Slice(width, 3), x[0], x[^1]))
            {
                parameters.CopyValuesFrom(saved);
                parameters.SetFree(width + 1, false);
                trial = lm.Fit(model, y, s, parameters);
            }

            result = trial;
        }

        var p = result.Values;
        var profile = new TchParameters(p[width], p[width + 1], p[width + 2], p[width + 3], p[width + 4]);
        var esd = new double[6];
        for (var t = 0; t < 5; t++)
        {
            esd[t] = result.Esd(width + t);
        }

        var calculated = new double[twoTheta.Length];
        Array.Fill(calculated, double.NaN);
        var values = new double[x.Length];
        model.Evaluate(p, values, null);
        values.CopyTo(calculated, lo);
        return new InstrumentFit(twoTheta, intensity, calculated, profile, esd, result.Rwp, result.GoF);
    }

    private static bool GaussianWidthPositive(ReadOnlySpan<double> uvw, double min, double max)
    {
        for (var t = min; t <= max; t += (max - min) / 200)
        {
            var tan = Math.Tan(t * Math.PI / 360);
            if ((uvw[0] * tan * tan) + (uvw[1] * tan) + uvw[2] <= 0)
            {
                return false;
            }
        }

        return true;
    }
}
