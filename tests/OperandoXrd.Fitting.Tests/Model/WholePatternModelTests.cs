using OperandoXrd.Core.Geometry;
using OperandoXrd.Crystallography.Patterns;
using OperandoXrd.Crystallography.Profiles;
using OperandoXrd.Fitting.Configuration;
using OperandoXrd.Fitting.Model;
using OperandoXrd.Fitting.Model.Instrument;
using OperandoXrd.Fitting.Optimization;
using OperandoXrd.Fitting.Peek;

namespace OperandoXrd.Fitting.Tests.Model;

public class WholePatternModelTests
{
    private static readonly string[] RefineAll = ["cell", "scale", "U", "V", "W", "X", "Y", "Z"];

    // A Pilatus2M-like footprint (pixel trapezoid plus bounding-box splitting) and a 1 mm sample at 350 mm.
    private static readonly InstrumentFunction Instrument = new()
    {
        TwoTheta = [2.0, 6.0, 11.0],
        Boxes = [[0.012, 0.011, 0.010], [0.004, 0.005, 0.006], [0.016, 0.016, 0.016]],
        SampleThickness_mm = 1.0,
        Distance_mm = 350,
        Attenuation_per_mm = 0.3,
    };

    // Per-bin taps (the integration matrix's forward model) that change from bin to bin: a skewed bump whose centre
    // and width drift with the bin, reaching beyond the grid's ends.
    private static BinResponse Bins(double[] x)
    {
        var first = new int[x.Length];
        var offsets = new int[x.Length + 1];
        var taps = new List<double>();
        for (var i = 0; i < x.Length; i++)
        {
            offsets[i] = taps.Count;
            first[i] = i - 7;
            var row = Enumerable.Range(0, 15).Select(s => Math.Exp(-Math.Pow(s - 7 - (2 * Math.Sin(i / 40.0)), 2) / (6 + (3 * Math.Cos(i / 70.0)))) * (1 + (0.05 * s))).ToArray();
            var sum = row.Sum();
            taps.AddRange(row.Select(v => v / sum));
        }

        offsets[^1] = taps.Count;
        return new BinResponse { Grid = x, First = first, Offsets = offsets, Taps = [.. taps] };
    }

    private static WholePatternModel Build(FitMode mode, double[] x, bool withPeek = true, double window = TchPseudoVoigt.DefaultWindow, bool instrument = false, bool bins = false)
    {
        var phases = new[] { "NCA", "LPSCl", "LIC" }.Select(n => PhaseDefinition.Create(n, TestData.Phase(n), RefineAll)).ToList();
        var profiles = phases.Select(_ => TestData.Profile with { Z = 0.0001 }).ToList();
        return new WholePatternModel(x, phases, profiles, new WholePatternOptions
        {
            Wavelength = TestData.Wavelength,
            Mode = mode,
            ChebyshevTerms = 4,
            Peek = withPeek ? TestData.Peek() : null,
            WindowFwhm = window,
            Instrument = bins ? Instrument with { Bins = Bins(x) } : instrument ? Instrument : null,
        });
    }

    private static void Perturb(WholePatternModel model)
    {
        var p = model.Parameters;
        p["zero"] = 0.003;
        p["displacement"] = 0.004;
        p["bkg0"] = 500;
        p["bkg1"] = -80;
        p["bkg2"] = 20;
        p["bkg3"] = 5;
        p["PEEK:scale"] = 0.9;
        p["PEEK:shift"] = 0.002;
        for (var k = 0; k < model.PhaseCount; k++)
        {
            p[model.ScaleIndex(k)] = 1.3 + 0.1 * k;
            p[model.CellIndex(k)] *= 1.001;
        }
    }

    [Theory]
    [InlineData(FitMode.Pawley, false)]
    [InlineData(FitMode.Rietveld, false)]
    [InlineData(FitMode.Pawley, true)]
    [InlineData(FitMode.Rietveld, true)]
    [InlineData(FitMode.Pawley, true, true)]
    [InlineData(FitMode.Rietveld, true, true)]
    public void Analytic_jacobian_matches_central_differences_for_every_parameter_type(FitMode mode, bool instrument, bool bins = false)
    {
        // Windows wide enough to cover the whole grid: a truncated profile jumps where a window edge crosses a grid
        // point, which central differences would see as a huge derivative.
        var x = TestData.Grid(2, 11, 1500);
        var model = Build(mode, x, window: 1e4, instrument: instrument, bins: bins);
        Perturb(model);
        if (mode == FitMode.Rietveld)
        {
            // m|F|² in electrons² is ~1e4–1e6; bring peaks to counts.
            for (var k = 0; k < model.PhaseCount; k++)
            {
                model.Parameters[model.ScaleIndex(k)] = 1e-3;
            }
        }

        var p = model.Parameters.Values.ToArray();
        var n = model.PointCount;
        var jac = new Jacobian(n, model.ParameterCount);
        var f = new double[n];
        model.Evaluate(p, f, jac);

        // One representative of every parameter type, plus every cell term of the monoclinic phase.
        var names = new List<string> { "zero", "displacement", "bkg2", "PEEK:scale", "PEEK:shift" };
        foreach (var phase in new[] { "NCA", "LPSCl", "LIC" })
        {
            names.AddRange(new[] { "scale", "U", "V", "W", "X", "Y", "Z" }.Select(t => $"{phase}:{t}"));
        }

        names.AddRange(["NCA:A0", "NCA:A2", "LPSCl:A0", "LIC:A0", "LIC:A1", "LIC:A2", "LIC:A4"]);
        if (mode == FitMode.Pawley)
        {
            names.Add(model.Parameters.Name(model.IntensityIndex(0) + 2));
            names.Add(model.Parameters.Name(model.IntensityIndex(2) + 5));
        }

        var plus = new double[n];
        var minus = new double[n];
        foreach (var name in names)
        {
            var j = model.Parameters.Require(name);
            var h = Math.Max(Math.Abs(p[j]) * 1e-6, name.Contains(":A", StringComparison.Ordinal) ? 1e-9 : 1e-7);
            var q = (double[])p.Clone();
            q[j] = p[j] + h;
            model.Evaluate(q, plus, null);
            q[j] = p[j] - h;
            model.Evaluate(q, minus, null);
            var column = jac.Column(j);
            double maxDiff = 0, maxRef = 0, maxValue = 0;
            for (var i = 0; i < n; i++)
            {
                var numeric = (plus[i] - minus[i]) / (2 * h);
                maxDiff = Math.Max(maxDiff, Math.Abs(numeric - column[i]));
                maxRef = Math.Max(maxRef, Math.Abs(numeric));
                maxValue = Math.Max(maxValue, Math.Abs(f[i]));
            }

            // Truncation error of central differences ~1e-5 relative, plus rounding ~1e-15·|f|/h.
            var tolerance = 2e-5 * maxRef + 1e-14 * maxValue / h;
            Assert.True(maxRef > 0, $"{name}: the pattern does not depend on it");
            Assert.True(maxDiff <= tolerance, $"{name}: analytic vs numeric max difference {maxDiff:E3} of max {maxRef:E3}");
        }
    }

    /// <summary>Independent cross-check: the crystallography engineer's dense PatternCalculator, same state.</summary>
    [Fact]
    public void Displacement_is_the_sample_moving_along_the_beam_towards_a_flat_detector()
    {
        // Ray tracing: a scatterer at (0, 0, s) sends the Bragg ray (sin2θ cosφ, sin2θ sinφ, cos2θ) to the plane z = D;
        // the calibrated geometry (sample at the origin) reads the hit as atan(radius / D).
        var x = TestData.Grid(2, 11, 1500);
        var model = Build(FitMode.Pawley, x);
        const double distance = 350.0, s = 2.5, zero = 0.0013;
        var p = model.Parameters.Values.ToArray();
        var bragg = model.PeakPositions(0, p);
        p[model.DisplacementIndex] = s / distance;
        p[model.ZeroIndex] = zero;
        var moved = model.PeakPositions(0, p);
        for (var g = 0; g < bragg.Length; g++)
        {
            var t2 = bragg[g] * Math.PI / 180;
            var phi = 0.7 + g;
            var (dx, dy, dz) = (Math.Sin(t2) * Math.Cos(phi), Math.Sin(t2) * Math.Sin(phi), Math.Cos(t2));
            var along = (distance - s) / dz;
            var radius = Math.Sqrt(Math.Pow(along * dx, 2) + Math.Pow(along * dy, 2));
            var seen = (Math.Atan2(radius, distance) * 180 / Math.PI) + zero;
            Assert.Equal(seen, moved[g], 1e-10);
            // and the first-order form used in the docs, Δ2θ ≈ −(s/D)·sin2θ·cos2θ, to second order in s/D (0.7 %).
            var firstOrder = -(s / distance) * Math.Sin(t2) * Math.Cos(t2) * 180 / Math.PI;
            Assert.Equal(firstOrder, moved[g] - zero - bragg[g], 0.01 * Math.Abs(firstOrder));
        }
    }

    [Fact]
    public void Values_agree_with_the_crystallography_pattern_calculator()
    {
        var x = TestData.Grid(2, 11, 3000);
        var model = Build(FitMode.Rietveld, x);
        Perturb(model);
        model.Parameters["displacement"] = 0; // the reference calculator has a zero shift only
        model.Parameters["PEEK:shift"] = 0;
        for (var k = 0; k < model.PhaseCount; k++)
        {
            model.Parameters[model.ScaleIndex(k)] = 1e-3 * (k + 1);
        }

        var p = model.Parameters.Values.ToArray();
        var ours = new double[x.Length];
        model.Evaluate(p, ours, null);

        var grid = new PatternGrid(x, RadialUnit.TwoThetaDeg, TestData.Wavelength);
        var reference = new PatternModel { ZeroShift = p[model.ZeroIndex], Background = [.. Enumerable.Range(0, 4).Select(k => p[model.BackgroundIndex(k)])] };
        var dMin = OperandoXrd.Crystallography.Reflections.Bragg.DFromTwoTheta(12.5, TestData.Wavelength);
        for (var k = 0; k < model.PhaseCount; k++)
        {
            var phase = new PhaseModel(model.Phase(k).Phase, dMin, TestData.Profile with { Z = 0.0001 }, p[model.ScaleIndex(k)]);
            for (var j = 0; j < phase.LatticeParameters.Length; j++)
            {
                phase.LatticeParameters[j] = p[model.CellIndex(k) + j];
            }

            reference.Phases.Add(phase);
        }

        reference.Contributions.Add((new PeekContribution(TestData.Peek()), p[model.PeekScaleIndex]));
        var theirs = new double[x.Length];
        new PatternCalculator(grid).Calculate(reference, theirs);

        for (var i = 0; i < x.Length; i++)
        {
            Assert.True(Math.Abs(ours[i] - theirs[i]) <= 1e-9 * Math.Abs(theirs[i]) + 1e-9, $"point {i} (2θ {x[i]:F4}): {ours[i]} vs {theirs[i]}");
        }
    }

    private sealed class PeekContribution(PeekModel peek) : IPatternContribution
    {
        public string Name => "PEEK";

        public void AddTo(PatternGrid grid, Span<double> y) => peek.AddTo(grid.TwoTheta, y);
    }

    [Fact]
    public void A_phase_without_reflections_in_the_fit_range_is_refused()
    {
        // LPSCl's first reflection (111, d ≈ 5.7 Å) sits at 2.47° 2θ; a 1.0–2.2° window holds none of its peaks.
        var x = TestData.Grid(1.0, 2.2, 400);
        var phases = new[] { PhaseDefinition.Create("LPSCl", TestData.Phase("LPSCl"), ["cell"]) };
        var e = Assert.Throws<FitConfigurationException>(() => new WholePatternModel(x, phases, [TestData.Profile], new WholePatternOptions { Wavelength = TestData.Wavelength }));
        Assert.Contains("LPSCl", e.Message, StringComparison.Ordinal);
        Assert.Contains("fit range", e.Message, StringComparison.Ordinal);
    }
}
