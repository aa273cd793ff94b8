using System.Diagnostics;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using OperandoXrd.Crystallography.Profiles;
using OperandoXrd.Fitting.Model;
using OperandoXrd.Fitting.Optimization;
using OperandoXrd.Fitting.Peek;
using OperandoXrd.Fitting.Sequential;

namespace OperandoXrd.Benchmarks.Fitting;

/// <summary>
/// Per-frame fit cost (issue 5 target ≤ 5 ms; with <see cref="Instrument"/> issue 18's ≤ 2.5 ms and issue 15's ≤ 4 ms) on
/// the frames of <see cref="FitBenchmarkData"/>: NCA + LPSCl + LIC + PEEK (12 peaks) + 4 Chebyshev terms, Pawley mode,
/// ~3000 points over 2–11° 2θ at λ = 0.24486 Å. Run: <c>dotnet run -c Release --project benchmarks/OperandoXrd.Benchmarks
/// -- --filter '*SequentialFit*'</c>; where the time goes: <c>-- --fit-profile</c>.
/// Each call fits the next of two neighbouring frames starting from the other one's result, as in a sequence.
/// Beside it, in the same run, lmfit (Debian python3-lmfit) fits the same pattern the xrdfit way: independent
/// pseudo-Voigt peaks (the 12 strongest) on a cubic background, timed inside a persistent Python process.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(warmupCount: 2, iterationCount: 8)]
public class SequentialFitBenchmarks
{
    private const int LmfitPeaks = 12;
    private SequentialFitter _fitter = null!;
    private WholePatternModel _model = null!;
    private (double[] Y, double[] Sigma)[] _frames = null!;
    private double[] _values = null!;
    private double[] _f = null!;
    private Jacobian _jacobian = null!;
    private int _next;
    private Process? _python;
    private string? _inputPath;
    private FitBenchmarkData _data = null!;

    /// <summary>Whether every reflection is convolved with the Pilatus2M instrument function (issue 15/18 target: ≤ 2.5 ms per frame).</summary>
    [Params(false, true)]
    public bool Instrument { get; set; }

    [GlobalSetup(Targets = [nameof(FitFrame_ThreePhasesPlusPeek), nameof(ReferenceFit_FirstFrame), nameof(ModelWithJacobian), nameof(NormalEquations_Own), nameof(NormalEquations_MathNet)])]
    public void Setup() => Prepare(withLmfit: false);

    // The Python process only for the benchmark that uses it (each benchmark runs in its own process).
    [GlobalSetup(Target = nameof(Lmfit_IndependentPseudoVoigt))]
    public void SetupLmfit() => Prepare(withLmfit: true);

    private void Prepare(bool withLmfit)
    {
        var data = FitBenchmarkData.Create(Instrument);
        _frames = data.Frames;
        _fitter = data.NewFitter();
        var reference = _fitter.Fit(0, _frames[0].Y, _frames[0].Sigma);
        var first = _fitter.Fit(1, _frames[1].Y, _frames[1].Sigma);
        _model = _fitter.Model;
        _values = first.Values;
        _f = new double[_model.PointCount];
        _jacobian = new Jacobian(_model.PointCount, _model.ParameterCount);
        _data = data;
        Console.WriteLine($"// instrument {Instrument}: reference GoF {reference.GoF:F3}, frame 1 {first.Status} GoF {first.GoF:F3} in {first.Iterations} iterations; " +
            $"{_model.ParameterCount} parameters, {_model.Parameters.FreeCount} free per frame, {_model.PointCount} points");
        if (withLmfit)
        {
            StartLmfit(data.X, reference, data.Peek);
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        if (_python is { HasExited: false })
        {
            _python.StandardInput.Close();
            _python.WaitForExit(5000);
        }

        _python?.Dispose();
        if (_inputPath is not null)
        {
            File.Delete(_inputPath);
        }
    }

    /// <summary>One per-frame Pawley fit (start = the neighbouring frame's result).</summary>
    [Benchmark(Baseline = true)]
    public FrameStatus FitFrame_ThreePhasesPlusPeek()
    {
        var f = 1 + (_next++ & 1);
        return _fitter.Fit(f, _frames[f].Y, _frames[f].Sigma).Status;
    }

    private SequentialFitter _fresh = null!;

    [IterationSetup(Target = nameof(ReferenceFit_FirstFrame))]
    public void NewFitter() => _fresh = _data.NewFitter();

    /// <summary>The reference fit of the first frame (issue 18 target ≤ 0.3 s): background, coarse-to-fine cell, Le Bail
    /// cycles, Pawley intensities, the per-frame re-fit; a fresh fitter each time (built outside the measurement).</summary>
    [Benchmark]
    [InvocationCount(1, 1)]
    public FrameStatus ReferenceFit_FirstFrame() => _fresh.Fit(0, _frames[0].Y, _frames[0].Sigma).Status;

    /// <summary>One model evaluation with the Jacobian of the per-frame free parameters (what an LM iteration costs).</summary>
    [Benchmark]
    public double ModelWithJacobian()
    {
        _jacobian.Clear();
        for (var j = 0; j < _model.ParameterCount; j++)
        {
            _jacobian.SetActive(j, _model.Parameters.IsFree(j));
        }

        _model.Evaluate(_values, _f, _jacobian);
        return _f[100];
    }

    /// <summary>
    /// The LM linear algebra of one iteration, ours: JᵀWJ from per-column row ranges (sparse columns skip their
    /// zeros) and a row-major Cholesky on reused buffers.
    /// </summary>
    [Benchmark]
    public double NormalEquations_Own()
    {
        EnsureNormalInputs();
        var nf = _free.Length;
        NormalEquations(_jacobian, _free, _r, _a, _g, 1e-9);
        DenseKernels.Cholesky(_a, nf);
        DenseKernels.CholeskySolve(_a, nf, _g);
        return _g[0];
    }

    /// <summary>The same with MathNet.Numerics 5.0.0: dense Jᵀ·J (managed provider) and its Cholesky solve.</summary>
    [Benchmark]
    public double NormalEquations_MathNet()
    {
        EnsureNormalInputs();
        var j = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.DenseOfColumnMajor(_model.PointCount, _free.Length, _dense);
        var a = j.TransposeThisAndMultiply(j) + MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.DenseIdentity(_free.Length) * 1e-9;
        var g = j.TransposeThisAndMultiply(MathNet.Numerics.LinearAlgebra.Vector<double>.Build.Dense(_r));
        return a.Cholesky().Solve(g)[0];
    }

    /// <summary>A = JᵀJ (lower triangle, + <paramref name="diagonal"/> on the diagonal) and g = Jᵀr over the free
    /// columns' overlapping row ranges, as <see cref="LevenbergMarquardt"/> builds them.</summary>
    internal static void NormalEquations(Jacobian jacobian, int[] free, double[] r, double[] a, double[] g, double diagonal)
    {
        var nf = free.Length;
        for (var k = 0; k < nf; k++)
        {
            var ck = jacobian.Column(free[k]);
            int fk = jacobian.First(free[k]), ek = jacobian.End(free[k]);
            g[k] = ek > fk ? DenseKernels.Dot(ck[fk..ek], r.AsSpan(fk, ek - fk)) : 0;
            for (var l = 0; l <= k; l++)
            {
                int lo = Math.Max(fk, jacobian.First(free[l])), hi = Math.Min(ek, jacobian.End(free[l]));
                var value = hi > lo ? DenseKernels.Dot(ck[lo..hi], jacobian.Column(free[l])[lo..hi]) : 0;
                a[k * nf + l] = value + (k == l ? diagonal : 0);
            }
        }
    }

    private int[] _free = [];
    private double[] _a = [], _g = [], _r = [], _dense = [];

    private void EnsureNormalInputs()
    {
        if (_free.Length > 0)
        {
            return;
        }

        _free = [.. Enumerable.Range(0, _model.ParameterCount).Where(_model.Parameters.IsFree)];
        ModelWithJacobian();
        var m = _model.PointCount;
        _r = [.. Enumerable.Range(0, m).Select(i => Math.Sin(i * 0.01))];
        _dense = new double[m * _free.Length];
        for (var k = 0; k < _free.Length; k++)
        {
            _jacobian.Column(_free[k]).CopyTo(_dense.AsSpan(k * m, m));
        }

        _a = new double[_free.Length * _free.Length];
        _g = new double[_free.Length];
    }

    /// <summary>lmfit, independent pseudo-Voigt peaks, same pattern (frame 1), same start every time.</summary>
    [Benchmark]
    [IterationCount(3)]
    [WarmupCount(1)]
    [InvocationCount(1, 1)]
    public string Lmfit_IndependentPseudoVoigt()
    {
        if (_python is null)
        {
            return "lmfit unavailable";
        }

        _python.StandardInput.WriteLine("go");
        return _python.StandardOutput.ReadLine() ?? throw new InvalidOperationException("lmfit process ended");
    }

    private void StartLmfit(double[] x, FrameFit reference, PeekModel peek)
    {
        if (!File.Exists("/usr/bin/python3"))
        {
            Console.WriteLine("// /usr/bin/python3 not found: lmfit comparison skipped");
            return;
        }

        // Start values as a sequential xrdfit run would have them: the 12 strongest peaks of the reference fit.
        var peaks = new List<(double Center, double Fwhm, double Area)>();
        var values = reference.Values;
        for (var p = 0; p < _model.PhaseCount; p++)
        {
            var positions = _model.PeakPositions(p, values);
            var groups = _model.PeakGroups(p);
            for (var g = 0; g < groups.Count; g++)
            {
                if (positions[g] is < 2 or > 11)
                {
                    continue;
                }

                var shape = TchPseudoVoigt.Shape(new TchParameters(values[_model.WidthIndex(p)], values[_model.WidthIndex(p) + 1], values[_model.WidthIndex(p) + 2],
                    values[_model.WidthIndex(p) + 3], values[_model.WidthIndex(p) + 4], values[_model.WidthIndex(p) + 5]), positions[g]);
                var area = values[_model.ScaleIndex(p)] * values[_model.IntensityIndex(p) + g] * OperandoXrd.Crystallography.Scattering.LorentzPolarization.Lorentz(positions[g]);
                peaks.Add((positions[g], shape.Fwhm, area));
            }
        }

        peaks.AddRange(peek.Peaks.Where(k => k.Position is > 2 and < 11).Select(k => (k.Position, k.GaussianFwhm, k.Area)));
        var strongest = peaks.OrderByDescending(k => k.Area / k.Fwhm).Take(LmfitPeaks).OrderBy(k => k.Center).ToList();
        var inRange = Enumerable.Range(0, x.Length).Where(i => x[i] >= 2 && x[i] <= 11).ToArray();
        var (y, sigma) = _frames[1];
        _inputPath = Path.Combine(Path.GetTempPath(), $"oxrd-lmfit-bench-{Environment.ProcessId}.json");
        var path = _inputPath;
        var json = JsonSerializer.Serialize(new
        {
            x = inRange.Select(i => x[i]).ToArray(),
            y = inRange.Select(i => y[i]).ToArray(),
            sigma = inRange.Select(i => sigma[i]).ToArray(),
            background = new[] { 1000.0, 0, 0, 0 },
            peaks = strongest.Select(k => new { center = k.Center, fwhm = k.Fwhm, area = k.Area }).ToArray(),
        });
        File.WriteAllText(path, json);
        var script = Path.Combine(FitBenchmarkData.RepoRoot(), "benchmarks", "OperandoXrd.Benchmarks", "Fitting", "lmfit_pseudo_voigt.py");
        _python = Process.Start(new ProcessStartInfo("/usr/bin/python3", $"\"{script}\"")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
        })!;
        _python.StandardInput.WriteLine(path);
        var ready = _python.StandardOutput.ReadLine();
        if (ready != "ready")
        {
            throw new InvalidOperationException($"lmfit reference did not start (got '{ready}')");
        }

        _python.StandardInput.WriteLine("go");
        Console.WriteLine($"// lmfit first fit, {strongest.Count} peaks: {_python.StandardOutput.ReadLine()} (nfev, reduced χ², seconds)");
    }
}
