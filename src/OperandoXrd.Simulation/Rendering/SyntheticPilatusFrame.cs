namespace OperandoXrd.Simulation.Rendering;

/// <summary>
/// A quick Pilatus-like frame without any physics: Poisson counts around concentric rings over a radial falloff,
/// -1 in the module gaps, a few -2 dead pixels. Compresses and decodes like real data, for codec and reader tests and
/// benchmarks that need realistic bytes rather than a diffraction pattern (that is <see cref="FrameRenderer"/>'s job).
/// Deterministic for a seed.
/// </summary>
public static class SyntheticPilatusFrame
{
    public static int[] Create(int rows, int columns, int seed)
    {
        var rng = new Random(seed);
        var frame = new int[rows * columns];
        for (var y = 0; y < rows; y++)
        {
            for (var x = 0; x < columns; x++)
            {
                var r = Math.Sqrt(Math.Pow(y - rows * 0.55, 2) + Math.Pow(x - columns * 0.48, 2));
                var ring = (r % 180.0) - 90.0;
                var mean = 3.0 + 40.0 * Math.Exp(-ring * ring / 30.0) + 2000.0 / (r + 40.0);
                var gap = (x % 494) >= 487 || (y % 212) >= 195;
                frame[y * columns + x] = gap ? -1 : Poisson(rng, mean);
            }
        }

        for (var i = 0; i < 40; i++)
        {
            frame[rng.Next(frame.Length)] = -2;
        }

        return frame;
    }

    private static int Poisson(Random rng, double mean)
    {
        if (mean > 30)
        {
            var g = Math.Sqrt(-2.0 * Math.Log(1.0 - rng.NextDouble())) * Math.Cos(2.0 * Math.PI * rng.NextDouble());
            return Math.Max(0, (int)Math.Round(mean + Math.Sqrt(mean) * g));
        }

        double limit = Math.Exp(-mean), p = 1.0;
        var k = 0;
        do
        {
            k++;
            p *= rng.NextDouble();
        }
        while (p > limit);
        return k - 1;
    }
}
