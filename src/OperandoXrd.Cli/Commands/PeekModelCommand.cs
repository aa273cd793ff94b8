using System.CommandLine;
using System.Globalization;
using OperandoXrd.Core.Frames;
using OperandoXrd.Core.Geometry;
using OperandoXrd.Core.Integration;
using OperandoXrd.Fitting.Peek;
using OperandoXrd.Pipeline.Stages;

namespace OperandoXrd.Cli.Commands;

/// <summary>
/// <c>oxrd peek-model</c>: integrates the empty-cell frames (summed), finds and fits the PEEK peaks plus a smooth
/// background, and saves the JSON model the frame fits scale (see <see cref="PeekModel"/> for the format).
/// </summary>
internal static class PeekModelCommand
{
    public static Command Create()
    {
        var poni = new Option<FileInfo>("--poni") { Description = "pyFAI PONI file of the measurement.", Required = true };
        var input = new Option<string[]>("--input") { Description = "Empty-cell frame files, folders or a Dectris master.", Required = true, AllowMultipleArgumentsPerToken = true, Arity = ArgumentArity.OneOrMore };
        var peaks = new Option<int>("--peaks") { Description = "Number of PEEK peaks to model.", DefaultValueFactory = _ => 12 };
        var npt = new Option<int>("--npt") { Description = "Radial bins of the integration.", DefaultValueFactory = _ => 3000 };
        var range = new Option<double[]>("--range") { Description = "2θ range MIN MAX in degrees (default 1 12).", AllowMultipleArgumentsPerToken = true, Arity = new ArgumentArity(2, 2) };
        var background = new Option<int>("--background-terms") { Description = "Chebyshev terms of the smooth (amorphous) background.", DefaultValueFactory = _ => 6 };
        var output = new Option<FileInfo>("--out") { Description = "PEEK model JSON to write (e.g. calibration/peek-model.json).", Required = true };
        var flip = IntegrateCommand.FlipOption();
        var command = new Command("peek-model", "Fit the PEEK housing's peaks on an empty-cell measurement and save them as a JSON model.")
        {
            poni, input, peaks, npt, range, background, output, flip,
        };
        command.SetAction(parse => IntegrateCommand.Guard(() =>
        {
            var r = parse.GetValue(range);
            if (r is { Length: 2 } && !(r[0] < r[1]))
            {
                throw new UsageException("--range needs MIN MAX with MIN < MAX");
            }

            if (parse.GetValue(peaks) < 1)
            {
                throw new UsageException("--peaks must be at least 1");
            }

            return Run(parse.GetValue(poni)!.FullName, parse.GetValue(input)!, parse.GetValue(peaks), parse.GetValue(npt),
                r is { Length: 2 } ? (r[0], r[1]) : (1.0, 12.0), parse.GetValue(background), parse.GetValue(output)!.FullName,
                parse.GetValue(flip) ? FrameFlip.UpDown : FrameFlip.None);
        }));
        return command;
    }

    internal static int Run(string poniPath, IReadOnlyList<string> inputs, int peakCount, int npt, (double, double) range, int backgroundTerms, string outPath, FrameFlip flip = FrameFlip.None)
    {
        Poni poni;
        try
        {
            poni = Poni.Load(poniPath);
        }
        catch (Exception e) when (e is PoniFormatException or IOException or ArgumentException)
        {
            throw new UsageException(e.Message, e);
        }

        IFrameSource source;
        try
        {
            source = FrameSourceFactory.Open(new FrameSourceRequest(inputs, Flip: flip));
        }
        catch (Exception e) when (e is FrameSourceException or IOException or ArgumentException)
        {
            throw new UsageException(e.Message, e);
        }

        using var _ = source;
        poni = poni.ForFrames(source.Rows, source.Columns);
        var detector = poni.Detector;
        if (source.Rows != detector.Rows || source.Columns != detector.Columns)
        {
            throw new UsageException(string.Create(CultureInfo.InvariantCulture,
                $"{source.Description}: frames are {source.Rows}x{source.Columns} but the PONI {poniPath} says {detector.Name} ({detector.Rows}x{detector.Columns})"));
        }

        if (source.FrameCount == 0)
        {
            throw new UsageException($"{source.Description}: no frames");
        }

        var options = new IntegrationOptions { Npt = npt, Unit = RadialUnit.TwoThetaDeg, Split = PixelSplit.BBox, RadialRange = range, PolarizationFactor = 0.99 };
        using var integrator = AzimuthalIntegrator.Create(new PixelGeometry(poni), options, null, poniPath);
        var pattern = integrator.CreatePattern();
        var sum = new double[npt];
        var variance = new double[npt];
        var frame = new float[detector.PixelCount];
        var used = 0;
        for (var i = 0; i < source.FrameCount; i++)
        {
            try
            {
                source.ReadFrame(i, frame);
            }
            catch (FrameSourceException e)
            {
                Console.Error.WriteLine($"peek-model: skipping frame {i}: {e.Message}");
                continue;
            }

            integrator.Integrate(frame, pattern);
            for (var k = 0; k < npt; k++)
            {
                sum[k] += pattern.Intensity[k];
                variance[k] += pattern.Sigma[k] * pattern.Sigma[k];
            }

            used++;
        }

        if (used == 0)
        {
            throw new UsageException($"{source.Description}: no frame could be read");
        }

        // Mean pattern: intensities per frame, σ of the mean. Empty bins (NaN) have no weight in the fit.
        var y = new double[npt];
        var sigma = new double[npt];
        for (var k = 0; k < npt; k++)
        {
            y[k] = sum[k] / used;
            sigma[k] = Math.Sqrt(variance[k]) / used;
        }

        PeekModel model;
        try
        {
            model = PeekModel.FitFromPattern(pattern.Radial, y, sigma, peakCount, backgroundTerms, poni.Wavelength * 1e10,
                string.Create(CultureInfo.InvariantCulture, $"oxrd peek-model: {used} frames of {source.Description}, PONI {poniPath}, {DateTime.UtcNow:yyyy-MM-ddTHH:mm:ssZ}"));
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"{source.Description}: {e.Message}", e);
        }

        model.Save(outPath);
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"peek-model: {model.Peaks.Count} peaks from {used} frames → {outPath}: {string.Join(", ", model.Peaks.Select(p => $"{p.Position:F3}°"))}"));
        return ExitCodes.Ok;
    }
}
