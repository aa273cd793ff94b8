namespace OperandoXrd.Simulation.Rendering;

/// <summary>
/// Exact Poisson variates. Small means by inversion of the cumulative distribution; large means by Hörmann's
/// transformed rejection with squeeze (PTRS, Insurance: Mathematics and Economics 12 (1993) 39), which needs about
/// 1.1 uniforms per variate at any mean — what lets a 2.5 M pixel frame get true counting noise in milliseconds.
/// </summary>
public static class PoissonSampler
{
    public static int Sample(ref Xoshiro256 rng, double mean)
    {
        if (!(mean > 0))
        {
            return 0;
        }

        return mean < 12 ? Inversion(ref rng, mean) : Ptrs(ref rng, mean);
    }

    private static int Inversion(ref Xoshiro256 rng, double mean)
    {
        var u = rng.NextDouble();
        var p = Math.Exp(-mean);
        var cumulative = p;
        var k = 0;
        while (u > cumulative && k < 1000)
        {
            k++;
            p *= mean / k;
            cumulative += p;
        }

        return k;
    }

    private static int Ptrs(ref Xoshiro256 rng, double mean)
    {
        var slam = Math.Sqrt(mean);
        var loglam = Math.Log(mean);
        var b = 0.931 + 2.53 * slam;
        var a = -0.059 + 0.02483 * b;
        var invalpha = 1.1239 + 1.1328 / (b - 3.4);
        var vr = 0.9277 - 3.6224 / (b - 2);
        while (true)
        {
            var u = rng.NextDouble() - 0.5;
            var v = rng.NextDouble();
            var us = 0.5 - Math.Abs(u);
            var k = Math.Floor((2 * a / us + b) * u + mean + 0.43);
            if (us >= 0.07 && v <= vr)
            {
                return (int)k;
            }

            if (k < 0 || (us < 0.013 && v > us))
            {
                continue;
            }

            if (Math.Log(v) + Math.Log(invalpha) - Math.Log(a / (us * us) + b) <= -mean + k * loglam - LogFactorial(k))
            {
                return (int)k;
            }
        }
    }

    private static double LogFactorial(double k)
    {
        if (k < 10)
        {
            var r = 0.0;
            for (var i = 2; i <= (int)k; i++)
            {
                r += Math.Log(i);
            }

            return r;
        }

        // Stirling's series: exact to double precision for k >= 10.
        var x = k + 1;
        return (x - 0.5) * Math.Log(x) - x + 0.5 * Math.Log(2 * Math.PI) + 1 / (12 * x) - 1 / (360 * x * x * x);
    }
}

/// <summary>
/// xoshiro256** (Blackman & Vigna): a small, fast generator whose state is a value type, so that each detector row gets
/// its own stream seeded from (seed, frame, row) and the simulated data do not depend on how rows are scheduled.
/// </summary>
public struct Xoshiro256
{
    private ulong _s0, _s1, _s2, _s3;

    public Xoshiro256(ulong seed)
    {
        // SplitMix64 spreads one seed over the four state words, as the generator's authors recommend.
        _s0 = SplitMix(ref seed);
        _s1 = SplitMix(ref seed);
        _s2 = SplitMix(ref seed);
        _s3 = SplitMix(ref seed);
    }

    public static Xoshiro256 ForStream(ulong seed, ulong stream, ulong substream) =>
        new(seed ^ (0x9E3779B97F4A7C15UL * (stream + 1)) ^ (0xC2B2AE3D27D4EB4FUL * (substream + 1)));

    public ulong NextUInt64()
    {
        var result = ulong.RotateLeft(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform on [0, 1) with 53 random bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Standard normal (Box–Muller; the second variate is dropped to keep the state a plain value).</summary>
    public double NextGaussian()
    {
        var u1 = 1.0 - NextDouble();
        var u2 = NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    private static ulong SplitMix(ref ulong x)
    {
        x += 0x9E3779B97F4A7C15UL;
        var z = x;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
