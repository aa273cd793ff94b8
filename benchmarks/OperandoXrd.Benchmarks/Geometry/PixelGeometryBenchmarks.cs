using BenchmarkDotNet.Attributes;
using OperandoXrd.Core.Geometry;

namespace OperandoXrd.Benchmarks.Geometry;

/// <summary>
/// Building the per-pixel arrays of a Pilatus2M (2.48 M pixels, 2.48 M corners) for a tilted geometry: what the
/// integrator pays once per geometry before its sparse matrix. Run with
/// <c>dotnet run -c Release --project benchmarks/OperandoXrd.Benchmarks -- --filter '*PixelGeometry*'</c>.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(launchCount: 1, warmupCount: 2, iterationCount: 6)]
public class PixelGeometryBenchmarks
{
    private PixelGeometry _geometry = null!;

    [Params(PixelCoordinatePrecision.PyFai, PixelCoordinatePrecision.Double)]
    public PixelCoordinatePrecision Precision { get; set; }

    [GlobalSetup]
    public void Setup() => _geometry = new PixelGeometry(
        new Poni
        {
            Detector = Detector.Pilatus2M,
            Distance = 0.35,
            Poni1 = 0.14512,
            Poni2 = 0.12608,
            Rot1 = 0.0021,
            Rot2 = -0.0034,
            Rot3 = 0.01,
            Wavelength = 2.4486e-11,
        },
        Precision);

    [Benchmark]
    public double[] TwoThetaDegCenters() => _geometry.RadialCenters(RadialUnit.TwoThetaDeg);

    [Benchmark]
    public double[] QACenters() => _geometry.RadialCenters(RadialUnit.QA);

    [Benchmark]
    public double[] ChiCenters() => _geometry.ChiCenters();

    [Benchmark]
    public double[] TwoThetaDegCorners() => _geometry.RadialCorners(RadialUnit.TwoThetaDeg);

    [Benchmark]
    public double[] ChiCorners() => _geometry.ChiCorners();

    [Benchmark]
    public double[] SolidAngle() => _geometry.SolidAngle();

    [Benchmark]
    public double[] Polarization() => _geometry.Polarization(0.99);

    /// <summary>Everything a bbox/full-split matrix build needs for 2θ: centres, corners, χ corners, solid angle, polarization.</summary>
    [Benchmark]
    public int AllForMatrixBuild()
    {
        var n = _geometry.RadialCenters(RadialUnit.TwoThetaDeg).Length;
        n += _geometry.RadialCorners(RadialUnit.TwoThetaDeg).Length;
        n += _geometry.ChiCorners().Length;
        n += _geometry.SolidAngle().Length;
        n += _geometry.Polarization(0.99).Length;
        return n;
    }
}
