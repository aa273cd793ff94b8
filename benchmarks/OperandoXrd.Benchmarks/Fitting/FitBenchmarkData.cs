using OperandoXrd.Core.Geometry;
using OperandoXrd.Core.Integration;
using OperandoXrd.Crystallography.Cells;
using OperandoXrd.Crystallography.Cif;
using OperandoXrd.Crystallography.Patterns;
using OperandoXrd.Crystallography.Profiles;
using OperandoXrd.Crystallography.Reflections;
using OperandoXrd.Fitting.Configuration;
using OperandoXrd.Fitting.Model.Instrument;
using OperandoXrd.Fitting.Peek;
using OperandoXrd.Fitting.Sequential;

namespace OperandoXrd.Benchmarks.Fitting;

/// <summary>
/// The fit benchmarks' frames: NCA + LPSCl + LIC + PEEK (12 peaks) + 4 Chebyshev terms, Pawley mode, 3334 points over
/// 1.5–11.5° 2θ (3000 in the 2–11° fit range) at λ = 0.24486 Å, simulated with the crystallography PatternCalculator and
/// Poisson noise; three frames of a charge (NCA a shrinking, c growing). With <c>instrument</c> the fitter convolves
/// every reflection with the Pilatus2M instrument function of calibration/bm31-pilatus2m.poni as <c>oxrd reduce</c>
/// builds it with <c>"instrumentFunction": true</c> (per-bin taps from the integration matrix), on that integrator's
/// grid (3000 bins over 1–12°: 2455 in the fit range), and the frames are rendered by the fitter's own model.
/// </summary>
public sealed class FitBenchmarkData
{
    public const double Lambda = 0.244860;

    private FitBenchmarkData(double[] x, (double[] Y, double[] Sigma)[] frames, PeekModel peek, FitConfiguration configuration, InstrumentFunction? instrument)
    {
        X = x;
        Frames = frames;
        Peek = peek;
        Configuration = configuration;
        Instrument = instrument;
    }

    public double[] X { get; }

    public (double[] Y, double[] Sigma)[] Frames { get; }

    public PeekModel Peek { get; }

    public FitConfiguration Configuration { get; }

    public InstrumentFunction? Instrument { get; }

    /// <summary>A fresh fitter (no reference yet) for these frames.</summary>
    public SequentialFitter NewFitter() => FitSession.Create(Configuration, X, Lambda, Peek, instrument: Instrument);

    public static FitBenchmarkData Create(bool instrument)
    {
        var root = RepoRoot();
        var x = Enumerable.Range(0, 3334).Select(i => 1.5 + 10.0 * i / 3333).ToArray();
        var profile = new TchParameters(0.002, -0.0005, 0.0004, 0.002, 0.008);
        var peek = new PeekModel(
            new[] { 4.69, 4.54, 3.87, 3.48, 3.15, 2.90, 2.45, 2.30, 2.05, 1.92, 1.73, 1.58 }
                .Select((d, i) => new PeekPeak(2 * Math.Asin(Lambda / (2 * d)) * 180 / Math.PI, 0.035 + 0.002 * i, 0.01, 60.0 / (1 + i))).ToList(),
            1.5, 11.5, [400, -150, 60, -20]);
        var grid = new PatternGrid(x, RadialUnit.TwoThetaDeg, Lambda);
        var calculator = new PatternCalculator(grid);
        var sim = new PatternModel { ZeroShift = 0.002, Background = [900, -250, 60] };
        var dMin = Bragg.DFromTwoTheta(12.5, Lambda);
        foreach (var (name, height) in new[] { ("NCA", 3e4), ("LPSCl", 1e4), ("LIC", 5e3) })
        {
            var phase = new PhaseModel(CifPhaseReader.ReadFile(Path.Combine(root, "calibration", "phases", name + ".cif"), name), dMin, profile, 1);
            var only = new PatternModel();
            only.Phases.Add(phase);
            var y0 = new double[x.Length];
            calculator.Calculate(only, y0);
            phase.Scale = height / y0.Max();
            sim.Phases.Add(phase);
        }

        sim.Contributions.Add((new PeekContribution(peek), 1.0));
        var rng = new Random(5);
        var frames = new (double[], double[])[3];
        for (var f = 0; f < 3; f++)
        {
            sim.Phases[0].SetCell(new UnitCell(2.865 - 0.0015 * f, 2.865 - 0.0015 * f, 14.18 + 0.03 * f, 90, 90, 120));
            var clean = new double[x.Length];
            calculator.Calculate(sim, clean);
            var y = clean.Select(v => Math.Max(0, Math.Round(v + Math.Sqrt(v) * Gauss(rng)))).ToArray();
            frames[f] = (y, y.Select(v => Math.Sqrt(Math.Max(v, 1))).ToArray());
        }

        var configuration = new FitConfiguration
        {
            Phases =
            [
                new PhaseConfiguration("NCA", Path.Combine(root, "calibration", "phases", "NCA.cif"), ["cell", "scale", "U", "W", "X", "Y"], profile),
                new PhaseConfiguration("LPSCl", Path.Combine(root, "calibration", "phases", "LPSCl.cif"), ["cell", "scale", "W"], profile),
                new PhaseConfiguration("LIC", Path.Combine(root, "calibration", "phases", "LIC.cif"), ["cell", "scale"], profile),
            ],
            Fit = new FitSettings { RangeMin = 2, RangeMax = 11 },
        };
        if (!instrument)
        {
            return new FitBenchmarkData(x, frames, peek, configuration, null);
        }

        var (binGrid, function) = Pilatus2M(root, 2, 11);
        return new FitBenchmarkData(binGrid, RenderConvolved(binGrid, peek, configuration, function), peek, configuration, function);
    }

    // Frames whose peaks carry the instrument function (else a fit with it cannot reach the data, ends at GoF ≈ 6 and
    // takes ~40 iterations a frame): rendered by the fitter's own model with the structure intensities, the same
    // heights, cells, zero and background as the bare frames, then Poisson noise. Points outside the fit range are
    // never read by the fitter.
    private static (double[] Y, double[] Sigma)[] RenderConvolved(double[] x, PeekModel peek, FitConfiguration configuration, InstrumentFunction function)
    {
        var model = FitSession.Create(configuration, x, Lambda, peek, instrument: function).Model;
        var p = model.Parameters.Values.ToArray();
        p[model.ZeroIndex] = 0.002;
        p[model.BackgroundIndex(0)] = 700;
        var phase = new double[model.PointCount];
        ReadOnlySpan<double> heights = [3e4, 1e4, 5e3];
        for (var k = 0; k < model.PhaseCount; k++)
        {
            model.EvaluatePhase(k, p, phase);
            p[model.ScaleIndex(k)] = heights[k] / phase.Max();
        }

        var offset = Array.FindIndex(x, v => v >= 2);
        var rng = new Random(5);
        var frames = new (double[], double[])[3];
        var clean = new double[model.PointCount];
        for (var f = 0; f < 3; f++)
        {
            // NCA (hexagonal: A0 = 4/(3a²), A2 = 1/c²) shrinking in a, growing in c as in the bare frames.
            double a = 2.865 - (0.0015 * f), c = 14.18 + (0.03 * f);
            p[model.CellIndex(0)] = 4 / (3 * a * a);
            p[model.CellIndex(0) + 1] = 1 / (c * c);
            model.Evaluate(p, clean, null);
            var y = new double[x.Length];
            for (var i = 0; i < clean.Length; i++)
            {
                y[offset + i] = Math.Max(0, Math.Round(clean[i] + (Math.Sqrt(Math.Max(clean[i], 0)) * Gauss(rng))));
            }

            frames[f] = (y, y.Select(v => Math.Sqrt(Math.Max(v, 1))).ToArray());
        }

        return frames;
    }

    // As the pipeline's RunFitter builds it for "instrumentFunction": true: the integrator of the BM31 Pilatus2M geometry
    // (3000 bins over 1–12°, bounding-box splitting, as `oxrd simulate` writes the pipeline), each bin's response through
    // its matrix over the fit range (per-bin taps), and the ring-by-ring boxes; the patterns then live on its grid.
    private static (double[] Grid, InstrumentFunction Function) Pilatus2M(string root, double min, double max)
    {
        var geometry = new PixelGeometry(Poni.Load(Path.Combine(root, "calibration", "bm31-pilatus2m.poni")));
        using var integrator = AzimuthalIntegrator.Create(geometry, new IntegrationOptions
        {
            Npt = 3000,
            RadialRange = (1, 12),
            Split = PixelSplit.BBox,
            PolarizationFactor = 0.99,
        });
        var grid = integrator.Radial.ToArray();
        var footprints = RadialFootprints.Compute(geometry, min - 1, max + 1, 64, geometry.Detector.CreateStaticMask());
        var bins = BinResponses.Compute(integrator.Matrix, geometry, grid, min - 0.05, max + 0.05);
        return (grid, new InstrumentFunction
        {
            Bins = new BinResponse { Grid = bins.Grid, First = bins.First, Offsets = bins.Offsets, Taps = bins.Taps },
            TwoTheta = footprints.TwoThetaDeg,
            Boxes = footprints.PixelBoxes,
            SplitBoxes = footprints.SplitBoxes(PixelSplit.BBox),
            DensitySlope = footprints.DensitySlope,
            Distance_mm = geometry.Poni.Distance * 1e3,
        });
    }

    public static string RepoRoot()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Environment.CurrentDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "OperandoXrd.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new InvalidOperationException("repository root (OperandoXrd.sln) not found");
    }

    private static double Gauss(Random rng) =>
        Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());

    private sealed class PeekContribution(PeekModel peek) : IPatternContribution
    {
        public string Name => "PEEK";

        public void AddTo(PatternGrid grid, Span<double> y) => peek.AddTo(grid.TwoTheta, y);
    }
}
