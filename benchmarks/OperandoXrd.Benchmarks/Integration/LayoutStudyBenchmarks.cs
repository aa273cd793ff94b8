using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using BenchmarkDotNet.Attributes;
using OperandoXrd.Core.Geometry;
using OperandoXrd.Core.Integration;

namespace OperandoXrd.Benchmarks.Integration;

/// <summary>
/// The layout study behind the kernel (docs/performance.md, "Azimuthal integration kernel"): the same bbox matrix of a
/// Pilatus2M at 3000 bins (~10 M pixel-bin pairs), one thread, three ways —
/// (1) ours: pixel order, bbox weights recomputed per pixel, interior runs as differences (2 adds per pixel);
/// (2) pixel order with explicit (bin, weight) entries (what a general CSR-by-pixel scatter costs);
/// (3) pyFAI's layout, CSR by bin: per bin a gather of its pixels, scalar and with AVX2 gathers (float accumulators per lane).
/// Signal and Poisson variance only, int32 frame.
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 8)]
public class LayoutStudyBenchmarks
{
    private IntegrationMatrix _bbox = null!;
    private IntegrationEngine _differenceRuns = null!;
    private IntegrationEngine _explicitEntries = null!;
    private CsrByBin _csr = null!;
    private Pattern1D _pattern = null!;
    private int[] _frame = null!;
    private double[] _signal = null!;
    private double[] _variance = null!;

    [GlobalSetup]
    public void Setup()
    {
        var geometry = new PixelGeometry(IntegrationSetup.Poni);
        using var ai = AzimuthalIntegrator.Create(geometry, IntegrationSetup.Options(PixelSplit.BBox));
        _bbox = ai.Matrix;
        _differenceRuns = new IntegrationEngine(_bbox, -1.5, 0.75, threads: 1);
        _explicitEntries = new IntegrationEngine(ExplicitEntries(_bbox), -1.5, 0.75, threads: 1);
        _csr = CsrByBin.From(_bbox);
        _pattern = _differenceRuns.CreatePattern();
        _frame = IntegrationSetup.Frame(geometry);
        _signal = new double[_bbox.Npt];
        _variance = new double[_bbox.Npt];
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _differenceRuns.Dispose();
        _explicitEntries.Dispose();
    }

    [Benchmark(Baseline = true)]
    public double PixelOrderDifferenceRuns()
    {
        _differenceRuns.Integrate(_frame, _pattern);
        return _pattern.SumSignal[1500];
    }

    [Benchmark]
    public double PixelOrderExplicitEntries()
    {
        _explicitEntries.Integrate(_frame, _pattern);
        return _pattern.SumSignal[1500];
    }

    [Benchmark]
    public double CsrByBinScalar()
    {
        _csr.IntegrateScalar(_frame, _signal, _variance);
        return _signal[1500];
    }

    [Benchmark]
    public double CsrByBinGather()
    {
        _csr.IntegrateGather(_frame, _signal, _variance);
        return _signal[1500];
    }

    /// <summary>The bbox matrix re-expressed as CSR by pixel with explicit weights (the engine's "full" path).</summary>
    internal static IntegrationMatrix ExplicitEntries(IntegrationMatrix bbox)
    {
        var pixels = bbox.PixelCount;
        var start = new int[pixels + 1];
        var bins = new List<ushort>();
        var weights = new List<float>();
        var collect = new Collect { Bins = bins, Weights = weights };
        for (var p = 0; p < pixels; p++)
        {
            if (bbox.PixelNorm[p] != 0f)
            {
                bbox.ForEachEntry(p, ref collect);
            }

            start[p + 1] = bins.Count;
        }

        var norm = new double[bbox.Npt];
        var count = new double[bbox.Npt];
        Array.Copy(bbox.NormSum, norm, norm.Length);
        Array.Copy(bbox.CountSum, count, count.Length);
        return new IntegrationMatrix(PixelSplit.Full, bbox.Rows, bbox.Columns, bbox.Npt, bbox.Pos0Min, bbox.Pos0Max, bbox.RadialScale,
            bbox.PixelNorm, norm, count)
        {
            EntryStart = start,
            EntryBin = [.. bins],
            EntryWeight = [.. weights],
        };
    }

    private struct Collect : IEntryVisitor
    {
        public List<ushort> Bins;
        public List<float> Weights;

        public void Visit(int bin, double coefficient)
        {
            Bins.Add((ushort)bin);
            Weights.Add((float)coefficient);
        }
    }
}

/// <summary>pyFAI's layout: for each bin, the indices and float32 coefficients of its pixels (sorted by pixel).</summary>
internal sealed unsafe class CsrByBin
{
    private int[] _indptr = null!;
    private int[] _indices = null!;
    private float[] _coefficients = null!;

    public int Npt { get; private set; }

    public static CsrByBin From(IntegrationMatrix m)
    {
        var counter = new CountVisitor { Counts = new int[m.Npt + 1] };
        for (var p = 0; p < m.PixelCount; p++)
        {
            if (m.PixelNorm[p] != 0f)
            {
                m.ForEachEntry(p, ref counter);
            }
        }

        var indptr = new int[m.Npt + 1];
        for (var b = 0; b < m.Npt; b++)
        {
            indptr[b + 1] = indptr[b] + counter.Counts[b];
        }

        var fill = new FillVisitor { Next = (int[])indptr.Clone(), Indices = new int[indptr[m.Npt]], Coefficients = new float[indptr[m.Npt]] };
        for (var p = 0; p < m.PixelCount; p++)
        {
            if (m.PixelNorm[p] != 0f)
            {
                fill.Pixel = p;
                m.ForEachEntry(p, ref fill);
            }
        }

        return new CsrByBin { _indptr = indptr, _indices = fill.Indices, _coefficients = fill.Coefficients, Npt = m.Npt };
    }

    public void IntegrateScalar(int[] frame, double[] signal, double[] variance)
    {
        for (var b = 0; b < Npt; b++)
        {
            double s = 0, v = 0;
            for (var j = _indptr[b]; j < _indptr[b + 1]; j++)
            {
                var x = frame[_indices[j]];
                if (x < 0)
                {
                    continue;
                }

                double c = _coefficients[j];
                s += c * x;
                v += c * c * Math.Max(x, 1);
            }

            signal[b] = s;
            variance[b] = v;
        }
    }

    public void IntegrateGather(int[] frame, double[] signal, double[] variance)
    {
        if (!Avx2.IsSupported)
        {
            IntegrateScalar(frame, signal, variance);
            return;
        }

        fixed (int* f = frame)
        fixed (int* indices = _indices)
        fixed (float* coefficients = _coefficients)
        {
            for (var b = 0; b < Npt; b++)
            {
                // .NET exposes gathers up to 256 bits (vpgatherdd ymm).
                var s8 = Vector256<float>.Zero;
                var v8 = Vector256<float>.Zero;
                var j = _indptr[b];
                var end = _indptr[b + 1];
                for (; j <= end - 8; j += 8)
                {
                    var x = Avx.ConvertToVector256Single(Avx2.GatherVector256(f, Vector256.Load(indices + j), 4));
                    var c = Vector256.Load(coefficients + j);
                    var ok = Vector256.GreaterThanOrEqual(x, Vector256<float>.Zero);
                    s8 += (c * x) & ok;
                    v8 += (c * c * Vector256.Max(x, Vector256<float>.One)) & ok;
                }

                double s = Vector256.Sum(s8), v = Vector256.Sum(v8);
                for (; j < end; j++)
                {
                    var x = f[indices[j]];
                    if (x >= 0)
                    {
                        double c = coefficients[j];
                        s += c * x;
                        v += c * c * Math.Max(x, 1);
                    }
                }

                signal[b] = s;
                variance[b] = v;
            }
        }
    }

    private struct CountVisitor : IEntryVisitor
    {
        public int[] Counts;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Visit(int bin, double coefficient) => Counts[bin]++;
    }

    private struct FillVisitor : IEntryVisitor
    {
        public int[] Next;
        public int[] Indices;
        public float[] Coefficients;
        public int Pixel;

        public void Visit(int bin, double coefficient)
        {
            var j = Next[bin]++;
            Indices[j] = Pixel;
            Coefficients[j] = (float)coefficient;
        }
    }
}
