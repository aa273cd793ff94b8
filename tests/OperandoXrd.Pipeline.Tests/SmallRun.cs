using OperandoXrd.Pipeline.Configuration;
using OperandoXrd.Pipeline.Peek;
using OperandoXrd.Simulation.Operando;
using OperandoXrd.Simulation.Rendering;

namespace OperandoXrd.Pipeline.Tests;

/// <summary>A small simulated operando run (Pilatus300K) with its PEEK model, in a temporary folder.</summary>
public sealed class SmallRun : IDisposable
{
    public SmallRun(int frames = 8, int framesPerFile = 4, ulong seed = 7, string detector = "pilatus300k", IReadOnlyList<EmergingPhase>? emerging = null, SampleVolume? sample = null)
    {
        Folder = Path.Combine(Path.GetTempPath(), "oxrd-pipe-" + Guid.NewGuid().ToString("N"));
        Run = new OperandoSimulator(new SimulationOptions
        {
            OutputFolder = Path.Combine(Folder, "data"),
            PhaseFolder = Path.Combine(AppContext.BaseDirectory, "calibration", "phases"),
            Frames = frames,
            FramesPerFile = framesPerFile,
            Detector = detector,
            Seed = seed,
            EmptyCellFrames = 2,
            Emerging = emerging ?? [],
            Sample = sample ?? SampleVolume.Point,
        }).Run();
        var (model, _) = PeekModelBuilder.Build(PipelineConfig.Load(Run.PipelinePath), Run.PoniPath, [Run.EmptyCellFile]);
        PeekPath = Path.Combine(Run.Folder, "peek-model.json");
        model.Save(PeekPath);
    }

    public string Folder { get; }

    public SimulatedRun Run { get; }

    public string PeekPath { get; }

    public ReduceOptions Options(string output, IReadOnlyList<string>? inputs = null, string? pipeline = null)
    {
        var config = PipelineConfig.Load(pipeline ?? Run.PipelinePath);
        return new ReduceOptions
        {
            Pipeline = config,
            Inputs = inputs?.ToList() ?? [.. config.Inputs],
            PoniPath = config.Poni,
            PeekPath = PeekPath,
            EchemPath = config.Echem.File,
            OutputFolder = Path.Combine(Folder, output),
            CheckpointInterval_s = 0.05,
        };
    }

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
