using System.Text;
using OperandoXrd.Core.Geometry;
using OperandoXrd.Core.Integration;
using OperandoXrd.Core.Patterns;
using OperandoXrd.Core.Tests.Reference;
using OperandoXrd.TestSupport;

namespace OperandoXrd.Core.Tests.Patterns;

/// <summary>Patterns other programs wrote (GSAS-II's 11-BM .fxye, Dioptas' .xy) and every layout the readers promise.</summary>
public sealed class PatternFileTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "oxrd-patterns-" + Guid.NewGuid().ToString("N"));

    public PatternFileTests() => Directory.CreateDirectory(_folder);

    public void Dispose()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Theory]
    [InlineData("OH_00.fxye")]
    [InlineData("OH_53.fxye")]
    public void GSAS_fxye_is_read_as_GSAS_II_reads_it(string name)
    {
        var path = RealData.File("gsas2-seqrefine", name);
        var p = GsasFile.Read(path);
        // GSAS-II's FXYE: 2θ = column 1 / 100 (°), I = column 2, weight = 1/column 3² (the README's description).
        using var reference = PythonReference.Run("""
            import numpy as np
            a = np.loadtxt(ARGS[0], skiprows=20)
            save_f64('x', a[:, 0] / 100); save_f64('y', a[:, 1]); save_f64('w', 1 / a[:, 2] ** 2)
            """, path);
        var x = reference.F64("x");
        var y = reference.F64("y");
        var w = reference.F64("w");

        Assert.Equal(12799, p.Count);
        Assert.Equal(RadialUnit.TwoThetaDeg, p.Unit);
        Assert.Equal(0.413263, p.WavelengthA);
        Assert.Equal(0.5, p.Radial[0], 12);
        Assert.Equal(26.096, p.Radial[^1], 12);
        Assert.Equal(x, p.Radial);
        Assert.Equal(y, p.Intensity);
        for (var i = 0; i < p.Count; i++)
        {
            Assert.Equal(w[i], 1 / (p.Sigma![i] * p.Sigma[i]), w[i] * 1e-15);
        }
    }

    [Fact]
    public void Dioptas_xy_is_read_with_its_header_unit_and_wavelength()
    {
        var path = RealData.File("dioptas", "CeO2_Pilatus1M.xy");
        var p = PatternFiles.Read(path);
        using var reference = PythonReference.Run("""
            import numpy as np
            a = np.loadtxt(ARGS[0], comments='#')
            save_f64('x', a[:, 0]); save_f64('y', a[:, 1])
            """, path);

        Assert.Equal(1512, p.Count);
        Assert.Equal(0.01019698551, p.Radial[0]);
        Assert.Equal(30.82548718, p.Radial[^1]);
        Assert.Equal(reference.F64("x"), p.Radial);
        Assert.Equal(reference.F64("y"), p.Intensity);
        Assert.Null(p.Sigma);
        Assert.Equal(RadialUnit.TwoThetaDeg, p.Unit);
        Assert.Equal(0.4066, p.WavelengthA!.Value, 12);
    }

    [Fact]
    public void Text_patterns_with_CRLF_quote_comments_TOPAS_blocks_and_a_pyFAI_q_header_are_read()
    {
        var path = Write("topas.xye",
            "' TOPAS export\r\n/* a comment\r\n   over two lines */\r\n# == pyFAI calibration ==\r\n# Wavelength: 4.066e-11 m\r\n" +
            "#       q_nm^-1             I         sigma\r\n1.0 10 1 /* inline */\r\n2.0 20 2\r\n3.0 30 3\r\n");

        var p = XyeFile.Read(path);

        Assert.Equal([1.0, 2.0, 3.0], p.Radial);
        Assert.Equal([10.0, 20.0, 30.0], p.Intensity);
        Assert.Equal([1.0, 2.0, 3.0], p.Sigma!);
        Assert.Equal(RadialUnit.QNm, p.Unit);
        Assert.Equal(0.4066, p.WavelengthA!.Value, 12);
        // q in nm⁻¹ to 2θ: 2 asin(q λ / 4π).
        var (tth, _, _) = p.ToTwoThetaDegrees(RadialUnit.QNm, 0.4066);
        Assert.Equal(2 * Math.Asin(1.0 * 0.04066 / (4 * Math.PI)) * 180 / Math.PI, tth[0], 12);
    }

    [Fact]
    public void Our_xye_reads_back_what_it_wrote()
    {
        var pattern = new Pattern1D(3);
        double[] radial = [1.5, 2.5, 3.5];
        radial.CopyTo(pattern.Radial, 0);
        new[] { 7.0, 8.25, 1e6 / 3 }.CopyTo(pattern.Intensity, 0);
        new[] { 0.5, 0.25, 577.35 }.CopyTo(pattern.Sigma, 0);
        new[] { 1.0, 1.0, 1.0 }.CopyTo(pattern.Count, 0);
        var path = Path.Combine(_folder, XyeFile.FileName(3));
        XyeFile.Write(path, pattern, RadialUnit.QA, ["frame 3"], wavelengthA: 0.24486);

        var back = XyeFile.Read(path);

        Assert.Equal(radial, back.Radial);
        Assert.Equal(pattern.Intensity.Select(v => double.Parse(v.ToString("G9", System.Globalization.CultureInfo.InvariantCulture), System.Globalization.CultureInfo.InvariantCulture)), back.Intensity);
        Assert.Equal(RadialUnit.QA, back.Unit);
        Assert.Equal(0.24486, back.WavelengthA!.Value, 12);
    }

    [Fact]
    public void Fit2D_chi_is_read_with_its_axis_label()
    {
        var path = Write("a.chi", "CeO2 run 7\n2-Theta Angle (Degrees)\nIntensity\n       3\n  1.0  5.0\n  1.1  6.0\n  1.2  7.0\n");

        var p = PatternFiles.Read(path);

        Assert.Equal([1.0, 1.1, 1.2], p.Radial);
        Assert.Equal([5.0, 6.0, 7.0], p.Intensity);
        Assert.Equal(RadialUnit.TwoThetaDeg, p.Unit);
        var truncated = Write("b.chi", "t\nQ (nm^-1)\nIntensity\n 4\n 1 2\n 2 3\n");
        Assert.Contains("announces 4 points, the file holds 2", Assert.Throws<PatternFormatException>(() => PatternFiles.Read(truncated)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_folder_is_read_in_natural_numeric_order()
    {
        foreach (var n in new[] { 10, 2, 1 })
        {
            Write($"scan_{n}.xy", "1 1\n2 2\n");
        }

        var files = PatternFiles.Expand([_folder]);

        Assert.Equal(["scan_1.xy", "scan_2.xy", "scan_10.xy"], files.Select(Path.GetFileName));
    }

    [Theory]
    [InlineData("1 2\n2 x\n", ":2: '2 x' is not a row of two or three numbers")]
    [InlineData("1 2 3\n2 3\n", ":2: 2 columns where the rows above have 3")]
    [InlineData("1 2\n2 3\n1.5 4\n", ":3: the radial axis turns back")]
    [InlineData("/* never closed\n1 2\n", "a /* comment is never closed")]
    public void A_bad_text_pattern_is_one_error_naming_file_and_line(string text, string expected)
    {
        var path = Write("bad.xy", text);

        var e = Assert.Throws<PatternFormatException>(() => XyeFile.Read(path));

        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_GSAS_file_cut_short_or_of_another_kind_is_refused_clearly()
    {
        var head = "title\n# c\nBANK 1 4 1 CONS 100.0 10.0 0 0 FXYE\n";
        var cut = Write("cut.fxye", head + " 100.0 5.0 1.0\n 110.0 6.0 1.1\n");
        Assert.Contains("announces 4 points, the file holds 2", Assert.Throws<PatternFormatException>(() => GsasFile.Read(cut)).Message, StringComparison.Ordinal);
        var tof = Write("tof.gsas", "title\nBANK 1 4 1 RALF 1000 32 1000 0.0005 ALT\n");
        Assert.Contains("only constant-wavelength banks", Assert.Throws<PatternFormatException>(() => GsasFile.Read(tof)).Message, StringComparison.Ordinal);
        // ESD records: five (I, σ) pairs per 80 columns, 2θ from the CONS start and step in centidegrees.
        var esd = Write("esd.gsas", "title\nBANK 1 3 1 CONS 500.0 2.0 0 0 ESD\n" + "    10.0     1.0    20.0     2.0    30.0     3.0\n");
        var p = GsasFile.Read(esd);
        Assert.Equal([5.0, 5.02, 5.04], p.Radial.Select(v => Math.Round(v, 12)));
        Assert.Equal([10.0, 20.0, 30.0], p.Intensity);
        Assert.Equal([1.0, 2.0, 3.0], p.Sigma!);
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, text, new UTF8Encoding(false));
        return path;
    }
}
