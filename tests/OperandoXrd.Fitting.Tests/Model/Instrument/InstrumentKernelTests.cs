using OperandoXrd.Crystallography.Profiles;
using OperandoXrd.Fitting.Model.Instrument;

namespace OperandoXrd.Fitting.Tests.Model.Instrument;

public class InstrumentKernelTests
{
    // A Pilatus300K-like ring at 7° (boxes 0.026°, 0.012°, bounding 0.038°), 0.0037° bins, a 1 mm sample at 160 mm.
    private static InstrumentFunction Profile(double thickness = 1.0, double attenuation = 0.5) => new()
    {
        TwoTheta = [2.0, 12.0],
        Boxes = [[0.026, 0.026], [0.012, 0.012], [0.038, 0.038]],
        SampleThickness_mm = thickness,
        Distance_mm = 160,
        Attenuation_per_mm = attenuation,
    };

    /// <summary>Brute force: TCH ⊗ every box ⊗ the depth profile, by nested midpoint sums fine enough to be exact.</summary>
    private static double BruteForce(InstrumentFunction profile, double twoTheta, double bin, in TchShape shape, double x)
    {
        const int n = 24;
        var halfWidths = profile.Boxes.Select(b => b[0]).Append(bin / 2).ToArray();
        // The depth profile as (shift, weight) samples.
        var depth = new List<(double Shift, double Weight)>();
        const int nd = 60;
        var t = profile.SampleThickness_mm;
        var sec = 1 / Math.Cos(twoTheta * Math.PI / 180);
        for (var i = 0; i < nd; i++)
        {
            var s = -t / 2 + t * (i + 0.5) / nd;
            depth.Add((InstrumentKernel.ParallaxShift(twoTheta, s, profile.Distance_mm), Math.Exp(-profile.Attenuation_per_mm * ((s + t / 2) + (t / 2 - s) * sec))));
        }

        var total = depth.Sum(d => d.Weight);
        // Convolve the boxes into a fine histogram of offsets first (exact enough at 40 points per box).
        var offsets = new List<(double X, double W)> { (0, 1) };
        foreach (var h in halfWidths)
        {
            var next = new Dictionary<long, double>();
            foreach (var (o, w) in offsets)
            {
                for (var i = 0; i < n; i++)
                {
                    var v = o - h + 2 * h * (i + 0.5) / n;
                    var key = (long)Math.Round(v / 1e-4);
                    next[key] = next.GetValueOrDefault(key) + w / n;
                }
            }

            offsets = next.Select(kv => (kv.Key * 1e-4, kv.Value)).ToList();
        }

        var sum = 0.0;
        foreach (var (shift, wd) in depth)
        {
            foreach (var (o, w) in offsets)
            {
                sum += wd / total * w * TchPseudoVoigt.Value(x, shape.Shifted(shift + o));
            }
        }

        return sum;
    }

    [Theory]
    [InlineData(7.0, 0.0, 0.004)]
    [InlineData(7.0, 0.010, 0.004)]
    [InlineData(10.5, 0.0, 0.002)]
    public void DiscreteConvolutionMatchesBruteForce(double twoTheta, double u, double y)
    {
        // Pilatus300K-like: the kernel (~0.08° wide) is several times the sample's peak; bins of 0.0037°.
        var profile = Profile();
        const double bin = 0.0037;
        var grid = Enumerable.Range(0, 301).Select(i => twoTheta - 0.55 + (i * bin)).ToArray();
        var shape = TchPseudoVoigt.Shape(new TchParameters(u, 0, 0.0003, 0.002, y), twoTheta + 0.0011);
        var taps = InstrumentKernel.Taps(profile, twoTheta, bin);
        Assert.Equal(1.0, taps.Taps.Sum(), 12);
        var convolved = new ConvolvedProfile(grid);
        var (start, count) = convolved.Window(shape, taps, 15);
        var values = new double[count];
        convolved.Add(start, count, values, 1, shape, taps);
        double peak = 0, worst = 0;
        for (var o = 0; o < count; o += 3)
        {
            var exact = BruteForce(profile, twoTheta, bin, shape, grid[start + o]);
            peak = Math.Max(peak, exact);
            worst = Math.Max(worst, Math.Abs(values[o] - exact));
        }

        // 3e-3 of the peak height is under the counting noise of the strongest simulated peaks (6000 counts: 1.3 %).
        Assert.True(worst < 3e-3 * peak, $"worst {worst / peak:E2} of the peak with {taps.Taps.Length} taps");
    }

    [Fact]
    public void ParallaxIsTheFlatDetectorShiftAndAttenuationMakesItAsymmetric()
    {
        // atan((1 − s/D)·tan2θ) − 2θ ≈ −(s/D)·sin2θ·cos2θ to first order.
        var shift = InstrumentKernel.ParallaxShift(10, 0.5, 350);
        var first = -(0.5 / 350) * Math.Sin(20 * Math.PI / 180) / 2 * 180 / Math.PI;
        Assert.Equal(first, shift, 1e-6);
        const double step = 0.0005;
        var even = InstrumentKernel.Taps(Profile(2.0, 0.0) with { Boxes = [], IncludeBin = false }, 10, step);
        var absorbing = InstrumentKernel.Taps(Profile(2.0, 3.0) with { Boxes = [], IncludeBin = false }, 10, step);
        double Mean(InstrumentTaps t) => t.Taps.Select((w, j) => w * (j - t.Origin) * step).Sum();
        // A uniform slab: centred (to second order); attenuation favours the exit face (s > 0), which is seen at lower 2θ.
        Assert.True(Math.Abs(Mean(even)) < 1e-5, $"{Mean(even)}");
        Assert.True(Mean(absorbing) < -1e-4, $"{Mean(absorbing)}");
        // The uniform slab is a box of half-width (t/2)/D·sin2θ·cos2θ: its taps reach that far (plus one hat).
        var halfWidth = -InstrumentKernel.ParallaxShift(10, 1.0, 160);
        Assert.InRange(even.Max * step, halfWidth, halfWidth + (2 * step));
    }
}
