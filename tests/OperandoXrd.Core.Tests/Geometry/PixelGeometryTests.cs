using OperandoXrd.Core.Geometry;
using OperandoXrd.Core.Tests.Reference;

namespace OperandoXrd.Core.Tests.Geometry;

/// <summary>Analytic checks of the geometry that do not need pyFAI.</summary>
public sealed class PixelGeometryTests
{
    private static readonly Detector Small = Detector.Generic(61, 47, 1e-4, 1.5e-4);

    private static Poni SmallPoni(double rot1 = 0, double rot2 = 0, double rot3 = 0, Detector? detector = null) => new()
    {
        Detector = detector ?? Small,
        Distance = 0.05,
        Poni1 = 0.0031,
        Poni2 = 0.0042,
        Rot1 = rot1,
        Rot2 = rot2,
        Rot3 = rot3,
        Wavelength = 1e-10,
    };

    [Fact]
    public void Untilted_two_theta_and_chi_follow_the_flat_detector_formulas()
    {
        var poni = SmallPoni();
        var g = new PixelGeometry(poni, PixelCoordinatePrecision.Double);
        var tth = g.RadialCenters(RadialUnit.TwoThetaRad);
        var chi = g.ChiCenters();
        var r = g.RadialCenters(RadialUnit.RMm);
        var expectedTth = new double[tth.Length];
        var expectedChi = new double[tth.Length];
        var expectedR = new double[tth.Length];
        for (var i = 0; i < Small.Rows; i++)
        {
            for (var j = 0; j < Small.Columns; j++)
            {
                // y along rows (dim1), x along columns (dim2), measured from the PONI at the pixel centre.
                var y = ((i + 0.5) * Small.PixelSize1) - poni.Poni1;
                var x = ((j + 0.5) * Small.PixelSize2) - poni.Poni2;
                var p = (i * Small.Columns) + j;
                expectedTth[p] = Math.Atan(Math.Sqrt((x * x) + (y * y)) / poni.Distance);
                expectedChi[p] = Math.Atan2(y, x);
                expectedR[p] = Math.Sqrt((x * x) + (y * y)) * 1000;
            }
        }

        ArrayAgreement.AssertClose(tth, expectedTth, 1e-13, 1e-9, "2θ", Small.Columns);
        ArrayAgreement.AssertClose(chi, expectedChi, 1e-13, 1.0, "χ", Small.Columns);
        ArrayAgreement.AssertClose(r, expectedR, 1e-13, 1e-9, "r", Small.Columns);
    }

    [Fact]
    public void Rot3_turns_chi_about_the_beam_and_leaves_two_theta()
    {
        const double rot3 = 0.7;
        var plain = new PixelGeometry(SmallPoni(0.05, -0.02), PixelCoordinatePrecision.Double);
        var turned = new PixelGeometry(SmallPoni(0.05, -0.02, rot3), PixelCoordinatePrecision.Double);
        ArrayAgreement.AssertClose(turned.RadialCenters(RadialUnit.TwoThetaRad), plain.RadialCenters(RadialUnit.TwoThetaRad), 1e-13, 1e-9, "2θ with rot3");
        var chi0 = plain.ChiCenters();
        var chi3 = turned.ChiCenters();
        for (var p = 0; p < chi0.Length; p++)
        {
            // χ' = χ − rot3, modulo 2π.
            var delta = Math.IEEERemainder(chi0[p] - rot3 - chi3[p], 2 * Math.PI);
            Assert.True(Math.Abs(delta) < 1e-13, $"pixel {p}: χ {chi0[p]} → {chi3[p]}");
        }
    }

    [Fact]
    public void Solid_angle_is_one_at_the_poni_and_cos_cubed_of_incidence_elsewhere()
    {
        // PONI exactly on the centre of pixel (30, 20).
        var poni = new Poni
        {
            Detector = Detector.Generic(61, 47, 1e-4, 1e-4),
            Distance = 0.05,
            Poni1 = 30.5e-4,
            Poni2 = 20.5e-4,
            Rot1 = 0.3,
            Rot2 = 0.2,
            Wavelength = 1e-10,
        };
        var sa = new PixelGeometry(poni, PixelCoordinatePrecision.Double).SolidAngle();
        Assert.Equal(1.0, sa[(30 * 47) + 20], 1e-15);
        var y = (0.5e-4) - poni.Poni1;
        var x = (0.5e-4) - poni.Poni2;
        var cosa = poni.Distance / Math.Sqrt((poni.Distance * poni.Distance) + (x * x) + (y * y));
        Assert.Equal(cosa * cosa * cosa, sa[0], 1e-14);
        Assert.All(sa, v => Assert.InRange(v, 0.0, 1.0));
    }

    [Fact]
    public void Unpolarized_correction_depends_on_two_theta_only_and_horizontal_polarization_vanishes_at_chi_zero_ninety()
    {
        var g = new PixelGeometry(SmallPoni(0.1, 0.05, 0.2), PixelCoordinatePrecision.Double);
        var tth = g.RadialCenters(RadialUnit.TwoThetaRad);
        var chi = g.ChiCenters();
        var p0 = g.Polarization(0.0);
        var p1 = g.Polarization(1.0);
        for (var p = 0; p < tth.Length; p++)
        {
            var c2 = Math.Cos(tth[p]) * Math.Cos(tth[p]);
            Assert.Equal((1 + c2) / 2, p0[p], 1e-14);
            // Linear horizontal polarization: P = cos²2θ cos²χ + sin²χ.
            var expected = (c2 * Math.Cos(chi[p]) * Math.Cos(chi[p])) + (Math.Sin(chi[p]) * Math.Sin(chi[p]));
            Assert.Equal(expected, p1[p], 1e-14);
        }

        Assert.Throws<ArgumentOutOfRangeException>(() => g.Polarization(1.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => g.Polarization(double.NaN));
    }

    [Fact]
    public void Corner_grid_is_the_centre_array_of_a_half_pixel_shifted_detector()
    {
        var poni = SmallPoni(0.1, -0.07, 0.4);
        var corners = new PixelGeometry(poni).RadialCorners(RadialUnit.QA);
        var shifted = new Poni
        {
            Detector = Detector.Generic(Small.Rows + 1, Small.Columns + 1, Small.PixelSize1, Small.PixelSize2),
            Distance = poni.Distance,
            Poni1 = poni.Poni1 + (Small.PixelSize1 / 2),
            Poni2 = poni.Poni2 + (Small.PixelSize2 / 2),
            Rot1 = poni.Rot1,
            Rot2 = poni.Rot2,
            Rot3 = poni.Rot3,
            Wavelength = poni.Wavelength,
        };
        var centres = new PixelGeometry(shifted, PixelCoordinatePrecision.Double).RadialCenters(RadialUnit.QA);
        Assert.Equal((Small.Rows + 1) * (Small.Columns + 1), corners.Length);
        ArrayAgreement.AssertClose(corners, centres, 1e-12, 1e-6, "q corners vs shifted centres", Small.Columns + 1);
        Assert.Equal(corners.Length, new PixelGeometry(poni).ChiCorners().Length);
    }

    [Theory]
    [InlineData(DetectorOrientation.TopLeft, true, true)]
    [InlineData(DetectorOrientation.TopRight, true, false)]
    [InlineData(DetectorOrientation.BottomLeft, false, true)]
    public void Orientation_mirrors_the_pixel_grid(DetectorOrientation orientation, bool flipRows, bool flipColumns)
    {
        var plain = new PixelGeometry(SmallPoni(0.1, 0.05, 0.2));
        var mirrored = new PixelGeometry(SmallPoni(0.1, 0.05, 0.2, Small.WithOrientation(orientation)));
        AssertMirrored(plain.RadialCenters(RadialUnit.TwoThetaDeg), mirrored.RadialCenters(RadialUnit.TwoThetaDeg), Small.Rows, Small.Columns, flipRows, flipColumns);
        AssertMirrored(plain.ChiCenters(), mirrored.ChiCenters(), Small.Rows, Small.Columns, flipRows, flipColumns);
        AssertMirrored(plain.SolidAngle(), mirrored.SolidAngle(), Small.Rows, Small.Columns, flipRows, flipColumns);
        AssertMirrored(plain.RadialCorners(RadialUnit.QNm), mirrored.RadialCorners(RadialUnit.QNm), Small.Rows + 1, Small.Columns + 1, flipRows, flipColumns);
    }

    [Fact]
    public void Every_unit_has_one_value_per_pixel_and_corner()
    {
        var g = new PixelGeometry(TestGeometries.Pilatus300KTilted);
        foreach (var unit in RadialUnits.All)
        {
            Assert.Equal(619 * 487, g.RadialCenters(unit).Length);
            Assert.Equal(620 * 488, g.RadialCorners(unit).Length);
        }
    }

    [Fact]
    public void Bad_geometry_is_refused_with_the_key_named()
    {
        Assert.Contains("Distance", Assert.Throws<ArgumentException>(() => new PixelGeometry(new Poni { Detector = Small, Distance = double.NaN, Wavelength = 1e-10 })).Message, StringComparison.Ordinal);
        Assert.Contains("Distance", Assert.Throws<ArgumentException>(() => new PixelGeometry(new Poni { Detector = Small, Distance = -0.1, Wavelength = 1e-10 })).Message, StringComparison.Ordinal);
        Assert.Contains("Rot2", Assert.Throws<ArgumentException>(() => new PixelGeometry(new Poni { Detector = Small, Distance = 0.1, Rot2 = double.PositiveInfinity, Wavelength = 1e-10 })).Message, StringComparison.Ordinal);
        var noWavelength = new PixelGeometry(new Poni { Detector = Small, Distance = 0.1 });
        Assert.Equal(Small.PixelCount, noWavelength.RadialCenters(RadialUnit.TwoThetaDeg).Length);
        Assert.Throws<InvalidOperationException>(() => noWavelength.RadialCenters(RadialUnit.QA));
    }

    private static void AssertMirrored(double[] plain, double[] mirrored, int rows, int columns, bool flipRows, bool flipColumns)
    {
        for (var i = 0; i < rows; i++)
        {
            for (var j = 0; j < columns; j++)
            {
                var mi = flipRows ? rows - 1 - i : i;
                var mj = flipColumns ? columns - 1 - j : j;
                Assert.Equal(plain[(mi * columns) + mj], mirrored[(i * columns) + j]);
            }
        }
    }
}
