using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace OperandoXrd.Fitting.Model;

/// <summary>y += a·x and y += a·x + b·z over spans: the Jacobian is assembled from these, one call per peak window and column.</summary>
/// <remarks>Not TensorPrimitives.FusedMultiplyAdd: it fuses the tail too, where these round twice, which changes fitted
/// cells by ~1e-9 relative (beyond the 1e-12 issue 12 allows; docs/performance.md).</remarks>
[SkipLocalsInit]
internal static class SpanMath
{
    public static void AddScaled(Span<double> y, ReadOnlySpan<double> x, double a)
    {
        var n = Math.Min(x.Length, y.Length);
        ref var yr = ref MemoryMarshal.GetReference(y);
        ref var xr = ref MemoryMarshal.GetReference(x);
        var i = 0;
        if (Vector512.IsHardwareAccelerated && n >= 8)
        {
            var va = Vector512.Create(a);
            for (; i <= n - 8; i += 8)
            {
                Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref xr, (nuint)i), va, Vector512.LoadUnsafe(ref yr, (nuint)i)).StoreUnsafe(ref yr, (nuint)i);
            }
        }
        else if (Vector256.IsHardwareAccelerated && n >= 4)
        {
            var va = Vector256.Create(a);
            for (; i <= n - 4; i += 4)
            {
                Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref xr, (nuint)i), va, Vector256.LoadUnsafe(ref yr, (nuint)i)).StoreUnsafe(ref yr, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            Unsafe.Add(ref yr, i) += a * Unsafe.Add(ref xr, i);
        }
    }

    public static void AddScaled2(Span<double> y, ReadOnlySpan<double> x, double a, ReadOnlySpan<double> z, double b)
    {
        var n = Math.Min(Math.Min(x.Length, y.Length), z.Length);
        ref var yr = ref MemoryMarshal.GetReference(y);
        ref var xr = ref MemoryMarshal.GetReference(x);
        ref var zr = ref MemoryMarshal.GetReference(z);
        var i = 0;
        if (Vector512.IsHardwareAccelerated && n >= 8)
        {
            var va = Vector512.Create(a);
            var vb = Vector512.Create(b);
            for (; i <= n - 8; i += 8)
            {
                var acc = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref xr, (nuint)i), va, Vector512.LoadUnsafe(ref yr, (nuint)i));
                Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref zr, (nuint)i), vb, acc).StoreUnsafe(ref yr, (nuint)i);
            }
        }
        else if (Vector256.IsHardwareAccelerated && n >= 4)
        {
            var va = Vector256.Create(a);
            var vb = Vector256.Create(b);
            for (; i <= n - 4; i += 4)
            {
                var acc = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref xr, (nuint)i), va, Vector256.LoadUnsafe(ref yr, (nuint)i));
                Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref zr, (nuint)i), vb, acc).StoreUnsafe(ref yr, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            Unsafe.Add(ref yr, i) += a * Unsafe.Add(ref xr, i) + b * Unsafe.Add(ref zr, i);
        }
    }
}
