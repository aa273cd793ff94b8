using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text.Json;
using OperandoXrd.Pipeline.Hosting;
using Xunit.Abstractions;

namespace OperandoXrd.Pipeline.Tests;

/// <summary>
/// reduced.h5 as NeXus readers see it: h5py reads <c>axes</c> and <c>auxiliary_signals</c> as arrays of strings (NeXus,
/// not a comma-separated string), and silx (Debian python3-silx) finds the default plot and takes every NXdata as valid.
/// </summary>
public sealed class NexusTests : IDisposable
{
    private const int Frames = 3;
    private readonly SmallRun _data = new(frames: Frames, framesPerFile: Frames, seed: 9);
    private readonly ITestOutputHelper _output;

    public NexusTests(ITestOutputHelper output) => _output = output;

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task Reduced_h5_nxdata_axes_are_string_arrays_and_silx_finds_the_default_plot()
    {
        var summary = await ReductionHost.RunAsync(_data.Options("out"));
        Assert.Equal(Frames, summary.Frames);

        var json = RunPython(Path.Combine(_data.Folder, "out", "reduced.h5"));
        _output.WriteLine(json);
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        string[] Strings(string group, string attribute) => [.. root.GetProperty(group).GetProperty(attribute).EnumerateArray().Select(x => x.GetString() ?? "")];

        Assert.Equal(["frame", "radial"], Strings("/entry/integrated", "axes"));
        Assert.Equal(["calculated"], Strings("/entry/integrated", "auxiliary_signals"));
        Assert.Equal(["time", "radial"], Strings("/entry/contour", "axes"));
        Assert.True(root.GetProperty("/entry/integrated").GetProperty("silx_valid").GetBoolean());
        Assert.True(root.GetProperty("/entry/contour").GetProperty("silx_valid").GetBoolean());
        Assert.Equal("/entry/contour", root.GetProperty("default").GetString());
        Assert.Equal(["time", "radial"], root.GetProperty("default_axes").EnumerateArray().Select(x => x.GetString()));
        Assert.Equal(["calculated"], root.GetProperty("silx_auxiliary").EnumerateArray().Select(x => x.GetString()));
    }

    private static string RunPython(string reduced, [CallerFilePath] string here = "")
    {
        var info = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(Path.GetDirectoryName(here)!, "Python", "nxdata_check.py"));
        info.ArgumentList.Add(reduced);
        info.Environment["HDF5_USE_FILE_LOCKING"] = "FALSE";
        using var process = Process.Start(info) ?? throw new InvalidOperationException("cannot start /usr/bin/python3");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(120_000))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("nxdata_check.py did not finish");
        }

        Assert.True(process.ExitCode == 0, $"nxdata_check.py exited {process.ExitCode}: {stderr.Result}");
        return stdout.Result;
    }
}
