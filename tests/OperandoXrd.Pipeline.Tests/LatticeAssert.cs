namespace OperandoXrd.Pipeline.Tests;

/// <summary>Two lattice tables of the same frames, from two reductions in this one process.</summary>
internal static class LatticeAssert
{
    /// <summary>
    /// Every field identical. The fitter is deterministic: the same patterns fitted in the same order give the same
    /// bits (DeterminismTests); a difference here is a real difference in what was fitted.
    /// </summary>
    public static void Same(string expected, string actual) =>
        Assert.Empty(Fitting.Output.LatticeCsv.Differences(expected, actual, 0));
}
