namespace OperandoXrd.Pipeline.Tests;

/// <summary>Two lattice tables of the same frames, from two reductions in this one process.</summary>
internal static class LatticeAssert
{
    /// <summary>
    /// Every field to 1e-6 relative, except Rwp and GoF to 1e-3: frame 0's reference fit lands on one of two nearby
    /// minima from run to run in one process (Rwp 0.0175515 or 0.0175412 on the seed-3 run, same cell to 1e-6) — a
    /// nondeterminism of the fitter to be fixed there, not hidden here: cell parameters, esds and status stay at 1e-6.
    /// </summary>
    public static void Same(string expected, string actual)
    {
        Assert.DoesNotContain(Outputs.LatticeTable.Differences(expected, actual, 1e-6),
            d => !d.Contains(", Rwp: ", StringComparison.Ordinal) && !d.Contains(", GoF: ", StringComparison.Ordinal));
        Assert.Empty(Outputs.LatticeTable.Differences(expected, actual, 1e-3));
    }
}
