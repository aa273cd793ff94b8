using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using OperandoXrd.Crystallography.Profiles;

namespace OperandoXrd.Fitting.Model.Instrument;

/// <summary>
/// The TCH profile convolved with an instrument function on the pattern's grid: P_i = Σ_m k_m·TCH(x_{i−m})
/// (<see cref="InstrumentTaps"/>). The taps do not depend on any fitted parameter, so every derivative (position,
/// H_G, H_L) is the same discrete convolution of the TCH's derivatives: exact, and each is a few SIMD multiply-adds per
/// tap over the window. The grid is extended beyond both ends by its end steps so that reflections at the edges see
/// the TCH where the taps reach. Not thread-safe (scratch buffers): one per model.
/// </summary>
public sealed class ConvolvedProfile
{
    private const int Pad = 512;
    private readonly double[] _x;
    private readonly int _n;
    private readonly double[] _v, _dp, _dg, _dl;

    public ConvolvedProfile(ReadOnlySpan<double> grid)
    {
        _n = grid.Length;
        _x = new double[_n + (2 * Pad)];
        var first = grid[1] - grid[0];
        var last = grid[^1] - grid[^2];
        for (var i = 0; i < Pad; i++)
        {
            _x[i] = grid[0] - ((Pad - i) * first);
            _x[Pad + _n + i] = grid[^1] + ((i + 1) * last);
        }

        grid.CopyTo(_x.AsSpan(Pad, _n));
        var capacity = _x.Length;
        _v = new double[capacity];
        _dp = new double[capacity];
        _dg = new double[capacity];
        _dl = new double[capacity];
    }

    /// <summary>Index range of the grid where the convolved profile is within ±window·H (and the taps' reach) of the peak.</summary>
    public (int Start, int Count) Window(in TchShape shape, InstrumentTaps taps, double windowFwhm)
    {
        var (start, count) = TchPseudoVoigt.Window(_x, shape, windowFwhm);
        var lo = Math.Max(start - Pad + taps.Min, 0);
        var hi = Math.Min(start - Pad + count + taps.Max, _n);
        return hi > lo ? (lo, hi - lo) : (lo, 0);
    }

    /// <summary>output[0..count) += area·P over grid points [start, start+count).</summary>
    public void Add(int start, int count, Span<double> output, double area, in TchShape shape, InstrumentTaps taps)
    {
        var (j0, length) = Source(start, count, taps);
        var v = _v.AsSpan(0, length);
        v.Clear();
        TchPseudoVoigt.Add(_x.AsSpan(j0, length), v, area, shape, double.PositiveInfinity);
        Convolve(v, output[..count], taps, start);
    }

    /// <summary>P and its derivatives over [start, start+count) (as <see cref="TchPseudoVoigt.Evaluate"/>): dPosition the
    /// total derivative with respect to the peak position, dGaussian and dLorentzian with respect to H_G and H_L.</summary>
    /// <param name="widths">Whether dGaussian and dLorentzian are wanted (a phase whose widths are fixed skips two of the
    /// four convolutions; the spans are then left as they are).</param>
    public void Evaluate(int start, int count, in TchShape shape, InstrumentTaps taps, Span<double> value, Span<double> dPosition,
        Span<double> dGaussian, Span<double> dLorentzian, bool widths = true)
    {
        var (j0, length) = Source(start, count, taps);
        TchPseudoVoigt.Evaluate(_x.AsSpan(j0, length), shape, _v, _dp, _dg, _dl);
        value[..count].Clear();
        dPosition[..count].Clear();
        Convolve(_v.AsSpan(0, length), value[..count], taps, start);
        Convolve(_dp.AsSpan(0, length), dPosition[..count], taps, start);
        if (widths)
        {
            dGaussian[..count].Clear();
            dLorentzian[..count].Clear();
            Convolve(_dg.AsSpan(0, length), dGaussian[..count], taps, start);
            Convolve(_dl.AsSpan(0, length), dLorentzian[..count], taps, start);
        }
    }

    // Output i needs the TCH at grid points i − Max … i − Min: extended-grid indices from start − Max + Pad.
    private (int Start, int Length) Source(int start, int count, InstrumentTaps taps)
    {
        if (taps.Max >= Pad || -taps.Min >= Pad)
        {
            throw new InvalidOperationException($"the instrument function spans {taps.Taps.Length} grid steps, more than the {Pad} the grid is padded by");
        }

        return (start - taps.Max + Pad, count + taps.Max - taps.Min);
    }

    // out[o] += Σ_m k_m·source[o + Max − m], one SIMD multiply-add per tap; with per-bin taps, k_{start+o,m} from the
    // kernel's column of m (only the m that some bin of the window uses).
    private static void Convolve(ReadOnlySpan<double> source, Span<double> output, InstrumentTaps taps, int start)
    {
        var count = output.Length;
        if (taps.Bins is { } bins)
        {
            var lo = int.MaxValue;
            var hi = int.MinValue;
            for (var i = start; i < start + count; i++)
            {
                lo = Math.Min(lo, bins.RowMin[i]);
                hi = Math.Max(hi, bins.RowMax[i]);
            }

            for (var m = lo; m <= hi; m++)
            {
                MultiplyAdd(output, bins.Columns[m - bins.Min].AsSpan(start, count), source.Slice(taps.Max - m, count));
            }

            return;
        }

        var k = taps.Taps;
        for (var t = 0; t < k.Length; t++)
        {
            // m = t − Origin; Max − m = Taps.Length − 1 − t.
            SpanMath.AddScaled(output, source.Slice(k.Length - 1 - t, count), k[t]);
        }
    }

    // y += a∘b (element-wise), Vector512 → Vector256 → scalar.
    private static void MultiplyAdd(Span<double> y, ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        var n = y.Length;
        ref var yr = ref MemoryMarshal.GetReference(y);
        ref var ar = ref MemoryMarshal.GetReference(a);
        ref var br = ref MemoryMarshal.GetReference(b);
        var i = 0;
        if (Vector512.IsHardwareAccelerated && n >= 8)
        {
            for (; i <= n - 8; i += 8)
            {
                Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref ar, (nuint)i), Vector512.LoadUnsafe(ref br, (nuint)i), Vector512.LoadUnsafe(ref yr, (nuint)i)).StoreUnsafe(ref yr, (nuint)i);
            }
        }
        else if (Vector256.IsHardwareAccelerated && n >= 4)
        {
            for (; i <= n - 4; i += 4)
            {
                Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref ar, (nuint)i), Vector256.LoadUnsafe(ref br, (nuint)i), Vector256.LoadUnsafe(ref yr, (nuint)i)).StoreUnsafe(ref yr, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            Unsafe.Add(ref yr, i) += Unsafe.Add(ref ar, i) * Unsafe.Add(ref br, i);
        }
    }
}
