using BenchmarkDotNet.Attributes;
using OperandoXrd.Reports;
using OperandoXrd.Reports.Figures;

namespace OperandoXrd.Benchmarks.Reports;

/// <summary>
/// The figure set a 100-frame run ends with (what RunFigures writes: log contour beside the voltage, lattice a and c
/// against time and x(Li), Rwp, the last pattern with its fit), each as SVG + PNG into a temporary folder.
/// Issue 18 wants a run's final outputs in ≤ 0.5 s for 100 frames; this is the figures' share.
/// </summary>
[MemoryDiagnoser]
public class FigureSetBenchmarks
{
    private const int Frames = 100, Bins = 1000;
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"oxrd-bench-figures-{Environment.ProcessId}");
    private double[] _radial = [], _time = [], _xli = [], _voltage = [], _rwp = [], _frame = [], _observed = [], _calculated = [];
    private float[,] _intensity = new float[0, 0];
    private ParameterSeries[] _lattice = [];

    [GlobalSetup]
    public void Setup()
    {
        Directory.CreateDirectory(_folder);
        _radial = Enumerable.Range(0, Bins).Select(b => 2.0 + (b + 0.5) * 6.0 / Bins).ToArray();
        _time = Enumerable.Range(0, Frames).Select(f => 1.7e9 + 60.0 * f).ToArray();
        _xli = Enumerable.Range(0, Frames).Select(f => 1 - 0.7 * f / (Frames - 1.0)).ToArray();
        _voltage = _xli.Select(x => 3.0 + 0.8 * (1 - x)).ToArray();
        _frame = Enumerable.Range(0, Frames).Select(f => (double)f).ToArray();
        _rwp = _frame.Select(f => 4 + Math.Sin(f / 7)).ToArray();
        _intensity = new float[Frames, Bins];
        var rng = new Random(1);
        for (var f = 0; f < Frames; f++)
        {
            var peak = 3.1 + 0.05 * (1 - _xli[f]);
            for (var b = 0; b < Bins; b++)
            {
                var d = _radial[b] - peak;
                _intensity[f, b] = (float)(50 + 900 * Math.Exp(-d * d / 0.0008) + 5 * rng.NextDouble());
            }
        }

        _observed = Enumerable.Range(0, Bins).Select(b => (double)_intensity[Frames - 1, b]).ToArray();
        _calculated = _observed.Select(v => v - 2.5).ToArray();
        var a = _xli.Select(x => 2.865 - 0.055 * (1 - x)).ToArray();
        var c = _xli.Select(x => 14.18 + 0.3 * (1 - x)).ToArray();
        _lattice = [new("NCA", "a", "Å", a, a.Select(_ => 2e-4).ToArray()), new("NCA", "c", "Å", c, c.Select(_ => 1e-3).ToArray())];
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_folder, recursive: true);

    [Benchmark(Description = "figure set, 100 frames (5 figures, SVG + PNG)")]
    public void WriteFigureSet()
    {
        var contour = new ContourData
        {
            Radial = _radial,
            Intensity = _intensity,
            TimeSeconds = _time,
            XLi = _xli,
            VoltageTimeSeconds = _time,
            Voltage = _voltage,
        };
        FigureWriter.Write(OperandoFigures.Contour(contour, new ContourOptions { IntensityScale = OperandoXrd.Reports.Plotting.ScaleKind.Log }), Path.Combine(_folder, "contour"));
        var hours = _time.Select(t => (t - _time[0]) / 3600).ToArray();
        FigureWriter.Write(OperandoFigures.LatticeVersusTime(hours, _lattice), Path.Combine(_folder, "lattice_vs_time"));
        FigureWriter.Write(OperandoFigures.LatticeVersusXLi(_xli, _lattice), Path.Combine(_folder, "lattice_vs_xli"));
        FigureWriter.Write(OperandoFigures.Rwp(_frame, _rwp), Path.Combine(_folder, "rwp"));
        FigureWriter.Write(OperandoFigures.Pattern(_radial, _observed, _calculated, []), Path.Combine(_folder, "last_pattern"));
    }
}
