using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text.Json;
using OperandoXrd.Hdf5;

namespace OperandoXrd.Cli.Tests;

/// <summary>
/// The outputs of <c>oxrd integrate</c> and <c>oxrd fit</c> carry NeXus' default chain (NXroot@default →
/// NXentry@default → NXdata), so that silx (Debian python3-silx) finds their plot, and their NXdata attributes read in
/// h5py as arrays of strings.
/// </summary>
public sealed class NexusDefaultTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "oxrd-nexus-" + Guid.NewGuid().ToString("N"));

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
    public void Silx_finds_the_plot_of_integrate_and_fit_outputs()
    {
        var (run, peek) = SmallSimulatedRun.Create(_folder, frames: 3, framesPerFile: 3, seed: 4);
        var patterns = Path.Combine(_folder, "patterns.h5");
        var integrate = OxrdProcess.Run(TimeSpan.FromMinutes(5), "integrate", "--poni", run.PoniPath, "--input", run.FrameFiles[0], "--out", patterns);
        Assert.True(integrate.ExitCode == 0, integrate.Error);
        var found = Check(patterns);
        Assert.Equal("/entry/integrated", found.GetProperty("default").GetString());
        Assert.Equal(["time", "radial"], Strings(found, "axes"));
        Assert.Equal(3, found.GetProperty("signal_shape")[0].GetInt32());

        foreach (var profiles in new[] { true, false })
        {
            var output = Path.Combine(_folder, profiles ? "fit-profiles" : "fit");
            string[] args = ["fit", "--pipeline", run.PipelinePath, "--peek", peek, "--patterns", patterns, "--out", output];
            var fit = OxrdProcess.Run(TimeSpan.FromMinutes(5), profiles ? [.. args, "--profiles"] : args);
            Assert.True(fit.ExitCode is 0 or 1, fit.Error);
            var plot = Check(Path.Combine(output, "fit.h5"));
            if (profiles)
            {
                Assert.Equal("/entry/fit/profiles", plot.GetProperty("default").GetString());
                Assert.Equal([".", "radial"], Strings(plot, "axes"));
                Assert.Equal(["calculated", "difference"], Strings(plot, "auxiliary_signals"));
            }
            else
            {
                Assert.Equal("/entry/lattice", plot.GetProperty("default").GetString());
                Assert.Equal(["time"], Strings(plot, "axes"));
            }

            Assert.Equal(3, plot.GetProperty("signal_shape")[0].GetInt32());
        }
    }

    private static string[] Strings(JsonElement e, string name) =>
        e.GetProperty(name).ValueKind == JsonValueKind.Array
            ? [.. e.GetProperty(name).EnumerateArray().Select(x => x.GetString()!)]
            : throw new Xunit.Sdk.XunitException($"{name} is not an array of strings: {e.GetProperty(name)}");

    private static JsonElement Check(string file, [CallerFilePath] string here = "")
    {
        var info = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(Path.GetDirectoryName(here)!, "Python", "nexus_default.py"));
        info.ArgumentList.Add(file);
        info.Environment["HDF5_PLUGIN_PATH"] = Hdf5Library.DebianPluginFolder;
        info.Environment["HDF5_USE_FILE_LOCKING"] = "FALSE";
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(120_000), "nexus_default.py did not finish");
        Assert.True(process.ExitCode == 0, stderr.Result);
        return JsonDocument.Parse(stdout.Result).RootElement.Clone();
    }
}
