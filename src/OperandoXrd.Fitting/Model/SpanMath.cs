using System.Numerics.Tensors;

namespace OperandoXrd.Fitting.Model;

/// <summary>
/// y += a·x and y += a·x + b·z over spans: the Jacobian is assembled from these, one call per peak window and column.
/// Both are TensorPrimitives' fused multiply-add (its own Vector512 → Vector256 → Vector128 → scalar walk, one
/// rounding per element); the two-term form is two passes, (y + a·x) rounded, then + b·z, which is what our own
/// kernel did before, so fits are unchanged.
/// </summary>
internal static class SpanMath
{
    public static void AddScaled(Span<double> y, ReadOnlySpan<double> x, double a)
    {
        var n = Math.Min(x.Length, y.Length);
        TensorPrimitives.FusedMultiplyAdd(x[..n], a, y[..n], y[..n]);
    }

    public static void AddScaled2(Span<double> y, ReadOnlySpan<double> x, double a, ReadOnlySpan<double> z, double b)
    {
        var n = Math.Min(Math.Min(x.Length, y.Length), z.Length);
        TensorPrimitives.FusedMultiplyAdd(x[..n], a, y[..n], y[..n]);
        TensorPrimitives.FusedMultiplyAdd(z[..n], b, y[..n], y[..n]);
    }
}
