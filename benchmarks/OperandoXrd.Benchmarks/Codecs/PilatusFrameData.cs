namespace OperandoXrd.Benchmarks.Codecs;

/// <summary>A simulated Pilatus2M int32 frame (1679 x 1475): Poisson counts, -1 module gaps, a few -2 pixels.</summary>
internal static class PilatusFrameData
{
    public const int Rows = 1679, Columns = 1475;

    public static int[] Create(int seed)
    {
        var rng = new Random(seed);
        var frame = new int[Rows * Columns];
        for (int y = 0; y < Rows; y++)
            for (int x = 0; x < Columns; x++)
            {
                double r = Math.Sqrt(Math.Pow(y - Rows * 0.55, 2) + Math.Pow(x - Columns * 0.48, 2));
                double ring = (r % 180.0) - 90.0;
                double mean = 3.0 + 40.0 * Math.Exp(-ring * ring / 30.0) + 2000.0 / (r + 40.0);
                bool gap = (x % 494) >= 487 || (y % 212) >= 195;
                frame[y * Columns + x] = gap ? -1 : Poisson(rng, mean);
            }
        for (int i = 0; i < 40; i++)
            frame[rng.Next(frame.Length)] = -2;
        return frame;
    }

    private static int Poisson(Random rng, double mean)
    {
        if (mean > 30)
        {
            double g = Math.Sqrt(-2.0 * Math.Log(1.0 - rng.NextDouble())) * Math.Cos(2.0 * Math.PI * rng.NextDouble());
            return Math.Max(0, (int)Math.Round(mean + Math.Sqrt(mean) * g));
        }
        double limit = Math.Exp(-mean), p = 1.0;
        int k = 0;
        do
        {
            k++;
            p *= rng.NextDouble();
        }
        while (p > limit);
        return k - 1;
    }
}
