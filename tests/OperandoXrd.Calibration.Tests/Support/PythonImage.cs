using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace OperandoXrd.Calibration.Tests.Support;

/// <summary>
/// Runs the reference scripts in Python/ with Debian's Python (pyFAI 0.21.3, fabio, numpy), not the pyenv
/// <c>python3</c> on PATH, and reads the raw little-endian int32 images they write.
/// </summary>
internal static class PythonImage
{
    public const string Exe = "/usr/bin/python3";

    public static string Script(string name, [CallerFilePath] string here = "") =>
        Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(here)!)!, "Python", name);

    /// <summary>Runs <paramref name="script"/> and returns its standard output; a failure throws with its stderr.</summary>
    public static string Run(string script, params string[] args)
    {
        var info = new ProcessStartInfo(Exe) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Script(script));
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        using var p = Process.Start(info) ?? throw new InvalidOperationException("cannot start " + Exe);
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(300_000))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException(script + " did not finish");
        }

        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"{script} exited {p.ExitCode}: {stderr.Result}");
        }

        return stdout.Result;
    }

    /// <summary>A raw little-endian int32 image as floats.</summary>
    public static float[] ReadInt32(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var values = new float[bytes.Length / 4];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = BitConverter.ToInt32(bytes, 4 * i);
        }

        return values;
    }
}

/// <summary>A fresh folder under /tmp, deleted afterwards.</summary>
public sealed class TempFolder : IDisposable
{
    public TempFolder() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "oxrd-calib-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
