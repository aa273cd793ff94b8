using OperandoXrd.Simulation.Rendering;

namespace OperandoXrd.Simulation.Tests;

public class RadialProfileTableTests
{
    private static RadialProfileTable Table(Func<double, double> f, double start = 0, double step = 0.001, int count = 5001)
    {
        var table = new RadialProfileTable(start, step, count);
        for (var i = 0; i < count; i++)
        {
            table.Values[i] = f(table.X(i));
        }

        table.Integrate();
        return table;
    }

    [Fact]
    public void Footprint_mean_of_a_linear_model_is_its_value_at_the_centre()
    {
        var table = Table(x => 3 + 2 * x);
        Assert.Equal(3 + 2 * 2.3456, table.FootprintMean(2.3456, 0.013, 0.007), 10);
    }

    [Fact]
    public void Footprint_mean_of_a_quadratic_matches_the_analytic_mean_of_the_trapezoid()
    {
        // E[(c + U1 + U2)²] = c² + a²/3 + b²/3 for U1 ~ U(-a, a), U2 ~ U(-b, b), independent.
        // Piecewise-linear tabulation of x² adds step²/6 to the mean: with step 1e-3 that is below 2e-7.
        var table = Table(x => x * x);
        const double c = 2.5, a = 0.02, b = 0.011;
        var expected = c * c + a * a / 3 + b * b / 3;
        Assert.Equal(expected, table.FootprintMean(c, a, b), 6);
    }

    [Fact]
    public void Footprint_mean_of_a_narrow_peak_matches_brute_force_sampling_of_the_pixel()
    {
        // A Gaussian as narrow as a Pilatus pixel at 350 mm: the case where centre sampling would be badly wrong.
        static double Peak(double x) => 1000 * Math.Exp(-0.5 * Math.Pow((x - 3.0) / 0.01, 2));
        var table = Table(Peak, step: 0.0005, count: 12001);
        const double c = 3.006, a = 0.012, b = 0.009;
        double sum = 0;
        const int n = 400;
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < n; j++)
            {
                var u = -a + 2 * a * (i + 0.5) / n;
                var v = -b + 2 * b * (j + 0.5) / n;
                sum += Peak(c + u + v);
            }
        }

        var bruteForce = sum / (n * n);
        Assert.Equal(bruteForce, table.FootprintMean(c, a, b), bruteForce * 2e-3);
        Assert.True(Math.Abs(Peak(c) - bruteForce) > 0.05 * bruteForce, "the test must discriminate footprint from centre sampling");
    }
}
