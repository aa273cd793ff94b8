using OperandoXrd.Fitting.Configuration;
using OperandoXrd.Fitting.Sequential;

namespace OperandoXrd.Fitting.Tests.Sequential;

/// <summary>Le Bail and Rietveld modes and reverse order on a short stretch of the simulated charge.</summary>
public class ModesAndOrderTests
{
    private const int Frames = 6;

    private static (OperandoSimulation Sim, List<(int, double[], double[])> Input, (double A, double C)[] Truth) Sequence(int seed)
    {
        var sim = new OperandoSimulation();
        var rng = new Random(seed);
        var input = new List<(int, double[], double[])>();
        var truth = new (double, double)[Frames];
        for (var f = 0; f < Frames; f++)
        {
            // Frames 10–15 of a 34-frame charge: a falling, c rising.
            truth[f] = OperandoSimulation.NcaCell((10 + f) / 33.0);
            var (y, s) = OperandoSimulation.Noisy(sim.Clean(truth[f].Item1, truth[f].Item2), rng);
            input.Add((100 + f, y, s));
        }

        return (sim, input, truth);
    }

    private static FitConfiguration Configuration(FitMode mode, FitOrder order) => new()
    {
        Phases =
        [
            new PhaseConfiguration("NCA", TestData.Cif("NCA"), ["cell", "scale", "W"], TestData.Profile),
            new PhaseConfiguration("LPSCl", TestData.Cif("LPSCl"), ["cell", "scale"], TestData.Profile),
            new PhaseConfiguration("LIC", TestData.Cif("LIC"), ["cell", "scale"], TestData.Profile),
        ],
        Fit = new FitSettings { Mode = mode, Order = order, RangeMin = 2, RangeMax = 11 },
    };

    [Theory]
    [InlineData(FitMode.LeBail, FitOrder.Forward)]
    [InlineData(FitMode.Rietveld, FitOrder.Forward)]
    [InlineData(FitMode.Pawley, FitOrder.Reverse)]
    public void Every_mode_and_order_recovers_the_cells(FitMode mode, FitOrder order)
    {
        var (sim, input, truth) = Sequence(seed: 11 + (int)mode);
        var fitter = FitSession.Create(Configuration(mode, order), sim.X, TestData.Wavelength, sim.Peek);
        var fitted = new List<int>();
        var results = fitter.FitAll(input, r => fitted.Add(r.Frame));

        // Results come back in frame order whatever the fitting order was; the reference is the first fitted.
        Assert.Equal(input.Select(f => f.Item1), results.Select(r => r.Frame));
        Assert.Equal(order == FitOrder.Reverse ? [105, 104, 103, 102, 101, 100] : new[] { 100, 101, 102, 103, 104, 105 }, fitted);
        Assert.Equal("reference", results[order == FitOrder.Reverse ? Frames - 1 : 0].StartedFrom);
        for (var f = 0; f < Frames; f++)
        {
            var r = results[f];
            Assert.True(r.Status == FrameStatus.Ok, $"{mode} frame {r.Frame}: {r.Status} {r.Reason}");
            var nca = r.Phase("NCA");
            Assert.True(Math.Abs(nca["a"].Value - truth[f].A) < 2e-4, $"{mode} frame {r.Frame}: NCA a {nca["a"].Value:F5} vs {truth[f].A:F5}");
            Assert.True(Math.Abs(nca["c"].Value - truth[f].C) < 1e-3, $"{mode} frame {r.Frame}: NCA c {nca["c"].Value:F4} vs {truth[f].C:F4}");
            Assert.True(Math.Abs(r.Phase("LPSCl")["a"].Value - OperandoSimulation.LpsclA) < 2e-4, $"{mode} frame {r.Frame}: LPSCl a {r.Phase("LPSCl")["a"].Value:F5}");
            // The simulation is exactly the Rietveld model, so its GoF must be that of pure noise.
            if (mode == FitMode.Rietveld)
            {
                Assert.True(r.GoF is > 0.9 and < 1.1, $"Rietveld frame {r.Frame}: GoF {r.GoF:F3}");
            }
        }
    }
}
