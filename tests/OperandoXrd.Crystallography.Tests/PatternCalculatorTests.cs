using OperandoXrd.Core.Geometry;
using OperandoXrd.Crystallography.Cif;
using OperandoXrd.Crystallography.Patterns;
using OperandoXrd.Crystallography.Profiles;
using OperandoXrd.Crystallography.Reflections;
using OperandoXrd.Crystallography.Scattering;

namespace OperandoXrd.Crystallography.Tests;

public class PatternCalculatorTests
{
    private const double Lambda = 0.244860;
    private static readonly TchParameters Widths = new(0.02, -0.002, 0.0004, 0.01, 0.004, 0.0001);

    private sealed class Hump : IPatternContribution
    {
        public string Name => "hump";

        public void AddTo(PatternGrid grid, Span<double> y)
        {
            for (var i = 0; i < grid.Length; i++)
            {
                var u = (grid.TwoTheta[i] - 5.0) / 1.5;
                y[i] += 100 * Math.Exp(-u * u);
            }
        }
    }

    private static double[] Linspace(double a, double b, int n) => Enumerable.Range(0, n).Select(i => a + (b - a) * i / (n - 1)).ToArray();

    private static PatternModel Model(bool withIntensities)
    {
        var nca = new PhaseModel(CifPhaseReader.ReadFile(RepoPaths.Phase("NCA")), 1.3, Widths, scale: 2.0);
        var lpscl = new PhaseModel(CifPhaseReader.ReadFile(RepoPaths.Phase("LPSCl")), 1.3, Widths with { W = 0.0006 }, scale: 1e-3)
        {
            Polarization = PolarizationModel.Unpolarized,
        };
        var lic = new PhaseModel(CifPhaseReader.ReadFile(RepoPaths.Phase("LIC")), 1.3, Widths, scale: 0.5);
        if (withIntensities)
        {
            nca.Intensities = nca.InitialPawleyIntensities();
            lic.Intensities = lic.InitialPawleyIntensities();
        }

        var model = new PatternModel { ZeroShift = 0.003, Background = [50, -10, 4, 1] };
        model.Phases.Add(nca);
        model.Phases.Add(lpscl);
        model.Phases.Add(lic);
        model.Contributions.Add((new Hump(), 0.7));
        return model;
    }

    // Parameter c of the Jacobian layout, read and written on the model.
    private static (Func<double> Get, Action<double> Set) Accessor(PatternModel m, PatternJacobian j, int c)
    {
        var name = j.Names[c];
        if (name == "zero")
        {
            return (() => m.ZeroShift, v => m.ZeroShift = v);
        }

        if (name.StartsWith("bkg", StringComparison.Ordinal))
        {
            var i = int.Parse(name[3..], System.Globalization.CultureInfo.InvariantCulture);
            return (() => m.Background[i], v => m.Background[i] = v);
        }

        if (name == "hump_scale")
        {
            return (() => m.Contributions[0].Scale, v => m.Contributions[0] = (m.Contributions[0].Contribution, v));
        }

        for (var p = 0; p < m.Phases.Count; p++)
        {
            var phase = m.Phases[p];
            var local = c - j.PhaseOffset(p);
            var np = phase.LatticeSystem.ParameterCount;
            if (local < 0 || local >= 1 + np + 6 + (phase.Intensities?.Length ?? 0))
            {
                continue;
            }

            if (local == 0)
            {
                return (() => phase.Scale, v => phase.Scale = v);
            }

            if (local <= np)
            {
                return (() => phase.LatticeParameters[local - 1], v => phase.LatticeParameters[local - 1] = v);
            }

            if (local <= np + 6)
            {
                var t = (TchParameter)(local - np - 1);
                return (() => phase.Profile[t], v => phase.Profile = phase.Profile.With(t, v));
            }

            var k = local - np - 7;
            return (() => phase.Intensities![k], v => phase.Intensities![k] = v);
        }

        throw new InvalidOperationException(name);
    }

    [Theory]
    [InlineData(RadialUnit.TwoThetaDeg, true)]
    [InlineData(RadialUnit.TwoThetaDeg, false)]
    [InlineData(RadialUnit.QA, true)]
    public void Jacobian_matches_finite_differences_for_every_parameter(RadialUnit unit, bool pawley)
    {
        var tth = Linspace(2, 11, 2500);
        var radial = unit == RadialUnit.TwoThetaDeg ? tth : tth.Select(t => Bragg.QFromTwoTheta(t, Lambda)).ToArray();
        var calc = new PatternCalculator(new PatternGrid(radial, unit, Lambda));
        var model = Model(pawley);
        var jac = new PatternJacobian(model, tth.Length);
        var y = new double[tth.Length];
        calc.Calculate(model, y, jac);
        var plus = new double[tth.Length];
        var minus = new double[tth.Length];
        var yMax = y.Max();
        // Every column, except that the Pawley intensity columns are many and alike: check every 7th of them.
        var checkedColumns = 0;
        for (var c = 0; c < jac.Count; c++)
        {
            if (jac.Names[c].Contains("_I(", StringComparison.Ordinal) && c % 7 != 0)
            {
                continue;
            }

            var (get, set) = Accessor(model, jac, c);
            var v0 = get();
            var step = 1e-6 * Math.Max(Math.Abs(v0), jac.Names[c].Contains("_p", StringComparison.Ordinal) ? 1e-3 : 1e-2);
            set(v0 + step);
            calc.Calculate(model, plus);
            set(v0 - step);
            calc.Calculate(model, minus);
            set(v0);
            var col = jac.Column(c);
            var scale = Math.Max(col.ToArray().Max(Math.Abs), 1e-12);
            for (var i = 0; i < tth.Length; i++)
            {
                var numeric = (plus[i] - minus[i]) / (2 * step);
                Assert.True(Math.Abs(numeric - col[i]) <= 1e-4 * scale + 1e-9 * yMax,
                    $"{jac.Names[c]} at 2θ={tth[i]:F4}: analytic {col[i]} vs numeric {numeric} (column max {scale})");
            }

            checkedColumns++;
        }

        Assert.True(checkedColumns > 30, $"{checkedColumns} columns");
    }

    [Fact]
    public void An_isolated_peak_sits_at_Bragg_2theta_plus_zero_with_its_area()
    {
        var phase = CifPhaseReader.ReadFile(RepoPaths.Phase("In"));
        var model = new PatternModel { ZeroShift = 0.01, WindowFwhm = 200 };
        var pm = new PhaseModel(phase, 2.0, new TchParameters(0, 0, 0.0004, 0, 0.005), scale: 1);
        pm.Intensities = pm.InitialPawleyIntensities();
        for (var k = 0; k < pm.Intensities.Length; k++)
        {
            pm.Intensities[k] = 0;
        }

        var first = pm.Reflections[0];
        Assert.Equal((1, 0, 1), (first.H, first.K, first.L));
        pm.Intensities[0] = 1000;
        model.Phases.Add(pm);
        var tth = Linspace(0.5, 10, 200001);
        var y = new double[tth.Length];
        new PatternCalculator(new PatternGrid(tth, RadialUnit.TwoThetaDeg, Lambda)).Calculate(model, y);
        var bragg = Bragg.TwoTheta(phase.Cell.D(1, 0, 1), Lambda) + 0.01;
        var iMax = Array.IndexOf(y, y.Max());
        Assert.True(Math.Abs(tth[iMax] - bragg) <= 0.5 * (tth[1] - tth[0]), $"peak at {tth[iMax]}, Bragg {bragg}");
        var area = y.Sum() * (tth[1] - tth[0]);
        var shape = TchPseudoVoigt.Shape(pm.Profile, bragg);
        // Window ±200 H inside the grid: only the Lorentzian beyond it is missing.
        Assert.Equal(1000 * (1 - shape.Eta * (1 - 2 / Math.PI * Math.Atan(400))), area, 2);
    }

    [Fact]
    public void A_q_grid_conserves_peak_areas()
    {
        var phase = CifPhaseReader.ReadFile(RepoPaths.Phase("LPSCl"));
        var model = new PatternModel();
        model.Phases.Add(new PhaseModel(phase, 1.3, Widths));
        var tth = Linspace(1.5, 11.5, 40001);
        var q = Linspace(Bragg.QFromTwoTheta(1.5, Lambda), Bragg.QFromTwoTheta(11.5, Lambda), 40001);
        var yT = new double[tth.Length];
        var yQ = new double[q.Length];
        new PatternCalculator(new PatternGrid(tth, RadialUnit.TwoThetaDeg, Lambda)).Calculate(model, yT);
        new PatternCalculator(new PatternGrid(q, RadialUnit.QA, Lambda)).Calculate(model, yQ);
        var areaT = yT.Sum() * (tth[1] - tth[0]);
        var areaQ = yQ.Sum() * (q[1] - q[0]);
        Assert.True(areaT > 0);
        Assert.Equal(1, areaQ / areaT, 4);
    }

    [Fact]
    public void Chebyshev_background_is_cos_n_arccos()
    {
        var tth = Linspace(2, 11, 901);
        var model = new PatternModel { Background = [0, 0, 0, 3] };
        var y = new double[tth.Length];
        new PatternCalculator(new PatternGrid(tth, RadialUnit.TwoThetaDeg, Lambda)).Calculate(model, y);
        for (var i = 0; i < tth.Length; i++)
        {
            var t = (2 * tth[i] - 13) / 9;
            Assert.Equal(3 * Math.Cos(3 * Math.Acos(t)), y[i], 10);
        }
    }

    [Fact]
    public void Moving_the_cell_moves_the_peaks_and_keeps_the_reflection_list()
    {
        var nca = new PhaseModel(CifPhaseReader.ReadFile(RepoPaths.Phase("NCA")), 1.3, Widths);
        var count = nca.Reflections.Count;
        var cell = nca.CurrentCell();
        Assert.Equal(2.865, cell.A, 10);
        Assert.Equal(14.18, cell.C, 10);
        nca.SetCell(cell with { A = 2.84, B = 2.84, C = 14.4 });
        Assert.Equal(count, nca.Reflections.Count);
        Assert.Equal(1 / (4.8 * 4.8), nca.InverseDSquared(0), 12); // 003 at c/3 = 4.8 Å
        Assert.Equal(2.84, nca.CurrentCell().A, 10);
    }

    [Fact]
    public void Repeated_evaluations_allocate_nothing()
    {
        var tth = Linspace(2, 11, 3000);
        var calc = new PatternCalculator(new PatternGrid(tth, RadialUnit.TwoThetaDeg, Lambda));
        var pawley = Model(withIntensities: true);
        var structure = Model(withIntensities: false);
        var j1 = new PatternJacobian(pawley, tth.Length);
        var j2 = new PatternJacobian(structure, tth.Length);
        var y = new double[tth.Length];
        calc.Calculate(pawley, y, j1);
        calc.Calculate(structure, y, j2);
        calc.Calculate(pawley, y);
        // The runtime itself may allocate once on this thread while it re-compiles hot methods (tiering, on a
        // schedule that depends on machine load). An evaluation that allocates does so every round, so the
        // cleanest of a few rounds must be zero.
        var cleanest = long.MaxValue;
        for (var round = 0; round < 4; round++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < 5; i++)
            {
                calc.Calculate(pawley, y, j1);
                calc.Calculate(structure, y, j2);
                calc.Calculate(pawley, y);
            }

            cleanest = Math.Min(cleanest, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        // The test's Hump contribution allocates nothing either; a fitter iteration must not feed the GC.
        Assert.Equal(0, cleanest);
    }

    [Fact]
    public void A_second_evaluation_after_a_cell_change_leaves_no_stale_Jacobian_entries()
    {
        var tth = Linspace(2, 11, 2000);
        var calc = new PatternCalculator(new PatternGrid(tth, RadialUnit.TwoThetaDeg, Lambda));
        var model = Model(withIntensities: true);
        var jac = new PatternJacobian(model, tth.Length);
        var y = new double[tth.Length];
        calc.Calculate(model, y, jac);
        model.Phases[0].LatticeParameters[1] *= 0.97; // NCA c up by ~1.5 %: every 00l peak moves
        calc.Calculate(model, y, jac);
        var fresh = new PatternJacobian(model, tth.Length);
        calc.Calculate(model, new double[tth.Length], fresh);
        for (var c = 0; c < jac.Count; c++)
        {
            Assert.True(jac.Column(c).SequenceEqual(fresh.Column(c)), jac.Names[c]);
        }
    }
}
