using OperandoXrd.Calibration.Calibrants;
using OperandoXrd.Calibration.Instrument;
using OperandoXrd.Core.Geometry;
using OperandoXrd.Crystallography.Patterns;
using OperandoXrd.Crystallography.Phases;
using OperandoXrd.Fitting.Configuration;
using OperandoXrd.Simulation.Operando;
using OperandoXrd.Simulation.Rendering;
using Xunit.Abstractions;

namespace OperandoXrd.Calibration.Tests;

/// <summary>
/// The instrument profile fit against the simulator's own calibrant model: the LaB6 pattern the simulator computes
/// (PatternCalculator, <see cref="BeamlineDefaults.CalibrantProfile"/>, background, Poisson noise) must give back its
/// U, V, W within two esds. (On an image the pixel footprint adds to the widths; the model gains that term in the
/// profile issue.)
/// </summary>
public sealed class InstrumentProfileTests(ITestOutputHelper output)
{
    [Fact]
    public void Recovers_the_simulators_U_V_W_within_two_esds()
    {
        const double lambda = BeamlineDefaults.WavelengthAngstrom;
        var truth = BeamlineDefaults.CalibrantProfile;
        var grid = new double[6000];
        for (var i = 0; i < grid.Length; i++)
        {
            grid[i] = 2.5 + (i * 0.004);
        }

        var calculator = new PatternCalculator(new PatternGrid(grid, RadialUnit.TwoThetaDeg, lambda));
        var model = new PatternModel();
        var phase = new PhaseModel(ReferenceMaterials.LaB6, 0.45, truth);
        model.Phases.Add(phase);
        var clean = new double[grid.Length];
        calculator.Calculate(model, clean);
        var scale = 20000 / clean.Max();
        var rng = new Xoshiro256(20261207);
        var y = new double[grid.Length];
        var sigma = new double[grid.Length];
        for (var i = 0; i < grid.Length; i++)
        {
            var mean = (scale * clean[i]) + 200 + (2 * grid[i]);
            y[i] = PoissonSampler.Sample(ref rng, mean);
            sigma[i] = Math.Sqrt(Math.Max(y[i], 1));
        }

        var fit = InstrumentProfileFitter.FitPattern(grid, y, sigma, Calibrant.LaB6, lambda);
        var p = fit.Profile;
        output.WriteLine($"U {p.U:E4} ± {fit.Esd[0]:E2} (true {truth.U}), V {p.V:E4} ± {fit.Esd[1]:E2} (true {truth.V}), W {p.W:E4} ± {fit.Esd[2]:E2} (true {truth.W}), X {p.X:E4} ± {fit.Esd[3]:E2}, Y {p.Y:E4} ± {fit.Esd[4]:E2}; GoF {fit.GoF:F3}");
        Assert.InRange(fit.GoF, 0.9, 1.2);
        Assert.InRange(Math.Abs(p.U - truth.U), 0, 2 * fit.Esd[0]);
        Assert.InRange(Math.Abs(p.V - truth.V), 0, 2 * fit.Esd[1]);
        Assert.InRange(Math.Abs(p.W - truth.W), 0, 2 * fit.Esd[2]);
        Assert.True(fit.Esd[0] > 0 && fit.Esd[1] > 0 && fit.Esd[2] > 0);

        // instrument.json round trip: what calibrate writes, a pipeline reads.
        var path = Path.Combine(Path.GetTempPath(), $"oxrd-instrument-{Guid.NewGuid():N}.json");
        try
        {
            fit.ToInstrumentProfile(lambda, "LaB6", "cal.poni", "test").Save(path);
            var read = InstrumentProfile.Load(path);
            Assert.Equal(p, read.Profile);
            Assert.Equal(fit.Esd, read.Esd);
            Assert.Equal("LaB6", read.Calibrant);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
