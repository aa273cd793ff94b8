using OperandoXrd.Pipeline.Configuration;
using OperandoXrd.Pipeline.Peek;
using OperandoXrd.Simulation.Operando;

namespace OperandoXrd.Cli.Tests;

/// <summary>A simulated Pilatus300K run in <c>folder/data</c> with its PEEK model built from the empty cell: what the CLI tests reduce.</summary>
internal static class SmallSimulatedRun
{
    public static (SimulatedRun Run, string Peek) Create(string folder, int frames, int framesPerFile, ulong seed)
    {
        var run = new OperandoSimulator(new SimulationOptions
        {
            OutputFolder = Path.Combine(folder, "data"),
            PhaseFolder = Path.Combine(AppContext.BaseDirectory, "calibration", "phases"),
            Frames = frames,
            FramesPerFile = framesPerFile,
            Detector = "pilatus300k",
            Seed = seed,
            EmptyCellFrames = 1,
        }).Run();
        var (model, _) = PeekModelBuilder.Build(PipelineConfig.Load(run.PipelinePath), run.PoniPath, [run.EmptyCellFile]);
        var peek = Path.Combine(run.Folder, "peek-model.json");
        model.Save(peek);
        return (run, peek);
    }
}
