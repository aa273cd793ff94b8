using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using OperandoXrd.Core.Geometry;
using OperandoXrd.Core.IO;
using OperandoXrd.Fitting.Configuration;
using OperandoXrd.Fitting.Output;
using OperandoXrd.Fitting.Peek;
using OperandoXrd.Fitting.Sequential;
using OperandoXrd.Hdf5;
using OperandoXrd.Pipeline.Configuration;

namespace OperandoXrd.Cli.Commands;

/// <summary>
/// <c>oxrd fit</c>: sequential whole-pattern fits of integrated patterns (from <c>oxrd integrate</c>, or text patterns
/// other integrators wrote: see <see cref="IntegratedPatterns"/>) into <c>lattice.csv</c> and <c>fit.h5</c>. Every input is checked before the first frame is fitted (exit 2); the run
/// then never stops for one frame, and ends with exit 1 listing the frames that failed.
/// </summary>
internal static class FitCommand
{
    public static Command Create()
    {
        var pipeline = new Option<FileInfo>("--pipeline") { Description = "Pipeline JSON (phases, fit, background sections; \"poni\" or \"wavelength\" for λ).", Required = true };
        var patterns = new Option<string[]>("--patterns")
        {
            Description = "Patterns: one HDF5 file from oxrd integrate, or .xy/.xye/.dat/.chi/.fxye/.gsas files or folders (natural numeric order).",
            Required = true,
            AllowMultipleArgumentsPerToken = true,
        };
        var unit = new Option<string?>("--unit") { Description = "Radial unit of text patterns whose header names none (2th_deg, 2th_rad, q_A^-1, q_nm^-1, d_A); overrides the header." };
        var peek = new Option<FileInfo?>("--peek") { Description = "PEEK model JSON (overrides the pipeline's background.peek)." };
        var echem = new Option<FileInfo?>("--echem") { Description = "Voltage log: fills voltage, current, capacity and x(Li) of lattice.csv as reduce does (the pipeline's echem section)." };
        var start = new Option<string?>("--start-time") { Description = "Text patterns: start of the first pattern (ISO 8601), for --echem." };
        var period = new Option<double?>("--frame-period") { Description = "Text patterns: seconds between patterns, for --echem." };
        var output = new Option<DirectoryInfo>("--out") { Description = "Output folder for lattice.csv and fit.h5.", Required = true };
        var profiles = new Option<bool>("--profiles") { Description = "Also store observed, calculated, difference and tick marks of every frame in fit.h5." };
        var esd = new Option<string?>("--esd") { Description = "Which esd lattice.csv and fit.h5 report (overrides the pipeline's fit.esd): scaled (by √χ²ν, default), least-squares, berar-lelann." };
        var command = new Command("fit", "Sequential whole-pattern fits (Pawley/Le Bail/Rietveld, over PEEK or a Chebyshev background) of integrated patterns → lattice.csv, fit.h5.")
        {
            pipeline, patterns, unit, peek, echem, start, period, output, profiles, esd,
        };
        command.SetAction(parse => IntegrateCommand.Guard(() => Run(new FitRequest
        {
            PipelinePath = parse.GetValue(pipeline)!.FullName,
            Patterns = [.. parse.GetValue(patterns)!.Select(Path.GetFullPath)],
            Unit = parse.GetValue(unit) is { } u ? (RadialUnits.TryParse(u, out var ru) ? ru : throw new UsageException($"--unit: unknown unit '{u}' (2th_deg, 2th_rad, q_nm^-1, q_A^-1, d_A)")) : null,
            PeekPath = parse.GetValue(peek)?.FullName,
            EchemPath = parse.GetValue(echem)?.FullName,
            StartTime = parse.GetValue(start) is { } text
                ? DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : throw new UsageException($"--start-time: '{text}' is not an ISO 8601 time")
                : null,
            FramePeriod = parse.GetValue(period),
            OutFolder = parse.GetValue(output)!.FullName,
            Profiles = parse.GetValue(profiles),
            Esd = parse.GetValue(esd) is { } e ? EsdConventions.Parse(e) ?? throw new UsageException($"--esd: '{e}' is not one of {EsdConventions.Choices}") : null,
        })));
        return command;
    }

    internal sealed record FitRequest
    {
        public required string PipelinePath { get; init; }
        public required IReadOnlyList<string> Patterns { get; init; }
        public RadialUnit? Unit { get; init; }
        public string? PeekPath { get; init; }
        public string? EchemPath { get; init; }
        public DateTimeOffset? StartTime { get; init; }
        public double? FramePeriod { get; init; }
        public required string OutFolder { get; init; }
        public bool Profiles { get; init; }
        public EsdConvention? Esd { get; init; }
    }

    internal static int Run(FitRequest request)
    {
        var clock = Stopwatch.StartNew();
        var pipelinePath = request.PipelinePath;
        var outFolder = request.OutFolder;
        PipelineConfig pipelineConfig;
        try
        {
            pipelineConfig = PipelineConfig.Load(pipelinePath);
        }
        catch (PipelineConfigException e)
        {
            throw new UsageException(e.Message, e);
        }

        var configuration = pipelineConfig.Fit;
        if (request.Esd is { } convention)
        {
            configuration = new FitConfiguration { Phases = configuration.Phases, Fit = configuration.Fit with { Esd = convention }, Instrument = configuration.Instrument };
        }
        PeekModel? peek = null;
        SequentialFitter fitter;
        var data = IntegratedPatterns.Load(request.Patterns, pipelineConfig, request.Unit, request.StartTime, request.FramePeriod, Log);
        try
        {
            if (request.PeekPath is { } peekPath)
            {
                peek = PeekModel.Load(peekPath);
            }
            else if (configuration.Fit.PeekModel is { } configured && !File.Exists(configured))
            {
                throw new UsageException($"{pipelinePath}: background.peek {configured} does not exist (make one with oxrd peek-model, pass --peek, or set \"peek\": null to fit without PEEK)");
            }

            fitter = FitSession.Create(configuration, data.TwoTheta, data.Wavelength, peek);
        }
        catch (FitConfigurationException e)
        {
            throw new UsageException(e.Message, e);
        }

        var echem = request.EchemPath is { } echemPath ? FitEchem.Correlate(echemPath, pipelineConfig.Echem, data, Log) : null;
        Log(string.Create(CultureInfo.InvariantCulture,
            $"fit: {data.FrameCount} frames of {data.TwoTheta.Length} points from {string.Join(", ", request.Patterns)}; {configuration.Fit.Mode}, {string.Join(", ", configuration.Phases.Select(p => p.Name))}{(fitter.Model.PeekScaleIndex >= 0 ? " + PEEK" : $" + Chebyshev background ({configuration.Fit.ChebyshevTerms} terms)")}, {fitter.Model.PointCount} points in {configuration.Fit.RangeMin:0.###}–{configuration.Fit.RangeMax:0.###}°, λ = {data.Wavelength:0.######} Å from {data.WavelengthSource}; esds {configuration.Fit.Esd.Name()}"));
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
        AtomicFile.Write(csvPath, stream => LatticeCsv.WriteTo(stream, LatticeCsv.Columns(fitter.Model), fitter.Model.PeekScaleIndex >= 0, fitter.Settings.Esd, csv =>
        {
            for (var i = 0; i < results.Count; i++)
            {
                csv.Write(results[i], data.Time[i], echem?[i] ?? FrameEchem.Unknown);
            }
        }));

        FitResultWriter.Write(Path.Combine(outFolder, "fit.h5"), fitter, results, data, request.Profiles);
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

    internal static void Log(string line) => Console.Error.WriteLine(line);
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
    /// <summary><c>/entry/lattice</c> (NXdata): one cell parameter with its esd as errors, against time; soft links into <c>/entry/fit</c>.</summary>
    private static void WriteLatticePlot(Hdf5File file, string phase, string parameter)
    {
        using var data = file.CreateGroup("/entry/lattice", "NXdata");
        var name = $"{phase}_{parameter}";
        data.CreateSoftLink(name, $"/entry/fit/{phase}/{parameter}");
        data.CreateSoftLink(name + "_errors", $"/entry/fit/{phase}/{parameter}_esd");
        data.CreateSoftLink("time", "/entry/fit/time");
        data.WriteAttribute("signal", name);
        data.WriteAttribute("axes", ["time"]);
    }

    public static void Write(string path, SequentialFitter fitter, IReadOnlyList<FrameFit> results, IntegratedPatterns data, bool profiles)
    {
        var n = results.Count;
        using var file = Hdf5File.Create(path);
        // NeXus' default chain (NXroot@default → NXentry@default → NXdata) so that silx plots something: the profiles
        // when written, else the first phase's first cell parameter against time (/entry/lattice, links into /entry/fit).
        file.WriteAttribute("default", "entry");
        using (var entry = file.CreateGroup("/entry", "NXentry"))
        {
            entry.WriteAttribute("default", profiles ? "fit/profiles" : "lattice");
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

        WriteLatticePlot(file, model.Phase(0).Name, results[0].Phases[0].Cell.First(c => c.Name != "c/a").Name);
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
        prof.WriteAttribute("auxiliary_signals", ["calculated", "difference"]);
        prof.WriteAttribute("axes", [".", "radial"]);
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
