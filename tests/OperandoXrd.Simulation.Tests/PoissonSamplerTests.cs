using OperandoXrd.Simulation.Rendering;

namespace OperandoXrd.Simulation.Tests;

public class PoissonSamplerTests
{
    [Theory]
    [InlineData(0.7)]
    [InlineData(8.0)]
    [InlineData(40.0)]
    [InlineData(3000.0)]
    public void Mean_and_variance_equal_the_requested_mean(double mean)
    {
        var rng = new Xoshiro256(12345);
        const int n = 200_000;
        double sum = 0, sum2 = 0;
        for (var i = 0; i < n; i++)
        {
            double k = PoissonSampler.Sample(ref rng, mean);
            sum += k;
            sum2 += k * k;
        }

        var m = sum / n;
        var variance = sum2 / n - m * m;
        // Five standard errors: the mean's is sqrt(mean/n); the variance's is about mean*sqrt(2/n) for large means.
        Assert.InRange(m, mean - 5 * Math.Sqrt(mean / n), mean + 5 * Math.Sqrt(mean / n));
        var varianceError = Math.Sqrt((mean + 2 * mean * mean) / n);
        Assert.InRange(variance, mean - 5 * varianceError, mean + 5 * varianceError);
    }

    [Fact]
    public void Small_mean_probabilities_follow_the_poisson_law()
    {
        var rng = new Xoshiro256(99);
        const int n = 300_000;
        const double mean = 2.5;
        var hist = new int[12];
        for (var i = 0; i < n; i++)
        {
            hist[Math.Min(PoissonSampler.Sample(ref rng, mean), 11)]++;
        }

        var p = Math.Exp(-mean);
        for (var k = 0; k < 8; k++)
        {
            var expected = n * p;
            Assert.InRange(hist[k], expected - 5 * Math.Sqrt(expected) - 1, expected + 5 * Math.Sqrt(expected) + 1);
            p *= mean / (k + 1);
        }
    }

    [Fact]
    public void Streams_are_reproducible_and_distinct()
    {
        var a = Xoshiro256.ForStream(7, 3, 11);
        var b = Xoshiro256.ForStream(7, 3, 11);
        var c = Xoshiro256.ForStream(7, 3, 12);
        var first = a.NextUInt64();
        Assert.Equal(first, b.NextUInt64());
        Assert.NotEqual(first, c.NextUInt64());
    }
}
