using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace OperandoXrd.Fitting.Optimization;

/// <summary>Dot products and Cholesky for the normal equations; small n (≤ a few hundred), hot m (~3000).</summary>
[SkipLocalsInit]
internal static class DenseKernels
{
    /// <summary>Σ a_i b_i. The normal matrix is built from these over column overlaps, so this is the inner loop.</summary>
    /// <remarks>Not TensorPrimitives.Dot: it sums in another order (more accumulators, masked tail), so every normal
    /// matrix changes in its last bits and fitted cells by ~1e-9 relative — the fit's convergence noise, but issue 12
    /// asks the library's kernels only where results stay within 1e-12 (docs/performance.md).</remarks>
    public static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        var n = Math.Min(a.Length, b.Length);
        ref var ra = ref MemoryMarshal.GetReference(a);
        ref var rb = ref MemoryMarshal.GetReference(b);
        var i = 0;
        var sum = 0.0;
        if (Vector512.IsHardwareAccelerated && n >= 16)
        {
            // Two accumulators hide the FMA latency; one would stall on the dependency chain.
            var acc0 = Vector512<double>.Zero;
            var acc1 = Vector512<double>.Zero;
            for (; i <= n - 16; i += 16)
            {
                acc0 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref ra, (nuint)i), Vector512.LoadUnsafe(ref rb, (nuint)i), acc0);
                acc1 = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref ra, (nuint)(i + 8)), Vector512.LoadUnsafe(ref rb, (nuint)(i + 8)), acc1);
            }

            sum = Vector512.Sum(acc0 + acc1);
        }
        else if (Vector256.IsHardwareAccelerated && n >= 8)
        {
            var acc0 = Vector256<double>.Zero;
            var acc1 = Vector256<double>.Zero;
            for (; i <= n - 8; i += 8)
            {
                acc0 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref ra, (nuint)i), Vector256.LoadUnsafe(ref rb, (nuint)i), acc0);
                acc1 = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref ra, (nuint)(i + 4)), Vector256.LoadUnsafe(ref rb, (nuint)(i + 4)), acc1);
            }

            sum = Vector256.Sum(acc0 + acc1);
        }
        else if (Vector128.IsHardwareAccelerated && n >= 2)
        {
            var acc = Vector128<double>.Zero;
            for (; i <= n - 2; i += 2)
            {
                acc += Vector128.LoadUnsafe(ref ra, (nuint)i) * Vector128.LoadUnsafe(ref rb, (nuint)i);
            }

            sum = Vector128.Sum(acc);
        }

        for (; i < n; i++)
        {
            sum += Unsafe.Add(ref ra, i) * Unsafe.Add(ref rb, i);
        }

        return sum;
    }

    /// <summary>
    /// In-place Cholesky A = L Lᵀ of a row-major n×n symmetric matrix (lower triangle used and overwritten).
    /// Returns false when A is not numerically positive definite, or when a pivot (before the square root) is not above
    /// <paramref name="minPivot"/>: on a unit-diagonal matrix the pivot is 1 − R² of that column regressed on the ones
    /// before it, so a small floor catches exact dependences that rounding would otherwise let through.
    /// </summary>
    public static bool Cholesky(Span<double> a, int n, double minPivot = 0)
    {
        for (var j = 0; j < n; j++)
        {
            var rowJ = a.Slice(j * n, n);
            var d = rowJ[j] - Dot(rowJ[..j], rowJ[..j]);
            if (!(d > minPivot) || double.IsNaN(d))
            {
                return false;
            }

            d = Math.Sqrt(d);
            rowJ[j] = d;
            for (var i = j + 1; i < n; i++)
            {
                var rowI = a.Slice(i * n, n);
                rowI[j] = (rowI[j] - Dot(rowI[..j], rowJ[..j])) / d;
            }
        }

        return true;
    }

    /// <summary>Solves L Lᵀ x = b in place, L from <see cref="Cholesky"/>.</summary>
    public static void CholeskySolve(ReadOnlySpan<double> l, int n, Span<double> x)
    {
        for (var i = 0; i < n; i++)
        {
            x[i] = (x[i] - Dot(l.Slice(i * n, i), x[..i])) / l[i * n + i];
        }

        for (var i = n - 1; i >= 0; i--)
        {
            var s = x[i];
            for (var k = i + 1; k < n; k++)
            {
                s -= l[k * n + i] * x[k];
            }

            x[i] = s / l[i * n + i];
        }
    }

    /// <summary>Inverse of L Lᵀ into <paramref name="inverse"/> (row-major n×n), column by column.</summary>
    public static void CholeskyInverse(ReadOnlySpan<double> l, int n, Span<double> inverse, Span<double> work)
    {
        for (var c = 0; c < n; c++)
        {
            work[..n].Clear();
            work[c] = 1;
            CholeskySolve(l, n, work[..n]);
            for (var r = 0; r < n; r++)
            {
                inverse[r * n + c] = work[r];
            }
        }
    }
}
