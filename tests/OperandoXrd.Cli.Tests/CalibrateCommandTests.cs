using System.Diagnostics;
using System.Globalization;
using OperandoXrd.Core.Geometry;
using OperandoXrd.Fitting.Configuration;
using OperandoXrd.Hdf5.Writers;
using OperandoXrd.Simulation.Operando;
using Xunit.Abstractions;

namespace OperandoXrd.Cli.Tests;

/// <summary>One simulated Pilatus300K LaB6 calibrant (<c>oxrd simulate</c>'s calibrant.h5), shared by the tests.</summary>
public sealed class SimulatedCalibrantFixture : IDisposable
{
    public SimulatedCalibrantFixture()
    {
        Folder = Path.Combine(Path.GetTempPath(), "oxrd-calibrate-" + Guid.NewGuid().ToString("N"));
        Run = new OperandoSimulator(new SimulationOptions
        {
            OutputFolder = Path.Combine(Folder, "data"),
            PhaseFolder = Path.Combine(AppContext.BaseDirectory, "calibration", "phases"),
            Frames = 1,
            FramesPerFile = 1,
            Detector = "pilatus300k",
            EmptyCellFrames = 1,
        }).Run();
        Truth = Poni.Load(Run.PoniPath);
    }

    public string Folder { get; }

    public SimulatedRun Run { get; }

    public Poni Truth { get; }

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

/// <summary>
/// <c>oxrd calibrate</c> as a user runs it: on the simulator's calibrant without any guess; the PONI it writes must
/// give pyFAI 0.21.3 the same 2θ array within 1e-9 rad; bad inputs end with one line naming the file and exit 2.
/// </summary>
public sealed class CalibrateCommandTests(SimulatedCalibrantFixture fixture, ITestOutputHelper output) : IClassFixture<SimulatedCalibrantFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    [Fact]
    public void Calibrates_the_simulated_calibrant_without_a_guess_and_pyFAI_reads_the_PONI()
    {
        var folder = Path.Combine(fixture.Folder, "ok");
        var poniPath = Path.Combine(folder, "cal.poni");
        Directory.CreateDirectory(folder);
        var (code, stdout, stderr) = OxrdProcess.Run(Timeout, "calibrate", "--input", fixture.Run.CalibrantFile, "--calibrant", "LaB6", "--wavelength", "0.24486",
            "--detector", "Pilatus300k", "--out", poniPath, "--instrument", Path.Combine(folder, "instrument.json"), "--report", Path.Combine(folder, "report"));
        output.WriteLine(stdout + stderr);
        Assert.Equal(0, code);
        Assert.Contains("RMS residual", stdout, StringComparison.Ordinal);
        Assert.Contains("dist ", stdout, StringComparison.Ordinal);

        var poni = Poni.Load(poniPath);
        var truth = fixture.Truth;
        Assert.InRange(Math.Abs(poni.Distance - truth.Distance), 0, 20e-6);
        Assert.InRange(Math.Abs(poni.Poni1 - truth.Poni1), 0, 20e-6);
        Assert.InRange(Math.Abs(poni.Poni2 - truth.Poni2), 0, 20e-6);
        Assert.InRange(Math.Abs(poni.Rot1 - truth.Rot1), 0, 2e-4);
        Assert.InRange(Math.Abs(poni.Rot2 - truth.Rot2), 0, 2e-4);

        // pyFAI reads our PONI and computes the same 2θ at every pixel.
        var raw = Path.Combine(folder, "tth.raw");
        var shape = RunPython("poni_tth.py", poniPath, raw).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal($"{poni.Detector.Rows} {poni.Detector.Columns}", $"{shape[0]} {shape[1]}");
        var bytes = File.ReadAllBytes(raw);
        var ours = new PixelGeometry(poni).RadialCenters(RadialUnit.TwoThetaRad);
        var worst = 0.0;
        for (var i = 0; i < ours.Length; i++)
        {
            worst = Math.Max(worst, Math.Abs(BitConverter.ToDouble(bytes, 8 * i) - ours[i]));
        }

        output.WriteLine($"max |2θ pyFAI − ours| = {worst:E2} rad");
        Assert.InRange(worst, 0, 1e-9);

        var points = File.ReadAllLines(Path.Combine(folder, "cal_points.csv"));
        Assert.Equal("ring,hkl,row,column,tth_deg,residual_deg,residual_px", points[0]);
        Assert.True(points.Length > 500, $"{points.Length - 1} control points");
        var profile = InstrumentProfile.Load(Path.Combine(folder, "instrument.json"));
        Assert.True(profile.Profile.W > 0 && profile.Profile.W < 0.01, $"W {profile.Profile.W}");
        Assert.True(new FileInfo(Path.Combine(folder, "report", "calibration_image.png")).Length > 1000);
        Assert.True(new FileInfo(Path.Combine(folder, "report", "calibration_pattern.png")).Length > 1000);
    }

    public static TheoryData<string> BadInputs => ["no rings", "wrong calibrant", "wrong wavelength", "all masked", "guess outside"];

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void Bad_input_ends_with_one_line_naming_the_file_and_exit_2(string what)
    {
        var folder = Path.Combine(fixture.Folder, what.Replace(' ', '_'));
        Directory.CreateDirectory(folder);
        var input = fixture.Run.CalibrantFile;
        string[] extra = [];
        var calibrant = "LaB6";
        var wavelength = "0.24486";
        switch (what)
        {
            case "no rings":
                input = WriteFrame(Path.Combine(folder, "flat.h5"), (i, rng) => rng.Next(90, 111));
                break;
            case "all masked":
                input = WriteFrame(Path.Combine(folder, "masked.h5"), (_, _) => -1);
                break;
            case "wrong calibrant":
                calibrant = "CeO2";
                break;
            case "wrong wavelength":
                wavelength = "0.3";
                break;
            case "guess outside":
                extra = ["--center", "5000", "5000", "--dist", "160"];
                break;
        }

        var (code, stdout, stderr) = OxrdProcess.Run(Timeout, ["calibrate", "--input", input, "--calibrant", calibrant, "--wavelength", wavelength,
            "--detector", "Pilatus300k", "--out", Path.Combine(folder, "cal.poni"), .. extra]);
        output.WriteLine(stdout + stderr);
        Assert.Equal(2, code);
        var last = stderr.TrimEnd().Split('\n')[^1];
        Assert.StartsWith("oxrd: ", last, StringComparison.Ordinal);
        Assert.Contains(Path.GetFileName(input), last, StringComparison.Ordinal);
        Assert.Contains("tried", last, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(folder, "cal.poni")));
        if (what is "wrong calibrant" or "wrong wavelength")
        {
            Assert.Matches("no .* rings found|best RMS", last);
        }
    }

    private static string WriteFrame(string path, Func<int, Random, int> value)
    {
        var detector = Detector.Pilatus300K;
        var counts = new int[detector.PixelCount];
        var rng = new Random(5);
        for (var i = 0; i < counts.Length; i++)
        {
            counts[i] = value(i, rng);
        }

        using var writer = new LimaFileWriter(path, detector.Rows, detector.Columns, 1, new FrameWriterOptions { DetectorName = "pilatus300k" });
        writer.WriteFrame(0, counts);
        return path;
    }

    private static string RunPython(string script, params string[] args)
    {
        var info = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(RepoPython, script));
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        using var p = Process.Start(info)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        p.WaitForExit(120_000);
        Assert.True(p.ExitCode == 0, $"{script}: {stderr.Result}");
        return stdout.Result.Trim();
    }

    private static string RepoPython => Path.Combine(OperandoXrd.TestSupport.RealData.RepoRoot, "tests", "OperandoXrd.Cli.Tests", "Python");
}
