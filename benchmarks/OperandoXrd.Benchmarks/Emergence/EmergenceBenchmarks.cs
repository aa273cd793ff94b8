using BenchmarkDotNet.Attributes;
using OperandoXrd.Core.Geometry;
using OperandoXrd.Crystallography.Cif;
using OperandoXrd.Crystallography.Patterns;
using OperandoXrd.Crystallography.Profiles;
using OperandoXrd.Crystallography.Reflections;
using OperandoXrd.Fitting.Emergence;

namespace OperandoXrd.Benchmarks.Emergence;

/// <summary>
/// Issue 17 targets: the emergence detector adds ≤ 0.3 ms per frame to the fit stage (steady state: a frame scanned,
/// tracks followed, no event; allocation must be 0 B), and matching a set of peaks against 20 library phases takes
/// ≤ 50 ms. The frame is the fitter benchmark's: NCA + LPSCl + LIC on a Chebyshev background, ~2700 points over 2–11°
/// at λ = 0.24486 Å, Poisson noise; "calculated" is the noise-free pattern (a perfect fit).
/// </summary>
[MemoryDiagnoser]
[SimpleJob(warmupCount: 2, iterationCount: 8)]
public class EmergenceBenchmarks
{
    private const double Lambda = 0.244860;
    private EmergenceDetector _detector = null!;
    private double[][] _observed = null!;
    private double[] _calculated = null!;
    private double[][] _sigma = null!;
    private PhaseMatcher _matcher = null!;
    private ObservedPeak[] _peaks = null!;
    private int _frame;

    [GlobalSetup]
    public void Setup()
    {
        var phases = Path.Combine(RepoRoot(), "calibration", "phases");
        var x = Enumerable.Range(0, 2700).Select(i => 2.0 + 9.0 * i / 2699).ToArray();
        var calculator = new PatternCalculator(new PatternGrid(x, RadialUnit.TwoThetaDeg, Lambda));
        var model = new PatternModel { Background = [900, -250, 60] };
        var profile = new TchParameters(0.002, -0.0005, 0.0004, 0.002, 0.008);
        foreach (var (name, scale) in new[] { ("NCA", 30.0), ("LPSCl", 10.0), ("LIC", 5.0) })
        {
            model.Phases.Add(new PhaseModel(CifPhaseReader.ReadFile(Path.Combine(phases, name + ".cif"), name), Bragg.DFromTwoTheta(11.5, Lambda), profile, scale));
        }

        _calculated = new double[x.Length];
        calculator.Calculate(model, _calculated);
        var scaleTo = 3e4 / _calculated.Max();
        for (var i = 0; i < x.Length; i++)
        {
            _calculated[i] = 900 + (_calculated[i] - 900) * scaleTo;
        }

        var rng = new Random(17);
        _observed = new double[8][];
        _sigma = new double[8][];
        for (var f = 0; f < _observed.Length; f++)
        {
            _observed[f] = _calculated.Select(c => c + Math.Sqrt(c) * Gaussian(rng)).ToArray();
            _sigma[f] = _calculated.Select(Math.Sqrt).ToArray();
        }

        // 20 library phases: every CIF of calibration/phases with atoms (11), and each again under another name with a
        // 1 % larger cell (what a user's candidate list adds).
        var library = new List<LibraryPhase>();
        var strained = new List<LibraryPhase>();
        foreach (var file in Directory.GetFiles(phases, "*.cif").Order(StringComparer.Ordinal))
        {
            var phase = CifPhaseReader.ReadFile(file);
            var stem = Path.GetFileNameWithoutExtension(file);
            if (LibraryPhase.Create(stem, phase, Lambda, 2, 11, file) is { } entry)
            {
                library.Add(entry);
                var cell = phase.Cell;
                if (LibraryPhase.Create(stem + "-strained", phase.WithCell(cell with { A = cell.A * 1.01, B = cell.B * 1.01, C = cell.C * 1.01 }), Lambda, 2, 11) is { } copy)
                {
                    strained.Add(copy);
                }
            }
        }

        library.AddRange(strained);
        library = library.Take(20).ToList();
        var options = new EmergenceOptions();
        _matcher = new PhaseMatcher(library, Lambda, 2, 11, options);
        var ni3s4 = library.Single(p => p.Name == "Ni3S4");
        _peaks = ni3s4.Strongest.Take(6).Select(k => new ObservedPeak(Bragg.TwoTheta(ni3s4.D[k] * 1.003, Lambda), 500 * ni3s4.Intensity[k]))
            .Where(p => p.TwoTheta is >= 2 and <= 11).ToArray();
        _detector = new EmergenceDetector(x, Lambda, 0.024, _matcher, options);
        for (var f = 0; f < 4; f++)
        {
            Frame();
        }
    }

    /// <summary>One frame through the detector (target ≤ 0.3 ms, 0 B allocated).</summary>
    [Benchmark]
    public EmergenceEvent? Frame()
    {
        var f = _frame++ % _observed.Length;
        return _detector.Observe(_frame, _observed[f], _calculated, _sigma[f]);
    }

    /// <summary>Six Ni3S4 peaks against 20 library phases (target ≤ 50 ms).</summary>
    [Benchmark]
    public PhaseMatch? MatchTwentyPhases() => _matcher.Identify(_matcher.Rank(_peaks, 0.01, _ => 50));

    private static double Gaussian(Random rng) => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "OperandoXrd.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }
}
