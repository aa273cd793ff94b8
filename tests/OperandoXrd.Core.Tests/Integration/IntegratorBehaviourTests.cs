using OperandoXrd.Core.Geometry;
using OperandoXrd.Core.Integration;

namespace OperandoXrd.Core.Tests.Integration;

/// <summary>Analytic properties of the integrator and its handling of bad input, without pyFAI.</summary>
public sealed class IntegratorBehaviourTests
{
    private static readonly Poni Tilted = new()
    {
        Distance = 0.2, Poni1 = 0.04, Poni2 = 0.03, Rot1 = 0.05, Rot2 = -0.03, Rot3 = 0.2, Wavelength = 0.24486e-10, Detector = Detector.Pilatus300K,
    };

    private static readonly PixelGeometry Geometry = new(Tilted);

    public static TheoryData<PixelSplit> Splits => [PixelSplit.None, PixelSplit.BBox, PixelSplit.Full];

    private static int[] CountsFrame(int seed, int pixels)
    {
        var rng = new Random(seed);
        var frame = new int[pixels];
        for (var i = 0; i < frame.Length; i++)
        {
            frame[i] = rng.Next(0, 5000);
        }

        return frame;
    }

    [Theory]
    [MemberData(nameof(Splits))]
    public void A_flat_image_gives_a_flat_pattern_after_solid_angle_correction(PixelSplit split)
    {
        // Uniform flux per solid angle: each pixel records 1000 × its relative solid angle.
        var solidAngle = Geometry.SolidAngle();
        var frame = solidAngle.Select(s => (float)(1000 * s)).ToArray();
        using var ai = AzimuthalIntegrator.Create(Geometry, new IntegrationOptions { Npt = 700, Split = split });
        var pattern = ai.CreatePattern();
        ai.Integrate(frame, pattern);
        var filled = 0;
        for (var b = 0; b < pattern.Npt; b++)
        {
            if (pattern.Count[b] > 1)
            {
                filled++;
                Assert.True(Math.Abs(pattern.Intensity[b] - 1000) < 1e-3, $"bin {b}: I = {pattern.Intensity[b]:R}, expected 1000");
            }
        }

        Assert.True(filled > 650, $"only {filled} bins filled");
    }

    [Theory]
    [MemberData(nameof(Splits))]
    public void Splitting_conserves_total_counts_and_pixels(PixelSplit split)
    {
        var frame = CountsFrame(1, Geometry.Rows * Geometry.Columns);
        var mask = Tilted.Detector.CreateStaticMask();
        long expectedCounts = 0;
        var expectedPixels = 0;
        for (var p = 0; p < frame.Length; p++)
        {
            if (mask[p] == 0)
            {
                expectedCounts += frame[p];
                expectedPixels++;
            }
        }

        using var ai = AzimuthalIntegrator.Create(Geometry, new IntegrationOptions { Npt = 900, Split = split, PolarizationFactor = 0.99 });
        var pattern = ai.CreatePattern();
        ai.Integrate(frame, pattern);
        Assert.Equal(expectedCounts, pattern.SumSignal.Sum(), expectedCounts * 1e-9);
        Assert.Equal(expectedPixels, pattern.Count.Sum(), expectedPixels * 1e-9);
        Assert.Equal(expectedPixels, ai.Matrix.ContributingPixels);
    }

    [Theory]
    [MemberData(nameof(Splits))]
    public void Dummy_pixels_are_dropped_exactly_as_if_masked(PixelSplit split)
    {
        var pixels = Geometry.Rows * Geometry.Columns;
        var frame = CountsFrame(2, pixels);
        var withDummies = (int[])frame.Clone();
        var userMask = new byte[pixels];
        var rng = new Random(3);
        for (var k = 0; k < 3000; k++)
        {
            var p = rng.Next(pixels);
            withDummies[p] = k % 2 == 0 ? -2 : -1;
            userMask[p] = 1;
        }

        using var dynamic = AzimuthalIntegrator.Create(Geometry, new IntegrationOptions { Npt = 500, Split = split, PolarizationFactor = 0.95 });
        using var masked = AzimuthalIntegrator.Create(Geometry, new IntegrationOptions { Npt = 500, Split = split, PolarizationFactor = 0.95, Mask = userMask });
        var a = dynamic.CreatePattern();
        var b = masked.CreatePattern();
        dynamic.Integrate(withDummies, a);
        masked.Integrate(frame, b);
        for (var i = 0; i < a.Npt; i++)
        {
            Assert.Equal(b.Count[i], a.Count[i], 1e-9 * Math.Max(1, b.Count[i]));
            Assert.Equal(b.Intensity[i], a.Intensity[i], 1e-9 * Math.Max(1, Math.Abs(b.Intensity[i])));
            Assert.Equal(b.Sigma[i], a.Sigma[i], 1e-9 * Math.Max(1e-3, b.Sigma[i]));
        }
    }

    [Theory]
    [MemberData(nameof(Splits))]
    public void Every_simd_path_and_thread_count_gives_the_same_pattern(PixelSplit split)
    {
        var pixels = Geometry.Rows * Geometry.Columns;
        var frame = CountsFrame(4, pixels);
        frame[12345] = -2;
        frame[54321] = -1;
        var floats = frame.Select(v => (float)v).ToArray();
        floats[777] = float.NaN;
        var dark = Enumerable.Range(0, pixels).Select(i => (float)(i % 7) * 0.5f).ToArray();
        using var ai = AzimuthalIntegrator.Create(Geometry, new IntegrationOptions { Npt = 600, Split = split, PolarizationFactor = 0.99 });
        Pattern1D Run(int bits, int threads, bool useFloat)
        {
            using var engine = new IntegrationEngine(ai.Matrix, -1.5, 0.75, threads, bits);
            var pattern = engine.CreatePattern();
            if (useFloat)
            {
                engine.Integrate(floats, pattern, dark);
            }
            else
            {
                engine.Integrate(frame, pattern, dark);
            }

            return pattern;
        }

        foreach (var useFloat in new[] { false, true })
        {
            var scalar = Run(0, 1, useFloat);
            foreach (var (bits, threads) in new[] { (512, 1), (256, 1), (128, 1), (512, 2), (512, 3), (256, 2) })
            {
                var other = Run(bits, threads, useFloat);
                for (var b = 0; b < scalar.Npt; b++)
                {
                    Assert.True(Math.Abs(other.Intensity[b] - scalar.Intensity[b]) <= 1e-11 * Math.Max(1, Math.Abs(scalar.Intensity[b])),
                        $"{(useFloat ? "float" : "int")} frame, {bits}-bit, {threads} threads, bin {b}: {other.Intensity[b]:R} vs scalar {scalar.Intensity[b]:R}");
                    Assert.True(Math.Abs(other.Sigma[b] - scalar.Sigma[b]) <= 1e-11 * Math.Max(1e-3, scalar.Sigma[b]));
                    Assert.True(Math.Abs(other.Count[b] - scalar.Count[b]) <= 1e-9);
                }
            }
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Integrating_a_frame_allocates_nothing(int threads)
    {
        var frame = CountsFrame(5, Geometry.Rows * Geometry.Columns);
        using var ai = AzimuthalIntegrator.Create(Geometry, new IntegrationOptions { Npt = 1000, Threads = threads });
        var pattern = ai.CreatePattern();
        for (var i = 0; i < 3; i++)
        {
            ai.Integrate(frame, pattern);
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 5; i++)
        {
            ai.Integrate(frame, pattern);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void An_explicit_range_keeps_pixels_beyond_it_out_of_the_edge_bins()
    {
        var frame = CountsFrame(6, Geometry.Rows * Geometry.Columns);
        using var ai = AzimuthalIntegrator.Create(Geometry, new IntegrationOptions { Npt = 800, RadialRange = (8.0, 14.0) });
        var pattern = ai.CreatePattern();
        ai.Integrate(frame, pattern);
        // The upper edge sits one float32 epsilon above 14° (pyFAI's calc_upper_bound).
        Assert.Equal(8.0 + 6.0 / 800 / 2, pattern.Radial[0], 1e-6);
        // pyFAI 0.21 piles every pixel beyond the range into the first and last bin; here they hold a share like their neighbours.
        Assert.InRange(pattern.Count[0] / pattern.Count[1], 0.5, 1.5);
        Assert.InRange(pattern.Count[^1] / pattern.Count[^2], 0.5, 1.5);
    }

    [Fact]
    public void The_matrix_cache_round_trips_and_survives_a_damaged_file()
    {
        var folder = Path.Combine(Path.GetTempPath(), "oxrd-matrix-test-" + Guid.NewGuid().ToString("N"));
        try
        {
            var options = new IntegrationOptions { Npt = 1200, PolarizationFactor = 0.99 };
            var frame = CountsFrame(7, Geometry.Rows * Geometry.Columns);
            using var first = AzimuthalIntegrator.Create(Geometry, options, folder);
            Assert.False(first.LoadedFromCache);
            var files = Directory.GetFiles(folder, "oxrd-matrix-*.bin");
            Assert.Single(files);
            using var second = AzimuthalIntegrator.Create(Geometry, options, folder);
            Assert.True(second.LoadedFromCache);
            var a = first.CreatePattern();
            var b = second.CreatePattern();
            first.Integrate(frame, a);
            second.Integrate(frame, b);
            Assert.Equal(a.Intensity, b.Intensity);
            Assert.Equal(a.Sigma, b.Sigma);
            Assert.Equal(a.Radial, b.Radial);

            using var other = AzimuthalIntegrator.Create(Geometry, options with { Npt = 1201 }, folder);
            Assert.False(other.LoadedFromCache);
            Assert.Equal(2, Directory.GetFiles(folder, "oxrd-matrix-*.bin").Length);

            using (var stream = new FileStream(files[0], FileMode.Open))
            {
                stream.SetLength(stream.Length / 2);
            }

            using var rebuilt = AzimuthalIntegrator.Create(Geometry, options, folder);
            Assert.False(rebuilt.LoadedFromCache);
            var c = rebuilt.CreatePattern();
            rebuilt.Integrate(frame, c);
            Assert.Equal(a.Intensity, c.Intensity);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void A_frame_of_the_wrong_shape_is_refused_naming_the_detector()
    {
        using var ai = AzimuthalIntegrator.Create(Geometry, new IntegrationOptions { Npt = 100 });
        var pattern = ai.CreatePattern();
        var e = Assert.Throws<ArgumentException>(() => ai.Integrate(new int[1475 * 1679], pattern));
        Assert.Contains("619x487", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => ai.Integrate(new int[619 * 487], pattern, new float[10]));
        Assert.Contains("dark", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => ai.Integrate(new int[619 * 487], new Pattern1D(99)));
        Assert.Contains("99 bins", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_mask_or_flat_of_the_wrong_shape_is_refused_naming_it()
    {
        var e = Assert.Throws<ArgumentException>(() => AzimuthalIntegrator.Create(Geometry, new IntegrationOptions { Mask = new byte[100] }, null, "bm31.poni"));
        Assert.Contains("mask has 100 pixels", e.Message, StringComparison.Ordinal);
        Assert.StartsWith("bm31.poni: ", e.Message, StringComparison.Ordinal);
        Assert.Contains("Pilatus300k", e.Message, StringComparison.OrdinalIgnoreCase);
        e = Assert.Throws<ArgumentException>(() => AzimuthalIntegrator.Create(Geometry, new IntegrationOptions { Flat = new float[5] }));
        Assert.Contains("flat has 5 pixels", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    [InlineData(70000)]
    public void An_impossible_npt_is_refused(int npt)
    {
        var e = Assert.ThrowsAny<ArgumentException>(() => AzimuthalIntegrator.Create(Geometry, new IntegrationOptions { Npt = npt }, null, "bm31.poni"));
        Assert.Contains("npt", e.Message, StringComparison.Ordinal);
        Assert.StartsWith("bm31.poni: ", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(60.0, 70.0)]
    [InlineData(-5.0, -1.0)]
    [InlineData(5.0, 5.0)]
    public void A_range_outside_the_detector_is_refused(double min, double max)
    {
        var e = Assert.ThrowsAny<ArgumentException>(() => AzimuthalIntegrator.Create(Geometry, new IntegrationOptions { RadialRange = (min, max) }, null, "bm31.poni"));
        Assert.Contains("radial range", e.Message, StringComparison.Ordinal);
        Assert.StartsWith("bm31.poni: ", e.Message, StringComparison.Ordinal);
    }
}
