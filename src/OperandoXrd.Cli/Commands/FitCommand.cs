using System.CommandLine;
using OperandoXrd.Core.IO;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using OperandoXrd.Core.Geometry;
using OperandoXrd.Fitting.Configuration;
using OperandoXrd.Fitting.Output;
using OperandoXrd.Fitting.Peek;
using OperandoXrd.Fitting.Sequential;
using OperandoXrd.Hdf5;

namespace OperandoXrd.Cli.Commands;

/// <summary>
/// <c>oxrd fit</c>: sequential whole-pattern fits of integrated patterns (from <c>oxrd integrate</c>) into
/// <c>lattice.csv</c> and <c>fit.h5</c>. Every input is checked before the first frame is fitted (exit 2); the run
/// then never stops for one frame, and ends with exit 1 listing the frames that failed.
/// </summary>
internal static class FitCommand
{
    public static Command Create()
    {
        var pipeline = new Option<FileInfo>("--pipeline") { Description = "Pipeline JSON (phases, fit, background sections).", Required = true };
        var patterns = new Option<FileInfo>("--patterns") { Description = "Integrated patterns (HDF5 from oxrd integrate: /entry/integrated, radial in 2θ degrees).", Required = true };
        var peek = new Option<FileInfo?>("--peek") { Description = "PEEK model JSON (overrides the pipeline's background.peek)." };
        var echem = new Option<FileInfo?>("--echem") { Description = "Voltage log (not used yet: the echem columns of lattice.csv stay empty)." };
        var output = new Option<DirectoryInfo>("--out") { Description = "Output folder for lattice.csv and fit.h5.", Required = true };
        var profiles = new Option<bool>("--profiles") { Description = "Also store observed, calculated, difference and tick marks of every frame in fit.h5." };
        var command = new Command("fit", "Sequential whole-pattern fits (Pawley/Le Bail/Rietveld over the PEEK model) of integrated patterns → lattice.csv, fit.h5.")
        {
            pipeline, patterns, peek, echem, output, profiles,
        };
        command.SetAction(parse => IntegrateCommand.Guard(() => Run(
            parse.GetValue(pipeline)!.FullName,
            parse.GetValue(patterns)!.FullName,
            parse.GetValue(peek)?.FullName,
            parse.GetValue(echem)?.FullName,
            parse.GetValue(output)!.FullName,
            parse.GetValue(profiles))));
        return command;
    }

    internal static int Run(string pipelinePath, string patternsPath, string? peekPath, string? echemPath, string outFolder, bool profiles)
    {
        var clock = Stopwatch.StartNew();
        FitConfiguration configuration;
        PeekModel? peek = null;
        SequentialFitter fitter;
        var data = IntegratedPatterns.Read(patternsPath, pipelinePath);
        try
        {
            configuration = FitConfiguration.Load(pipelinePath);
            if (peekPath is not null)
            {
                peek = PeekModel.Load(peekPath);
            }
            else if (configuration.Fit.PeekModel is { } configured && !File.Exists(configured))
            {
                throw new UsageException($"{pipelinePath}: background.peek {configured} does not exist (make one with oxrd peek-model, or pass --peek)");
            }

            fitter = FitSession.Create(configuration, data.TwoTheta, data.Wavelength, peek);
        }
        catch (FitConfigurationException e)
        {
            throw new UsageException(e.Message, e);
        }

        if (echemPath is not null)
        {
            Log($"fit: --echem {echemPath} is not used yet; the echem columns of lattice.csv stay empty");
        }

        Log(string.Create(CultureInfo.InvariantCulture,
            $"fit: {data.FrameCount} frames of {data.TwoTheta.Length} points from {patternsPath}; {configuration.Fit.Mode}, {string.Join(", ", configuration.Phases.Select(p => p.Name))}{(fitter.Model.PeekScaleIndex >= 0 ? " + PEEK" : "")}, {fitter.Model.PointCount} points in {configuration.Fit.RangeMin:0.###}–{configuration.Fit.RangeMax:0.###}°, λ = {data.Wavelength:0.######} Å"));
        Directory.CreateDirectory(outFolder);
        var frames = new List<(int, double[], double[])>(data.FrameCount);
        for (var i = 0; i < data.FrameCount; i++)
        {
            frames.Add((data.FrameIndex[i], data.Intensity(i), data.Sigma(i)));
        }

        var done = 0;
        var lastLog = 0L;
        // Per-frame wall time, so the reference (hundreds of parameters, once) and the sequence are reported apart.
        var frameMs = new List<double>(frames.Count);
        var frameClock = Stopwatch.StartNew();
        var results = fitter.FitAll(frames, r =>
        {
            frameMs.Add(frameClock.Elapsed.TotalMilliseconds);
            frameClock.Restart();
            done++;
            if (clock.ElapsedMilliseconds - lastLog > 2000 || done == frames.Count)
            {
                lastLog = clock.ElapsedMilliseconds;
                Log(string.Create(CultureInfo.InvariantCulture, $"fit: {done}/{frames.Count} frames ({done / clock.Elapsed.TotalSeconds:F1} frames/s), frame {r.Frame} {LatticeCsv.Status(r.Status)} GoF {r.GoF:F2}"));
            }
        });

        var csvPath = Path.Combine(outFolder, "lattice.csv");
        AtomicFile.Write(csvPath, stream => LatticeCsv.WriteTo(stream, LatticeCsv.Columns(fitter.Model), fitter.Model.PeekScaleIndex >= 0, csv =>
        {
            for (var i = 0; i < results.Count; i++)
            {
                csv.Write(results[i], data.Time[i], FrameEchem.Unknown);
            }
        }));

        FitResultWriter.Write(Path.Combine(outFolder, "fit.h5"), fitter, results, data, profiles);
        var failed = results.Where(r => r.Status == FrameStatus.Failed).ToList();
        var gated = results.Count(r => r.Status == FrameStatus.Gated);
        Log(string.Create(CultureInfo.InvariantCulture,
            $"fit: {results.Count} frames in {clock.Elapsed.TotalSeconds:F2} s ({results.Count / clock.Elapsed.TotalSeconds:F1} frames/s): {results.Count - failed.Count - gated} ok, {gated} gated, {failed.Count} failed → {csvPath}"));
        if (frameMs.Count > 1)
        {
            var sequence = frameMs.Skip(1).Order().ToArray();
            Log(string.Create(CultureInfo.InvariantCulture,
                $"fit: reference frame {frameMs[0]:F0} ms; the others median {sequence[sequence.Length / 2]:F2} ms, mean {sequence.Average():F2} ms, max {sequence[^1]:F1} ms per frame"));
        }

        foreach (var f in failed)
        {
            Log($"  frame {f.Frame}: failed: {f.Reason}");
        }

        return failed.Count > 0 ? ExitCodes.SomeFramesFailed : ExitCodes.Ok;
    }

    private static void Log(string line) => Console.Error.WriteLine(line);
}

/// <summary>The integrated patterns of <c>oxrd integrate</c>: /entry/integrated/{radial, intensity, sigma, time, frame_index}.</summary>
internal sealed class IntegratedPatterns
{
    private readonly double[] _intensity;
    private readonly double[] _sigma;

    private IntegratedPatterns(double[] twoTheta, double[] intensity, double[] sigma, double[] time, int[] frameIndex, double wavelength)
    {
        TwoTheta = twoTheta;
        _intensity = intensity;
        _sigma = sigma;
        Time = time;
        FrameIndex = frameIndex;
        Wavelength = wavelength;
    }

    public double[] TwoTheta { get; }

    public double[] Time { get; }

    public int[] FrameIndex { get; }

    public double Wavelength { get; }

    public int FrameCount => FrameIndex.Length;

    public double[] Intensity(int frame) => _intensity.AsSpan(frame * TwoTheta.Length, TwoTheta.Length).ToArray();

    public double[] Sigma(int frame) => _sigma.AsSpan(frame * TwoTheta.Length, TwoTheta.Length).ToArray();

    /// <summary>Reads the file; λ from its PONI (/entry/process/poni), else from the pipeline's "poni".</summary>
    public static IntegratedPatterns Read(string path, string pipelinePath)
    {
        if (!File.Exists(path))
        {
            throw new UsageException($"--patterns: {path} does not exist");
        }

        try
        {
            using var file = Hdf5File.Open(path);
            const string group = "/entry/integrated";
            foreach (var name in new[] { "radial", "intensity", "sigma" })
            {
                if (!file.Exists($"{group}/{name}"))
                {
                    throw new UsageException($"{path}: {group}/{name} is missing (expected the output of oxrd integrate)");
                }
            }

            double[] radial;
            using (var r = file.OpenDataset($"{group}/radial"))
            {
                var units = r.ReadStringAttribute("units");
                // oxrd integrate writes "degrees", oxrd reduce the pyFAI unit name "2th_deg": both are 2θ in degrees.
                if (units is not null && units is not ("degrees" or "2th_deg" or "deg"))
                {
                    throw new UsageException($"{path}: {group}/radial is in '{units}'; oxrd fit needs 2θ in degrees (integrate with --unit 2th_deg)");
                }

                radial = new double[r.ElementCount];
                r.Read<double>(radial);
            }

            if (radial.Length == 0)
            {
                throw new UsageException($"{path}: {group}/radial is empty");
            }

            double[] intensity, sigma;
            int frames;
            using (var d = file.OpenDataset($"{group}/intensity"))
            {
                if (d.Rank != 2 || d.Dims[1] != radial.Length)
                {
                    throw new UsageException($"{path}: {group}/intensity has shape ({string.Join(", ", d.Dims)}), expected (frames, {radial.Length})");
                }

                frames = (int)d.Dims[0];
                intensity = new double[d.ElementCount];
                d.Read<double>(intensity);
            }

            using (var d = file.OpenDataset($"{group}/sigma"))
            {
                if (d.ElementCount != intensity.Length)
                {
                    throw new UsageException($"{path}: {group}/sigma has {d.ElementCount} values, intensity {intensity.Length}");
                }

                sigma = new double[d.ElementCount];
                d.Read<double>(sigma);
            }

            if (frames == 0)
            {
                throw new UsageException($"{path}: {group}/intensity holds no frames");
            }

            var time = file.Exists($"{group}/time") ? file.Read<double>($"{group}/time") : new double[frames];
            var index = file.Exists($"{group}/frame_index") ? file.Read<int>($"{group}/frame_index") : [.. Enumerable.Range(0, frames)];
            if (time.Length != frames || index.Length != frames)
            {
                throw new UsageException($"{path}: {group}/time or frame_index does not have one value per frame ({frames})");
            }

            double wavelength;
            if (file.Exists("/entry/process/poni"))
            {
                wavelength = Poni.Parse(file.ReadString("/entry/process/poni"), $"{path}:/entry/process/poni").Wavelength * 1e10;
            }
            else
            {
                wavelength = WavelengthFromPipeline(pipelinePath);
            }

            return new IntegratedPatterns(radial, intensity, sigma, time, index, wavelength);
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or PoniFormatException or ArgumentException)
        {
            throw new UsageException($"{path}: {e.Message}", e);
        }
    }

    private static double WavelengthFromPipeline(string pipelinePath)
    {
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(pipelinePath));
            if (doc.RootElement.TryGetProperty("poni", out var p) && p.ValueKind == JsonValueKind.String)
            {
                var poniPath = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(Path.GetFullPath(pipelinePath)) ?? ".", p.GetString()!));
                return Poni.Load(poniPath).Wavelength * 1e10;
            }
        }
        catch (Exception e) when (e is IOException or JsonException or PoniFormatException)
        {
            throw new UsageException($"{pipelinePath}: cannot get the wavelength from its \"poni\": {e.Message}", e);
        }

        throw new UsageException($"the patterns file has no /entry/process/poni and {pipelinePath} names no \"poni\": the wavelength is unknown");
    }
}

/// <summary>
/// <c>fit.h5</c>: <c>/entry/fit/&lt;phase&gt;/&lt;param&gt;</c> and <c>&lt;param&gt;_esd</c> (one value per frame: the cell
/// quantities, scale), <c>/entry/fit/{rwp, gof, status, iterations, frame_index, time, peek_scale, zero}</c>
/// (status: 0 ok, 1 gated, 2 failed; notes in <c>notes</c>, one line per frame), and with --profiles
/// <c>/entry/fit/profiles/{radial, observed, calculated, difference}</c> (frame × point over the fit range) and
/// <c>/entry/fit/ticks/&lt;phase&gt;/{position, hkl}</c> (frame × peak group, hkl one per line).
/// </summary>
internal static class FitResultWriter
{
    public static void Write(string path, SequentialFitter fitter, IReadOnlyList<FrameFit> results, IntegratedPatterns data, bool profiles)
    {
        var n = results.Count;
        using var file = Hdf5File.Create(path);
        using (file.CreateGroup("/entry", "NXentry"))
        {
        }

        using var fit = file.CreateGroup("/entry/fit", "NXprocess");
        fit.WriteString("program", "OperandoXrd oxrd fit");
        fit.WriteDataset<int>("frame_index", results.Select(r => r.Frame).ToArray(), n);
        fit.WriteDataset<double>("time", data.Time, n);
        fit.WriteDataset<double>("rwp", results.Select(r => r.Rwp).ToArray(), n);
        fit.WriteDataset<double>("gof", results.Select(r => r.GoF).ToArray(), n);
        fit.WriteDataset<int>("status", results.Select(r => (int)r.Status).ToArray(), n);
        using (var status = fit.OpenDataset("status"))
        {
            status.WriteAttribute("meaning", "0 ok, 1 gated (converged, failed the quality gate), 2 failed");
        }

        fit.WriteDataset<int>("iterations", results.Select(r => r.Iterations).ToArray(), n);
        fit.WriteDataset<double>("peek_scale", results.Select(r => r.PeekScale).ToArray(), n);
        fit.WriteDataset<double>("zero", results.Select(r => r.Zero).ToArray(), n);
        fit.WriteString("notes", string.Join('\n', results.Select(r => r.Reason)));
        var model = fitter.Model;
        for (var p = 0; p < model.PhaseCount; p++)
        {
            var name = model.Phase(p).Name;
            using var group = fit.CreateGroup(name, "NXcollection");
            foreach (var q in results[0].Phases[p].Cell.Select(c => c.Name).Where(c => c != "c/a"))
            {
                group.WriteDataset<double>(q, results.Select(r => r.Phases[p][q].Value).ToArray(), n);
                group.WriteDataset<double>(q + "_esd", results.Select(r => r.Phases[p][q].Esd).ToArray(), n);
            }

            group.WriteDataset<double>("scale", results.Select(r => r.Phases[p].Scale).ToArray(), n);
            group.WriteDataset<double>("scale_esd", results.Select(r => r.Phases[p].ScaleEsd).ToArray(), n);
        }

        if (!profiles)
        {
            return;
        }

        var points = model.PointCount;
        var offset = Array.IndexOf(data.TwoTheta, model.X[0]);
        using var prof = fit.CreateGroup("profiles", "NXdata");
        prof.WriteDataset<double>("radial", model.X, points);
        var observed = new double[n * points];
        var calculated = new double[n * points];
        var difference = new double[n * points];
        var byFrame = new Dictionary<int, int>();
        for (var i = 0; i < data.FrameCount; i++)
        {
            byFrame[data.FrameIndex[i]] = i;
        }

        for (var k = 0; k < n; k++)
        {
            var y = data.Intensity(byFrame[results[k].Frame]);
            var calc = calculated.AsSpan(k * points, points);
            model.Evaluate(results[k].Values, calc, null);
            for (var i = 0; i < points; i++)
            {
                observed[k * points + i] = y[offset + i];
                difference[k * points + i] = y[offset + i] - calc[i];
            }
        }

        prof.WriteDataset<double>("observed", observed, n, points);
        prof.WriteDataset<double>("calculated", calculated, n, points);
        prof.WriteDataset<double>("difference", difference, n, points);
        prof.WriteAttribute("signal", "observed");
        using var ticks = fit.CreateGroup("ticks", "NXcollection");
        for (var p = 0; p < model.PhaseCount; p++)
        {
            var groups = model.PeakGroups(p);
            var positions = new double[n * groups.Count];
            for (var k = 0; k < n; k++)
            {
                model.PeakPositions(p, results[k].Values).CopyTo(positions.AsSpan(k * groups.Count));
            }

            using var phase = ticks.CreateGroup(model.Phase(p).Name, "NXcollection");
            phase.WriteDataset<double>("position", positions, n, groups.Count);
            phase.WriteString("hkl", string.Join('\n', groups.Select(g => g.Label)));
        }
    }
}
