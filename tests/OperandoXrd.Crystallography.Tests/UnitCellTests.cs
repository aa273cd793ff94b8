using OperandoXrd.Crystallography.Cells;
using OperandoXrd.Crystallography.Symmetry;

namespace OperandoXrd.Crystallography.Tests;

public class UnitCellTests
{
    // Expected values: textbook d-spacing formulas evaluated by hand (python, see the test names), not our metric code.
    [Theory]
    [InlineData(1, 1, 1, 3.1356008589742417)]
    [InlineData(2, 2, 0, 1.9201555353798816)]
    [InlineData(3, 1, 1, 1.6375141426287259)]
    [InlineData(4, 0, 0, 1.357755)]
    public void Cubic_d_is_a_over_root_h2_k2_l2(int h, int k, int l, double d)
    {
        var si = new UnitCell(5.43102, 5.43102, 5.43102, 90, 90, 90);
        Assert.Equal(d, si.D(h, k, l), 12);
    }

    [Theory]
    [InlineData(0, 0, 3, 4.726666666666667)]
    [InlineData(1, 0, 1, 2.4440308025646957)]
    [InlineData(0, 1, 2, 2.3419009538557516)]
    [InlineData(1, 0, 4, 2.0327385890241554)]
    [InlineData(1, 1, 0, 1.4325000000000003)]
    [InlineData(1, 0, 8, 1.442276351183141)]
    [InlineData(1, 1, 3, 1.3709232289334328)]
    public void Hexagonal_d_follows_4_3_h2_hk_k2_over_a2_plus_l2_over_c2(int h, int k, int l, double d)
    {
        var nca = new UnitCell(2.865, 2.865, 14.18, 90, 90, 120);
        Assert.Equal(d, nca.D(h, k, l), 11);
    }

    [Theory]
    [InlineData(0, 0, 1, 6.012228113617501)]
    [InlineData(0, 2, 0, 5.56)]
    [InlineData(1, 1, 0, 5.320651252167474)]
    [InlineData(1, 1, -1, 4.746209195372621)]
    [InlineData(1, 1, 1, 3.501006352064002)]
    [InlineData(2, 0, -1, 3.1714998453363106)]
    [InlineData(1, 3, -1, 3.027682380224743)]
    [InlineData(2, 0, 1, 2.398651128310345)]
    public void Monoclinic_d_follows_the_unique_b_formula(int h, int k, int l, double d)
    {
        var lic = new UnitCell(6.44, 11.12, 6.39, 90, 109.8, 90);
        Assert.Equal(d, lic.D(h, k, l), 11);
    }

    [Fact]
    public void Volumes_match_the_closed_forms()
    {
        Assert.Equal(430.5524894548673, new UnitCell(6.44, 11.12, 6.39, 90, 109.8, 90).Volume, 9);
        Assert.Equal(100.79897482629548, new UnitCell(2.865, 2.865, 14.18, 90, 90, 120).Volume, 9);
        Assert.Equal(5.43102 * 5.43102 * 5.43102, new UnitCell(5.43102, 5.43102, 5.43102, 90, 90, 90).Volume, 9);
    }

    [Fact]
    public void A_terms_follow_GSAS_convention_and_round_trip()
    {
        var nca = new UnitCell(2.865, 2.865, 14.18, 90, 90, 120);
        var a = nca.ToA();
        // Hexagonal: A0 = A1 = A3 = 4/(3a²), A2 = 1/c², A4 = A5 = 0.
        Assert.Equal(4 / (3 * 2.865 * 2.865), a[0], 14);
        Assert.Equal(a[0], a[1], 14);
        Assert.Equal(a[0], a[3], 14);
        Assert.Equal(1 / (14.18 * 14.18), a[2], 14);
        Assert.Equal(0, a[4], 14);
        Assert.Equal(0, a[5], 14);
        var tri = new UnitCell(5.1, 6.2, 7.3, 81, 97, 104);
        var back = UnitCell.FromA(tri.ToA());
        Assert.Equal(tri.A, back.A, 12);
        Assert.Equal(tri.B, back.B, 12);
        Assert.Equal(tri.C, back.C, 12);
        Assert.Equal(tri.Alpha, back.Alpha, 10);
        Assert.Equal(tri.Beta, back.Beta, 10);
        Assert.Equal(tri.Gamma, back.Gamma, 10);
    }

    [Fact]
    public void Jacobian_of_cell_with_respect_to_A_matches_finite_differences()
    {
        var tri = new UnitCell(5.1, 6.2, 7.3, 81, 97, 104);
        var a = tri.ToA();
        var j = tri.JacobianCellFromA();
        for (var k = 0; k < 6; k++)
        {
            var step = 1e-6 * Math.Max(Math.Abs(a[k]), 1e-3);
            var plus = (double[])a.Clone();
            var minus = (double[])a.Clone();
            plus[k] += step;
            minus[k] -= step;
            var cp = Values(UnitCell.FromA(plus));
            var cm = Values(UnitCell.FromA(minus));
            for (var i = 0; i < 7; i++)
            {
                var numeric = (cp[i] - cm[i]) / (2 * step);
                Assert.True(Math.Abs(numeric - j[i, k]) <= 1e-6 * Math.Max(1, Math.Abs(numeric)), $"dq{i}/dA{k}: {j[i, k]} vs {numeric}");
            }
        }
    }

    private static double[] Values(UnitCell c) => [c.A, c.B, c.C, c.Alpha, c.Beta, c.Gamma, c.Volume];

    [Fact]
    public void Cubic_esd_propagates_as_a_cubed_over_two()
    {
        // a = A^(-1/2) → σ_a = a³/2 · σ_A and σ_V = 3a²σ_a.
        var sys = LatticeSystem.Cubic;
        var a = 9.85;
        double[] p = [1 / (a * a)];
        var sigmaA = 2e-7;
        var (cell, values, esd) = sys.PropagateEsd(p, new[,] { { sigmaA * sigmaA } });
        Assert.Equal(a, cell.A, 12);
        Assert.Equal(a * a * a / 2 * sigmaA, esd[0], 12);
        Assert.Equal(esd[0], esd[1], 12);
        Assert.Equal(3 * a * a * esd[0], esd[6], 9);
        Assert.Equal(0, esd[3], 9);
        Assert.Equal(a * a * a, values[6], 9);
    }

    [Fact]
    public void Hexagonal_constraints_expand_and_give_hkl_coefficients()
    {
        var sys = LatticeSystem.Hexagonal;
        var nca = new UnitCell(2.865, 2.865, 14.18, 90, 90, 120);
        Span<double> p = stackalloc double[2];
        sys.Reduce(nca.ToA(), p);
        Span<double> a = stackalloc double[6];
        sys.Expand(p, a);
        Span<double> c = stackalloc double[2];
        sys.Coefficients(1, 0, 4, c);
        Assert.Equal(1.0, c[0]); // h² + k² + hk
        Assert.Equal(16.0, c[1]);
        Assert.Equal(nca.InverseDSquared(1, 0, 4), c[0] * p[0] + c[1] * p[1], 14);
        Assert.Equal(nca.InverseDSquared(2, -1, 3), UnitCell.InverseDSquared(a, 2, -1, 3), 14);
    }
}
