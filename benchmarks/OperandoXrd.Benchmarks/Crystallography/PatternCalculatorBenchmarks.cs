using BenchmarkDotNet.Attributes;
using OperandoXrd.Core.Geometry;
using OperandoXrd.Crystallography.Cif;
using OperandoXrd.Crystallography.Patterns;
using OperandoXrd.Crystallography.Phases;
using OperandoXrd.Crystallography.Profiles;

namespace OperandoXrd.Benchmarks.Crystallography;

/// <summary>
/// What one fitter iteration costs in the crystallography layer: NCA + LPSCl + LIC (Pawley intensities on NCA and
/// LIC) on 3000 points over 2–11° 2θ at λ = 0.24486 Å, with and without the full analytic Jacobian.
/// Target (issue 4): whole-pattern evaluation with derivatives well under 1 ms.
/// </summary>
[MemoryDiagnoser]
public class PatternCalculatorBenchmarks
{
    private PatternCalculator _calculator = null!;
    private PatternModel _model = null!;
    private PatternModel _modelNoIntensityColumns = null!;
    private PatternJacobian _jacobian = null!;
    private PatternJacobian _jacobianNoIntensityColumns = null!;
    private double[] _y = null!;

    [GlobalSetup]
    public void Setup()
    {
        const double lambda = 0.244860;
        var grid = Enumerable.Range(0, 3000).Select(i => 2 + 9.0 * i / 2999).ToArray();
        _calculator = new PatternCalculator(new PatternGrid(grid, RadialUnit.TwoThetaDeg, lambda));
        _model = Build(pawley: true);
        _modelNoIntensityColumns = Build(pawley: false);
        _jacobian = new PatternJacobian(_model, grid.Length);
        _jacobianNoIntensityColumns = new PatternJacobian(_modelNoIntensityColumns, grid.Length);
        _y = new double[grid.Length];
        Console.WriteLine($"// reflections: {string.Join(", ", _model.Phases.Select(p => $"{p.Name} {p.Reflections.Count}"))}; Jacobian columns {_jacobian.Count}");
    }

    private static PatternModel Build(bool pawley)
    {
        var widths = new TchParameters(0.02, -0.002, 0.0004, 0.01, 0.004);
        var model = new PatternModel { Background = [100, -20, 5, 1, 0.5] };
        foreach (var name in new[] { "NCA", "LPSCl", "LIC" })
        {
            var phase = new PhaseModel(Load(name), 1.25, widths);
            if (pawley && name != "LPSCl")
            {
                phase.Intensities = phase.InitialPawleyIntensities();
            }

            model.Phases.Add(phase);
        }

        return model;
    }

    private static CrystalPhase Load(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var path = Path.Combine(dir.FullName, "calibration", "phases", name + ".cif");
            if (File.Exists(path))
            {
                return CifPhaseReader.ReadFile(path);
            }
        }

        throw new FileNotFoundException($"calibration/phases/{name}.cif not found above {AppContext.BaseDirectory}");
    }

    [Benchmark(Baseline = true)]
    public void PatternOnly() => _calculator.Calculate(_model, _y);

    [Benchmark]
    public void PatternWithJacobian() => _calculator.Calculate(_modelNoIntensityColumns, _y, _jacobianNoIntensityColumns);

    [Benchmark]
    public void PatternWithJacobianAndPawleyColumns() => _calculator.Calculate(_model, _y, _jacobian);
}
