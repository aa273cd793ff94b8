namespace OperandoXrd.Simulation.Rendering;

/// <summary>
/// A 1D intensity model tabulated on a uniform 2θ grid together with its first and second running integrals, so that
/// the mean of the model over any pixel's 2θ footprint is a handful of table look-ups.
/// </summary>
/// <remarks>
/// The model is taken as piecewise linear between grid points, and the integrals are the exact integrals of that
/// piecewise-linear function. Evaluating the double integral between grid points uses the exact cubic of the linear
/// segment rather than an interpolation of the table, which is what keeps the mean over a footprint a few pixels wide
/// accurate to rounding error instead of to (step / footprint)².
/// </remarks>
public sealed class RadialProfileTable
{
    private readonly double[] _f;
    private readonly double[] _c1;
    private readonly double[] _c2;

    public RadialProfileTable(double start, double step, int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 2);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(step);
        Start = start;
        Step = step;
        _f = new double[count];
        _c1 = new double[count];
        _c2 = new double[count];
    }

    public double Start { get; }

    public double Step { get; }

    public int Count => _f.Length;

    public double End => Start + Step * (Count - 1);

    /// <summary>The grid abscissae, for filling <see cref="Values"/>.</summary>
    public double X(int index) => Start + Step * index;

    /// <summary>The model at the grid points. Call <see cref="Integrate"/> after changing them.</summary>
    public Span<double> Values => _f;

    /// <summary>Recomputes the running integrals from <see cref="Values"/>.</summary>
    public void Integrate()
    {
        var h = Step;
        double c1 = 0, c2 = 0;
        _c1[0] = 0;
        _c2[0] = 0;
        for (var k = 0; k + 1 < _f.Length; k++)
        {
            var f0 = _f[k];
            var f1 = _f[k + 1];
            c2 += c1 * h + h * h * (2 * f0 + f1) / 6;
            c1 += h * (f0 + f1) / 2;
            _c1[k + 1] = c1;
            _c2[k + 1] = c2;
        }
    }

    /// <summary>∫∫ of the model from <see cref="Start"/> to <paramref name="x"/>; constant extrapolation of the model outside the grid.</summary>
    public double DoubleIntegral(double x)
    {
        var u = (x - Start) / Step;
        int k;
        double d;
        if (u <= 0)
        {
            // Left of the grid the model is held at its first value.
            d = x - Start;
            return _f[0] * d * d / 2;
        }

        if (u >= _f.Length - 1)
        {
            k = _f.Length - 1;
            d = x - (Start + Step * k);
            return _c2[k] + _c1[k] * d + _f[k] * d * d / 2;
        }

        k = (int)u;
        d = x - (Start + Step * k);
        var slope = (_f[k + 1] - _f[k]) / Step;
        return _c2[k] + _c1[k] * d + _f[k] * d * d / 2 + slope * d * d * d / 6;
    }

    /// <summary>The model itself, linearly interpolated.</summary>
    public double Value(double x)
    {
        var u = (x - Start) / Step;
        if (u <= 0)
        {
            return _f[0];
        }

        if (u >= _f.Length - 1)
        {
            return _f[^1];
        }

        var k = (int)u;
        var t = u - k;
        return _f[k] + t * (_f[k + 1] - _f[k]);
    }

    /// <summary>
    /// Mean of the model over a trapezoidal footprint: the distribution of <c>c + U1 + U2</c> with U1 uniform on
    /// [-a, a] and U2 uniform on [-b, b]. That is what a pixel sees when 2θ varies linearly across it.
    /// </summary>
    public double FootprintMean(double c, double a, double b)
    {
        // A box of half-width a convolved with a box of half-width b: the mean is a second difference of the double
        // integral. Tiny footprints fall back to simpler forms before the division loses all its digits.
        var minWidth = Step * 1e-3;
        if (a < minWidth && b < minWidth)
        {
            return Value(c);
        }

        if (a < minWidth || b < minWidth)
        {
            var w = Math.Max(a, b);
            return (SingleIntegral(c + w) - SingleIntegral(c - w)) / (2 * w);
        }

        var sum = DoubleIntegral(c + a + b) - DoubleIntegral(c + a - b) - DoubleIntegral(c - a + b) + DoubleIntegral(c - a - b);
        return sum / (4 * a * b);
    }

    /// <summary>∫ of the model from <see cref="Start"/> to <paramref name="x"/>.</summary>
    public double SingleIntegral(double x)
    {
        var u = (x - Start) / Step;
        if (u <= 0)
        {
            return _f[0] * (x - Start);
        }

        if (u >= _f.Length - 1)
        {
            var last = _f.Length - 1;
            return _c1[last] + _f[last] * (x - (Start + Step * last));
        }

        var k = (int)u;
        var d = x - (Start + Step * k);
        var slope = (_f[k + 1] - _f[k]) / Step;
        return _c1[k] + _f[k] * d + slope * d * d / 2;
    }
}
