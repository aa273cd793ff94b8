using OperandoXrd.Core.Geometry;
using OperandoXrd.Core.Integration;
using OperandoXrd.Core.Patterns;
using OperandoXrd.Core.Tests.Reference;

namespace OperandoXrd.Core.Tests.Integration;

public sealed class OutputAndGeometryTests
{
    [Theory]
    [InlineData(0, "frame_00000.xye")]
    [InlineData(42, "frame_00042.xye")]
    [InlineData(123456, "frame_123456.xye")]
    public void Xye_files_are_named_by_the_global_frame_index(int index, string expected) => Assert.Equal(expected, XyeFile.FileName(index));

    [Fact]
    public void Xye_files_read_back_with_numpy_loadtxt()
    {
        var pattern = new Pattern1D(4);
        double[] radial = [1.25, 1.5, 1.75, 2.0];
        double[] intensity = [100.5, 0, 1.0e6 / 3, 7e-5];
        double[] sigma = [10.0, 0, 577.35, 1e-6];
        double[] count = [12, 0, 30.5, 2];
        radial.CopyTo(pattern.Radial, 0);
        intensity.CopyTo(pattern.Intensity, 0);
        sigma.CopyTo(pattern.Sigma, 0);
        count.CopyTo(pattern.Count, 0);
        var path = Path.Combine(Path.GetTempPath(), "oxrd-xye-" + Guid.NewGuid().ToString("N") + ".xye");
        try
        {
            XyeFile.Write(path, pattern, RadialUnit.TwoThetaDeg, ["frame 7 of test.h5"]);
            var text = File.ReadAllText(path);
            Assert.All(text.Split('\n').Where(l => l.Length > 0 && !char.IsDigit(l[0])), l => Assert.StartsWith("#", l, StringComparison.Ordinal));
            using var run = PythonReference.Run("""
                import numpy as np
                a = np.loadtxt(ARGS[0], comments="#")
                save_f64("a", a)
                """, path);
            var a = run.F64("a");
            // The empty bin (count 0) is left out: 3 rows × 3 columns.
            Assert.Equal(9, a.Length);
            int[] kept = [0, 2, 3];
            for (var row = 0; row < 3; row++)
            {
                var b = kept[row];
                Assert.Equal(radial[b], a[3 * row], radial[b] * 1e-8);
                Assert.Equal(intensity[b], a[3 * row + 1], intensity[b] * 1e-8);
                Assert.Equal(sigma[b], a[3 * row + 2], sigma[b] * 1e-8);
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData(0.0, 1.0, 2.0 / 9)]
    [InlineData(1.0, 2.0, 5.0 / 9)]
    [InlineData(2.0, 3.0, 2.0 / 9)]
    [InlineData(0.5, 1.5, 4.0 / 9)]
    [InlineData(-5.0, 5.0, 1.0)]
    [InlineData(3.0, 4.0, 0.0)]
    public void Strip_area_of_a_diamond_is_exact(double a, double b, double expectedFraction)
    {
        // A diamond with vertices at x = 0, 1.5 (twice), 3 and height 2: its area is 3; strips of it are triangles/trapezoids.
        double[] x = [0.0, 1.5, 3.0, 1.5];
        double[] y = [0.0, -1.0, 0.0, 1.0];
        var total = Math.Abs(MatrixBuilder.StripArea(x, y, -10, 10));
        Assert.Equal(3.0, total, 1e-12);
        // Analytic: half-width at x is (1 - |x - 1.5| / 1.5), area between a and b integrates 2 × that.
        static double Cumulative(double t)
        {
            t = Math.Clamp(t, 0, 3);
            return t <= 1.5 ? t * t * 2 / 3 : 3 - (3 - t) * (3 - t) * 2 / 3;
        }

        var exact = (Cumulative(b) - Cumulative(a)) / 3.0;
        Assert.Equal(expectedFraction, exact, 1e-12);
        Assert.Equal(exact, Math.Abs(MatrixBuilder.StripArea(x, y, a, b)) / total, 1e-12);
    }

    [Fact]
    public void Bin_centres_follow_the_unit_scale()
    {
        var geometry = new PixelGeometry(new Poni { Distance = 0.3, Poni1 = 0.05, Poni2 = 0.04, Wavelength = 1e-10, Detector = Detector.Pilatus300K });
        using var deg = AzimuthalIntegrator.Create(geometry, new IntegrationOptions { Npt = 200, Unit = RadialUnit.TwoThetaDeg });
        using var rad = AzimuthalIntegrator.Create(geometry, new IntegrationOptions { Npt = 200, Unit = RadialUnit.TwoThetaRad });
        using var qa = AzimuthalIntegrator.Create(geometry, new IntegrationOptions { Npt = 200, Unit = RadialUnit.QA });
        using var qnm = AzimuthalIntegrator.Create(geometry, new IntegrationOptions { Npt = 200, Unit = RadialUnit.QNm });
        for (var b = 0; b < 200; b++)
        {
            Assert.Equal(rad.Radial[b] * 180 / Math.PI, deg.Radial[b], Math.Abs(deg.Radial[b]) * 1e-12);
            Assert.Equal(qnm.Radial[b] * 0.1, qa.Radial[b], Math.Abs(qa.Radial[b]) * 1e-12);
        }
    }
}
