using OperandoXrd.Core.Geometry;

namespace OperandoXrd.Core.Tests.Geometry;

public sealed class DetectorTests
{
    [Fact]
    public void Pilatus2M_is_1679_by_1475_pixels_of_172_micrometres()
    {
        var d = Detector.Pilatus2M;
        Assert.Equal("Pilatus2M", d.Name);
        Assert.Equal((1679, 1475), (d.Rows, d.Columns));
        Assert.Equal((172e-6, 172e-6), (d.PixelSize1, d.PixelSize2));
        Assert.True(d.IsPilatus);
        Assert.Equal(DetectorOrientation.BottomRight, d.Orientation);
    }

    [Fact]
    public void Pilatus2M_mask_is_the_module_gaps()
    {
        var d = Detector.Pilatus2M;
        var mask = d.CreateStaticMask();
        Assert.Equal(d.Rows * d.Columns, mask.Length);

        // 8 × 3 modules of 195 × 487: 7 gaps of 17 rows, 2 gaps of 7 columns.
        var expectedMasked = (7 * 17 * 1475) + (2 * 7 * (1679 - (7 * 17)));
        Assert.Equal(expectedMasked, mask.Count(b => b == 1));
        Assert.All(mask, b => Assert.True(b is 0 or 1));

        bool Masked(int r, int c) => mask[(r * d.Columns) + c] == 1;
        for (var k = 0; k < 7; k++)
        {
            var start = 195 + (212 * k);
            Assert.False(Masked(start - 1, 100));
            Assert.True(Masked(start, 100));
            Assert.True(Masked(start + 16, 100));
            Assert.False(Masked(start + 17, 100));
        }

        foreach (var start in new[] { 487, 981 })
        {
            Assert.False(Masked(10, start - 1));
            Assert.True(Masked(10, start));
            Assert.True(Masked(10, start + 6));
            Assert.False(Masked(10, start + 7));
        }

        Assert.False(Masked(0, 0));
        Assert.False(Masked(1678, 1474));
    }

    [Fact]
    public void Pilatus300K_is_three_modules_with_two_row_gaps()
    {
        var d = Detector.Pilatus300K;
        Assert.Equal((619, 487), (d.Rows, d.Columns));
        Assert.Equal("Pilatus300k", d.Name);
        Assert.Equal(2 * 17 * 487, d.CreateStaticMask().Count(b => b == 1));
    }

    [Theory]
    [InlineData("Pilatus2M")]
    [InlineData("pilatus2m")]
    [InlineData("Pilatus 2M")]
    [InlineData("PILATUS_2M")]
    [InlineData(" pilatus-2m ")]
    public void FromName_accepts_pyFAI_names_and_aliases(string name)
        => Assert.Same(Detector.Pilatus2M, Detector.FromName(name));

    [Fact]
    public void FromName_knows_the_300K_and_other_Pilatus_models()
    {
        Assert.Same(Detector.Pilatus300K, Detector.FromName("Pilatus 300k"));
        Assert.Equal((1043, 981), (Detector.FromName("Pilatus1M").Rows, Detector.FromName("Pilatus1M").Columns));
        Assert.Equal((2527, 2463), (Detector.FromName("Pilatus6M").Rows, Detector.FromName("Pilatus6M").Columns));
    }

    [Fact]
    public void Pilatus_config_can_override_pixel_size_and_shape()
    {
        var d = Detector.FromName("Pilatus2M", "{\"pixel1\": 1.7e-4, \"pixel2\": 1.71e-4, \"max_shape\": [407, 487]}");
        Assert.Equal((407, 487, 1.7e-4, 1.71e-4), (d.Rows, d.Columns, d.PixelSize1, d.PixelSize2));
        Assert.Equal(17 * 487, d.CreateStaticMask().Count(b => b == 1));
        Assert.Equal("{\"pixel1\": 0.00017, \"pixel2\": 0.000171, \"max_shape\": [407, 487]}", d.ToConfigJson());
    }

    [Fact]
    public void Generic_detector_from_config_has_no_gaps()
    {
        var d = Detector.FromName("Detector", "{\"pixel1\": 1e-4, \"pixel2\": 1.1e-4, \"max_shape\": [30, 20], \"splineFile\": null, \"orientation\": 3}");
        Assert.Equal((30, 20, 1e-4, 1.1e-4), (d.Rows, d.Columns, d.PixelSize1, d.PixelSize2));
        Assert.False(d.IsPilatus);
        Assert.Equal(600, d.CreateStaticMask().Length);
        Assert.Equal(0, d.CreateStaticMask().Sum(b => b));
        Assert.Equal("{\"pixel1\": 0.0001, \"pixel2\": 0.00011, \"max_shape\": [30, 20]}", d.ToConfigJson());
    }

    [Theory]
    [InlineData("{\"pixel2\": 1e-4, \"max_shape\": [3, 2]}", "pixel1")]
    [InlineData("{\"pixel1\": 1e-4, \"max_shape\": [3, 2]}", "pixel2")]
    [InlineData("{\"pixel1\": 1e-4, \"pixel2\": 1e-4}", "max_shape")]
    [InlineData("{\"pixel1\": -1e-4, \"pixel2\": 1e-4, \"max_shape\": [3, 2]}", "pixel1")]
    [InlineData("{\"pixel1\": 1e-4, \"pixel2\": 1e-4, \"max_shape\": [3]}", "max_shape")]
    [InlineData("{\"pixel1\": 1e-4, \"pixel2\": 1e-4, \"max_shape\": [3, 2], \"binning\": [2, 2]}", "binning")]
    [InlineData("{\"pixel1\": 1e-4, \"pixel2\": 1e-4, \"max_shape\": [3, 2], \"orientation\": 7}", "orientation")]
    [InlineData("[1, 2]", "JSON object")]
    public void Bad_generic_config_names_the_key(string json, string key)
    {
        var ex = Assert.Throws<ArgumentException>(() => Detector.FromName("Detector", json));
        Assert.Contains(key, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_detector_is_named()
    {
        var ex = Assert.Throws<ArgumentException>(() => Detector.FromName("Frelon"));
        Assert.Contains("'Frelon'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Stock_Pilatus_config_is_empty_like_pyFAI()
    {
        Assert.Equal("{}", Detector.Pilatus2M.ToConfigJson());
        Assert.Equal("{\"orientation\": 1}", Detector.Pilatus2M.WithOrientation(DetectorOrientation.TopLeft).ToConfigJson());
    }

    [Fact]
    public void Shape_unknown_detector_refuses_a_mask_until_given_a_shape()
    {
        var d = Detector.ShapeUnknown(1e-4, 1e-4);
        Assert.False(d.HasShape);
        Assert.Throws<InvalidOperationException>(() => d.CreateStaticMask());
        Assert.Equal(12, d.WithShape(3, 4).CreateStaticMask().Length);
    }
}
