using OperandoXrd.Core.Geometry;
using OperandoXrd.Core.Tests.Reference;
using Xunit.Abstractions;

namespace OperandoXrd.Core.Tests.Geometry;

/// <summary>
/// Our per-pixel arrays against pyFAI 0.21.3's for one geometry (full arrays, every pixel). Tolerances are far below
/// the 1e-9 the issue asks for: with pyFAI's pixel coordinates and its expression order the values are expected to
/// be the same doubles up to libm rounding.
/// </summary>
public abstract class PyFaiGeometryAgreementTests<TFixture>
    where TFixture : PyFaiGeometryFixture
{
    /// <summary>Relative agreement required for double-precision quantities.</summary>
    private const double Tight = 1e-12;

    /// <summary>pyFAI rounds polarization and corner_array to float32 (half an ulp is 6e-8, ×3 for its scaling).</summary>
    private const double Float32 = 2e-7;

    private readonly TFixture _fixture;
    private readonly ITestOutputHelper _output;
    private readonly PixelGeometry _geometry;

    protected PyFaiGeometryAgreementTests(TFixture fixture, ITestOutputHelper output)
    {
        _fixture = fixture;
        _output = output;
        _geometry = new PixelGeometry(fixture.Poni);
    }

    private int Columns => _fixture.Poni.Detector.Columns;

    private int CornerColumns => Columns + 1;

    [Fact]
    public void Reference_shape_is_the_detector_shape()
    {
        var d = _fixture.Poni.Detector;
        Assert.Equal($"{d.Rows} {d.Columns}", _fixture.Run.Text("shape"));
        Assert.Equal(d.PixelCount, _geometry.RadialCenters(RadialUnit.TwoThetaRad).Length);
    }

    [Fact]
    public void Two_theta_centres_equal_pyFAI_twoThetaArray()
        => Check(_geometry.RadialCenters(RadialUnit.TwoThetaRad), _fixture.F64("tth"), Tight, 1e-9, "2θ centres (rad)", Columns);

    [Fact]
    public void Chi_centres_equal_pyFAI_chiArray()
        => Check(_geometry.ChiCenters(), _fixture.F64("chi"), Tight, 1.0, "χ centres (rad, absolute)", Columns);

    [Fact]
    public void Q_centres_equal_pyFAI_qArray()
        => Check(_geometry.RadialCenters(RadialUnit.QNm), _fixture.F64("q_nm"), Tight, 1e-9, "q centres (nm⁻¹)", Columns);

    [Fact]
    public void R_centres_equal_pyFAI_rArray_in_mm()
    {
        var expected = _fixture.F64("r_m").Select(r => r * 1000.0).ToArray();
        Check(_geometry.RadialCenters(RadialUnit.RMm), expected, Tight, 1e-9, "r centres (mm)", Columns);
    }

    [Fact]
    public void D_centres_equal_lambda_over_two_sin_theta_from_pyFAI_two_theta()
        => Check(_geometry.RadialCenters(RadialUnit.DA), _fixture.F64("d_A"), Tight, 1e-9, "d centres (Å)", Columns);

    [Fact]
    public void Scaled_units_equal_pyFAI_array_from_unit()
    {
        if (!_fixture.Full)
        {
            return;
        }

        Check(_geometry.RadialCenters(RadialUnit.TwoThetaDeg), _fixture.F64("tth_deg"), Tight, 1e-9, "2θ centres (deg)", Columns);
        Check(_geometry.RadialCenters(RadialUnit.QA), _fixture.F64("q_A"), Tight, 1e-9, "q centres (Å⁻¹)", Columns);
        Check(_geometry.RadialCenters(RadialUnit.RMm), _fixture.F64("r_mm"), Tight, 1e-9, "r centres (mm)", Columns);
    }

    [Fact]
    public void Corner_grids_equal_pyFAI_corner_computation_in_double()
    {
        Check(_geometry.RadialCorners(RadialUnit.TwoThetaRad), _fixture.F64("corner_2th"), Tight, 1e-9, "2θ corners (rad)", CornerColumns);
        Check(_geometry.ChiCorners(), _fixture.F64("corner_chi"), Tight, 1.0, "χ corners (rad, absolute)", CornerColumns);
        if (!_fixture.Full)
        {
            return;
        }

        Check(_geometry.RadialCorners(RadialUnit.QNm), _fixture.F64("corner_q"), Tight, 1e-9, "q corners (nm⁻¹)", CornerColumns);
        var rMm = _fixture.F64("corner_r").Select(r => r * 1000.0).ToArray();
        Check(_geometry.RadialCorners(RadialUnit.RMm), rMm, Tight, 1e-9, "r corners (mm)", CornerColumns);
    }

    [Fact]
    public void Corner_grids_equal_pyFAI_calc_rad_azim_float32_output()
    {
        if (!_fixture.Full)
        {
            return;
        }

        Check(_geometry.RadialCorners(RadialUnit.TwoThetaRad), _fixture.Run.F32("corner_rad_azim_2th"), Float32, 1e-6, "2θ corners (rad) vs float32 calc_rad_azim", CornerColumns);
        Check(_geometry.ChiCorners(), _fixture.Run.F32("corner_rad_azim_chi"), Float32, 1.0, "χ corners (rad) vs float32 calc_rad_azim", CornerColumns);
    }

    [Fact]
    public void Corner_grid_assembles_into_pyFAI_corner_array_ABCD()
    {
        if (!_fixture.Full)
        {
            return;
        }

        // pyFAI's corner_array is (rows, columns, 4 corners, [radial, chi]) in float32; corner order A, B, C, D is
        // [i, j], [i+1, j], [i+1, j+1], [i, j+1] of the shared grid.
        var reference = _fixture.Run.F32("corner_array_2th_deg");
        var grid = _geometry.RadialCorners(RadialUnit.TwoThetaDeg);
        var rows = _fixture.Poni.Detector.Rows;
        var assembled = new double[rows * Columns * 4];
        var expected = new double[assembled.Length];
        for (var i = 0; i < rows; i++)
        {
            for (var j = 0; j < Columns; j++)
            {
                var p = (i * Columns) + j;
                assembled[(4 * p) + 0] = grid[(i * CornerColumns) + j];
                assembled[(4 * p) + 1] = grid[((i + 1) * CornerColumns) + j];
                assembled[(4 * p) + 2] = grid[((i + 1) * CornerColumns) + j + 1];
                assembled[(4 * p) + 3] = grid[(i * CornerColumns) + j + 1];
                for (var k = 0; k < 4; k++)
                {
                    expected[(4 * p) + k] = reference[(8 * p) + (2 * k)];
                }
            }
        }

        Check(assembled, expected, Float32, 1e-6, "2θ corners (deg) vs float32 corner_array", 4 * Columns);
    }

    [Fact]
    public void Solid_angle_equals_pyFAI_solidAngleArray()
        => Check(_geometry.SolidAngle(), _fixture.F64("solid_angle"), Tight, 1e-9, "solid angle", Columns);

    [Fact]
    public void Polarization_equals_pyFAI_expression_and_its_float32_array()
    {
        var ours = _geometry.Polarization(0.99);
        Check(ours, _fixture.F64("polarization"), Tight, 1e-9, "polarization(0.99) vs pyFAI expression", Columns);
        var d = ArrayAgreement.AssertClose(ours, _fixture.Run.F32("polarization_f32"), Float32, 1e-9, "polarization(0.99) vs ai.polarization (float32)", Columns);
        _output.WriteLine($"polarization vs float32 ai.polarization: {d.Describe(Columns)}");
    }

    [Fact]
    public void Double_precision_coordinates_equal_pyFAI_functions_with_float64_indices()
    {
        var exact = new PixelGeometry(_fixture.Poni, PixelCoordinatePrecision.Double);
        Check(exact.RadialCenters(RadialUnit.TwoThetaRad), _fixture.F64("tth_double"), Tight, 1e-9, "2θ centres, double coordinates", Columns);
        var d = ArrayAgreement.Compare(exact.RadialCenters(RadialUnit.TwoThetaRad), _fixture.F64("tth"), 1e-9);
        _output.WriteLine($"double-coordinate 2θ vs pyFAI twoThetaArray: {d.Describe(Columns)}");
        if (!_fixture.Full)
        {
            return;
        }

        Check(exact.ChiCenters(), _fixture.F64("chi_double"), Tight, 1.0, "χ centres, double coordinates", Columns);
        Check(exact.RadialCenters(RadialUnit.QNm), _fixture.F64("q_double"), Tight, 1e-9, "q centres, double coordinates", Columns);
        Check(exact.SolidAngle(), _fixture.F64("solid_angle_double"), Tight, 1e-9, "solid angle, double coordinates", Columns);
    }

    [Fact]
    public void Static_mask_equals_pyFAI_detector_mask()
    {
        var expected = _fixture.Run.U8("mask");
        var ours = _fixture.Poni.Detector.CreateStaticMask();
        Assert.Equal(expected.Length, ours.Length);
        var firstDifference = Enumerable.Range(0, ours.Length).FirstOrDefault(i => ours[i] != expected[i], -1);
        Assert.True(firstDifference < 0, $"mask differs from pyFAI's at [{firstDifference / Columns}, {firstDifference % Columns}]");
        Assert.True(expected.Count(b => b != 0) > 0, "pyFAI's Pilatus mask should not be empty");
    }

    private void Check(double[] actual, double[] expected, double tolerance, double floor, string what, int columns)
    {
        var d = ArrayAgreement.AssertClose(actual, expected, tolerance, floor, what, columns);
        _output.WriteLine($"{what}: {d.Describe(columns)}");
    }

    private void Check(double[] actual, float[] expected, double tolerance, double floor, string what, int columns)
    {
        var d = ArrayAgreement.AssertClose(actual, expected, tolerance, floor, what, columns);
        _output.WriteLine($"{what}: {d.Describe(columns)}");
    }
}

[Trait("Reference", "pyFAI")]
public sealed class Pilatus300KUntiltedAgreementTests(Pilatus300KUntiltedFixture fixture, ITestOutputHelper output)
    : PyFaiGeometryAgreementTests<Pilatus300KUntiltedFixture>(fixture, output), IClassFixture<Pilatus300KUntiltedFixture>;

[Trait("Reference", "pyFAI")]
public sealed class Pilatus300KTiltedAgreementTests(Pilatus300KTiltedFixture fixture, ITestOutputHelper output)
    : PyFaiGeometryAgreementTests<Pilatus300KTiltedFixture>(fixture, output), IClassFixture<Pilatus300KTiltedFixture>;

[Trait("Reference", "pyFAI")]
public sealed class Pilatus2MUntiltedAgreementTests(Pilatus2MUntiltedFixture fixture, ITestOutputHelper output)
    : PyFaiGeometryAgreementTests<Pilatus2MUntiltedFixture>(fixture, output), IClassFixture<Pilatus2MUntiltedFixture>;

[Trait("Reference", "pyFAI")]
public sealed class Pilatus2MTiltedAgreementTests(Pilatus2MTiltedFixture fixture, ITestOutputHelper output)
    : PyFaiGeometryAgreementTests<Pilatus2MTiltedFixture>(fixture, output), IClassFixture<Pilatus2MTiltedFixture>;
