using OperandoXrd.Core.Geometry;

namespace OperandoXrd.Core.Tests.Geometry;

public sealed class RadialUnitsTests
{
    private const double Lambda = 2.4486e-11;

    [Theory]
    [InlineData("2th_deg", RadialUnit.TwoThetaDeg)]
    [InlineData("2th_rad", RadialUnit.TwoThetaRad)]
    [InlineData("q_nm^-1", RadialUnit.QNm)]
    [InlineData("q_A^-1", RadialUnit.QA)]
    [InlineData("d_A", RadialUnit.DA)]
    [InlineData("r_mm", RadialUnit.RMm)]
    public void Parse_and_Name_are_inverse_for_pyFAI_names(string name, RadialUnit unit)
    {
        Assert.Equal(unit, RadialUnits.Parse(name));
        Assert.Equal(name, RadialUnits.Name(unit));
        Assert.Equal(unit, RadialUnits.Parse(" " + name.ToUpperInvariant() + " "));
    }

    [Theory]
    [InlineData("2theta")]
    [InlineData("q")]
    [InlineData("")]
    [InlineData("q_A-1")]
    public void Parse_rejects_unknown_text_naming_it(string bad)
    {
        var ex = Assert.Throws<ArgumentException>(() => RadialUnits.Parse(bad));
        Assert.Contains($"'{bad}'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("q_A^-1", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void All_lists_every_enum_value_once()
        => Assert.Equal(Enum.GetValues<RadialUnit>().Order(), RadialUnits.All.Order());

    [Fact]
    public void Known_values_at_one_angstrom_and_sixty_degrees()
    {
        // 2θ = 60°, λ = 1 Å: sin θ = 1/2, so q = 4π·½/1 Å = 2π Å⁻¹ and d = λ / (2 sin θ) = 1 Å.
        var tth = Math.PI / 3;
        Assert.Equal(60.0, RadialUnits.FromTwoTheta(RadialUnit.TwoThetaDeg, tth, 1e-10), 1e-12);
        Assert.Equal(2 * Math.PI, RadialUnits.FromTwoTheta(RadialUnit.QA, tth, 1e-10), 1e-12);
        Assert.Equal(20 * Math.PI, RadialUnits.FromTwoTheta(RadialUnit.QNm, tth, 1e-10), 1e-11);
        Assert.Equal(1.0, RadialUnits.FromTwoTheta(RadialUnit.DA, tth, 1e-10), 1e-12);
    }

    [Fact]
    public void Bragg_law_links_q_and_d()
    {
        foreach (var tthDeg in new[] { 0.5, 3.0, 11.7, 45.0, 120.0, 179.0 })
        {
            var tth = tthDeg * Math.PI / 180;
            var q = RadialUnits.FromTwoTheta(RadialUnit.QA, tth, Lambda);
            var d = RadialUnits.FromTwoTheta(RadialUnit.DA, tth, Lambda);
            Assert.Equal(1.0, q * d / (2 * Math.PI), 1e-12);
        }
    }

    [Theory]
    [InlineData(RadialUnit.TwoThetaDeg)]
    [InlineData(RadialUnit.TwoThetaRad)]
    [InlineData(RadialUnit.QNm)]
    [InlineData(RadialUnit.QA)]
    [InlineData(RadialUnit.DA)]
    public void Units_round_trip_through_two_theta(RadialUnit unit)
    {
        for (var tth = 1e-4; tth < Math.PI - 1e-3; tth *= 1.37)
        {
            var value = RadialUnits.FromTwoTheta(unit, tth, Lambda);
            var back = RadialUnits.ToTwoTheta(unit, value, Lambda);
            Assert.True(Math.Abs(back - tth) <= 1e-12 * tth, $"{RadialUnits.Name(unit)}: 2θ {tth:R} → {value:R} → {back:R}");
        }
    }

    [Fact]
    public void d_of_zero_angle_is_infinite_and_back()
    {
        Assert.Equal(double.PositiveInfinity, RadialUnits.FromTwoTheta(RadialUnit.DA, 0.0, Lambda));
        Assert.Equal(0.0, RadialUnits.ToTwoTheta(RadialUnit.DA, double.PositiveInfinity, Lambda));
    }

    [Fact]
    public void r_mm_cannot_be_converted_without_the_pixel()
    {
        Assert.Throws<ArgumentException>(() => RadialUnits.FromTwoTheta(RadialUnit.RMm, 0.1, Lambda));
        Assert.Throws<ArgumentException>(() => RadialUnits.ToTwoTheta(RadialUnit.RMm, 10, Lambda));
    }

    [Fact]
    public void Values_beyond_backscattering_and_bad_wavelengths_are_refused()
    {
        // q_max = 4π/λ: at λ = 0.24486 Å that is 51.3 Å⁻¹.
        Assert.Throws<ArgumentOutOfRangeException>(() => RadialUnits.ToTwoTheta(RadialUnit.QA, 52.0, Lambda));
        Assert.Throws<ArgumentOutOfRangeException>(() => RadialUnits.ToTwoTheta(RadialUnit.DA, 0.12, Lambda));
        Assert.Throws<ArgumentOutOfRangeException>(() => RadialUnits.ToTwoTheta(RadialUnit.QA, -1.0, Lambda));
        Assert.Throws<ArgumentOutOfRangeException>(() => RadialUnits.FromTwoTheta(RadialUnit.QA, 0.1, 0.0));
        Assert.Throws<ArgumentOutOfRangeException>(() => RadialUnits.FromTwoTheta(RadialUnit.DA, 0.1, double.NaN));
        // 2θ needs no wavelength.
        Assert.Equal(0.1, RadialUnits.FromTwoTheta(RadialUnit.TwoThetaRad, 0.1, double.NaN));
    }

    [Fact]
    public void Axis_labels_exist_for_every_unit()
        => Assert.All(RadialUnits.All, u => Assert.False(string.IsNullOrWhiteSpace(RadialUnits.AxisLabel(u))));
}
