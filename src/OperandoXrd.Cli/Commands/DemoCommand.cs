using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using OperandoXrd.Core.Geometry;
using OperandoXrd.Fitting.Sequential;
using OperandoXrd.Pipeline.Configuration;
using OperandoXrd.Pipeline.Peek;
using OperandoXrd.Simulation.Operando;

namespace OperandoXrd.Cli.Commands;

/// <summary>
/// <c>oxrd demo</c>: the whole job on an embedded default. Simulate a BM31-like first cycle (NCA | LPSCl | Li-In in a
/// PEEK cell on Pilatus2M) with its LaB6 calibrant, calibrate the geometry from the calibrant, build the PEEK model
/// from the empty cell, reduce the run with the calibrated geometry, and show the fitted lattice next to the
/// simulator's truth.
/// </summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var frames = new Option<int>("--frames") { Description = "Number of frames to simulate.", DefaultValueFactory = _ => 100 };
        var output = new Option<DirectoryInfo>("--out") { Description = "Work folder for the simulated data and the results.", DefaultValueFactory = _ => new DirectoryInfo("demo-run") };
        var detector = new Option<string>("--detector") { Description = "pilatus2m (default) or pilatus300k for a quick look.", DefaultValueFactory = _ => "pilatus2m" };
        detector.AcceptOnlyFromAmong("pilatus2m", "pilatus300k");
        var emerge = SimulateCommand.EmergeOption();
        var command = new Command("demo", "Simulate a BM31-like operando run (NCA | LPSCl | Li-In, first cycle), then reduce it.") { frames, output, detector, emerge };
        command.SetAction(async (parse, cancellation) => await Run(parse.GetValue(output)!.FullName, parse.GetValue(frames), parse.GetValue(detector)!,
            SimulateCommand.ParseEmerging(parse.GetValue(emerge)), cancellation).ConfigureAwait(false));
        return command;
    }

    private static async Task<int> Run(string folder, int frames, string detector, IReadOnlyList<EmergingPhase> emerging, CancellationToken cancellation)
    {
        if (frames <= 0)
        {
            throw new UsageException($"--frames must be positive (got {frames})");
        }

        var watch = Stopwatch.StartNew();
        var dataFolder = Path.Combine(folder, "data");
        Console.WriteLine($"demo: 1/4 simulating {frames} {detector} frames of a BM31-like first cycle into {dataFolder}");
        var run = SimulateCommand.Simulate(new SimulationOptions
        {
            OutputFolder = dataFolder,
            PhaseFolder = Defaults.PhaseFolder,
            Frames = frames,
            Detector = detector,
            Emerging = emerging,
        });

        // As at the beamline: the geometry comes from the calibrant, found without a guess (beam centre and distance
        // searched over the whole detector), not from the simulator's geometry.poni.
        Console.WriteLine($"demo: 2/4 calibrating the geometry from the LaB6 calibrant {run.CalibrantFile}");
        var poniPath = Path.Combine(dataFolder, "calibrated.poni");
        var truePoni = Poni.Load(run.PoniPath);
        CalibrateCommand.Run(new CalibrateCommand.CalibrateRequest
        {
            Inputs = [run.CalibrantFile],
            Calibrant = "LaB6",
            Wavelength = truePoni.Wavelength * 1e10,
            Detector = truePoni.Detector.Name,
            OutputPath = poniPath,
        });
        var calibrated = Poni.Load(poniPath);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"demo: calibrated - simulated geometry: dist {(calibrated.Distance - truePoni.Distance) * 1e6:F1} µm, poni1 {(calibrated.Poni1 - truePoni.Poni1) * 1e6:F1} µm, poni2 {(calibrated.Poni2 - truePoni.Poni2) * 1e6:F1} µm, rot1 {calibrated.Rot1 - truePoni.Rot1:E1}, rot2 {calibrated.Rot2 - truePoni.Rot2:E1} rad"));

        Console.WriteLine("demo: 3/4 PEEK model from the empty cell");
        var (peek, emptyFrames) = PeekModelBuilder.Build(PipelineConfig.Load(run.PipelinePath), poniPath, [run.EmptyCellFile]);
        var peekPath = Path.Combine(dataFolder, "peek-model.json");
        peek.Save(peekPath);
        Console.WriteLine($"demo: {peek} from {emptyFrames} empty-cell frames -> {peekPath}");

        Console.WriteLine("demo: 4/4 reducing with the calibrated geometry (integrate, fit, correlate with the voltage log)");
        var resultsFolder = Path.Combine(folder, "results");
        var options = ReduceCommand.Options(run.PipelinePath, null, poniPath, peekPath, null, resultsFolder);
        var summary = await ReduceCommand.Run(options, cancellation).ConfigureAwait(false);

        ShowAgainstTruth(Path.Combine(resultsFolder, "lattice.csv"), run.TruthPath);
        foreach (var e in emerging)
        {
            var onset = Enumerable.Range(0, frames).FirstOrDefault(f => e.StrengthAt(f / (double)frames) > 0, -1);
            Console.WriteLine($"demo: {e.Name} was made to appear from frame {onset}; {Pipeline.Emergence.EmergenceWatch.FileName}:");
        }

        if (emerging.Count > 0)
        {
            foreach (var line in File.ReadAllLines(Path.Combine(resultsFolder, Pipeline.Emergence.EmergenceWatch.FileName)))
            {
                Console.WriteLine($"  {line}");
            }
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"demo: done in {watch.Elapsed.TotalSeconds:F0} s. Figures: {Path.Combine(resultsFolder, "figures")}"));
        return summary.Failed > 0 ? ExitCodes.SomeFramesFailed : ExitCodes.Ok;
    }

    /// <summary>A few rows of lattice.csv beside the simulator's truth, and the worst deviation over the run.</summary>
    private static void ShowAgainstTruth(string latticePath, string truthPath)
    {
        var lattice = File.ReadAllLines(latticePath);
        var header = lattice[0].Split(',');
        int Column(string name) => Array.IndexOf(header, name);
        var truth = File.ReadAllLines(truthPath).Skip(1).Select(l => l.Split(',')).ToArray();
        int ia = Column("NCA_a"), ic = Column("NCA_c"), ix = Column("x_Li"), iv = Column("voltage_V"), ist = Column("status");
        if (ia < 0 || ic < 0)
        {
            Console.WriteLine("demo: lattice.csv has no NCA columns (no frame was fitted)");
            return;
        }

        static double D(string s) => s.Length == 0 ? double.NaN : double.Parse(s, CultureInfo.InvariantCulture);
        Console.WriteLine("frame  x_Li(fit)  x_Li(true)  V       NCA_a fit  NCA_a true  NCA_c fit   NCA_c true  status");
        double worstA = 0, worstC = 0;
        var rows = lattice.Skip(1).Select(l => l.Split(',')).ToArray();
        for (var i = 0; i < rows.Length; i++)
        {
            var r = rows[i];
            var t = truth[int.Parse(r[0], CultureInfo.InvariantCulture)];
            double a = D(r[ia]), c = D(r[ic]), ta = D(t[7]), tc = D(t[8]);
            if (r[ist] == FrameStatuses.Ok)
            {
                worstA = Math.Max(worstA, Math.Abs(a - ta));
                worstC = Math.Max(worstC, Math.Abs(c - tc));
            }

            if (i % Math.Max(1, rows.Length / 8) == 0 || i == rows.Length - 1)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{r[0],5}  {D(r[ix]),9:F4}  {D(t[4]),10:F4}  {D(r[iv]),6:F3}  {a,9:F5}  {ta,10:F5}  {c,10:F4}  {tc,10:F4}  {r[ist]}"));
            }
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"demo: largest |fit - truth| over frames with status ok: NCA a {worstA:E2} Å, NCA c {worstC:E2} Å"));
    }
}
