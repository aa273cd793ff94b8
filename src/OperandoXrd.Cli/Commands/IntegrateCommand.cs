using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using OperandoXrd.Core.Frames;
using OperandoXrd.Core.Geometry;
using OperandoXrd.Core.Integration;
using OperandoXrd.Core.Patterns;
using OperandoXrd.Pipeline.Hosting;
using OperandoXrd.Pipeline.Stages;
using Spectre.Console;

namespace OperandoXrd.Cli.Commands;

/// <summary><c>oxrd integrate</c>: azimuthal integration of every frame into NeXus/HDF5 (and optionally .xye files).</summary>
internal static class IntegrateCommand
{
    public static Command Create()
    {
        var poni = new Option<FileInfo>("--poni") { Description = "pyFAI PONI file (v1, v2, v2.1) with the detector.", Required = true };
        var input = new Option<string[]>("--input") { Description = InputHelp, Required = true, AllowMultipleArgumentsPerToken = true, Arity = ArgumentArity.OneOrMore };
        var dataset = new Option<string?>("--dataset") { Description = "HDF5 path of the frames, overriding layout detection." };
        var flip = FlipOption();
        var npt = new Option<int>("--npt") { Description = "Number of radial bins.", DefaultValueFactory = _ => 3000 };
        var unit = new Option<string>("--unit") { Description = "Radial unit: 2th_deg, 2th_rad, q_A^-1, q_nm^-1, d_A or r_mm.", DefaultValueFactory = _ => "2th_deg" };
        var range = new Option<double[]>("--range") { Description = "Radial range MIN MAX in the unit (default: the detector's extent).", AllowMultipleArgumentsPerToken = true, Arity = new ArgumentArity(2, 2) };
        var azimuth = new Option<double[]>("--azimuth-range") { Description = "Azimuthal sector MIN MAX in degrees (pyFAI's chi); pixels whose centre lies outside are left out.", AllowMultipleArgumentsPerToken = true, Arity = new ArgumentArity(2, 2) };
        var split = new Option<string>("--split") { Description = "Pixel splitting: none, bbox or full.", DefaultValueFactory = _ => "bbox" };
        split.AcceptOnlyFromAmong("none", "bbox", "full");
        var polarization = new Option<double?>("--polarization") { Description = "Polarization factor in [-1, 1] (0.99 at a synchrotron); default: no correction." };
        var mask = new Option<FileInfo?>("--mask") { Description = "Mask image (non-zero = masked), added to the detector's gaps: .npy, .edf, .cbf, .tif or FILE.h5:/dataset." };
        var dark = new Option<FileInfo?>("--dark") { Description = "Dark image subtracted from every frame: .npy, .edf, .cbf, .tif, FILE.h5:/dataset or a frame file (its first frame)." };
        var flat = new Option<FileInfo?>("--flat") { Description = "Flat-field image intensities are divided by: .npy, .edf, .cbf, .tif or FILE.h5:/dataset." };
        var output = new Option<FileInfo>("--out") { Description = "NeXus/HDF5 result file (/entry/integrated).", Required = true };
        var xye = new Option<DirectoryInfo?>("--xye") { Description = "Also write frame_NNNNN.xye per frame into this folder." };
        var cache = new Option<DirectoryInfo?>("--cache") { Description = "Folder for the sparse-matrix cache (default: .oxrd-cache beside the output)." };
        var command = new Command("integrate", "Azimuthal integration of detector frames (pyFAI-exact, SIMD) into NeXus/HDF5 and .xye.")
        {
            poni, input, dataset, flip, npt, unit, range, azimuth, split, polarization, mask, dark, flat, output, xye, cache,
        };
        command.SetAction(parse => Guard(() =>
        {
            var outFile = parse.GetValue(output)!.FullName;
            var request = new IntegrateRequest
            {
                PoniPath = parse.GetValue(poni)!.FullName,
                Inputs = parse.GetValue(input)!,
                Dataset = parse.GetValue(dataset),
                Flip = parse.GetValue(flip) ? FrameFlip.UpDown : FrameFlip.None,
                Npt = parse.GetValue(npt),
                Unit = ParseUnit(parse.GetValue(unit)!),
                Range = Pair(parse.GetValue(range), "--range"),
                Azimuth = Pair(parse.GetValue(azimuth), "--azimuth-range"),
                Split = PixelSplits.Parse(parse.GetValue(split)!),
                Polarization = parse.GetValue(polarization),
                MaskPath = parse.GetValue(mask)?.ToString(),
                DarkPath = parse.GetValue(dark)?.ToString(),
                FlatPath = parse.GetValue(flat)?.ToString(),
                OutputPath = outFile,
                XyeFolder = parse.GetValue(xye)?.FullName,
                CacheFolder = parse.GetValue(cache)?.FullName ?? Path.Combine(Path.GetDirectoryName(outFile) ?? ".", ".oxrd-cache"),
            };
            return Run(request);
        }));
        return command;
    }

    /// <summary>What every command that reads frames says about <c>--input</c>.</summary>
    internal const string InputHelp = "Frame files or folders: HDF5 (LIMA, BLISS, a Dectris master; a folder: every *.h5 in name order), or Pilatus miniCBF / TIFF / EDF images (a folder: one scan in natural numeric order).";

    /// <summary><c>--flip-ud</c>: the frames mirrored up–down as they are read (what Dioptas does to every image, so a Dioptas PONI needs it).</summary>
    internal static Option<bool> FlipOption() => new("--flip-ud")
    {
        Description = "Flip every frame up-down as it is read (row 0 = the last stored row), as Dioptas does: use it with a PONI calibrated in Dioptas.",
    };

    /// <summary>Bad arguments and unreadable inputs end in one line on stderr and exit code 2, not a stack trace.</summary>
    internal static int Guard(Func<int> action)
    {
        try
        {
            return action();
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine($"oxrd: {e.Message}");
            return ExitCodes.BadArguments;
        }
    }

    internal sealed record IntegrateRequest
    {
        public required string PoniPath { get; init; }
        public required IReadOnlyList<string> Inputs { get; init; }
        public string? Dataset { get; init; }
        public FrameFlip Flip { get; init; }
        public int Npt { get; init; } = 3000;
        public RadialUnit Unit { get; init; } = RadialUnit.TwoThetaDeg;
        public (double, double)? Range { get; init; }
        public (double, double)? Azimuth { get; init; }
        public PixelSplit Split { get; init; } = PixelSplit.BBox;
        public double? Polarization { get; init; }
        public string? MaskPath { get; init; }
        public string? DarkPath { get; init; }
        public string? FlatPath { get; init; }
        public required string OutputPath { get; init; }
        public string? XyeFolder { get; init; }
        public string? CacheFolder { get; init; }
    }

    /// <param name="report">Given the stages' figures when the frames are done (oxrd bench integrate).</param>
    internal static int Run(IntegrateRequest r, Action<IntegrationPipelineResult>? report = null)
    {
        var clock = Stopwatch.StartNew();
        Poni poni;
        try
        {
            poni = Poni.Load(r.PoniPath);
        }
        catch (Exception e) when (e is PoniFormatException or IOException or ArgumentException)
        {
            throw new UsageException(e.Message, e);
        }

        using var source = OpenFrames(r);
        poni = poni.ForFrames(source.Rows, source.Columns);
        var detector = poni.Detector;
        if (source.Rows != detector.Rows || source.Columns != detector.Columns)
        {
            throw new UsageException(string.Create(CultureInfo.InvariantCulture,
                $"{source.Description}: frames are {source.Rows}x{source.Columns} but the PONI {r.PoniPath} says {detector.Name} ({detector.Rows}x{detector.Columns})"));
        }

        var maskImage = r.MaskPath is null ? null : AuxiliaryImage.Read(r.MaskPath, detector.Rows, detector.Columns, "mask");
        var darkImage = r.DarkPath is null ? null : AuxiliaryImage.Read(r.DarkPath, detector.Rows, detector.Columns, "dark");
        var flatImage = r.FlatPath is null ? null : AuxiliaryImage.Read(r.FlatPath, detector.Rows, detector.Columns, "flat");
        var options = new IntegrationOptions
        {
            Npt = r.Npt,
            Unit = r.Unit,
            Split = r.Split,
            RadialRange = r.Range,
            AzimuthRangeDegrees = r.Azimuth,
            PolarizationFactor = r.Polarization,
            Mask = maskImage?.Select(v => v != 0 ? (byte)1 : (byte)0).ToArray(),
            Flat = flatImage,
        };

        AzimuthalIntegrator integrator;
        try
        {
            integrator = AzimuthalIntegrator.Create(new PixelGeometry(poni), options, r.CacheFolder, r.PoniPath);
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message, e);
        }

        using var _ = integrator;
        if (integrator.CacheWarning is { } warning)
        {
            Log("integrate: " + warning);
        }

        Log(string.Create(CultureInfo.InvariantCulture,
            $"integrate: {source.FrameCount} frames from {source.Description} ({source.DType}, times by {source.TimeRule}); {r.Npt} bins in {RadialUnits.Name(r.Unit)}, {PixelSplits.Name(r.Split)} split; matrix {(integrator.LoadedFromCache ? "from cache" : "built")} in {integrator.BuildTime.TotalMilliseconds:F0} ms"));
        if (r.XyeFolder is not null)
        {
            Directory.CreateDirectory(r.XyeFolder);
        }

        var failed = new List<string>();
        IntegrationPipelineResult result;
        using (var writer = new PatternFileWriter(r.OutputPath, integrator, poni, r))
        {
            // Reading, integrating and writing overlap (IntegrationPipeline): frame i + 1 is decoded and frame i − 1
            // written while frame i is integrated; patterns reach the writer in frame order.
            IntegrationPipelineResult Frames(Action<int> progress) => IntegrationPipeline.RunAsync(source, integrator, darkImage,
                frame =>
                {
                    var pattern = frame.Pattern!;
                    writer.Append(frame.Index, frame.Timing, pattern);
                    if (r.XyeFolder is not null)
                    {
                        XyeFile.Write(Path.Combine(r.XyeFolder, XyeFile.FileName(frame.Index)), pattern, r.Unit,
                        [
                            string.Create(CultureInfo.InvariantCulture, $"frame {frame.Index} of {source.Description}"),
                            string.Create(CultureInfo.InvariantCulture, $"start {frame.Timing.Start:O}, exposure {frame.Timing.ExposureSeconds:G6} s"),
                            $"poni {r.PoniPath}",
                        ]);
                    }

                    progress(frame.Index + 1);
                },
                frame =>
                {
                    failed.Add(frame.Error!);
                    progress(frame.Index + 1);
                }).GetAwaiter().GetResult();

            if (!Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive)
            {
                result = AnsiConsole.Progress()
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                    .Start(ctx =>
                    {
                        var task = ctx.AddTask("integrating", maxValue: Math.Max(1, source.FrameCount));
                        return Frames(done => task.Value = done);
                    });
            }
            else
            {
                var lastLog = 0L;
                result = Frames(done =>
                {
                    if (clock.ElapsedMilliseconds - lastLog > 2000)
                    {
                        lastLog = clock.ElapsedMilliseconds;
                        Log(string.Create(CultureInfo.InvariantCulture, $"integrate: {done}/{source.FrameCount} frames ({done / clock.Elapsed.TotalSeconds:F1} frames/s)"));
                    }
                });
            }
        }

        report?.Invoke(result);
        var done = result.Written;
        var pipelineSeconds = result.Elapsed.TotalSeconds;
        Log(string.Create(CultureInfo.InvariantCulture,
            $"integrate: {done} frames in {clock.Elapsed.TotalSeconds:F2} s, {pipelineSeconds:F2} s of them through the stages ({done / pipelineSeconds:F1} frames/s; per frame, overlapped: {result.Reading.TotalMilliseconds / Math.Max(1, done):F1} ms reading, {result.Integrating.TotalMilliseconds / Math.Max(1, done):F1} ms integrating, {result.Writing.TotalMilliseconds / Math.Max(1, done):F1} ms writing) → {r.OutputPath}"));
        if (failed.Count > 0)
        {
            Log($"integrate: {failed.Count} frames failed:");
            foreach (var f in failed)
            {
                Log("  " + f);
            }

            return ExitCodes.SomeFramesFailed;
        }

        return ExitCodes.Ok;
    }

    private static IFrameSource OpenFrames(IntegrateRequest r)
    {
        try
        {
            return FrameSourceFactory.Open(new FrameSourceRequest(r.Inputs, r.Dataset, Flip: r.Flip));
        }
        catch (Exception e) when (e is FrameSourceException or IOException or ArgumentException)
        {
            throw new UsageException(e.Message, e);
        }
    }

    internal static RadialUnit ParseUnit(string text)
    {
        try
        {
            return RadialUnits.Parse(text);
        }
        catch (ArgumentException e)
        {
            throw new UsageException("--unit: " + e.Message, e);
        }
    }

    private static (double, double)? Pair(double[]? values, string name)
    {
        if (values is null || values.Length == 0)
        {
            return null;
        }

        if (values.Length != 2 || !(values[0] < values[1]))
        {
            throw new UsageException(string.Create(CultureInfo.InvariantCulture, $"{name} needs MIN MAX with MIN < MAX, got {string.Join(' ', values)}"));
        }

        return (values[0], values[1]);
    }

    private static void Log(string line) => Console.Error.WriteLine(line);
}
