namespace OperandoXrd.Benchmarks.Codecs;

/// <summary>A simulated Pilatus2M int32 frame (1679 x 1475): Poisson counts, -1 module gaps, a few -2 pixels.</summary>
internal static class PilatusFrameData
{
    public const int Rows = 1679, Columns = 1475;

    public static int[] Create(int seed) => Simulation.Rendering.SyntheticPilatusFrame.Create(Rows, Columns, seed);
}
