using OperandoXrd.Core.Frames;
using OperandoXrd.Core.Geometry;
using OperandoXrd.Core.Integration;
using OperandoXrd.Core.Tests.Reference;
using OperandoXrd.Images.Frames;
using OperandoXrd.TestSupport;

namespace OperandoXrd.Images.Tests;

/// <summary>
/// The real Pilatus1M CeO2 TIFF from Dioptas' test data (../shared/realdata/dioptas, see its README): read pixel for
/// pixel as fabio reads it, and integrated with its v1 PONI (PixelSize1/2, no Detector line) and the up–down flip, as
/// pyFAI integrates <c>numpy.flipud</c> of the image — the frame Dioptas calibrated in.
/// </summary>
public sealed class CeO2Pilatus1MTests
{
    private static string Tiff => RealData.File("dioptas", "CeO2_Pilatus1M.tif");

    private static string PoniPath => RealData.File("dioptas", "CeO2_Pilatus1M.poni");

    [Fact]
    public void The_tiff_reads_as_fabio_reads_it_with_the_readmes_numbers()
    {
        using var source = ImageFrameFormat.Instance.Open(new FrameSourceRequest([Tiff]));
        Assert.Equal((1, 1043, 981, FrameDType.Int32), (source.FrameCount, source.Rows, source.Columns, source.DType));
        var pixels = new int[1043 * 981];
        source.ReadFrame(0, pixels);
        Assert.Equal(-2, pixels.Min());
        Assert.Equal(621698, pixels.Max());
        Assert.Equal(73533, pixels.Count(v => v == -1));
        Assert.Equal(27, pixels.Count(v => v == -2));
        Assert.Equal(126844086L, pixels.Where(v => v >= 0).Sum(v => (long)v));

        // Times: the TIFF DateTime tag and the Pilatus header's exposure in the ImageDescription.
        Assert.Equal(FrameTimeRule.EpochPerFrame, source.TimeRule);
        Assert.Equal(new DateTimeOffset(2014, 10, 24, 16, 33, 9, TimeSpan.Zero).ToUnixTimeSeconds(), source.GetTiming(0).StartUnixSeconds);
        Assert.Equal(3.0, source.GetTiming(0).ExposureSeconds);

        using var run = PythonReference.Run("""
            import fabio
            save_i32("data", fabio.open(ARGS[0]).data)
            """, Tiff);
        Assert.Equal(run.I32("data"), pixels);
    }

    [Fact]
    public void A_v1_poni_without_detector_takes_the_frames_shape_as_pyFAI_does()
    {
        var poni = Poni.Load(PoniPath);
        Assert.False(poni.Detector.HasShape);
        var shaped = poni.ForFrames(1043, 981);
        Assert.Equal((1043, 981, 172e-6, 172e-6), (shaped.Detector.Rows, shaped.Detector.Columns, shaped.Detector.PixelSize1, shaped.Detector.PixelSize2));
        Assert.Equal("Detector", shaped.Detector.Name);
        Assert.Same(shaped, shaped.ForFrames(10, 10));
    }

    [Fact]
    public void Integrated_with_its_v1_poni_and_the_flip_as_pyFAI_integrates_the_flipped_image()
    {
        const int npt = 1512;
        const double max = npt * 0.020393971;
        using var source = FrameFlips.Apply(ImageFrameFormat.Instance.Open(new FrameSourceRequest([Tiff])), FrameFlip.UpDown);
        var poni = Poni.Load(PoniPath).ForFrames(source.Rows, source.Columns);
        var options = new IntegrationOptions { Npt = npt, Unit = RadialUnit.TwoThetaDeg, Split = PixelSplit.BBox, RadialRange = (0, max) };
        using var integrator = AzimuthalIntegrator.Create(new PixelGeometry(poni), options);
        var frame = new int[source.Rows * source.Columns];
        source.ReadFrame(0, frame);
        var pattern = integrator.CreatePattern();
        integrator.Integrate(frame, pattern);

        using var run = PythonReference.Run("""
            import fabio, pyFAI, numpy as np
            ai = pyFAI.load(ARGS[1])
            img = np.flipud(fabio.open(ARGS[0]).data)
            r = ai.integrate1d(img, int(ARGS[2]), unit="2th_deg", method=("bbox", "csr", "cython"), radial_range=(0.0, float(ARGS[3])),
                               correctSolidAngle=True, dummy=-1.5, delta_dummy=0.75, error_model="poisson")
            save_f64("radial", r.radial)
            save_f64("intensity", r.intensity)
            save_f64("count", r.count)
            """, Tiff, PoniPath, npt.ToString(System.Globalization.CultureInfo.InvariantCulture), max.ToString("R", System.Globalization.CultureInfo.InvariantCulture));
        var radial = run.F64("radial");
        var intensity = run.F64("intensity");
        var count = run.F64("count");
        Assert.Equal(npt, radial.Length);
        for (var b = 0; b < npt; b++)
        {
            Assert.Equal(radial[b], pattern.Radial[b], 1e-9);
        }

        var relative = Enumerable.Range(0, npt).Where(b => count[b] >= 10 && intensity[b] != 0)
            .Select(b => Math.Abs(pattern.Intensity[b] - intensity[b]) / Math.Abs(intensity[b])).Order().ToArray();
        Assert.True(relative.Length > 1000, $"only {relative.Length} bins with ≥ 10 pixels");
        var median = relative[relative.Length / 2];
        Assert.True(median <= 1e-4, $"median relative difference {median:E3} on {relative.Length} bins");

        // Without the flip the same PONI gives another pattern: the flip is what makes the Dioptas PONI apply.
        using var unflipped = ImageFrameFormat.Instance.Open(new FrameSourceRequest([Tiff]));
        unflipped.ReadFrame(0, frame);
        integrator.Integrate(frame, pattern);
        var wrong = Enumerable.Range(0, npt).Where(b => count[b] >= 10 && intensity[b] != 0)
            .Select(b => Math.Abs(pattern.Intensity[b] - intensity[b]) / Math.Abs(intensity[b])).Order().ToArray();
        Assert.True(wrong[wrong.Length / 2] > 100 * median + 1e-3, $"unflipped median {wrong[wrong.Length / 2]:E3}");
    }
}
