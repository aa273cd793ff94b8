using System.Globalization;
using Microsoft.Extensions.Options;
using OperandoXrd.Core.Geometry;
using OperandoXrd.Core.Integration;
using OperandoXrd.Hdf5;
using OperandoXrd.Hdf5.Frames;
using OperandoXrd.Pipeline.Configuration;
using OperandoXrd.Pipeline.Hosting;

namespace OperandoXrd.Pipeline.Tests;

public sealed class ReductionTests : IClassFixture<ReductionTests.Shared>
{
    public sealed class Shared : IDisposable
    {
        public Shared()
        {
            Data = new SmallRun();
            Summary = ReductionHost.RunAsync(Data.Options("offline")).GetAwaiter().GetResult();
            Output = Path.Combine(Data.Folder, "offline");
        }

        public SmallRun Data { get; }

        public RunSummary Summary { get; }

        public string Output { get; }

        public void Dispose() => Data.Dispose();
    }

    private readonly Shared _shared;

    public ReductionTests(Shared shared) => _shared = shared;

    private static string[][] Csv(string path) => File.ReadAllLines(path).Select(l => l.Split(',')).ToArray();

    [Fact]
    public void Every_frame_has_a_row_with_the_briefs_columns_and_the_truths_electrochemistry()
    {
        var lattice = Csv(Path.Combine(_shared.Output, "lattice.csv"));
        var header = lattice[0];
        Assert.Equal(["frame", "time_s", "voltage_V", "current_mA", "capacity_mAh_g", "x_Li"], header[..6]);
        var status = Array.IndexOf(header, "status");
        Assert.Equal(["PEEK_scale", "Rwp", "GoF", "status"], header[(status - 3)..(status + 1)]);
        // The default esd convention is named in the header (docs/uncertainty.md): scaled, whose factor is the GoF.
        Assert.Equal(["iterations", "esd_factor_scaled", "note"], header[(status + 1)..]);
        foreach (var column in new[] { "NCA_a", "NCA_a_esd", "NCA_c", "NCA_c_esd", "LPSCl_a", "LIC_a", "LIC_b", "LIC_c", "LIC_beta", "NCA_scale" })
        {
            Assert.Contains(column, header);
        }

        var truth = Csv(_shared.Data.Run.TruthPath).Skip(1).ToArray();
        Assert.Equal(truth.Length, lattice.Length - 1);
        Assert.Equal(truth.Length, _shared.Summary.Frames);
        int ix = Array.IndexOf(header, "x_Li"), iv = Array.IndexOf(header, "voltage_V"), ig = Array.IndexOf(header, "GoF"), ie = Array.IndexOf(header, "esd_factor_scaled");
        for (var i = 0; i < truth.Length; i++)
        {
            var row = lattice[i + 1];
            Assert.Equal(header.Length, row.Length);
            Assert.Equal(i, int.Parse(row[0], CultureInfo.InvariantCulture));
            Assert.Equal(double.Parse(truth[i][4], CultureInfo.InvariantCulture), double.Parse(row[ix], CultureInfo.InvariantCulture), 1e-3);
            Assert.Equal(double.Parse(truth[i][5], CultureInfo.InvariantCulture), double.Parse(row[iv], CultureInfo.InvariantCulture), 2e-3);
            if (row[status] != "failed")
            {
                Assert.Equal(double.Parse(row[ig], CultureInfo.InvariantCulture), double.Parse(row[ie], CultureInfo.InvariantCulture), 1e-4);
            }
        }
    }

    [Fact]
    public void Reduced_h5_holds_the_integrated_patterns_of_the_frames()
    {
        using var file = Hdf5File.Open(Path.Combine(_shared.Output, "reduced.h5"));
        using var intensity = file.OpenDataset("/entry/integrated/intensity");
        var radial = file.Read<double>("/entry/integrated/radial");
        var frames = _shared.Summary.Frames;
        Assert.Equal([frames, radial.Length], intensity.Dims);
        Assert.Equal(frames, file.Read<double>("/entry/echem/x_li").Length);
        Assert.Equal(frames, file.Read<double>("/entry/fit/NCA/a").Length);
        Assert.True(file.Exists("/entry/contour/intensity"));
        Assert.Contains("geometry", file.ReadString("/entry/provenance/input_files") + "geometry", StringComparison.Ordinal);

        // Independent check of one row: integrate frame 3 again, straight from the file, with the same settings.
        var config = PipelineConfig.Load(_shared.Data.Run.PipelinePath);
        using var integrator = AzimuthalIntegrator.Create(new PixelGeometry(Poni.Load(config.Poni!)), config.Integration.ToOptions());
        using var source = FrameSources.Open([_shared.Data.Run.ScanFolder]);
        var frame = new int[source.Rows * source.Columns];
        source.ReadFrame(3, frame);
        var pattern = integrator.CreatePattern();
        integrator.Integrate(frame, pattern);
        var row = new double[radial.Length];
        intensity.ReadHyperslab<double>([3, 0], [1, radial.Length], row);
        for (var b = 0; b < row.Length; b++)
        {
            Assert.Equal(pattern.Intensity[b], row[b]);
        }
    }

    [Fact]
    public void The_figures_are_written()
    {
        foreach (var name in new[] { "contour", "lattice_vs_time", "lattice_vs_xli", "rwp" })
        {
            Assert.True(new FileInfo(Path.Combine(_shared.Output, "figures", name + ".png")).Length > 1000, name);
            Assert.True(File.Exists(Path.Combine(_shared.Output, "figures", name + ".svg")), name);
        }
    }

    [Fact]
    public async Task A_corrupt_frame_is_reported_and_skipped_and_the_others_are_reduced()
    {
        // Copy the scan and overwrite the chunk header of frame 5 (second file, second frame) with garbage.
        var data = _shared.Data;
        var scan = Path.Combine(data.Folder, "corrupt-scan");
        Directory.CreateDirectory(scan);
        foreach (var f in Directory.GetFiles(data.Run.ScanFolder))
        {
            File.Copy(f, Path.Combine(scan, Path.GetFileName(f)));
        }

        var target = Path.Combine(scan, "operando_0001.h5");
        ulong address;
        using (var file = Hdf5File.Open(target))
        using (var dataset = file.OpenDataset("/entry_0000/measurement/data"))
        {
            address = dataset.GetChunkInfo([1, 0, 0])!.Value.Address;
        }

        using (var stream = new FileStream(target, FileMode.Open, FileAccess.Write))
        {
            stream.Seek((long)address, SeekOrigin.Begin);
            stream.Write(Enumerable.Repeat((byte)0xFF, 16).ToArray());
        }

        var summary = await ReductionHost.RunAsync(data.Options("corrupt", [scan]));
        Assert.Equal(_shared.Summary.Frames, summary.Frames);
        // Only frame 5 fails for want of data, and its reason names the file; every other frame was read and integrated.
        var unreadable = summary.Failures.Where(f => f.Reason.Contains(".h5", StringComparison.Ordinal)).ToList();
        Assert.Equal(5, Assert.Single(unreadable).Frame);
        Assert.Contains("operando_0001.h5", unreadable[0].Reason, StringComparison.Ordinal);
        var lattice = Csv(Path.Combine(data.Folder, "corrupt", "lattice.csv"));
        Assert.Equal("failed", lattice[6][Array.IndexOf(lattice[0], "status")]);
        using var reduced = Hdf5File.Open(Path.Combine(data.Folder, "corrupt", "reduced.h5"));
        var intensity = reduced.Read<double>("/entry/integrated/intensity");
        var npt = reduced.Read<double>("/entry/integrated/radial").Length;
        for (var frame = 0; frame < summary.Frames; frame++)
        {
            var finite = intensity.Skip(frame * npt).Take(npt).Count(double.IsFinite);
            Assert.True(frame == 5 ? finite == 0 : finite > npt / 2, $"frame {frame}: {finite} finite bins");
        }
    }

    [Fact]
    public void A_pipeline_with_an_unknown_key_is_refused_naming_the_key()
    {
        var path = Path.Combine(_shared.Data.Folder, "bad.json");
        File.WriteAllText(path, File.ReadAllText(_shared.Data.Run.PipelinePath).Replace("\"mask\"", "\"maks\"", StringComparison.Ordinal));
        var e = Assert.Throws<PipelineConfigException>(() => PipelineConfig.Load(path));
        Assert.Contains("'maks'", e.Message, StringComparison.Ordinal);
        Assert.Contains("bad.json", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_flip_is_read_from_the_integration_section_and_a_wrong_value_is_refused_by_name()
    {
        var text = File.ReadAllText(_shared.Data.Run.PipelinePath);
        Assert.Equal(Core.Frames.FrameFlip.None, PipelineConfig.Load(_shared.Data.Run.PipelinePath).Integration.Flip);
        var path = Path.Combine(_shared.Data.Folder, "flipped.json");
        File.WriteAllText(path, text.Replace("\"npt\"", "\"flip\": \"ud\", \"npt\"", StringComparison.Ordinal));
        Assert.Equal(Core.Frames.FrameFlip.UpDown, PipelineConfig.Load(path).Integration.Flip);
        File.WriteAllText(path, text.Replace("\"npt\"", "\"flip\": \"sideways\", \"npt\"", StringComparison.Ordinal));
        var e = Assert.Throws<PipelineConfigException>(() => PipelineConfig.Load(path));
        Assert.Contains("integration.flip", e.Message, StringComparison.Ordinal);
        Assert.Contains("sideways", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_v1_poni_without_a_detector_line_takes_the_frames_shape_and_gives_the_same_lattice()
    {
        // PixelSize1/2 and no Detector line, as pyFAI and Dioptas wrote PONI files for years.
        var options = _shared.Data.Options("v1-poni");
        var p = Poni.Load(options.PoniPath!);
        var v1 = Path.Combine(_shared.Data.Folder, "v1.poni");
        File.WriteAllText(v1, string.Create(CultureInfo.InvariantCulture,
            $"# Calibration done by hand\nPixelSize1: {p.Detector.PixelSize1:R}\nPixelSize2: {p.Detector.PixelSize2:R}\nDistance: {p.Distance:R}\nPoni1: {p.Poni1:R}\nPoni2: {p.Poni2:R}\nRot1: {p.Rot1:R}\nRot2: {p.Rot2:R}\nRot3: {p.Rot3:R}\nSplineFile: None\nWavelength: {p.Wavelength:R}\n"));
        options.PoniPath = v1;
        var summary = await ReductionHost.RunAsync(options);
        Assert.Equal(_shared.Summary.Frames, summary.Frames);

        // The generic detector has no module-gap mask, but the gaps are −1 in the frames and dropped as dummies: the
        // same pixels count, so the same patterns and fits — up to the summation order, which differs because the
        // matrix leaves masked pixels out while dummies are dropped per frame (last-digit differences, ~1e-10).
        var expected = File.ReadAllLines(Path.Combine(_shared.Output, "lattice.csv"));
        var actual = File.ReadAllLines(Path.Combine(_shared.Data.Folder, "v1-poni", "lattice.csv"));
        Assert.Equal(expected.Length, actual.Length);
        for (var r = 0; r < expected.Length; r++)
        {
            var (e, a) = (expected[r].Split(','), actual[r].Split(','));
            Assert.Equal(e.Length, a.Length);
            for (var c = 0; c < e.Length; c++)
            {
                if (double.TryParse(e[c], NumberStyles.Float, CultureInfo.InvariantCulture, out var x) && double.TryParse(a[c], NumberStyles.Float, CultureInfo.InvariantCulture, out var y))
                {
                    Assert.True(Math.Abs(x - y) <= 1e-8 * Math.Max(1, Math.Abs(x)), $"row {r} column {c}: {x} vs {y}");
                }
                else
                {
                    Assert.Equal(e[c], a[c]);
                }
            }
        }
    }

    [Fact]
    public async Task A_missing_poni_fails_validation_before_any_frame()
    {
        var options = _shared.Data.Options("no-poni");
        options.PoniPath = Path.Combine(_shared.Data.Folder, "nowhere.poni");
        var e = await Assert.ThrowsAnyAsync<OptionsValidationException>(() => ReductionHost.RunAsync(options));
        Assert.Contains("nowhere.poni", e.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_shared.Data.Folder, "no-poni", "lattice.csv")));
    }

    [Fact]
    public async Task A_detector_shape_that_differs_from_the_poni_is_refused()
    {
        var options = _shared.Data.Options("wrong-detector");
        var poni = Poni.Load(options.PoniPath!) is var p ? new Poni
        {
            Detector = Detector.Pilatus2M, Distance = p.Distance, Poni1 = p.Poni1, Poni2 = p.Poni2, Rot1 = p.Rot1, Rot2 = p.Rot2, Rot3 = p.Rot3, Wavelength = p.Wavelength,
        } : null;
        options.PoniPath = Path.Combine(_shared.Data.Folder, "pilatus2m.poni");
        poni!.Save(options.PoniPath);
        var e = await Assert.ThrowsAnyAsync<Exception>(() => ReductionHost.RunAsync(options));
        Assert.Contains("1679 x 1475", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_input_folder_without_frames_is_refused_naming_the_folder()
    {
        var empty = Directory.CreateDirectory(Path.Combine(_shared.Data.Folder, "empty-scan")).FullName;
        var options = _shared.Data.Options("no-frames", [empty]);
        var e = await Assert.ThrowsAnyAsync<Exception>(() => ReductionHost.RunAsync(options));
        Assert.Contains(empty, e.Message, StringComparison.Ordinal);
        Assert.Contains("no frame files", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_output_folder_that_cannot_be_created_is_refused_before_any_frame()
    {
        // A path through a regular file: not writable whoever runs the test (root ignores permission bits).
        var file = Path.Combine(_shared.Data.Folder, "a-file");
        File.WriteAllText(file, "");
        var options = _shared.Data.Options(Path.Combine(file, "out"));
        var e = await Assert.ThrowsAnyAsync<OptionsValidationException>(() => ReductionHost.RunAsync(options));
        Assert.Contains(Path.Combine(file, "out"), e.Message, StringComparison.Ordinal);
        Assert.Contains("not writable", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Integrated_in_q_the_fitted_curves_land_on_the_q_grid()
    {
        // The fitter works in 2θ; the run's grid here is q. The curves in reduced.h5 must sit at the fit range's bins.
        var path = Path.Combine(_shared.Data.Folder, "q.json");
        var json = File.ReadAllText(_shared.Data.Run.PipelinePath)
            .Replace("\"2th_deg\"", "\"q_A^-1\"", StringComparison.Ordinal)
            .Replace("\"geometry.poni\"", $"\"{Path.GetFullPath(Path.Combine(_shared.Data.Run.Folder, "geometry.poni"))}\"", StringComparison.Ordinal);
        Assert.Contains("q_A^-1", json, StringComparison.Ordinal);
        File.WriteAllText(path, json.Replace("\"range\": [\n      1,\n      12\n    ]", "\"range\": [0.45, 5.3]", StringComparison.Ordinal));
        var options = _shared.Data.Options("q");
        options.Pipeline = PipelineConfig.Load(path);
        options.PoniPath = options.Pipeline.Poni;
        var summary = await ReductionHost.RunAsync(options);
        Assert.True(summary.Ok > 0, "no frame fitted in q");
        using var file = Hdf5File.Open(Path.Combine(_shared.Data.Folder, "q", "reduced.h5"));
        using var calculated = file.OpenDataset("/entry/fit/calculated");
        var values = new double[calculated.ElementCount];
        calculated.Read<double>(values);
        Assert.Contains(values, double.IsFinite);
    }
}
