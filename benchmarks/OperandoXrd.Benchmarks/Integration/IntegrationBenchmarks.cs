using BenchmarkDotNet.Attributes;
using OperandoXrd.Core.Geometry;
using OperandoXrd.Core.Integration;

namespace OperandoXrd.Benchmarks.Integration;

/// <summary>
/// Per-frame integration of a Pilatus2M int32 frame: 3000 bins in 2θ, polarization 0.99, solid angle, Poisson σ,
/// dummy pixels. The target is ≥ 250 frames/s (≤ 4 ms) with bbox on 2 cores. Run with
/// <c>dotnet run -c Release --project benchmarks/OperandoXrd.Benchmarks -- --filter '*IntegrationBenchmarks*'</c>.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
public class IntegrationBenchmarks
{
    private AzimuthalIntegrator _integrator = null!;
    private IntegrationEngine _engine = null!;
    private Pattern1D _pattern = null!;
    private int[] _frame = null!;
    private float[] _floatFrame = null!;

    [Params(PixelSplit.None, PixelSplit.BBox, PixelSplit.Full)]
    public PixelSplit Split { get; set; }

    /// <summary>Threads per frame (0 = all cores).</summary>
    [Params(0, 1)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var geometry = new PixelGeometry(IntegrationSetup.Poni);
        _integrator = AzimuthalIntegrator.Create(geometry, IntegrationSetup.Options(Split));
        _engine = new IntegrationEngine(_integrator.Matrix, -1.5, 0.75, Threads);
        _pattern = _engine.CreatePattern();
        _frame = IntegrationSetup.Frame(geometry);
        _floatFrame = _frame.Select(v => (float)v).ToArray();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _engine.Dispose();
        _integrator.Dispose();
    }

    [Benchmark]
    public double Int32Frame()
    {
        _engine.Integrate(_frame, _pattern);
        return _pattern.Intensity[1000];
    }

    [Benchmark]
    public double Float32Frame()
    {
        _engine.Integrate(_floatFrame, _pattern);
        return _pattern.Intensity[1000];
    }
}

/// <summary>
/// Building the sparse matrix from the geometry arrays (what a new geometry costs, target ≤ 1 s with the arrays) and
/// loading it from the disk cache (target ≤ 0.1 s).
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 5)]
public class MatrixBuildBenchmarks
{
    private MatrixInput _input = null!;
    private string _cache = null!;
    private PixelGeometry _geometry = null!;

    [Params(PixelSplit.None, PixelSplit.BBox, PixelSplit.Full)]
    public PixelSplit Split { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _geometry = new PixelGeometry(IntegrationSetup.Poni);
        var solid = _geometry.SolidAngle();
        var pol = _geometry.Polarization(0.99);
        for (var i = 0; i < solid.Length; i++)
        {
            solid[i] *= pol[i];
        }

        _input = new MatrixInput
        {
            Rows = _geometry.Rows,
            Columns = _geometry.Columns,
            RadialCenters = _geometry.RadialCenters(RadialUnit.TwoThetaRad),
            RadialCorners = _geometry.RadialCorners(RadialUnit.TwoThetaRad),
            ChiCorners = Split == PixelSplit.Full ? _geometry.ChiCorners() : null,
            Mask = _geometry.Detector.CreateStaticMask(),
            Normalization = solid,
            Npt = 3000,
            Split = Split,
            RadialScale = RadialUnits.DegreesPerRadian,
        };
        _cache = Path.Combine(Path.GetTempPath(), "oxrd-bench-cache-" + Environment.ProcessId);
        using var warm = AzimuthalIntegrator.Create(_geometry, IntegrationSetup.Options(Split), _cache);
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_cache, recursive: true);

    /// <summary>The builder alone, from precomputed geometry arrays.</summary>
    [Benchmark]
    public IntegrationMatrix BuildFromArrays() => MatrixBuilder.Build(_input);

    /// <summary>Everything a first run pays: geometry arrays, build, no cache.</summary>
    [Benchmark]
    public int CreateCold()
    {
        using var ai = AzimuthalIntegrator.Create(_geometry, IntegrationSetup.Options(Split));
        return ai.Npt;
    }

    /// <summary>A second run: key hash and cache load.</summary>
    [Benchmark]
    public int CreateFromCache()
    {
        using var ai = AzimuthalIntegrator.Create(_geometry, IntegrationSetup.Options(Split), _cache);
        return ai.LoadedFromCache ? ai.Npt : throw new InvalidOperationException("cache miss");
    }
}
