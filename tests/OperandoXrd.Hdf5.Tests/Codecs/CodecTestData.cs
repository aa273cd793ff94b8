using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace OperandoXrd.Hdf5.Tests.Codecs;

/// <summary>Synthetic detector data and the bridge to Debian's python3 (h5py, bitshuffle) for the codec tests.</summary>
internal static class CodecTestData
{
    /// <summary>Pilatus-like counts: Poisson around rings and a radial falloff, -1 in module gaps, a few -2.</summary>
    public static int[] PilatusFrame(int rows, int cols, int seed) => Simulation.Rendering.SyntheticPilatusFrame.Create(rows, cols, seed);

    public static byte[] Bytes<T>(T[] values) where T : struct => MemoryMarshal.AsBytes(values.AsSpan()).ToArray();

    public static string ScriptPath(string name, [CallerFilePath] string here = "") =>
        Path.Combine(Path.GetDirectoryName(here)!, name);

    /// <summary>Runs Debian's python3 (the one with numpy/h5py/bitshuffle); fails the test on a non-zero exit.</summary>
    public static string RunPython(string script, params string[] args)
    {
        var start = new ProcessStartInfo("/usr/bin/python3")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(ScriptPath(script));
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        start.Environment["HDF5_PLUGIN_PATH"] = "/usr/lib/x86_64-linux-gnu/hdf5/serial/plugins";
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"python3 {script} failed ({process.ExitCode}):\n{stderr.Result}");
        }

        return stdout.Result;
    }

    public static string NewTempFolder(string prefix)
    {
        var dir = Path.Combine(Path.GetTempPath(), prefix + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        return dir;
    }
}
