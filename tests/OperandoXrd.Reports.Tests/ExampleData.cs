namespace OperandoXrd.Reports.Tests;

/// <summary>
/// A synthetic operando charge/discharge in the seed paper's setting (λ = 0.24486 Å): NCA 003 and 101/104 move
/// with x(Li), LPSCl 220/311 stay put, PEEK adds a broad hump. Used for the example figure and the layout tests.
/// </summary>
internal static class ExampleData
{
    public const double Wavelength = 0.24486;

    public static double TwoTheta(double d) => 2 * Math.Asin(Wavelength / (2 * d)) * 180 / Math.PI;

    /// <summary>x(Li) over a 1-to-0.25 charge (first half) and back (second half).</summary>
    public static double XLi(double fraction) => fraction < 0.5 ? 1 - 1.5 * fraction : 0.25 + 1.5 * (fraction - 0.5);

    /// <summary>Cell voltage vs Li-In: a sloping NCA profile from 2.95 V to the 3.58 V cut-off, 50 mV hysteresis on discharge.</summary>
    public static double Voltage(double x, bool discharge = false) =>
        2.95 + 0.52 * (1 - x) / 0.75 + 0.11 * (1 - Math.Exp(-12 * (1 - x))) - (discharge ? 0.05 : 0);

    public static (double A, double C) NcaCell(double x)
    {
        var a = 2.865 - 0.055 * (1 - x);
        var c = 14.18 + 0.30 * Math.Sin(Math.PI * (1 - x) / 1.2) - 0.35 * Math.Max(0, 0.4 - x) / 0.15 * Math.Max(0, 0.4 - x);
        return (a, c);
    }

    public static (double[] Radial, float[,] Intensity, double[] TimeSeconds, double[] XLi) Run(int frames, int bins, double tthMin = 2.0, double tthMax = 8.0)
    {
        var radial = new double[bins];
        for (var b = 0; b < bins; b++)
        {
            radial[b] = tthMin + (b + 0.5) * (tthMax - tthMin) / bins;
        }

        var intensity = new float[frames, bins];
        var times = new double[frames];
        var xli = new double[frames];
        var rng = new Random(4);
        for (var f = 0; f < frames; f++)
        {
            var fraction = (f + 0.5) / frames;
            times[f] = 1.7e9 + fraction * 20 * 3600;
            xli[f] = XLi(fraction);
            var (a, c) = NcaCell(xli[f]);
            double d003 = c / 3, d101 = 1 / Math.Sqrt(4.0 / 3 / (a * a) + 1 / (c * c)), d104 = 1 / Math.Sqrt(4.0 / 3 / (a * a) + 16 / (c * c));
            (double Tth, double Height)[] peaks =
            [
                (TwoTheta(d003), 900), (TwoTheta(d101), 300), (TwoTheta(d104), 650),
                (TwoTheta(9.85 / Math.Sqrt(8)), 500), (TwoTheta(9.85 / Math.Sqrt(11)), 420),
            ];
            for (var b = 0; b < bins; b++)
            {
                var tth = radial[b];
                var y = 40 + 60 * Math.Exp(-(tth - 3.1) * (tth - 3.1) / 0.3);
                foreach (var (p, h) in peaks)
                {
                    y += h * Math.Exp(-(tth - p) * (tth - p) / (2 * 0.018 * 0.018));
                }

                intensity[f, b] = (float)(y + Math.Sqrt(y) * (rng.NextDouble() - 0.5));
            }
        }
        return (radial, intensity, times, xli);
    }
}
