using OperandoXrd.Fitting.Configuration;
using OperandoXrd.Fitting.Sequential;

namespace OperandoXrd.Fitting.Tests.Sequential;

/// <summary>
/// The curve the fitter hands back with a frame is the model at that frame's fitted values (the optimizer's last
/// evaluation, not a second one): it must agree with an independent evaluation of the model to rounding, in every
/// mode, for the reference and for later frames, and be left alone for a failed frame.
/// </summary>
public class CalculatedCurveTests
{
    [Theory]
    [InlineData(FitMode.Pawley)]
    [InlineData(FitMode.LeBail)]
    [InlineData(FitMode.Rietveld)]
    public void The_returned_curve_is_the_model_at_the_fitted_values(FitMode mode)
    {
        var sim = new OperandoSimulation();
        var rng = new Random(5);
        var configuration = new FitConfiguration
        {
            Phases =
            [
                new PhaseConfiguration("NCA", TestData.Cif("NCA"), ["cell", "scale", "W"], TestData.Profile),
                new PhaseConfiguration("LPSCl", TestData.Cif("LPSCl"), ["cell", "scale"], TestData.Profile),
                new PhaseConfiguration("LIC", TestData.Cif("LIC"), ["cell", "scale"], TestData.Profile),
            ],
            Fit = new FitSettings { Mode = mode, RangeMin = 2, RangeMax = 11 },
        };
        var fitter = FitSession.Create(configuration, sim.X, TestData.Wavelength, sim.Peek);
        var model = fitter.Model;
        var curve = new double[model.PointCount];
        var independent = new double[model.PointCount];
        for (var f = 0; f < 3; f++)
        {
            var (a, c) = OperandoSimulation.NcaCell((10 + f) / 33.0);
            var (y, s) = OperandoSimulation.Noisy(sim.Clean(a, c), rng);
            Array.Fill(curve, double.NaN);
            var fit = fitter.Fit(f, y, s, curve);
            Assert.True(fit.Status == FrameStatus.Ok, $"{mode} frame {f}: {fit.Status} {fit.Reason}");
            model.Evaluate(fit.Values, independent, null);
            var largest = independent.Max(Math.Abs);
            for (var i = 0; i < curve.Length; i++)
            {
                Assert.True(Math.Abs(curve[i] - independent[i]) <= 1e-12 * largest, $"{mode} frame {f} point {i}: {curve[i]:R} against {independent[i]:R}");
            }
        }
    }

    [Fact]
    public void A_failed_frame_leaves_the_curve_untouched_and_a_wrong_length_is_refused()
    {
        var sim = new OperandoSimulation();
        var configuration = new FitConfiguration
        {
            Phases = [new PhaseConfiguration("NCA", TestData.Cif("NCA"), ["cell", "scale"], TestData.Profile)],
            Fit = new FitSettings { RangeMin = 2, RangeMax = 11 },
        };
        var fitter = FitSession.Create(configuration, sim.X, TestData.Wavelength, sim.Peek);
        var curve = new double[fitter.Model.PointCount];
        Array.Fill(curve, -1.0);
        var nothing = new double[sim.X.Length];
        var sigma = Enumerable.Repeat(double.PositiveInfinity, sim.X.Length).ToArray();
        var fit = fitter.Fit(0, nothing, sigma, curve);
        Assert.Equal(FrameStatus.Failed, fit.Status);
        Assert.All(curve, v => Assert.Equal(-1.0, v));
        Assert.Throws<ArgumentException>(() => fitter.Fit(1, nothing, sigma, new double[3]));
    }
}
