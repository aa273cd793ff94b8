using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace OperandoXrd.Hdf5.Tests.Codecs;

/// <summary>Synthetic detector data and the bridge to Debian's python3 (h5py, bitshuffle) for the codec tests.</summary>
internal static class CodecTestData
{
    /// <summary>Pilatus-like counts: Poisson around rings and a radial falloff, -1 in module gaps, a few -2.</summary>
    public static int[] PilatusFrame(int rows, int cols, int seed)
    {
        var rng = new Random(seed);
        var frame = new int[rows * cols];
        for (int y = 0; y < rows; y++)
            for (int x = 0; x < cols; x++)
            {
                double r = Math.Sqrt(Math.Pow(y - rows * 0.55, 2) + Math.Pow(x - cols * 0.48, 2));
                double ring = (r % 180.0) - 90.0;
                double mean = 3.0 + 40.0 * Math.Exp(-ring * ring / 30.0) + 2000.0 / (r + 40.0);
                bool gap = (x % 494) >= 487 || (y % 212) >= 195;
                frame[y * cols + x] = gap ? -1 : Poisson(rng, mean);
            }
        for (int i = 0; i < 40; i++)
            frame[rng.Next(frame.Length)] = -2;
        return frame;
    }

    private static int Poisson(Random rng, double mean)
    {
        if (mean > 30)
            return Math.Max(0, (int)Math.Round(mean + Math.Sqrt(mean) * Gaussian(rng)));
        double limit = Math.Exp(-mean), p = 1.0;
        int k = 0;
        do
        {
            k++;
            p *= rng.NextDouble();
        }
        while (p > limit);
        return k - 1;
    }

    private static double Gaussian(Random rng) =>
        Math.Sqrt(-2.0 * Math.Log(1.0 - rng.NextDouble())) * Math.Cos(2.0 * Math.PI * rng.NextDouble());

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
        foreach (string a in args)
            start.ArgumentList.Add(a);
        start.Environment["HDF5_PLUGIN_PATH"] = "/usr/lib/x86_64-linux-gnu/hdf5/serial/plugins";
        using var process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"python3 {script} failed ({process.ExitCode}):\n{stderr.Result}");
        return stdout.Result;
    }

    public static string NewTempFolder(string prefix)
    {
        string dir = Path.Combine(Path.GetTempPath(), prefix + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(dir);
        return dir;
    }
}
