using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace OperandoXrd.Core.Integration.Kernels;

/// <summary>Tuning constants of the kernels (docs/performance.md, "Azimuthal integration kernel").</summary>
internal static class KernelPaths
{
    /// <summary>Widest SIMD path by default; an engine can be limited to 256, 128 or 0 (scalar) to test each path.</summary>
    public const int MaxVectorBits = 512;

    /// <summary>Histogram copies per partition (power of two): pixel i scatters into copy i mod Copies.</summary>
    public static int Copies { get; set; } = 4;
}

/// <summary>Per-frame pixel validity: pyFAI's dummy/delta-dummy test on the raw value, plus non-finite values.</summary>
internal readonly record struct FrameValidity(bool CheckDummy, float Dummy, float DeltaDummy);

/// <summary>
/// The per-frame hot loop for one pixel type. Each partition (a band of rows) streams its pixels front to back in
/// blocks of <see cref="Block"/>:
/// (1) SIMD: raw → signal (raw − dark) and Poisson variance max(raw, 1), zeroed where the pixel is a dummy or not
/// finite (those pixels also take their share out of the bins' normalization, on a rare slow path);
/// (2) SIMD, bbox only: the pixel's weights in double and two 4-double tuples per pixel, transposed in registers;
/// (3) scatter into the partition's own histogram, whose bins are 4 doubles [ΔS, ΔV, S, V]: a bbox pixel adds
/// (a·x, a²·v, (w₀−a)·x, (w₀²−a²)·v) at its first bin and (−a·x, −a²·v, w₁·x, w₁²·v) at its last, i.e. a uniform
/// run held as a difference plus exact end corrections: two aligned 32-byte adds per pixel whatever its span.
/// Bins are later S + prefix-sum(ΔS). Nothing is allocated per frame.
/// </summary>
[SkipLocalsInit]
internal sealed unsafe class IntegrationKernel<T, TPixel> : IPartitionedWork
    where T : unmanaged
    where TPixel : struct, IPixelType<T>
{
    /// <summary>64 pixels: the invalid-pixel flags fit one ulong and the staging buffers (~6 KB) stay in L1.</summary>
    private const int Block = 64;

    /// <summary>Doubles per histogram bin: ΔS, ΔV, S, V.</summary>
    internal const int BinStride = 4;

    private readonly IntegrationMatrix _matrix;
    private readonly double[][] _histograms;
    private readonly double[][] _dropped;

    private readonly int _bits;
    private T* _frame;
    private float* _dark;
    private FrameValidity _validity;

    public IntegrationKernel(IntegrationMatrix matrix, double[][] histograms, double[][] dropped, int vectorBits)
    {
        _matrix = matrix;
        _histograms = histograms;
        _dropped = dropped;
        _bits = vectorBits;
    }

    public void SetFrame(T* frame, float* dark, FrameValidity validity)
    {
        _frame = frame;
        _dark = dark;
        _validity = validity;
    }

    public void RunPartition(int partition, int partitions)
    {
        var m = _matrix;
        var r0 = (int)((long)m.Rows * partition / partitions);
        var r1 = (int)((long)m.Rows * (partition + 1) / partitions);
        var start = r0 * m.Columns;
        var end = r1 * m.Columns;
        var histogram = _histograms[partition];
        var dropped = _dropped[partition];
        histogram.AsSpan().Clear();
        dropped.AsSpan().Clear();
        var stride = BinStride * (m.Npt + 2);
        var copiesMask = histogram.Length / stride - 1;

        Span<float> signal = stackalloc float[Block];
        Span<float> variance = stackalloc float[Block];
        Span<double> signalWide = stackalloc double[Block];
        Span<double> varianceWide = stackalloc double[Block];
        Span<double> tuples = stackalloc double[8 * Block];
        ref var x = ref MemoryMarshal.GetReference(signal);
        ref var v = ref MemoryMarshal.GetReference(variance);
        ref var xd = ref MemoryMarshal.GetReference(signalWide);
        ref var vd = ref MemoryMarshal.GetReference(varianceWide);
        ref var t = ref MemoryMarshal.GetReference(tuples);
        ref var h = ref MemoryMarshal.GetArrayDataReference(histogram);
        var hasDark = _dark != null;
        ref var dark0 = ref hasDark ? ref Unsafe.AsRef<float>(_dark) : ref Unsafe.NullRef<float>();
        ref var raw0 = ref Unsafe.AsRef<T>(_frame);

        for (var p = start; p < end; p += Block)
        {
            var n = Math.Min(Block, end - p);
            ref var darkP = ref hasDark ? ref Unsafe.Add(ref dark0, p) : ref Unsafe.NullRef<float>();
            var invalid = Prepare(ref Unsafe.Add(ref raw0, p), ref darkP, hasDark, n, _validity, ref x, ref v, _bits);
            if (invalid != 0)
            {
                Drop(p, invalid, dropped);
            }

            switch (m.Split)
            {
                case PixelSplit.BBox:
                    {
                        ref var bins = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(m.SpanBins!), p);
                        BBoxTuples(ref bins, ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(m.SpanLo!), p),
                            ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(m.SpanHi!), p), n, ref x, ref v, ref t, _bits);
                        ScatterBBox(ref bins, n, ref t, ref h, stride, copiesMask);
                        break;
                    }

                case PixelSplit.None:
                    Widen(ref x, ref xd, n, _bits);
                    Widen(ref v, ref vd, n, _bits);
                    ScatterSingle(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(m.SingleBin!), p), n, ref xd, ref vd, ref h, stride, copiesMask);
                    break;

                default:
                    Widen(ref x, ref xd, n, _bits);
                    Widen(ref v, ref vd, n, _bits);
                    ScatterEntries(m, p, n, ref xd, ref vd, ref h);
                    break;
            }
        }

        // Fold the copies into the first: the engine merges one histogram per partition.
        for (var k = 1; k <= copiesMask; k++)
        {
            var copy = histogram.AsSpan(k * stride, stride);
            var first = histogram.AsSpan(0, stride);
            for (var j = 0; j < stride; j++)
            {
                first[j] += copy[j];
            }
        }
    }

    /// <summary>Stage 1: signal and variance for <paramref name="count"/> pixels; returns a bit per invalid pixel.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong Prepare(ref T raw, ref float dark, bool hasDark, int count, FrameValidity validity, ref float x, ref float v, int bits)
    {
        ulong invalid = 0;
        var i = 0;
        if (Vector512.IsHardwareAccelerated && bits >= 512)
        {
            var dummy = Vector512.Create(validity.Dummy);
            var delta = Vector512.Create(validity.DeltaDummy);
            for (; i <= count - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                var r = TPixel.Load512(ref Unsafe.Add(ref raw, i));
                var s = hasDark ? r - Vector512.LoadUnsafe(ref dark, (nuint)i) : r;
                // s − s is 0 only for finite s: catches NaN/∞ in the frame and in the dark in one compare.
                var ok = Vector512.Equals(s - s, Vector512<float>.Zero);
                if (validity.CheckDummy)
                {
                    ok &= ~Vector512.LessThanOrEqual(Vector512.Abs(r - dummy), delta);
                }

                (s & ok).StoreUnsafe(ref x, (nuint)i);
                (Vector512.Max(r, Vector512<float>.One) & ok).StoreUnsafe(ref v, (nuint)i);
                invalid |= (~ok).ExtractMostSignificantBits() << i;
            }
        }

        if (Vector256.IsHardwareAccelerated && bits >= 256)
        {
            var dummy = Vector256.Create(validity.Dummy);
            var delta = Vector256.Create(validity.DeltaDummy);
            for (; i <= count - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var r = TPixel.Load256(ref Unsafe.Add(ref raw, i));
                var s = hasDark ? r - Vector256.LoadUnsafe(ref dark, (nuint)i) : r;
                var ok = Vector256.Equals(s - s, Vector256<float>.Zero);
                if (validity.CheckDummy)
                {
                    ok &= ~Vector256.LessThanOrEqual(Vector256.Abs(r - dummy), delta);
                }

                (s & ok).StoreUnsafe(ref x, (nuint)i);
                (Vector256.Max(r, Vector256<float>.One) & ok).StoreUnsafe(ref v, (nuint)i);
                invalid |= (ulong)(~ok).ExtractMostSignificantBits() << i;
            }
        }

        if (Vector128.IsHardwareAccelerated && bits >= 128)
        {
            var dummy = Vector128.Create(validity.Dummy);
            var delta = Vector128.Create(validity.DeltaDummy);
            for (; i <= count - Vector128<float>.Count; i += Vector128<float>.Count)
            {
                var r = TPixel.Load128(ref Unsafe.Add(ref raw, i));
                var s = hasDark ? r - Vector128.LoadUnsafe(ref dark, (nuint)i) : r;
                var ok = Vector128.Equals(s - s, Vector128<float>.Zero);
                if (validity.CheckDummy)
                {
                    ok &= ~Vector128.LessThanOrEqual(Vector128.Abs(r - dummy), delta);
                }

                (s & ok).StoreUnsafe(ref x, (nuint)i);
                (Vector128.Max(r, Vector128<float>.One) & ok).StoreUnsafe(ref v, (nuint)i);
                invalid |= (ulong)(~ok).ExtractMostSignificantBits() << i;
            }
        }

        for (; i < count; i++)
        {
            var r = TPixel.ToSingle(Unsafe.Add(ref raw, i));
            var s = hasDark ? r - Unsafe.Add(ref dark, i) : r;
            var ok = float.IsFinite(s) && !(validity.CheckDummy && Math.Abs(r - validity.Dummy) <= validity.DeltaDummy);
            Unsafe.Add(ref x, i) = ok ? s : 0f;
            Unsafe.Add(ref v, i) = ok ? Math.Max(r, 1f) : 0f;
            if (!ok)
            {
                invalid |= 1UL << i;
            }
        }

        return invalid;
    }

    /// <summary>
    /// Stage 2 (bbox): per pixel, in double, span = (b1 − b0) + hi − lo, a = 1/span, first-bin weight
    /// w₀ = a·(1 − max(lo, 0)), last-bin weight w₁ = a·min(hi, 1); then the two 4-double tuples the scatter adds at
    /// b0 and b1, stored pixel by pixel: t[8i..8i+3] for b0, t[8i+4..8i+7] for b1.
    /// The 512- and 256-bit paths compute eight (four) pixels per vector and transpose the tuples in registers.
    /// </summary>
    internal static void BBoxTuples(ref uint bins, ref float lo, ref float hi, int count, ref float x, ref float v, ref double t, int bits)
    {
        var i = 0;
        if (Avx512F.IsSupported && bits >= 512)
        {
            // vpermt2pd index vectors: interleave two sources, then gather 4-tuples.
            var pairLo = Vector512.Create(0L, 8, 1, 9, 2, 10, 3, 11);
            var pairHi = Vector512.Create(4L, 12, 5, 13, 6, 14, 7, 15);
            var quadLo = Vector512.Create(0L, 1, 8, 9, 2, 3, 10, 11);
            var quadHi = Vector512.Create(4L, 5, 12, 13, 6, 7, 14, 15);
            var low16 = Vector256.Create(0xFFFFu);
            for (; i <= count - 8; i += 8)
            {
                var ui = (nuint)i;
                var b = Vector256.LoadUnsafe(ref bins, ui);
                var bd = Avx512F.ConvertToVector512Double(Vector256.ShiftRightLogical(b, 16).AsInt32() - (b & low16).AsInt32());
                var l = Avx512F.ConvertToVector512Double(Vector256.LoadUnsafe(ref lo, ui));
                var u = Avx512F.ConvertToVector512Double(Vector256.LoadUnsafe(ref hi, ui));
                var s = Avx512F.ConvertToVector512Double(Vector256.LoadUnsafe(ref x, ui));
                var w = Avx512F.ConvertToVector512Double(Vector256.LoadUnsafe(ref v, ui));
                var a = Vector512<double>.One / (bd + u - l);
                var first = a * (Vector512<double>.One - Vector512.Max(l, Vector512<double>.Zero));
                var last = a * Vector512.Min(u, Vector512<double>.One);
                var a2 = a * a;
                var ds = a * s;
                var dv = a2 * w;
                var p0 = (first - a) * s;
                var q0 = (first * first - a2) * w;
                var p1 = last * s;
                var q1 = last * last * w;
                ref var dst = ref Unsafe.Add(ref t, 8 * i);
                Transpose8(ds, dv, p0, q0, pairLo, pairHi, quadLo, quadHi, ref dst);
                Transpose8(-ds, -dv, p1, q1, pairLo, pairHi, quadLo, quadHi, ref Unsafe.Add(ref dst, 4));
            }
        }

        if (Avx.IsSupported && bits >= 256)
        {
            var low16 = Vector128.Create(0xFFFFu);
            for (; i <= count - 4; i += 4)
            {
                var ui = (nuint)i;
                var b = Vector128.LoadUnsafe(ref bins, ui);
                var bd = Avx.ConvertToVector256Double(Vector128.ShiftRightLogical(b, 16).AsInt32() - (b & low16).AsInt32());
                var l = Avx.ConvertToVector256Double(Vector128.LoadUnsafe(ref lo, ui));
                var u = Avx.ConvertToVector256Double(Vector128.LoadUnsafe(ref hi, ui));
                var s = Avx.ConvertToVector256Double(Vector128.LoadUnsafe(ref x, ui));
                var w = Avx.ConvertToVector256Double(Vector128.LoadUnsafe(ref v, ui));
                var a = Vector256<double>.One / (bd + u - l);
                var first = a * (Vector256<double>.One - Vector256.Max(l, Vector256<double>.Zero));
                var last = a * Vector256.Min(u, Vector256<double>.One);
                var a2 = a * a;
                var ds = a * s;
                var dv = a2 * w;
                ref var dst = ref Unsafe.Add(ref t, 8 * i);
                Transpose4(ds, dv, (first - a) * s, (first * first - a2) * w, ref dst);
                Transpose4(-ds, -dv, last * s, last * last * w, ref Unsafe.Add(ref dst, 4));
            }
        }

        // No 128-bit path here: one tuple is 256 bits, so two-lane vectors would spend more on shuffles than they save.
        for (; i < count; i++)
        {
            IntegrationMatrix.BBoxWeights(Unsafe.Add(ref bins, i), Unsafe.Add(ref lo, i), Unsafe.Add(ref hi, i), out var a, out var first, out var last);
            double s = Unsafe.Add(ref x, i);
            double w = Unsafe.Add(ref v, i);
            var a2 = a * a;
            ref var dst = ref Unsafe.Add(ref t, 8 * i);
            dst = a * s;
            Unsafe.Add(ref dst, 1) = a2 * w;
            Unsafe.Add(ref dst, 2) = (first - a) * s;
            Unsafe.Add(ref dst, 3) = (first * first - a2) * w;
            Unsafe.Add(ref dst, 4) = -(a * s);
            Unsafe.Add(ref dst, 5) = -(a2 * w);
            Unsafe.Add(ref dst, 6) = last * s;
            Unsafe.Add(ref dst, 7) = last * last * w;
        }
    }

    /// <summary>Eight pixels' (A, B, C, D) → eight 4-tuples, written with a stride of 8 doubles.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose8(Vector512<double> a, Vector512<double> b, Vector512<double> c, Vector512<double> d,
        Vector512<long> pairLo, Vector512<long> pairHi, Vector512<long> quadLo, Vector512<long> quadHi, ref double dst)
    {
        var abLo = Avx512F.PermuteVar8x64x2(a, pairLo, b); // a0 b0 a1 b1 a2 b2 a3 b3
        var cdLo = Avx512F.PermuteVar8x64x2(c, pairLo, d);
        var abHi = Avx512F.PermuteVar8x64x2(a, pairHi, b); // a4 b4 ... a7 b7
        var cdHi = Avx512F.PermuteVar8x64x2(c, pairHi, d);
        var p01 = Avx512F.PermuteVar8x64x2(abLo, quadLo, cdLo); // a0 b0 c0 d0 a1 b1 c1 d1
        var p23 = Avx512F.PermuteVar8x64x2(abLo, quadHi, cdLo);
        var p45 = Avx512F.PermuteVar8x64x2(abHi, quadLo, cdHi);
        var p67 = Avx512F.PermuteVar8x64x2(abHi, quadHi, cdHi);
        p01.GetLower().StoreUnsafe(ref dst);
        p01.GetUpper().StoreUnsafe(ref dst, 8);
        p23.GetLower().StoreUnsafe(ref dst, 16);
        p23.GetUpper().StoreUnsafe(ref dst, 24);
        p45.GetLower().StoreUnsafe(ref dst, 32);
        p45.GetUpper().StoreUnsafe(ref dst, 40);
        p67.GetLower().StoreUnsafe(ref dst, 48);
        p67.GetUpper().StoreUnsafe(ref dst, 56);
    }

    /// <summary>Four pixels' (A, B, C, D) → four 4-tuples, written with a stride of 8 doubles.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose4(Vector256<double> a, Vector256<double> b, Vector256<double> c, Vector256<double> d, ref double dst)
    {
        var ab0 = Avx.UnpackLow(a, b);  // a0 b0 | a2 b2
        var ab1 = Avx.UnpackHigh(a, b); // a1 b1 | a3 b3
        var cd0 = Avx.UnpackLow(c, d);
        var cd1 = Avx.UnpackHigh(c, d);
        Avx.Permute2x128(ab0, cd0, 0x20).StoreUnsafe(ref dst);
        Avx.Permute2x128(ab1, cd1, 0x20).StoreUnsafe(ref dst, 8);
        Avx.Permute2x128(ab0, cd0, 0x31).StoreUnsafe(ref dst, 16);
        Avx.Permute2x128(ab1, cd1, 0x31).StoreUnsafe(ref dst, 24);
    }

    /// <summary>
    /// Stage 3 (bbox): two aligned 32-byte adds per pixel. Successive pixels alternate between histogram copies so
    /// that pixels hitting the same bin (a row running along a ring) do not wait on each other's store.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ScatterBBox(ref uint bins, int count, ref double t, ref double h0, int stride, int copiesMask)
    {
        for (var i = 0; i < count; i++)
        {
            ref var h = ref Unsafe.Add(ref h0, (i & copiesMask) * stride);
            var b = Unsafe.Add(ref bins, i);
            ref var first = ref Unsafe.Add(ref h, (nint)(b & 0xFFFF) * BinStride);
            ref var last = ref Unsafe.Add(ref h, (nint)(b >> 16) * BinStride);
            ref var src = ref Unsafe.Add(ref t, 8 * i);
            if (Vector256.IsHardwareAccelerated)
            {
                (Vector256.LoadUnsafe(ref first) + Vector256.LoadUnsafe(ref src)).StoreUnsafe(ref first);
                (Vector256.LoadUnsafe(ref last) + Vector256.LoadUnsafe(ref src, 4)).StoreUnsafe(ref last);
            }
            else
            {
                for (var k = 0; k < 4; k++)
                {
                    Unsafe.Add(ref first, k) += Unsafe.Add(ref src, k);
                }

                for (var k = 0; k < 4; k++)
                {
                    Unsafe.Add(ref last, k) += Unsafe.Add(ref src, 4 + k);
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ScatterSingle(ref ushort bins, int count, ref double x, ref double v, ref double h0, int stride, int copiesMask)
    {
        for (var i = 0; i < count; i++)
        {
            ref var h = ref Unsafe.Add(ref h0, (i & copiesMask) * stride);
            AddPair(ref Unsafe.Add(ref h, (nint)Unsafe.Add(ref bins, i) * BinStride + 2), Unsafe.Add(ref x, i), Unsafe.Add(ref v, i));
        }
    }

    private static void ScatterEntries(IntegrationMatrix m, int p, int count, ref double x, ref double v, ref double h)
    {
        var starts = m.EntryStart!;
        ref var bin = ref MemoryMarshal.GetArrayDataReference(m.EntryBin!);
        ref var weight = ref MemoryMarshal.GetArrayDataReference(m.EntryWeight!);
        for (var i = 0; i < count; i++)
        {
            var s = Unsafe.Add(ref x, i);
            var w = Unsafe.Add(ref v, i);
            for (var e = starts[p + i]; e < starts[p + i + 1]; e++)
            {
                double c = Unsafe.Add(ref weight, e);
                AddPair(ref Unsafe.Add(ref h, (nint)Unsafe.Add(ref bin, e) * BinStride + 2), c * s, c * c * w);
            }
        }
    }

    /// <summary>float → double for a block, widest vectors first.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Widen(ref float source, ref double destination, int count, int bits)
    {
        var i = 0;
        if (Vector512.IsHardwareAccelerated && bits >= 512)
        {
            for (; i <= count - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                var (lower, upper) = Vector512.Widen(Vector512.LoadUnsafe(ref source, (nuint)i));
                lower.StoreUnsafe(ref destination, (nuint)i);
                upper.StoreUnsafe(ref destination, (nuint)(i + Vector512<double>.Count));
            }
        }

        if (Vector256.IsHardwareAccelerated && bits >= 256)
        {
            for (; i <= count - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var (lower, upper) = Vector256.Widen(Vector256.LoadUnsafe(ref source, (nuint)i));
                lower.StoreUnsafe(ref destination, (nuint)i);
                upper.StoreUnsafe(ref destination, (nuint)(i + Vector256<double>.Count));
            }
        }

        if (Vector128.IsHardwareAccelerated && bits >= 128)
        {
            for (; i <= count - Vector128<float>.Count; i += Vector128<float>.Count)
            {
                var (lower, upper) = Vector128.Widen(Vector128.LoadUnsafe(ref source, (nuint)i));
                lower.StoreUnsafe(ref destination, (nuint)i);
                upper.StoreUnsafe(ref destination, (nuint)(i + Vector128<double>.Count));
            }
        }

        for (; i < count; i++)
        {
            Unsafe.Add(ref destination, i) = Unsafe.Add(ref source, i);
        }
    }

    /// <summary>
    /// Adds a (signal, variance) pair. The operands arrive as doubles from memory on purpose: converting floats here
    /// (cvtss2sd) merges into the destination register and chains every pair of the loop on the previous one, which
    /// made this loop several times slower; a double load (movsd/movhpd) starts a fresh dependency.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddPair(ref double target, double signal, double variance)
    {
        if (Vector128.IsHardwareAccelerated)
        {
            (Vector128.LoadUnsafe(ref target) + Vector128.Create(signal, variance)).StoreUnsafe(ref target);
        }
        else
        {
            target += signal;
            Unsafe.Add(ref target, 1) += variance;
        }
    }

    /// <summary>Rare path: pixels dropped in this frame take their share out of the bins' normalization and count.</summary>
    private void Drop(int p, ulong invalid, double[] dropped)
    {
        var visitor = new DropVisitor { Target = dropped };
        while (invalid != 0)
        {
            var i = System.Numerics.BitOperations.TrailingZeroCount(invalid);
            invalid &= invalid - 1;
            var pixel = p + i;
            var norm = _matrix.PixelNorm[pixel];
            if (norm == 0f)
            {
                continue;
            }

            visitor.Norm = norm;
            _matrix.ForEachEntry(pixel, ref visitor);
        }
    }

    private struct DropVisitor : IEntryVisitor
    {
        public double[] Target;
        public double Norm;

        public void Visit(int bin, double coefficient)
        {
            Target[2 * bin] += coefficient * Norm;
            Target[2 * bin + 1] += coefficient;
        }
    }
}
