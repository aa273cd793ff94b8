using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace OperandoXrd.Crystallography.Patterns;

/// <summary>y += a·x (+ b·z) over short spans, walking refs in Vector512 → Vector256 → scalar steps.</summary>
[SkipLocalsInit]
internal static class SpanKernels
{
    public static void MultiplyAdd(Span<double> y, ReadOnlySpan<double> x, double a)
    {
        var n = y.Length;
        if (x.Length < n)
        {
            throw new ArgumentException("x is shorter than y", nameof(x));
        }

        ref var yr = ref MemoryMarshal.GetReference(y);
        ref var xr = ref MemoryMarshal.GetReference(x);
        var i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var va = Vector512.Create(a);
            for (; i <= n - Vector512<double>.Count; i += Vector512<double>.Count)
            {
                (Vector512.LoadUnsafe(ref yr, (nuint)i) + va * Vector512.LoadUnsafe(ref xr, (nuint)i)).StoreUnsafe(ref yr, (nuint)i);
            }
        }

        if (Vector256.IsHardwareAccelerated)
        {
            var va = Vector256.Create(a);
            for (; i <= n - Vector256<double>.Count; i += Vector256<double>.Count)
            {
                (Vector256.LoadUnsafe(ref yr, (nuint)i) + va * Vector256.LoadUnsafe(ref xr, (nuint)i)).StoreUnsafe(ref yr, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            Unsafe.Add(ref yr, i) += a * Unsafe.Add(ref xr, i);
        }
    }

    public static void MultiplyAdd(Span<double> y, ReadOnlySpan<double> x, double a, ReadOnlySpan<double> z, double b)
    {
        var n = y.Length;
        if (x.Length < n || z.Length < n)
        {
            throw new ArgumentException("x or z is shorter than y");
        }

        ref var yr = ref MemoryMarshal.GetReference(y);
        ref var xr = ref MemoryMarshal.GetReference(x);
        ref var zr = ref MemoryMarshal.GetReference(z);
        var i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var va = Vector512.Create(a);
            var vb = Vector512.Create(b);
            for (; i <= n - Vector512<double>.Count; i += Vector512<double>.Count)
            {
                (Vector512.LoadUnsafe(ref yr, (nuint)i) + va * Vector512.LoadUnsafe(ref xr, (nuint)i) + vb * Vector512.LoadUnsafe(ref zr, (nuint)i))
                    .StoreUnsafe(ref yr, (nuint)i);
            }
        }

        if (Vector256.IsHardwareAccelerated)
        {
            var va = Vector256.Create(a);
            var vb = Vector256.Create(b);
            for (; i <= n - Vector256<double>.Count; i += Vector256<double>.Count)
            {
                (Vector256.LoadUnsafe(ref yr, (nuint)i) + va * Vector256.LoadUnsafe(ref xr, (nuint)i) + vb * Vector256.LoadUnsafe(ref zr, (nuint)i))
                    .StoreUnsafe(ref yr, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            Unsafe.Add(ref yr, i) += a * Unsafe.Add(ref xr, i) + b * Unsafe.Add(ref zr, i);
        }
    }
}
