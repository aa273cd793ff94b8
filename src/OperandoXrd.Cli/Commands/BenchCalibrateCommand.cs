using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using OperandoXrd.Calibration;
using OperandoXrd.Calibration.Calibrants;
using OperandoXrd.Core.Frames;
using OperandoXrd.Core.Geometry;
using OperandoXrd.Pipeline.Stages;

namespace OperandoXrd.Cli.Commands;

/// <summary>
/// <c>oxrd bench calibrate</c>: a calibrant image calibrated from a guess whose distance is off by
/// <c>--offset-mm</c>, timed, beside pyFAI 0.21.3 on the same image from the same guess (SingleGeometry: massif
/// control-point extraction, then refine2 of dist, poni1, poni2, rot1, rot2).
/// </summary>
internal static class BenchCalibrateCommand
{
    public static Command Create()
    {
        var input = new Option<FileInfo>("--input") { Description = "Calibrant frame file (e.g. calibrant.h5 from oxrd simulate).", Required = true };
        var poni = new Option<FileInfo>("--poni") { Description = "The true geometry (the guess is this with the distance moved).", Required = true };
        var calibrant = new Option<string>("--calibrant") { Description = "LaB6, CeO2, Si or a CIF.", DefaultValueFactory = _ => "LaB6" };
        var offset = new Option<double>("--offset-mm") { Description = "How far the guess's distance is off, mm.", DefaultValueFactory = _ => 5.0 };
        var pyfai = new Option<bool>("--pyfai") { Description = "Also time pyFAI on the same image.", DefaultValueFactory = _ => true };
        var record = BenchTable.RecordOption();
        var command = new Command("calibrate", "Time oxrd calibrate from a guess 5 mm off, beside pyFAI's control-point extraction and refinement on the same image.")
        {
            input, poni, calibrant, offset, pyfai, record,
        };
        command.SetAction(parse => IntegrateCommand.Guard(() => Run(parse.GetValue(input)!.FullName, parse.GetValue(poni)!.FullName, parse.GetValue(calibrant)!,
            parse.GetValue(offset), parse.GetValue(pyfai), parse.GetValue(record))));
        return command;
    }

    private static int Run(string input, string poniPath, string calibrantName, double offsetMm, bool pyfai, FileInfo? record)
    {
        var table = new BenchTable("calibrate");
        var truth = Poni.Load(poniPath);
        var calibrant = Calibrant.Resolve(calibrantName);
        var detector = truth.Detector;
        var counts = new float[detector.PixelCount];
        using (var source = FrameSourceFactory.Open(new FrameSourceRequest([input])))
        {
            source.ReadFrame(0, counts);
        }

        var guess = new Poni
        {
            Detector = detector,
            Distance = truth.Distance + offsetMm * 1e-3,
            Poni1 = truth.Poni1,
            Poni2 = truth.Poni2,
            Rot1 = truth.Rot1,
            Rot2 = truth.Rot2,
            Rot3 = truth.Rot3,
            Wavelength = truth.Wavelength,
        };
        var watch = Stopwatch.StartNew();
        var image = CalibrationImage.FromCounts(counts, detector.Rows, detector.Columns, input, detector.CreateStaticMask());
        var result = Calibrator.Run(image, new CalibrationOptions
        {
            Calibrant = calibrant,
            Start = guess,
            DistanceRange = (guess.Distance * 0.85, guess.Distance * 1.15),
        });
        var seconds = watch.Elapsed.TotalSeconds;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"oxrd   {seconds,6:F2} s  {result.Points.Count} points on {result.Rings.Count} rings, RMS {result.RmsPixels:F3} px; {Deviation(result.Poni, truth)}"));
        table.Add("oxrd calibrate", seconds, "s", string.Create(CultureInfo.InvariantCulture, $"guess {offsetMm:G3} mm off; {result.Points.Count} points, RMS {result.RmsPixels:F3} px; Δdist {(result.Poni.Distance - truth.Distance) * 1e6:F1} µm"));
        if (!pyfai)
        {
            table.Finish(record);
            return ExitCodes.Ok;
        }

        var work = Path.Combine(Path.GetTempPath(), "oxrd-bench-calibrate-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        Directory.CreateDirectory(work);
        try
        {
            var raw = Path.Combine(work, "image.i32");
            File.WriteAllBytes(raw, MemoryMarshal.AsBytes(counts.Select(v => (int)v).ToArray().AsSpan()).ToArray());
            var guessPath = Path.Combine(work, "guess.poni");
            guess.Save(guessPath);
            var script = Path.Combine(work, "bench_calibrate.py");
            File.WriteAllText(script, Script, new UTF8Encoding(false));
            var json = BenchCommand.RunPythonJson([script, raw, guessPath, calibrant.Name, detector.Rows.ToString(CultureInfo.InvariantCulture), detector.Columns.ToString(CultureInfo.InvariantCulture)]);
            double D(string key) => json.GetProperty(key).GetDouble();
            var pyfaiPoni = new Poni { Detector = detector, Distance = D("dist"), Poni1 = D("poni1"), Poni2 = D("poni2"), Rot1 = D("rot1"), Rot2 = D("rot2"), Rot3 = 0, Wavelength = truth.Wavelength };
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"pyFAI  {D("extract") + D("refine"),6:F2} s  (extract_cp {D("extract"):F2} s + refine2 {D("refine"):F2} s) {json.GetProperty("points").GetInt32()} points, pyFAI {json.GetProperty("version").GetString()}; {Deviation(pyfaiPoni, truth)}"));
            table.Add("pyFAI extract_cp + refine2", D("extract") + D("refine"), "s", string.Create(CultureInfo.InvariantCulture,
                $"same image and guess; pyFAI {json.GetProperty("version").GetString()}; Δdist {(pyfaiPoni.Distance - truth.Distance) * 1e6:F1} µm"));
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }

        table.Finish(record);
        return ExitCodes.Ok;
    }

    private static string Deviation(Poni p, Poni truth) => string.Create(CultureInfo.InvariantCulture,
        $"Δdist {(p.Distance - truth.Distance) * 1e6:F1} µm, Δponi1 {(p.Poni1 - truth.Poni1) * 1e6:F1} µm, Δponi2 {(p.Poni2 - truth.Poni2) * 1e6:F1} µm, Δrot1 {p.Rot1 - truth.Rot1:E1}, Δrot2 {p.Rot2 - truth.Rot2:E1}");

    private const string Script = """
        import json, sys, time
        import numpy as np
        import pyFAI, pyFAI.calibrant, pyFAI.detectors
        from pyFAI.goniometer import SingleGeometry
        raw, guess, name, rows, cols = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])
        img = np.fromfile(raw, dtype="<i4").reshape(rows, cols)
        ai = pyFAI.load(guess)
        cal = pyFAI.calibrant.get_calibrant(name)
        cal.wavelength = ai.wavelength
        t0 = time.perf_counter()
        sg = SingleGeometry("bench", img, calibrant=cal, detector=ai.detector, geometry=ai)
        sg.extract_cp(pts_per_deg=1.0)
        t1 = time.perf_counter()
        sg.geometry_refinement.refine2(fix=["wavelength", "rot3"])
        t2 = time.perf_counter()
        g = sg.geometry_refinement
        print(json.dumps({"extract": t1 - t0, "refine": t2 - t1, "points": int(len(sg.control_points.getList())),
                          "dist": g.dist, "poni1": g.poni1, "poni2": g.poni2, "rot1": g.rot1, "rot2": g.rot2, "version": pyFAI.version}))
        """;
}
