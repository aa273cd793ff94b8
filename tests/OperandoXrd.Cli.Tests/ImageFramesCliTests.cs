using OperandoXrd.Hdf5.Frames;
using OperandoXrd.Images.Formats;
using OperandoXrd.TestSupport;

namespace OperandoXrd.Cli.Tests;

/// <summary>
/// Image frames through the commands, as a user meets them: the real CeO2 TIFF with its v1 PONI (the issue's "frames
/// are 1043x981 but the PONI says Detector (0x0)"), and a simulated run as a folder of numbered CBF files reduced
/// offline and live (--follow while the folder is being filled) with the same fits as its HDF5 original.
/// </summary>
public sealed class ImageFramesCliTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("oxrd-images-cli-").FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Fact]
    public void The_ceo2_tiff_integrates_with_its_v1_poni_and_the_flip()
    {
        var output = Path.Combine(_folder, "ceo2.h5");
        var run = OxrdProcess.Run(TimeSpan.FromMinutes(5), "integrate", "--poni", RealData.File("dioptas", "CeO2_Pilatus1M.poni"),
            "--input", RealData.File("dioptas", "CeO2_Pilatus1M.tif"), "--flip-ud", "--npt", "500", "--out", output, "--cache", Path.Combine(_folder, "cache"));
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("(flipped ud)", run.Error, StringComparison.Ordinal);
        Assert.True(File.Exists(output));

        var inspect = OxrdProcess.Run(TimeSpan.FromMinutes(2), "inspect", "--input", RealData.File("dioptas", "CeO2_Pilatus1M.tif"), "--frames");
        Assert.True(inspect.ExitCode == 0, inspect.Error);
        Assert.Contains("0\t0\t126844086\t73560\t0\t621698", inspect.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void A_cbf_folder_reduces_like_its_hdf5_original_offline_and_while_it_is_being_filled()
    {
        const int frames = 6;
        var (run, peek) = SmallSimulatedRun.Create(_folder, frames, framesPerFile: 3, seed: 5);
        var cbf = Path.Combine(_folder, "cbf");
        Directory.CreateDirectory(cbf);
        var files = new List<(string Path, byte[] Bytes)>();
        using (var source = FrameSources.Open([run.ScanFolder]))
        {
            var pixels = new int[source.Rows * source.Columns];
            for (var i = 0; i < source.FrameCount; i++)
            {
                source.ReadFrame(i, pixels);
                var t = source.GetTiming(i);
                var header = new PilatusHeader(t.Start, null, t.ExposureSeconds, null);
                files.Add((Path.Combine(cbf, $"cell_{i + 1:D5}.cbf"), CbfImage.Encode(pixels, source.Rows, source.Columns, header)));
            }
        }

        var reference = Reduce(run.PipelinePath, peek, "h5", run.ScanFolder);
        foreach (var (path, bytes) in files)
        {
            File.WriteAllBytes(path, bytes);
        }

        Assert.Equal(FitColumns(reference), FitColumns(Reduce(run.PipelinePath, peek, "offline", cbf)));

        // Live: the folder starts with two files and a half-written third; the rest arrive while the run follows it.
        var live = Path.Combine(_folder, "live-in");
        Directory.CreateDirectory(live);
        File.WriteAllBytes(Path.Combine(live, Path.GetFileName(files[0].Path)), files[0].Bytes);
        File.WriteAllBytes(Path.Combine(live, Path.GetFileName(files[1].Path)), files[1].Bytes);
        var third = Path.Combine(live, Path.GetFileName(files[2].Path));
        File.WriteAllBytes(third, files[2].Bytes[..(files[2].Bytes.Length / 3)]);
        var output = Path.Combine(_folder, "live");
        using var child = OxrdProcess.Start("reduce", "--pipeline", run.PipelinePath, "--peek", peek, "--input", live, "--out", output, "--follow", "--idle-timeout", "8");
        Thread.Sleep(1500);
        File.WriteAllBytes(third, files[2].Bytes);
        for (var i = 3; i < frames; i++)
        {
            Thread.Sleep(300);
            File.WriteAllBytes(Path.Combine(live, Path.GetFileName(files[i].Path)), files[i].Bytes);
        }

        Assert.True(child.WaitForExit(TimeSpan.FromMinutes(5)), "the live run did not stop after its idle timeout");
        Assert.True(child.ExitCode is 0 or 1, $"exit {child.ExitCode}");
        Assert.Equal(FitColumns(reference), FitColumns(Path.Combine(output, "lattice.csv")));
    }

    private string Reduce(string pipeline, string peek, string name, string input)
    {
        var output = Path.Combine(_folder, name);
        var done = OxrdProcess.Run(TimeSpan.FromMinutes(5), "reduce", "--pipeline", pipeline, "--peek", peek, "--input", input, "--out", output);
        Assert.True(done.ExitCode is 0 or 1, done.Error);
        return Path.Combine(output, "lattice.csv");
    }

    /// <summary>frame, the fitted columns and status: what the frames decide (times and echem depend on the header's millisecond dates).</summary>
    private static List<string> FitColumns(string latticeCsv)
    {
        var lines = File.ReadAllLines(latticeCsv).Where(l => !l.StartsWith('#')).ToList();
        var header = lines[0].Split(',');
        var keep = Enumerable.Range(0, header.Length)
            .Where(c => header[c] is not ("time_s" or "voltage_V" or "current_mA" or "capacity_mAh_g" or "x_Li"))
            .ToArray();
        Assert.True(keep.Length > 5, latticeCsv);
        return [.. lines.Select(l => string.Join(',', keep.Select(c => l.Split(',')[c])))];
    }
}
