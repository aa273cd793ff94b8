using MathNet.Numerics.Distributions;
using OperandoXrd.Core.Geometry;
using OperandoXrd.Crystallography.Cells;
using OperandoXrd.Crystallography.Patterns;
using OperandoXrd.Crystallography.Profiles;
using OperandoXrd.Crystallography.Reflections;
using OperandoXrd.Fitting.Peek;

namespace OperandoXrd.Fitting.Tests;

/// <summary>
/// Ground truth for the fitter: a BM31-like 1D operando charge computed with the crystallography engineer's
/// <see cref="PatternCalculator"/> (structure-factor intensities, TCH profiles, Lorentz factor) over the PEEK
/// housing and a Chebyshev background, then Poisson noise. NCA's a falls and c rises then collapses; LPSCl and
/// LIC stay put. λ = 0.244860 Å, 2θ 1.5–11.5° in 0.003° steps (≈ 3000 points inside the 2–11° fit range).
/// </summary>
internal sealed class OperandoSimulation
{
    public const double ZeroShift = 0.002;
    public static readonly double[] BackgroundCoefficients = [900, -250, 60];

    private readonly PatternCalculator _calculator;
    private readonly PatternModel _model;
    private readonly PhaseModel _nca;
    private readonly PeekModel _peek;

    /// <param name="profile">True TCH widths of every phase; <see cref="TestData.Profile"/> when null.</param>
    public OperandoSimulation(TchParameters? profile = null)
    {
        X = TestData.Grid(1.5, 11.5, 3334);
        var grid = new PatternGrid(X, RadialUnit.TwoThetaDeg, TestData.Wavelength);
        _calculator = new PatternCalculator(grid);
        var dMin = Bragg.DFromTwoTheta(12.5, TestData.Wavelength);
        _model = new PatternModel { ZeroShift = ZeroShift, Background = BackgroundCoefficients };
        // Peak heights at BM31-like counts: NCA strongest (~3e4 counts at 003), LPSCl ~1e4, LIC ~5e3.
        foreach (var (name, height) in new[] { ("NCA", 3e4), ("LPSCl", 1e4), ("LIC", 5e3) })
        {
            var phase = new PhaseModel(TestData.Phase(name), dMin, profile ?? TestData.Profile, 1);
            var only = new PatternModel();
            only.Phases.Add(phase);
            var y = new double[X.Length];
            _calculator.Calculate(only, y);
            phase.Scale = height / y.Max();
            _model.Phases.Add(phase);
        }

        _nca = _model.Phases[0];
        _peek = TestData.Peek();
        _model.Contributions.Add((new PeekContribution(_peek), 1.0));
        NcaCell0 = _nca.CurrentCell();
    }

    public double[] X { get; }

    public PeekModel Peek => _peek;

    public UnitCell NcaCell0 { get; }

    public static double LpsclA => 9.85;

    /// <summary>NCA cell along the charge, t from 0 (pristine) to 1 (charged): a falls, c rises then collapses.</summary>
    public static (double A, double C) NcaCell(double t) => (2.865 - 0.045 * t, 14.18 + 0.9 * t - 1.15 * t * t * t);

    /// <summary>
    /// Adds a phase to the simulated cell (an emerging phase, or a second NCA that makes NCA's profile one the fit's
    /// TCH cannot follow), scaled so that its strongest peak is <paramref name="height"/> counts at scale 1; the caller
    /// sets <see cref="PhaseModel.Scale"/> per frame.
    /// </summary>
    public PhaseModel AddPhase(Crystallography.Phases.CrystalPhase phase, double height, TchParameters? profile = null)
    {
        var model = new PhaseModel(phase, Bragg.DFromTwoTheta(12.5, TestData.Wavelength), profile ?? TestData.Profile, 1);
        var only = new PatternModel { ZeroShift = ZeroShift };
        only.Phases.Add(model);
        var y = new double[X.Length];
        _calculator.Calculate(only, y);
        model.Scale = height / y.Max();
        _model.Phases.Add(model);
        return model;
    }

    /// <summary>One added phase's pattern alone at its current scale (the truth of what it adds).</summary>
    public double[] Alone(PhaseModel phase)
    {
        var only = new PatternModel { ZeroShift = ZeroShift };
        only.Phases.Add(phase);
        var y = new double[X.Length];
        _calculator.Calculate(only, y);
        return y;
    }

    /// <summary>Noise-free pattern with NCA at (a, c).</summary>
    public double[] Clean(double a, double c)
    {
        _nca.SetCell(new UnitCell(a, a, c, 90, 90, 120));
        var y = new double[X.Length];
        _calculator.Calculate(_model, y);
        return y;
    }

    /// <summary>Poisson counts and σ = √max(counts, 1).</summary>
    public static (double[] Y, double[] Sigma) Noisy(double[] clean, Random rng)
    {
        var y = new double[clean.Length];
        var s = new double[clean.Length];
        for (var i = 0; i < clean.Length; i++)
        {
            y[i] = Poisson.Sample(rng, clean[i]);
            s[i] = Math.Sqrt(Math.Max(y[i], 1));
        }

        return (y, s);
    }

    private sealed class PeekContribution(PeekModel peek) : IPatternContribution
    {
        public string Name => "PEEK";

        public void AddTo(PatternGrid grid, Span<double> y) => peek.AddTo(grid.TwoTheta, y);
    }
}
