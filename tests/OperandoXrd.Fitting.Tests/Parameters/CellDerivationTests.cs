using OperandoXrd.Crystallography.Symmetry;
using OperandoXrd.Fitting.Parameters;

namespace OperandoXrd.Fitting.Tests.Parameters;

public class CellDerivationTests
{
    [Fact]
    public void Hexagonal_esds_follow_the_hand_derived_formulas()
    {
        // Hexagonal: A0 = 4/(3a²), A2 = 1/c², so a = 2/√(3A0), c = 1/√A2,
        // ∂a/∂A0 = −a/(2A0), ∂c/∂A2 = −c/(2A2), V = (√3/2)a²c.
        const double a = 2.865, c = 14.18;
        double a0 = 4 / (3 * a * a), a2 = 1 / (c * c);
        double s0 = 2e-7, s2 = 5e-8, rho = 0.3;
        double[,] cov = { { s0 * s0, rho * s0 * s2 }, { rho * s0 * s2, s2 * s2 } };

        var q = CellDerivation.FromIndependentA(LatticeSystem.Hexagonal, [a0, a2], (i, j) => cov[i, j]);

        Assert.Equal(["a", "c", "V", "c/a"], q.Select(x => x.Name));
        double daA0 = -a / (2 * a0), dcA2 = -c / (2 * a2);
        Assert.Equal(a, q[0].Value, 1e-10);
        Assert.Equal(Math.Abs(daA0) * s0, q[0].Esd, 1e-12);
        Assert.Equal(c, q[1].Value, 1e-9);
        Assert.Equal(Math.Abs(dcA2) * s2, q[1].Esd, 1e-11);
        var v = Math.Sqrt(3) / 2 * a * a * c;
        double dvA0 = Math.Sqrt(3) * a * c * daA0, dvA2 = Math.Sqrt(3) / 2 * a * a * dcA2;
        var esdV = Math.Sqrt(dvA0 * dvA0 * cov[0, 0] + 2 * dvA0 * dvA2 * cov[0, 1] + dvA2 * dvA2 * cov[1, 1]);
        Assert.Equal(v, q[2].Value, 1e-8);
        Assert.Equal(esdV, q[2].Esd, 1e-9 * v);
        double gA0 = -c / (a * a) * daA0, gA2 = dcA2 / a;
        var esdRatio = Math.Sqrt(gA0 * gA0 * cov[0, 0] + 2 * gA0 * gA2 * cov[0, 1] + gA2 * gA2 * cov[1, 1]);
        Assert.Equal(c / a, q[3].Value, 1e-10);
        Assert.Equal(esdRatio, q[3].Esd, 1e-12);
    }

    [Fact]
    public void Cubic_a_esd_is_a_over_two_A0_times_sigma()
    {
        const double a = 9.85;
        var a0 = 1 / (a * a);
        const double s = 1e-8;
        var q = CellDerivation.FromIndependentA(LatticeSystem.Cubic, [a0], (_, _) => s * s);
        Assert.Equal(["a", "V"], q.Select(x => x.Name));
        Assert.Equal(a, q[0].Value, 1e-10);
        Assert.Equal(a / (2 * a0) * s, q[0].Esd, 1e-12);
        Assert.Equal(3 * a * a * a / (2 * a0) * s, q[1].Esd, 1e-9);
    }
}
