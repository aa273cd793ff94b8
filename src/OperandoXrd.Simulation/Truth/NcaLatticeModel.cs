namespace OperandoXrd.Simulation.Truth;

/// <summary>
/// Hexagonal lattice parameters of Li<sub>x</sub>Ni0.8Co0.15Al0.05O2 against its lithium content, the shape reported for
/// Ni-rich layered oxides on first charge: a contracts steadily as Ni oxidises; c expands while Li leaves the slabs
/// (growing O–O repulsion), peaks near x ≈ 0.42 and collapses towards full charge (H2→H3-like contraction).
/// </summary>
/// <remarks>
/// The numbers are a smooth caricature for the simulator, anchored at the reference starting cell (docs/formats.md) (a 2.865 Å, c 14.18 Å);
/// they are ground truth for our own tests, not literature values to cite.
/// </remarks>
public static class NcaLatticeModel
{
    public const double A0 = 2.865;
    public const double C0 = 14.18;

    /// <summary>a (Å) at lithium content x (1 = pristine).</summary>
    public static double A(double x) => A0 - 0.068 * (1 - x) - 0.012 * (1 - x) * (1 - x);

    /// <summary>c (Å) at lithium content x: rises by about 0.29 Å to x ≈ 0.42, then collapses.</summary>
    public static double C(double x)
    {
        var collapse = Math.Max(0, 0.45 - x);
        return C0 + 0.52 * (1 - x) - 9.0 * collapse * collapse;
    }
}
