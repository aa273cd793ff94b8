using System.Globalization;
using Xunit.Sdk;

namespace OperandoXrd.Core.Tests.Reference;

/// <summary>
/// Element-wise comparison of an array against a reference, with an error measure that is relative for ordinary
/// values and absolute near zero: |actual − expected| / max(|expected|, floor). The worst element is reported with
/// its (row, column) so that a failure points at a pixel or bin.
/// </summary>
public static class ArrayAgreement
{
    /// <summary>The outcome of <see cref="Compare"/>.</summary>
    public readonly record struct Difference(double MaxError, int WorstIndex, double Actual, double Expected, int Count)
    {
        /// <summary>Formats the worst element; <paramref name="columns"/> &gt; 0 turns the index into (row, column).</summary>
        public string Describe(int columns = 0)
        {
            var where = columns > 0
                ? string.Create(CultureInfo.InvariantCulture, $"[{WorstIndex / columns}, {WorstIndex % columns}]")
                : string.Create(CultureInfo.InvariantCulture, $"[{WorstIndex}]");
            return string.Create(CultureInfo.InvariantCulture, $"max error {MaxError:E3} at {where}: actual {Actual:R}, expected {Expected:R} (n = {Count})");
        }
    }

    /// <summary>Worst |a − e| / max(|e|, floor) over the arrays; two NaNs agree, one NaN is an infinite error.</summary>
    public static Difference Compare(ReadOnlySpan<double> actual, ReadOnlySpan<double> expected, double absoluteFloor)
    {
        if (actual.Length != expected.Length)
        {
            throw new XunitException(string.Create(CultureInfo.InvariantCulture, $"length {actual.Length} differs from the reference's {expected.Length}."));
        }

        var worst = 0.0;
        var worstIndex = 0;
        for (var i = 0; i < actual.Length; i++)
        {
            var a = actual[i];
            var e = expected[i];
            double error;
            if (double.IsNaN(a) || double.IsNaN(e))
            {
                error = double.IsNaN(a) && double.IsNaN(e) ? 0.0 : double.PositiveInfinity;
            }
            else if (a == e)
            {
                error = 0.0;
            }
            else
            {
                error = Math.Abs(a - e) / Math.Max(Math.Abs(e), absoluteFloor);
            }

            if (error > worst)
            {
                worst = error;
                worstIndex = i;
            }
        }

        return new Difference(worst, worstIndex, actual.Length > 0 ? actual[worstIndex] : double.NaN, expected.Length > 0 ? expected[worstIndex] : double.NaN, actual.Length);
    }

    /// <summary>Same for a float32 reference (e.g. pyFAI arrays stored as float32).</summary>
    public static Difference Compare(ReadOnlySpan<double> actual, ReadOnlySpan<float> expected, double absoluteFloor)
    {
        var widened = new double[expected.Length];
        for (var i = 0; i < expected.Length; i++)
        {
            widened[i] = expected[i];
        }

        return Compare(actual, widened, absoluteFloor);
    }

    /// <summary>Fails with the worst element named when the error exceeds <paramref name="tolerance"/>; returns the difference otherwise.</summary>
    public static Difference AssertClose(ReadOnlySpan<double> actual, ReadOnlySpan<double> expected, double tolerance, double absoluteFloor, string what, int columns = 0)
        => Check(Compare(actual, expected, absoluteFloor), tolerance, what, columns);

    /// <inheritdoc cref="AssertClose(ReadOnlySpan{double}, ReadOnlySpan{double}, double, double, string, int)"/>
    public static Difference AssertClose(ReadOnlySpan<double> actual, ReadOnlySpan<float> expected, double tolerance, double absoluteFloor, string what, int columns = 0)
        => Check(Compare(actual, expected, absoluteFloor), tolerance, what, columns);

    private static Difference Check(Difference d, double tolerance, string what, int columns)
    {
        if (!(d.MaxError <= tolerance))
        {
            throw new XunitException(string.Create(CultureInfo.InvariantCulture, $"{what}: {d.Describe(columns)} exceeds tolerance {tolerance:E1}."));
        }

        return d;
    }
}
