using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace OperandoXrd.Hdf5.Tests.Support;

/// <summary>
/// Runs the reference scripts with Debian's Python (h5py, numpy, the filter plugins). Not the <c>python3</c> on PATH,
/// which on this machine is a pyenv build without h5py.
/// </summary>
internal static class Python
{
    public const string Exe = "/usr/bin/python3";

    public static string Script(string name, [CallerFilePath] string here = "") =>
        Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(here)!)!, "Python", name);

    public static Process Start(string script, params string[] args)
    {
        var info = new ProcessStartInfo(Exe)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Script(script));
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        info.Environment["HDF5_PLUGIN_PATH"] = Hdf5Library.DebianPluginFolder;

        // HDF5 opens files without close-on-exec, so a child started while another test has a file open inherits the
        // descriptor and with it the file's lock, until the child exits. The scripts must not trip over such a lock.
        info.Environment["HDF5_USE_FILE_LOCKING"] = "FALSE";
        return Process.Start(info) ?? throw new InvalidOperationException("cannot start " + Exe);
    }

    public static string Run(string script, params string[] args)
    {
        using var p = Start(script, args);
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(180_000))
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
}

/// <summary>A fresh folder under /tmp, deleted afterwards.</summary>
public sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = Directory.CreateTempSubdirectory("oxrd-hdf5-").FullName;
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

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
