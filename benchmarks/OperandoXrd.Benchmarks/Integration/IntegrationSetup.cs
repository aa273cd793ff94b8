using OperandoXrd.Core.Geometry;
using OperandoXrd.Core.Integration;

namespace OperandoXrd.Benchmarks.Integration;

/// <summary>The benchmark geometry (BM31-like Pilatus2M, small tilts) and a deterministic frame with rings, gaps and bad pixels.</summary>
internal static class IntegrationSetup
{
    public static Poni Poni { get; } = new()
    {
        Detector = Detector.Pilatus2M,
        Distance = 0.35,
        Poni1 = 0.14512,
        Poni2 = 0.12608,
        Rot1 = 0.0021,
        Rot2 = -0.0034,
        Rot3 = 0.0,
        Wavelength = 2.4486e-11,
    };

    public static IntegrationOptions Options(PixelSplit split) => new() { Npt = 3000, Split = split, PolarizationFactor = 0.99 };

    public static int[] Frame(PixelGeometry geometry, int seed = 1)
    {
        var tth = geometry.RadialCenters(RadialUnit.TwoThetaDeg);
        var mask = geometry.Detector.CreateStaticMask();
        var rng = new Random(seed);
        var frame = new int[tth.Length];
        for (var p = 0; p < frame.Length; p++)
        {
            if (mask[p] != 0)
            {
                frame[p] = -1;
                continue;
            }

            var lam = 30 + 4 * tth[p];
            for (var ring = 1; ring <= 12; ring++)
            {
                var d = (tth[p] - ring * 0.95) / 0.03;
                lam += 2000.0 / ring * Math.Exp(-0.5 * d * d);
            }

            frame[p] = rng.Next(2000) == 0 ? -2 : (int)(lam + Math.Sqrt(lam) * (rng.NextDouble() - 0.5) * 3.4);
        }

        return frame;
    }
}
