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

    /// <summary>Histogram copies per partition: bbox pixels alternate between two (4 measured no better).</summary>
    public const int Copies = 2;
}

/// <summary>Per-frame pixel validity: pyFAI's dummy/delta-dummy test on the raw value, plus non-finite values.</summary>
internal readonly record struct FrameValidity(bool CheckDummy, float Dummy, float DeltaDummy);

/// <summary>
/// The per-frame hot loop for one pixel type. Each partition (a band of rows) streams its pixels front to back in
/// blocks of <see cref="Block"/>:
/// (1) SIMD: raw → signal (raw − dark) and Poisson variance max(raw, 1), zeroed where the pixel is a dummy or not
/// finite (those pixels also take their share out of the bins' normalization, on a rare slow path);
/// (2) SIMD, bbox only: the pixel's weights in float32 and two 4-float tuples per pixel, transposed in registers;
/// (3) scatter into the partition's own histogram, whose bins are 4 doubles [ΔS, ΔV, S, V]: a bbox pixel adds
/// (a·x, a²·v, (w₀−a)·x, (w₀²−a²)·v) at its first bin and (−a·x, −a²·v, w₁·x, w₁²·v) at its last, i.e. a uniform
/// run held as a difference plus exact end corrections: two aligned 32-byte double adds per pixel whatever its span.
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
    private readonly ulong[] _contributes;

    private readonly int _bits;
    private T* _frame;
    private float* _dark;
    private FrameValidity _validity;

    public IntegrationKernel(IntegrationMatrix matrix, double[][] histograms, double[][] dropped, ulong[] contributes, int vectorBits)
    {
        _contributes = contributes;
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

    // Fully optimized from the first call: a run of 20 frames otherwise spends most of its time in tier-0 and OSR code.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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
        Span<float> tuples = stackalloc float[8 * Block];
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
            var used = ContributingBits(_contributes, p);
            if (n < Block)
            {
                used &= (1UL << n) - 1;
            }

            // Whole blocks of excluded pixels (Pilatus gap rows, 7 % of the detector) cost nothing.
            if (used == 0)
            {
                continue;
            }

            ref var darkP = ref hasDark ? ref Unsafe.Add(ref dark0, p) : ref Unsafe.NullRef<float>();
            var invalid = Prepare(ref Unsafe.Add(ref raw0, p), ref darkP, hasDark, n, _validity, ref x, ref v, _bits);
            // Only pixels the matrix uses need a correction: Pilatus gaps are −1 in every frame but already excluded.
            if (invalid != 0 && (invalid &= used) != 0)
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
    /// Stage 2 (bbox): per pixel, in float32 (the precision of pyFAI's CSR coefficients), span = (b1 − b0) + hi − lo,
    /// a = 1/span, first-bin weight w₀ = a·(1 − max(lo, 0)), last-bin weight w₁ = a·min(hi, 1); then the two 4-float
    /// tuples the scatter adds at b0 and b1: t[8i..8i+3] = (a·x, a²·v, (w₀−a)·x, (w₀²−a²)·v) and
    /// t[8i+4..8i+7] = (−a·x, −a²·v, w₁·x, w₁²·v). The run's ±a·x are the same float negated, so they cancel exactly
    /// in the double prefix sum. The SIMD paths compute 16/8/4 pixels per vector and transpose the tuples in
    /// registers (x86 shuffles: the portable Vector API has no two-source shuffle).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void BBoxTuples(ref uint bins, ref float lo, ref float hi, int count, ref float x, ref float v, ref float t, int bits)
    {
        var i = 0;
        if (Avx512F.IsSupported && bits >= 512)
        {
            var low16 = Vector512.Create(0xFFFFu);
            for (; i <= count - 16; i += 16)
            {
                var ui = (nuint)i;
                var b = Vector512.LoadUnsafe(ref bins, ui);
                var l = Vector512.LoadUnsafe(ref lo, ui);
                var u = Vector512.LoadUnsafe(ref hi, ui);
                var s = Vector512.LoadUnsafe(ref x, ui);
                var w = Vector512.LoadUnsafe(ref v, ui);
                var a = Vector512<float>.One / (Vector512.ConvertToSingle(Vector512.ShiftRightLogical(b, 16).AsInt32() - (b & low16).AsInt32()) + u - l);
                var first = a * (Vector512<float>.One - Vector512.Max(l, Vector512<float>.Zero));
                var last = a * Vector512.Min(u, Vector512<float>.One);
                var a2 = a * a;
                var ds = a * s;
                var dv = a2 * w;
                ref var dst = ref Unsafe.Add(ref t, 8 * i);
                Transpose16(ds, dv, (first - a) * s, (first * first - a2) * w, ref dst);
                Transpose16(-ds, -dv, last * s, last * last * w, ref Unsafe.Add(ref dst, 4));
            }
        }

        if (Avx.IsSupported && bits >= 256)
        {
            var low16 = Vector256.Create(0xFFFFu);
            for (; i <= count - 8; i += 8)
            {
                var ui = (nuint)i;
                var b = Vector256.LoadUnsafe(ref bins, ui);
                var l = Vector256.LoadUnsafe(ref lo, ui);
                var u = Vector256.LoadUnsafe(ref hi, ui);
                var s = Vector256.LoadUnsafe(ref x, ui);
                var w = Vector256.LoadUnsafe(ref v, ui);
                var a = Vector256<float>.One / (Vector256.ConvertToSingle(Vector256.ShiftRightLogical(b, 16).AsInt32() - (b & low16).AsInt32()) + u - l);
                var first = a * (Vector256<float>.One - Vector256.Max(l, Vector256<float>.Zero));
                var last = a * Vector256.Min(u, Vector256<float>.One);
                var a2 = a * a;
                var ds = a * s;
                var dv = a2 * w;
                ref var dst = ref Unsafe.Add(ref t, 8 * i);
                Transpose8(ds, dv, (first - a) * s, (first * first - a2) * w, ref dst);
                Transpose8(-ds, -dv, last * s, last * last * w, ref Unsafe.Add(ref dst, 4));
            }
        }

        if (Sse.IsSupported && bits >= 128)
        {
            var low16 = Vector128.Create(0xFFFFu);
            for (; i <= count - 4; i += 4)
            {
                var ui = (nuint)i;
                var b = Vector128.LoadUnsafe(ref bins, ui);
                var l = Vector128.LoadUnsafe(ref lo, ui);
                var u = Vector128.LoadUnsafe(ref hi, ui);
                var s = Vector128.LoadUnsafe(ref x, ui);
                var w = Vector128.LoadUnsafe(ref v, ui);
                var a = Vector128<float>.One / (Vector128.ConvertToSingle(Vector128.ShiftRightLogical(b, 16).AsInt32() - (b & low16).AsInt32()) + u - l);
                var first = a * (Vector128<float>.One - Vector128.Max(l, Vector128<float>.Zero));
                var last = a * Vector128.Min(u, Vector128<float>.One);
                var a2 = a * a;
                var ds = a * s;
                var dv = a2 * w;
                ref var dst = ref Unsafe.Add(ref t, 8 * i);
                Transpose4(ds, dv, (first - a) * s, (first * first - a2) * w, ref dst);
                Transpose4(-ds, -dv, last * s, last * last * w, ref Unsafe.Add(ref dst, 4));
            }
        }

        for (; i < count; i++)
        {
            IntegrationMatrix.BBoxWeightsSingle(Unsafe.Add(ref bins, i), Unsafe.Add(ref lo, i), Unsafe.Add(ref hi, i), out var a, out var first, out var last);
            var s = Unsafe.Add(ref x, i);
            var w = Unsafe.Add(ref v, i);
            var a2 = a * a;
            var ds = a * s;
            var dv = a2 * w;
            ref var dst = ref Unsafe.Add(ref t, 8 * i);
            dst = ds;
            Unsafe.Add(ref dst, 1) = dv;
            Unsafe.Add(ref dst, 2) = (first - a) * s;
            Unsafe.Add(ref dst, 3) = (first * first - a2) * w;
            Unsafe.Add(ref dst, 4) = -ds;
            Unsafe.Add(ref dst, 5) = -dv;
            Unsafe.Add(ref dst, 6) = last * s;
            Unsafe.Add(ref dst, 7) = last * last * w;
        }
    }

    /// <summary>Sixteen pixels' (A, B, C, D) → sixteen 4-tuples at a stride of 8 floats: 4×4 transposes inside each 128-bit lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose16(Vector512<float> a, Vector512<float> b, Vector512<float> c, Vector512<float> d, ref float dst)
    {
        var ab0 = Avx512F.UnpackLow(a, b);  // per lane: a0 b0 a1 b1
        var ab1 = Avx512F.UnpackHigh(a, b); // a2 b2 a3 b3
        var cd0 = Avx512F.UnpackLow(c, d);
        var cd1 = Avx512F.UnpackHigh(c, d);
        var r0 = Avx512F.Shuffle(ab0, cd0, 0x44); // lane l: pixel 4l
        var r1 = Avx512F.Shuffle(ab0, cd0, 0xEE); // 4l + 1
        var r2 = Avx512F.Shuffle(ab1, cd1, 0x44); // 4l + 2
        var r3 = Avx512F.Shuffle(ab1, cd1, 0xEE); // 4l + 3
        StoreLanes(r0.GetLower(), ref dst);
        StoreLanes(r1.GetLower(), ref Unsafe.Add(ref dst, 8));
        StoreLanes(r2.GetLower(), ref Unsafe.Add(ref dst, 16));
        StoreLanes(r3.GetLower(), ref Unsafe.Add(ref dst, 24));
        StoreLanes(r0.GetUpper(), ref Unsafe.Add(ref dst, 64));
        StoreLanes(r1.GetUpper(), ref Unsafe.Add(ref dst, 72));
        StoreLanes(r2.GetUpper(), ref Unsafe.Add(ref dst, 80));
        StoreLanes(r3.GetUpper(), ref Unsafe.Add(ref dst, 88));
    }

    /// <summary>Eight pixels' (A, B, C, D) → eight 4-tuples at a stride of 8 floats.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose8(Vector256<float> a, Vector256<float> b, Vector256<float> c, Vector256<float> d, ref float dst)
    {
        var ab0 = Avx.UnpackLow(a, b);
        var ab1 = Avx.UnpackHigh(a, b);
        var cd0 = Avx.UnpackLow(c, d);
        var cd1 = Avx.UnpackHigh(c, d);
        StoreLanes(Avx.Shuffle(ab0, cd0, 0x44), ref dst);
        StoreLanes(Avx.Shuffle(ab0, cd0, 0xEE), ref Unsafe.Add(ref dst, 8));
        StoreLanes(Avx.Shuffle(ab1, cd1, 0x44), ref Unsafe.Add(ref dst, 16));
        StoreLanes(Avx.Shuffle(ab1, cd1, 0xEE), ref Unsafe.Add(ref dst, 24));
    }

    /// <summary>Four pixels' (A, B, C, D) → four 4-tuples at a stride of 8 floats.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose4(Vector128<float> a, Vector128<float> b, Vector128<float> c, Vector128<float> d, ref float dst)
    {
        var ab0 = Sse.UnpackLow(a, b);
        var ab1 = Sse.UnpackHigh(a, b);
        var cd0 = Sse.UnpackLow(c, d);
        var cd1 = Sse.UnpackHigh(c, d);
        Sse.Shuffle(ab0, cd0, 0x44).StoreUnsafe(ref dst);
        Sse.Shuffle(ab0, cd0, 0xEE).StoreUnsafe(ref dst, 8);
        Sse.Shuffle(ab1, cd1, 0x44).StoreUnsafe(ref dst, 16);
        Sse.Shuffle(ab1, cd1, 0xEE).StoreUnsafe(ref dst, 24);
    }

    /// <summary>The two 128-bit lanes of <paramref name="r"/> are pixels 4 apart: lane 0 at dst, lane 1 at dst + 32.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreLanes(Vector256<float> r, ref float dst)
    {
        r.GetLower().StoreUnsafe(ref dst);
        r.GetUpper().StoreUnsafe(ref dst, 32);
    }

    /// <summary>
    /// Stage 3 (bbox): two 32-byte adds per pixel (4 floats widened to 4 doubles on the way). Successive pixels
    /// alternate between two histogram copies so that pixels hitting the same bins (a row running along a ring) do
    /// not wait on each other's store.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void ScatterBBox(ref uint bins, int count, ref float t, ref double h0, int stride, int copiesMask)
    {
        ref var h1 = ref Unsafe.Add(ref h0, copiesMask > 0 ? stride : 0);
        // Walk refs rather than indices: the JIT then needs no index arithmetic beyond the bins themselves.
        ref var pairsEnd = ref Unsafe.Add(ref bins, count & ~1);
        while (Unsafe.IsAddressLessThan(ref bins, ref pairsEnd))
        {
            AddTuples(bins, ref t, ref h0);
            AddTuples(Unsafe.Add(ref bins, 1), ref Unsafe.Add(ref t, 8), ref h1);
            bins = ref Unsafe.Add(ref bins, 2);
            t = ref Unsafe.Add(ref t, 16);
        }

        if ((count & 1) != 0)
        {
            AddTuples(bins, ref t, ref h0);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddTuples(uint b, ref float src, ref double h)
    {
        ref var first = ref Unsafe.Add(ref h, (nint)(b & 0xFFFF) * BinStride);
        ref var last = ref Unsafe.Add(ref h, (nint)(b >> 16) * BinStride);
        if (Avx.IsSupported)
        {
            (Vector256.LoadUnsafe(ref first) + Avx.ConvertToVector256Double(Vector128.LoadUnsafe(ref src))).StoreUnsafe(ref first);
            (Vector256.LoadUnsafe(ref last) + Avx.ConvertToVector256Double(Vector128.LoadUnsafe(ref src, 4))).StoreUnsafe(ref last);
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

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void ScatterSingle(ref ushort bins, int count, ref double x, ref double v, ref double h0, int stride, int copiesMask)
    {
        for (var i = 0; i < count; i++)
        {
            ref var h = ref Unsafe.Add(ref h0, (i & copiesMask) * stride);
            AddPair(ref Unsafe.Add(ref h, (nint)Unsafe.Add(ref bins, i) * BinStride + 2), Unsafe.Add(ref x, i), Unsafe.Add(ref v, i));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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

    /// <summary>64 bits of the contributing-pixel bitmap starting at pixel <paramref name="p"/> (any alignment).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong ContributingBits(ulong[] bits, int p)
    {
        var word = p >> 6;
        var shift = p & 63;
        var low = bits[word] >> shift;
        return shift == 0 || word + 1 >= bits.Length ? low : low | (bits[word + 1] << (64 - shift));
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
