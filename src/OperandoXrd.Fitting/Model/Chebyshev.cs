namespace OperandoXrd.Fitting.Model;

/// <summary>Chebyshev polynomials of the first kind on an interval mapped to [−1, 1]: the smooth background.</summary>
public static class Chebyshev
{
    /// <summary>t = 2(x − min)/(max − min) − 1.</summary>
    public static double Map(double x, double min, double max) => 2 * (x - min) / (max - min) - 1;

    /// <summary>Fills table[k·n + i] = T_k(t(x_i)) for k &lt; terms.</summary>
    public static void Table(ReadOnlySpan<double> x, double min, double max, int terms, Span<double> table)
    {
        var n = x.Length;
        for (var i = 0; i < n; i++)
        {
            var t = Map(x[i], min, max);
            double prev = 1, cur = t;
            for (var k = 0; k < terms; k++)
            {
                double v;
                if (k == 0)
                {
                    v = 1;
                }
                else if (k == 1)
                {
                    v = t;
                }
                else
                {
                    v = 2 * t * cur - prev;
                    prev = cur;
                    cur = v;
                }

                table[k * n + i] = v;
            }
        }
    }

    /// <summary>Σ c_k T_k(t(x)).</summary>
    public static double Evaluate(ReadOnlySpan<double> coefficients, double x, double min, double max)
    {
        var t = Map(x, min, max);
        double sum = 0, prev = 1, cur = t;
        for (var k = 0; k < coefficients.Length; k++)
        {
            double v;
            if (k == 0)
            {
                v = 1;
            }
            else if (k == 1)
            {
                v = t;
            }
            else
            {
                v = 2 * t * cur - prev;
                prev = cur;
                cur = v;
            }

            sum += coefficients[k] * v;
        }

        return sum;
    }
}
