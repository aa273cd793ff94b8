using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using OperandoXrd.Fitting.Configuration;
using OperandoXrd.Hdf5.Writers;
using OperandoXrd.Simulation.Operando;
using OperandoXrd.Simulation.Rendering;

namespace OperandoXrd.Cli.Commands;

/// <summary><c>oxrd simulate</c>: a BM31-like operando run with known truth.</summary>
internal static class SimulateCommand
{
    public static Command Create()
    {
        var pipeline = new Option<FileInfo>("--pipeline") { Description = "Pipeline config whose phase CIFs (NCA, LPSCl, LIC) are simulated.", DefaultValueFactory = _ => new FileInfo(Defaults.ReferencePipeline) };
        var frames = new Option<int>("--frames") { Description = "Number of operando frames.", Required = true };
        var output = new Option<DirectoryInfo>("--out") { Description = "Folder for the simulated run.", Required = true };
        var detector = new Option<string>("--detector") { Description = "pilatus2m or pilatus300k.", DefaultValueFactory = _ => "pilatus2m" };
        detector.AcceptOnlyFromAmong("pilatus2m", "pilatus300k");
        var compression = new Option<string>("--compression") { Description = "bslz4, deflate or none.", DefaultValueFactory = _ => "bslz4" };
        compression.AcceptOnlyFromAmong("bslz4", "deflate", "none");
        var perFile = new Option<int>("--frames-per-file") { Description = "Frames per LIMA file.", DefaultValueFactory = _ => 25 };
        var seed = new Option<ulong>("--seed") { Description = "Random seed (the run is deterministic for a seed).", DefaultValueFactory = _ => 20240314UL };
        var emerge = EmergeOption();
        var thickness = new Option<double>("--thickness") { Description = "Sample thickness along the beam, mm (rendered by integrating over depth; 0: a point sample)." };
        var attenuation = new Option<double>("--attenuation") { Description = "Sample's linear attenuation coefficient, 1/mm." };
        var beam = new Option<double[]>("--beam") { Description = "Beam size WIDTH HEIGHT (full, mm; rendered by integrating over it).", AllowMultipleArgumentsPerToken = true, Arity = new ArgumentArity(2, 2) };
        var command = new Command("simulate", "Simulate a BM31-like operando run (frames, empty cell, voltage log, truth.csv).")
        {
            pipeline, frames, output, detector, compression, perFile, seed, emerge, thickness, attenuation, beam,
        };
        command.SetAction(parse =>
        {
            var options = new SimulationOptions
            {
                OutputFolder = parse.GetValue(output)!.FullName,
                PhaseFolder = PhaseFolderOf(parse.GetValue(pipeline)!.FullName),
                Frames = Positive(parse.GetValue(frames), "--frames"),
                FramesPerFile = Positive(parse.GetValue(perFile), "--frames-per-file"),
                Detector = parse.GetValue(detector)!,
                Compression = ParseCompression(parse.GetValue(compression)!),
                Seed = parse.GetValue(seed),
                Emerging = ParseEmerging(parse.GetValue(emerge)),
                Sample = Volume(parse.GetValue(thickness), parse.GetValue(attenuation), parse.GetValue(beam)),
            };
            var run = Simulate(options);
            Console.WriteLine($"frames:      {string.Join(' ', run.FrameFiles)}");
            Console.WriteLine($"empty cell:  {run.EmptyCellFile}");
            Console.WriteLine($"calibrant:   {run.CalibrantFile} (LaB6, same geometry)");
            Console.WriteLine($"voltage log: {run.VoltageLogPath}");
            Console.WriteLine($"truth:       {run.TruthPath}");
            Console.WriteLine($"pipeline:    {run.PipelinePath}");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static SampleVolume Volume(double thickness, double attenuation, double[]? beam)
    {
        if (!(thickness >= 0) || !(attenuation >= 0) || (beam is not null && beam.Any(b => !(b >= 0))))
        {
            throw new UsageException("--thickness, --attenuation and --beam need numbers ≥ 0");
        }

        return new SampleVolume { Thickness_mm = thickness, Attenuation_per_mm = attenuation, BeamWidth_mm = beam is { Length: 2 } ? beam[0] : 0, BeamHeight_mm = beam is { Length: 2 } ? beam[1] : 0 };
    }

    /// <summary>--emerge PHASE@FRACTION[:GROWTH], repeatable (shared with oxrd demo).</summary>
    public static Option<string[]> EmergeOption() => new("--emerge")
    {
        Description = "A phase that appears during the run: PHASE@FRACTION[:GROWTH] (a CIF name in the phase folder or a .cif path; " +
            "its scale grows from zero at FRACTION of the run to full after a further GROWTH of it, default at the end). Repeatable.",
        AllowMultipleArgumentsPerToken = false,
    };

    public static IReadOnlyList<EmergingPhase> ParseEmerging(string[]? values)
    {
        try
        {
            return [.. (values ?? []).Select(EmergingPhase.Parse)];
        }
        catch (FormatException e)
        {
            throw new UsageException(e.Message, e);
        }
    }

    public static SimulatedRun Simulate(SimulationOptions options)
    {
        foreach (var e in options.Emerging)
        {
            if (!File.Exists(e.CifPath(options.PhaseFolder)))
            {
                throw new UsageException($"--emerge {e.Phase}: no CIF {e.CifPath(options.PhaseFolder)}");
            }
        }

        var watch = Stopwatch.StartNew();
        var simulator = new OperandoSimulator(options);
        var lastReport = 0L;
        var run = simulator.Run(done =>
        {
            if (watch.ElapsedMilliseconds - lastReport > 2000 || done == options.Frames)
            {
                lastReport = watch.ElapsedMilliseconds;
                Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"simulate: {done}/{options.Frames} frames ({done / watch.Elapsed.TotalSeconds:F1} frames/s)"));
            }
        });
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"simulate: {options.Frames} {options.Detector} frames in {watch.Elapsed.TotalSeconds:F1} s into {run.Folder}"));
        return run;
    }

    /// <summary>The simulator draws NCA, LPSCl and LIC from the pipeline's CIFs (and PEEK.json beside them).</summary>
    public static string PhaseFolderOf(string pipelinePath)
    {
        FitConfiguration config;
        try
        {
            config = FitConfiguration.Load(pipelinePath);
        }
        catch (FitConfigurationException e)
        {
            throw new UsageException(e.Message, e);
        }

        var nca = config.Phases.FirstOrDefault(p => string.Equals(p.Name, "NCA", StringComparison.Ordinal))
                  ?? throw new UsageException($"{pipelinePath}: the simulator needs a phase named NCA (with LPSCl and LIC beside it)");
        return Path.GetDirectoryName(nca.Cif)!;
    }

    public static FrameCompression ParseCompression(string text) => text switch
    {
        "bslz4" => FrameCompression.BitshuffleLz4,
        "deflate" => FrameCompression.Deflate,
        "none" => FrameCompression.None,
        _ => throw new UsageException($"--compression: unknown '{text}' (bslz4, deflate, none)"),
    };

    private static int Positive(int value, string name) =>
        value > 0 ? value : throw new UsageException($"{name} must be positive (got {value})");
}
