using OperandoXrd.Core.Geometry;

namespace OperandoXrd.Core.Tests.Geometry;

public sealed class PoniTests
{
    private const string V2 = """
        # Nota: C-Order, 1 refers to the Y axis, 2 to the X axis 
        # Calibration done at Sun Nov 22 00:00:00 2026
        poni_version: 2
        Detector: Pilatus2M
        Detector_config: {}
        Distance: 0.35
        Poni1: 0.14512
        Poni2: 0.12608
        Rot1: 0.0021
        Rot2: -0.0034
        Rot3: 0.0
        Wavelength: 2.4486e-11
        """;

    // As pyFAI 0.x wrote it: no version, PixelSize1/2, SplineFile.
    private const string V1 = """
        # Nota: C-Order, 1 refers to the Y axis, 2 to the X axis 
        # Calibration done at Thu Mar 13 10:26:41 2014
        PixelSize1: 0.000172
        PixelSize2: 0.000172
        Distance: 0.34457766219
        Poni1: 0.144627497658
        Poni2: 0.126004393654
        Rot1: 0.00185838063393
        Rot2: -0.00326720380734
        Rot3: 2.20017233483e-09
        SplineFile: None
        Wavelength: 2.4486e-11
        """;

    [Fact]
    public void Reads_v2_as_pyFAI_writes_it()
    {
        var poni = Poni.Parse(V2, "bm31.poni");
        Assert.Same(Detector.Pilatus2M, poni.Detector);
        Assert.Equal(0.35, poni.Distance);
        Assert.Equal(0.14512, poni.Poni1);
        Assert.Equal(0.12608, poni.Poni2);
        Assert.Equal(0.0021, poni.Rot1);
        Assert.Equal(-0.0034, poni.Rot2);
        Assert.Equal(0.0, poni.Rot3);
        Assert.Equal(2.4486e-11, poni.Wavelength);
    }

    [Fact]
    public void Reads_the_repository_BM31_calibration()
    {
        var path = FindRepoFile("calibration/bm31-pilatus2m.poni");
        var poni = Poni.Load(path);
        Assert.Equal("Pilatus2M", poni.Detector.Name);
        Assert.Equal((1679, 1475), (poni.Detector.Rows, poni.Detector.Columns));
        Assert.Equal(2.4486e-11, poni.Wavelength);
        Assert.InRange(poni.Distance, 0.3, 0.4);
    }

    [Fact]
    public void Reads_v1_without_detector_as_pixel_size_with_unknown_shape()
    {
        var poni = Poni.Parse(V1, "old.poni");
        Assert.Equal("Detector", poni.Detector.Name);
        Assert.False(poni.Detector.HasShape);
        Assert.Equal(172e-6, poni.Detector.PixelSize1);
        Assert.Equal(172e-6, poni.Detector.PixelSize2);
        Assert.Equal(0.34457766219, poni.Distance);
        Assert.Equal(2.20017233483e-09, poni.Rot3);

        // The frames give the shape later; geometry refuses to guess before that.
        Assert.Throws<ArgumentException>(() => new PixelGeometry(poni));
        var shaped = poni.WithDetector(poni.Detector.WithShape(619, 487));
        Assert.Equal(619 * 487, new PixelGeometry(shaped).ChiCenters().Length);
    }

    [Fact]
    public void Reads_v1_with_a_named_detector()
    {
        var poni = Poni.Parse("Detector: Pilatus 300k\n" + V1, "old300k.poni");
        Assert.Equal("Pilatus300k", poni.Detector.Name);
        Assert.Equal((619, 487), (poni.Detector.Rows, poni.Detector.Columns));
        Assert.True(poni.Detector.IsPilatus);
    }

    [Fact]
    public void Reads_v21_orientation_from_detector_config()
    {
        var text = V2.Replace("poni_version: 2", "poni_version: 2.1", StringComparison.Ordinal)
                     .Replace("Detector_config: {}", "Detector_config: {\"orientation\": 2}", StringComparison.Ordinal);
        var poni = Poni.Parse(text, "v21.poni");
        Assert.Equal(DetectorOrientation.TopRight, poni.Detector.Orientation);
        Assert.True(poni.Detector.FlipsRows);
        Assert.False(poni.Detector.FlipsColumns);

        var standard = Poni.Parse(text.Replace("{\"orientation\": 2}", "{\"orientation\": 3}", StringComparison.Ordinal), "v21.poni");
        Assert.Equal(DetectorOrientation.BottomRight, standard.Detector.Orientation);
        Assert.Contains("poni_version: 2\n", standard.ToPoniText(), StringComparison.Ordinal);
        Assert.Contains("poni_version: 2.1\n", poni.ToPoniText(), StringComparison.Ordinal);
        Assert.Equal(DetectorOrientation.TopRight, Poni.Parse(poni.ToPoniText(), "again").Detector.Orientation);
    }

    [Fact]
    public void Keys_are_case_insensitive_dist_is_accepted_comments_blank_lines_and_CRLF_are_ignored()
    {
        var text = "\r\n# a comment: with a colon\r\n   # indented comment: too\r\nPONI_VERSION: 2\r\ndetector: pilatus_2m\r\n"
                 + "DETECTOR_CONFIG: {}\r\n\r\nnot a key value line\r\ndist: 0.5\r\nponi1:0.1\r\nPoni2 :  0.2 \r\nROT1: 0\r\nrot2: 0\r\nRot3: 0\r\nwavelength: 1e-10\r\nUnknownKey: ignored\r\n";
        var poni = Poni.Parse(text, "mixed.poni");
        Assert.Equal(0.5, poni.Distance);
        Assert.Equal(0.1, poni.Poni1);
        Assert.Equal(0.2, poni.Poni2);
        Assert.Equal(1e-10, poni.Wavelength);
        Assert.Equal("Pilatus2M", poni.Detector.Name);
    }

    [Fact]
    public void A_leading_byte_order_mark_does_not_hide_the_first_key()
    {
        var poni = Poni.Parse("\uFEFFponi_version: 2.1\n" + V2.Replace("poni_version: 2\n", "", StringComparison.Ordinal)
            .Replace("Detector_config: {}", "Detector_config: {\"orientation\": 4}", StringComparison.Ordinal), "bom.poni");
        Assert.Equal(DetectorOrientation.BottomLeft, poni.Detector.Orientation);
    }

    [Fact]
    public void Distance_wins_over_dist_and_the_last_duplicate_wins()
    {
        var text = V2.Replace("Distance: 0.35", "dist: 0.2\nDistance: 0.3\nDistance: 0.35", StringComparison.Ordinal);
        Assert.Equal(0.35, Poni.Parse(text, "dup.poni").Distance);
    }

    [Fact]
    public void Generic_detector_comes_from_detector_config()
    {
        var text = V2.Replace("Detector: Pilatus2M", "Detector: Detector", StringComparison.Ordinal)
                     .Replace("Detector_config: {}", "Detector_config: {\"pixel1\": 7.5e-05, \"pixel2\": 8e-05, \"max_shape\": [514, 1030]}", StringComparison.Ordinal);
        var d = Poni.Parse(text, "generic.poni").Detector;
        Assert.Equal((514, 1030), (d.Rows, d.Columns));
        Assert.Equal(7.5e-05, d.PixelSize1);
        Assert.Equal(8e-05, d.PixelSize2);
        Assert.False(d.IsPilatus);
        Assert.All(d.CreateStaticMask(), b => Assert.Equal(0, b));
    }

    [Fact]
    public void Our_text_parses_back_to_identical_doubles()
    {
        var poni = new Poni
        {
            Detector = Detector.Generic(300, 200, 1e-4, 1.1e-4),
            Distance = 0.1 + 0.2,
            Poni1 = 1.0 / 3.0,
            Poni2 = -1e-5,
            Rot1 = Math.PI / 7,
            Rot2 = -0.0,
            Rot3 = 5e-324,
            Wavelength = 2.4486e-11,
        };
        var back = Poni.Parse(poni.ToPoniText(), "ours.poni");
        Assert.Equal(poni.Distance, back.Distance);
        Assert.Equal(poni.Poni1, back.Poni1);
        Assert.Equal(poni.Poni2, back.Poni2);
        Assert.Equal(poni.Rot1, back.Rot1);
        Assert.Equal(poni.Rot3, back.Rot3);
        Assert.Equal(poni.Wavelength, back.Wavelength);
        Assert.Equal((300, 200, 1e-4, 1.1e-4), (back.Detector.Rows, back.Detector.Columns, back.Detector.PixelSize1, back.Detector.PixelSize2));
    }

    [Fact]
    public void Save_and_Load_round_trip_through_a_file()
    {
        var path = Path.Combine(Path.GetTempPath(), $"oxrd-poni-{Guid.NewGuid():N}.poni");
        try
        {
            var poni = Poni.Parse(V2, "bm31.poni");
            poni.Save(path);
            var back = Poni.Load(path);
            Assert.Equal(poni.ToPoniText(), back.ToPoniText());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("Distance: 0.35\n", "Distance")]
    [InlineData("Poni1: 0.14512\n", "Poni1")]
    [InlineData("Rot3: 0.0\n", "Rot3")]
    [InlineData("Wavelength: 2.4486e-11", "Wavelength")]
    [InlineData("Detector: Pilatus2M\n", "Detector")]
    public void Missing_key_is_named_with_the_file(string line, string key)
    {
        var text = V2.Replace(line, "", StringComparison.Ordinal);
        Assert.NotEqual(V2, text);
        var ex = Assert.Throws<PoniFormatException>(() => Poni.Parse(text, "/data/cal/missing.poni"));
        Assert.Equal(key, ex.Key);
        Assert.Contains("/data/cal/missing.poni", ex.Message, StringComparison.Ordinal);
        Assert.Contains($"'{key}'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("missing", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Poni1: 0.14512", "Poni1: nan", "Poni1", 7)]
    [InlineData("Rot2: -0.0034", "Rot2: inf", "Rot2", 10)]
    [InlineData("Rot1: 0.0021", "Rot1: 0,0021", "Rot1", 9)]
    [InlineData("Distance: 0.35", "Distance: -0.35", "Distance", 6)]
    [InlineData("Distance: 0.35", "Distance: 0", "Distance", 6)]
    [InlineData("Wavelength: 2.4486e-11", "Wavelength: -1e-10", "Wavelength", 12)]
    [InlineData("Detector: Pilatus2M", "Detector: Pilatus9000X", "Detector", 4)]
    [InlineData("Detector_config: {}", "Detector_config: {\"pixel1\": ", "Detector_config", 5)]
    [InlineData("Detector_config: {}", "Detector_config: {\"splineFile\": \"d.spline\"}", "Detector_config", 5)]
    [InlineData("poni_version: 2", "poni_version: 3", "poni_version", 3)]
    public void Bad_value_is_named_with_file_key_and_line(string good, string bad, string key, int line)
    {
        var text = V2.Replace(good, bad, StringComparison.Ordinal);
        Assert.NotEqual(V2, text);
        var ex = Assert.Throws<PoniFormatException>(() => Poni.Parse(text, "bad.poni"));
        Assert.Equal(key, ex.Key);
        Assert.Equal(line, ex.Line);
        Assert.StartsWith($"bad.poni line {line}, key '{key}': ", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_detector_message_lists_the_known_ones()
    {
        var ex = Assert.Throws<PoniFormatException>(() => Poni.Parse(V2.Replace("Pilatus2M", "Eiger2_4M", StringComparison.Ordinal), "e.poni"));
        Assert.Contains("Eiger2_4M", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Pilatus300k", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Generic_detector_without_shape_in_v2_is_an_error_naming_max_shape()
    {
        var text = V2.Replace("Detector: Pilatus2M", "Detector: Detector", StringComparison.Ordinal)
                     .Replace("Detector_config: {}", "Detector_config: {\"pixel1\": 1e-4, \"pixel2\": 1e-4, \"max_shape\": null}", StringComparison.Ordinal);
        var ex = Assert.Throws<PoniFormatException>(() => Poni.Parse(text, "g.poni"));
        Assert.Equal("Detector_config", ex.Key);
        Assert.Contains("max_shape", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_file_is_a_PoniFormatException_naming_it()
    {
        var ex = Assert.Throws<PoniFormatException>(() => Poni.Load("/nonexistent/dir/cal.poni"));
        Assert.Contains("/nonexistent/dir/cal.poni", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Spline_file_in_v1_is_refused_by_name()
    {
        var ex = Assert.Throws<PoniFormatException>(() => Poni.Parse(V1.Replace("SplineFile: None", "SplineFile: /x/frelon.spline", StringComparison.Ordinal), "s.poni"));
        Assert.Equal("SplineFile", ex.Key);
    }

    internal static string FindRepoFile(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, relative);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"{relative} not found above {AppContext.BaseDirectory}");
    }
}
