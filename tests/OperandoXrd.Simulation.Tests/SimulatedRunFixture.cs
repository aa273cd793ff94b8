using OperandoXrd.Simulation.Operando;

namespace OperandoXrd.Simulation.Tests;

/// <summary>One small simulated run (Pilatus300K, 4 frames in two bitshuffle-LZ4 files) shared by the tests that read it.</summary>
public sealed class SimulatedRunFixture : IDisposable
{
    public SimulatedRunFixture()
    {
        Folder = Path.Combine(Path.GetTempPath(), "oxrd-sim-" + Guid.NewGuid().ToString("N"));
        Options = new SimulationOptions
        {
            OutputFolder = Folder,
            PhaseFolder = PhaseFolder,
            Frames = 4,
            FramesPerFile = 2,
            Detector = "pilatus300k",
            Seed = 42,
            EmptyCellFrames = 1,
        };
        Run = new OperandoSimulator(Options).Run();
    }

    public static string PhaseFolder => Path.Combine(AppContext.BaseDirectory, "calibration", "phases");

    public string Folder { get; }

    public SimulationOptions Options { get; }

    public SimulatedRun Run { get; }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
