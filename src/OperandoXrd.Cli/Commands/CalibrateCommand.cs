using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using OperandoXrd.Calibration;
using OperandoXrd.Calibration.Calibrants;
using OperandoXrd.Calibration.Instrument;
using OperandoXrd.Calibration.Output;
using OperandoXrd.Core.Frames;
using OperandoXrd.Core.Geometry;
using OperandoXrd.Pipeline.Stages;

namespace OperandoXrd.Cli.Commands;

/// <summary>
/// <c>oxrd calibrate</c>: the geometry from a calibrant image (and, with <c>--instrument</c>, the instrument's
/// profile). Start: a PONI guess, or <c>--dist</c> and <c>--center</c>, or neither (the beam centre and distance are
/// searched over the whole detector). Writes the PONI (v2), the control points beside it and prints the report.
/// </summary>
internal static class CalibrateCommand
{
    public static Command Create()
    {
        var input = new Option<string[]>("--input") { Description = "Calibrant frame files, folders or a Dectris master.", Required = true, AllowMultipleArgumentsPerToken = true, Arity = ArgumentArity.OneOrMore };
        var dataset = new Option<string?>("--dataset") { Description = "HDF5 dataset of the frames (default: found from the layout)." };
        var calibrant = new Option<string>("--calibrant") { Description = "LaB6, CeO2, Si or a CIF file.", Required = true };
        var wavelength = new Option<double?>("--wavelength") { Description = "X-ray wavelength, Å (default: the --poni guess's)." };
        var detector = new Option<string?>("--detector") { Description = "Detector name (Pilatus2M, Pilatus1M, Pilatus300k, ...) when no --poni guess is given." };
        var poni = new Option<FileInfo?>("--poni") { Description = "Start geometry (a PONI guess)." };
        var dist = new Option<double?>("--dist") { Description = "Start sample–detector distance, mm." };
        var center = new Option<double[]?>("--center") { Description = "Start beam centre X Y in pixels (X = column, Y = row).", AllowMultipleArgumentsPerToken = true, Arity = new ArgumentArity(2, 2) };
        var mask = new Option<FileInfo?>("--mask") { Description = "Mask image (non-zero = masked), added to the detector's gaps: .npy, .edf or FILE.h5:/dataset." };
        var dark = new Option<FileInfo?>("--dark") { Description = "Dark image subtracted from the frames." };
        var frames = new Option<int>("--frames") { Description = "Average the first N frames.", DefaultValueFactory = _ => 1 };
        var rings = new Option<int?>("--rings") { Description = "Use at most K rings (lowest 2θ first); default: every ring with enough points." };
        var free = new Option<string?>("--free") { Description = "Also refine rot3 and/or wavelength: --free rot3,wavelength." };
        var output = new Option<FileInfo>("--out") { Description = "Refined PONI to write; the control points go beside it (NAME_points.csv).", Required = true };
        var instrument = new Option<FileInfo?>("--instrument") { Description = "Also fit the calibrant's pattern for the TCH profile and write instrument.json." };
        var report = new Option<DirectoryInfo?>("--report") { Description = "Folder for figures: the image with rings and points, the integrated pattern with ticks." };
        var command = new Command("calibrate", "Find the detector geometry from calibrant rings (LaB6, CeO2, Si or a CIF) and, optionally, the instrument profile.")
        {
            input, dataset, calibrant, wavelength, detector, poni, dist, center, mask, dark, frames, rings, free, output, instrument, report,
        };
        command.SetAction(parse => IntegrateCommand.Guard(() => Run(new CalibrateRequest
        {
            Inputs = parse.GetValue(input)!,
            Dataset = parse.GetValue(dataset),
            Calibrant = parse.GetValue(calibrant)!,
            Wavelength = parse.GetValue(wavelength),
            Detector = parse.GetValue(detector),
            PoniPath = parse.GetValue(poni)?.FullName,
            DistanceMm = parse.GetValue(dist),
            Center = parse.GetValue(center) is { Length: 2 } xy ? xy : null,
            MaskPath = parse.GetValue(mask)?.ToString(),
            DarkPath = parse.GetValue(dark)?.ToString(),
            Frames = parse.GetValue(frames),
            Rings = parse.GetValue(rings),
            Free = parse.GetValue(free),
            OutputPath = parse.GetValue(output)!.FullName,
            InstrumentPath = parse.GetValue(instrument)?.FullName,
            ReportFolder = parse.GetValue(report)?.FullName,
        })));
        return command;
    }

    internal sealed record CalibrateRequest
    {
        public required IReadOnlyList<string> Inputs { get; init; }

        public string? Dataset { get; init; }

        public required string Calibrant { get; init; }

        public double? Wavelength { get; init; }

        public string? Detector { get; init; }

        public string? PoniPath { get; init; }

        public double? DistanceMm { get; init; }

        public double[]? Center { get; init; }

        public string? MaskPath { get; init; }

        public string? DarkPath { get; init; }

        public int Frames { get; init; } = 1;

        public int? Rings { get; init; }

        public string? Free { get; init; }

        public required string OutputPath { get; init; }

        public string? InstrumentPath { get; init; }

        public string? ReportFolder { get; init; }
    }

    internal static int Run(CalibrateRequest r)
    {
        var watch = Stopwatch.StartNew();
        Calibrant calibrant;
        try
        {
            calibrant = Calibrant.Resolve(r.Calibrant);
        }
        catch (ArgumentException e)
        {
            throw new UsageException("--calibrant: " + e.Message, e);
        }

        var (freeRot3, freeWavelength) = ParseFree(r.Free);
        if (r.Frames < 1)
        {
            throw new UsageException($"--frames must be at least 1 (got {r.Frames})");
        }

        if (r.Rings is < 2)
        {
            throw new UsageException($"--rings must be at least 2 (got {r.Rings})");
        }

        Poni? guess = null;
        if (r.PoniPath is not null)
        {
            try
            {
                guess = Poni.Load(r.PoniPath);
            }
            catch (PoniFormatException e)
            {
                throw new UsageException(e.Message, e);
            }
        }
        else if (r.Detector is null)
        {
            throw new UsageException("calibrate: give --poni GUESS.poni or --detector NAME");
        }

        IFrameSource source;
        try
        {
            source = FrameSourceFactory.Open(new FrameSourceRequest(r.Inputs, r.Dataset));
        }
        catch (Exception e) when (e is FrameSourceException or IOException or ArgumentException)
        {
            throw new UsageException(e.Message, e);
        }

        using (source)
        {
            var start = StartGeometry(r, guess, source);
            var image = ReadImage(r, source, start.Detector);
            var options = new CalibrationOptions
            {
                Calibrant = calibrant,
                Start = start,
                FreeRot3 = freeRot3,
                FreeWavelength = freeWavelength,
                MaxRings = r.Rings,
                // A PONI guess or a given centre: search near it; no centre at all: search the whole detector.
                CentreSearchRadius = guess is not null || r.Center is not null ? 60 : null,
                DistanceRange = r.DistanceMm is not null || guess is not null
                    ? (start.Distance * 0.85, start.Distance * 1.15)
                    : (0.03, 3.0),
            };
            CalibrationResult result;
            try
            {
                result = Calibrator.Run(image, options, line => Console.Error.WriteLine("calibrate: " + line));
            }
            catch (CalibrationException e)
            {
                throw new UsageException(e.Message + $" (tried: {Tried(r, guess)})", e);
            }

            Console.Write(CalibrationOutputs.Report(result, calibrant));
            CalibrationOutputs.WritePoni(r.OutputPath, result);
            var pointsPath = Path.Combine(Path.GetDirectoryName(r.OutputPath) ?? ".", Path.GetFileNameWithoutExtension(r.OutputPath) + "_points.csv");
            CalibrationOutputs.WriteControlPoints(pointsPath, result, calibrant);
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"calibrate: {r.OutputPath} and {pointsPath} written in {watch.Elapsed.TotalSeconds:F1} s"));
            WriteExtras(r, image, result, calibrant);
        }

        return ExitCodes.Ok;
    }

    /// <summary>With --instrument: the calibrant's profile fit and instrument.json; with --report: the figures.</summary>
    private static void WriteExtras(CalibrateRequest r, CalibrationImage image, CalibrationResult result, Calibrant calibrant)
    {
        if (r.InstrumentPath is null && r.ReportFolder is null)
        {
            return;
        }

        var (tth, intensity, sigma) = InstrumentProfileFitter.Integrate(image, result.Poni);
        double[]? calculated = null;
        if (r.InstrumentPath is not null)
        {
            InstrumentFit fit;
            try
            {
                fit = InstrumentProfileFitter.FitPattern(tth, intensity, sigma, calibrant, result.Poni.Wavelength * 1e10);
            }
            catch (CalibrationException e)
            {
                throw new UsageException($"{image.Source}: {e.Message}", e);
            }

            calculated = fit.Calculated;
            var source = string.Create(CultureInfo.InvariantCulture, $"oxrd calibrate: {image.Source}, {DateTime.UtcNow:yyyy-MM-ddTHH:mm:ssZ}");
            fit.ToInstrumentProfile(result.Poni.Wavelength * 1e10, calibrant.Name, r.OutputPath, source).Save(r.InstrumentPath);
            var p = fit.Profile;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"instrument profile (Rwp {fit.Rwp:P2}, GoF {fit.GoF:F2}): U {p.U:E4} ± {fit.Esd[0]:E2}, V {p.V:E4} ± {fit.Esd[1]:E2}, W {p.W:E4} ± {fit.Esd[2]:E2} deg², X {p.X:E4} ± {fit.Esd[3]:E2}, Y {p.Y:E4} ± {fit.Esd[4]:E2} deg → {r.InstrumentPath}"));
        }

        if (r.ReportFolder is not null)
        {
            foreach (var file in CalibrationFigures.Write(r.ReportFolder, image, result, calibrant, tth, intensity, calculated))
            {
                Console.Error.WriteLine($"calibrate: figure {file}");
            }
        }
    }

    private static (bool Rot3, bool Wavelength) ParseFree(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return (false, false);
        }

        bool rot3 = false, wavelength = false;
        foreach (var item in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            switch (item.ToLowerInvariant())
            {
                case "rot3":
                    rot3 = true;
                    break;
                case "wavelength" or "lambda" or "energy":
                    wavelength = true;
                    break;
                default:
                    throw new UsageException($"--free: '{item}' is not rot3 or wavelength");
            }
        }

        return (rot3, wavelength);
    }

    private static Poni StartGeometry(CalibrateRequest r, Poni? guess, IFrameSource source)
    {
        Detector detector;
        if (guess is not null)
        {
            detector = guess.Detector.HasShape ? guess.Detector : guess.Detector.WithShape(source.Rows, source.Columns);
        }
        else
        {
            try
            {
                detector = Detector.FromName(r.Detector!);
            }
            catch (ArgumentException e)
            {
                throw new UsageException("--detector: " + e.Message, e);
            }
        }

        if (detector.Rows != source.Rows || detector.Columns != source.Columns)
        {
            throw new UsageException(string.Create(CultureInfo.InvariantCulture,
                $"{source.Description}: frames are {source.Rows} × {source.Columns} but detector {detector.Name} is {detector.Rows} × {detector.Columns}"));
        }

        var lambdaA = r.Wavelength ?? (guess?.Wavelength * 1e10) ?? throw new UsageException("calibrate: --wavelength Å is required without a --poni guess");
        if (!(lambdaA > 0) || !double.IsFinite(lambdaA))
        {
            throw new UsageException($"--wavelength must be a positive number of Å (got {lambdaA})");
        }

        if (r.DistanceMm is double d && !(d > 0))
        {
            throw new UsageException($"--dist must be positive, mm (got {d})");
        }

        var distance = r.DistanceMm / 1e3 ?? guess?.Distance ?? 0.3;
        double rot1 = guess?.Rot1 ?? 0, rot2 = guess?.Rot2 ?? 0, rot3 = guess?.Rot3 ?? 0;
        double poni1 = guess?.Poni1 ?? 0, poni2 = guess?.Poni2 ?? 0;
        if (r.Center is { Length: 2 } c)
        {
            // Put the direct beam on the given centre with the start's tilts: the pattern moves rigidly with the PONI.
            var origin = new DetectorProjection(detector, distance, 0, 0, rot1, rot2, rot3).BeamCenter();
            poni1 = (c[1] - origin.Row) * detector.PixelSize1;
            poni2 = (c[0] - origin.Column) * detector.PixelSize2;
        }
        else if (guess is null)
        {
            // No centre: start at the detector's middle; the search covers the whole detector.
            poni1 = detector.Rows * detector.PixelSize1 / 2;
            poni2 = detector.Columns * detector.PixelSize2 / 2;
        }

        return new Poni
        {
            Detector = detector,
            Distance = distance,
            Poni1 = poni1,
            Poni2 = poni2,
            Rot1 = rot1,
            Rot2 = rot2,
            Rot3 = rot3,
            Wavelength = lambdaA * 1e-10,
        };
    }

    private static CalibrationImage ReadImage(CalibrateRequest r, IFrameSource source, Detector detector)
    {
        if (source.FrameCount == 0)
        {
            throw new UsageException($"{source.Description}: no frames");
        }

        var n = Math.Min(r.Frames, source.FrameCount);
        var sum = new float[detector.PixelCount];
        var frame = new float[detector.PixelCount];
        var negative = new byte[detector.PixelCount];
        for (var i = 0; i < n; i++)
        {
            try
            {
                source.ReadFrame(i, frame);
            }
            catch (FrameSourceException e)
            {
                throw new UsageException($"{source.Description}: frame {i}: {e.Message}", e);
            }

            for (var p = 0; p < frame.Length; p++)
            {
                if (frame[p] < 0)
                {
                    negative[p] = 1;
                }

                sum[p] += frame[p] / n;
            }
        }

        var mask = detector.CreateStaticMask();
        if (r.MaskPath is not null)
        {
            var user = AuxiliaryImage.Read(r.MaskPath, detector.Rows, detector.Columns, "mask");
            for (var p = 0; p < mask.Length; p++)
            {
                mask[p] |= user[p] != 0 ? (byte)1 : (byte)0;
            }
        }

        for (var p = 0; p < mask.Length; p++)
        {
            mask[p] |= negative[p];
        }

        var dark = r.DarkPath is null ? null : AuxiliaryImage.Read(r.DarkPath, detector.Rows, detector.Columns, "dark");
        var what = n == 1 ? $"{source.Description} frame 0" : $"{source.Description} frames 0–{n - 1}";
        return CalibrationImage.FromCounts(sum, detector.Rows, detector.Columns, what, mask, dark);
    }

    private static string Tried(CalibrateRequest r, Poni? guess) =>
        guess is not null ? $"beam centre within 60 pixels and distance ±15 % of the guess {r.PoniPath}"
        : r.Center is not null ? "beam centre within 60 pixels of --center, distance " + (r.DistanceMm is null ? "30–3000 mm" : "±15 % of --dist")
        : "beam centre anywhere on the detector, distance " + (r.DistanceMm is null ? "30–3000 mm" : "±15 % of --dist");
}
