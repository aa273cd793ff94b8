using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace OperandoXrd.Core.Tests.Reference;

/// <summary>
/// Runs a Python script with the Debian interpreter (<c>/usr/bin/python3</c>, which has numpy, h5py and pyFAI; the
/// <c>python3</c> on PATH does not) and reads back the arrays it saved. Use it to get independent reference values
/// from pyFAI or h5py in a test.
/// <para>
/// The script text runs after a short prelude that defines:
/// <c>OUT</c> (a fresh temporary directory), <c>ARGS</c> (the string arguments),
/// <c>save_f64(name, array)</c>, <c>save_f32(name, array)</c>, <c>save_i32(name, array)</c>, <c>save_u8(name, array)</c>
/// (raw little-endian, C order, flattened) and <c>save_text(name, text)</c>; and <c>load_f64(name)</c>,
/// <c>load_f32</c>, <c>load_i32</c>, <c>load_u8</c> that return the flat numpy arrays passed as <c>inputs</c>
/// (reshape them in the script). Read the outputs back with
/// <see cref="ReferenceRun.F64"/>, <see cref="ReferenceRun.F32"/>, <see cref="ReferenceRun.I32"/>,
/// <see cref="ReferenceRun.U8"/>, <see cref="ReferenceRun.Text"/>. Shapes are the caller's business (save them as
/// text or an i32 array if needed).
/// </para>
/// </summary>
public static class PythonReference
{
    /// <summary>The interpreter with numpy, h5py and pyFAI 0.21.3.</summary>
    public const string Interpreter = "/usr/bin/python3";

    /// <summary>Generous: a Pilatus2M pyFAI geometry takes a few seconds, but the machine is shared.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(5);

    private const string Prelude = """
        import os as _os, sys as _sys
        import numpy as _np
        OUT = _sys.argv[1]
        ARGS = _sys.argv[2:]
        def _save(name, array, dtype, ext):
            _np.ascontiguousarray(array, dtype=dtype).tofile(_os.path.join(OUT, name + ext))
        def save_f64(name, array): _save(name, array, '<f8', '.f64')
        def save_f32(name, array): _save(name, array, '<f4', '.f32')
        def save_i32(name, array): _save(name, array, '<i4', '.i32')
        def save_u8(name, array): _save(name, array, 'u1', '.u8')
        def save_text(name, text):
            with open(_os.path.join(OUT, name + '.txt'), 'w', encoding='utf-8') as _f:
                _f.write(str(text))
        IN = _os.path.join(OUT, 'in')
        def _load(name, dtype, ext): return _np.fromfile(_os.path.join(IN, name + ext), dtype=dtype)
        def load_f64(name): return _load(name, '<f8', '.f64')
        def load_f32(name): return _load(name, '<f4', '.f32')
        def load_i32(name): return _load(name, '<i4', '.i32')
        def load_u8(name): return _load(name, 'u1', '.u8')
        # ---- script ----

        """;

    /// <summary>Runs <paramref name="script"/> with <paramref name="arguments"/> and the default timeout.</summary>
    public static ReferenceRun Run(string script, params string[] arguments) => Run(script, arguments, DefaultTimeout);

    /// <summary>
    /// Runs <paramref name="script"/>. Throws <see cref="PythonReferenceException"/> if the interpreter is missing,
    /// the script exits non-zero or times out; the message carries the exit code and the script's stderr.
    /// </summary>
    public static ReferenceRun Run(string script, IEnumerable<string> arguments, TimeSpan timeout)
        => Run(script, arguments, new Dictionary<string, Array>(), timeout);

    /// <summary>
    /// Runs <paramref name="script"/> with input arrays (double[], float[], int[] or byte[], by name) that the
    /// script reads with <c>load_f64(name)</c> etc. — e.g. frames generated in C# for pyFAI to integrate.
    /// </summary>
    public static ReferenceRun Run(string script, IEnumerable<string> arguments, IReadOnlyDictionary<string, Array> inputs, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(script);
        ArgumentNullException.ThrowIfNull(arguments);
        ArgumentNullException.ThrowIfNull(inputs);
        if (!File.Exists(Interpreter))
        {
            throw new PythonReferenceException($"{Interpreter} not found: install python3-pyfai, python3-h5py (Debian) to run reference comparisons.");
        }

        var directory = Path.Combine(Path.GetTempPath(), "oxrd-reference-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        try
        {
            WriteInputs(Path.Combine(directory, "in"), inputs);
            var scriptPath = Path.Combine(directory, "script.py");
            File.WriteAllText(scriptPath, Prelude + script, new UTF8Encoding(false));
            var start = new ProcessStartInfo(Interpreter)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = directory,
            };
            start.ArgumentList.Add(scriptPath);
            start.ArgumentList.Add(directory);
            foreach (var a in arguments)
            {
                start.ArgumentList.Add(a);
            }

            // numpy/pyFAI threads would fight the test runner for the two cores; one is plenty for references.
            start.Environment["OMP_NUM_THREADS"] = "1";
            start.Environment["PYTHONDONTWRITEBYTECODE"] = "1";

            using var process = Process.Start(start) ?? throw new PythonReferenceException($"could not start {Interpreter}.");
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(timeout))
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit();
                throw new PythonReferenceException(
                    string.Create(CultureInfo.InvariantCulture, $"reference script timed out after {timeout.TotalSeconds:F0} s.\n--- stderr ---\n{Tail(stderr.Result)}"));
            }

            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                throw new PythonReferenceException(
                    string.Create(CultureInfo.InvariantCulture, $"reference script failed with exit code {process.ExitCode}.\n--- stderr ---\n{Tail(stderr.Result)}\n--- stdout ---\n{Tail(stdout.Result)}"));
            }

            return new ReferenceRun(directory, stdout.Result, stderr.Result);
        }
        catch
        {
            TryDelete(directory);
            throw;
        }
    }

    private static void WriteInputs(string directory, IReadOnlyDictionary<string, Array> inputs)
    {
        Directory.CreateDirectory(directory);
        foreach (var (name, array) in inputs)
        {
            var (bytes, extension) = array switch
            {
                double[] d => (MemoryMarshal.AsBytes(d.AsSpan()).ToArray(), ".f64"),
                float[] f => (MemoryMarshal.AsBytes(f.AsSpan()).ToArray(), ".f32"),
                int[] i => (MemoryMarshal.AsBytes(i.AsSpan()).ToArray(), ".i32"),
                byte[] b => (b, ".u8"),
                _ => throw new ArgumentException($"input '{name}' is a {array.GetType().Name}; pass double[], float[], int[] or byte[].", nameof(inputs)),
            };
            File.WriteAllBytes(Path.Combine(directory, name + extension), bytes);
        }
    }

    internal static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static string Tail(string text, int max = 6000)
        => text.Length <= max ? text : "…" + text[^max..];
}

/// <summary>The outputs of one <see cref="PythonReference.Run(string, string[])"/>; deletes them on dispose.</summary>
public sealed class ReferenceRun : IDisposable
{
    internal ReferenceRun(string directory, string standardOutput, string standardError)
    {
        OutputDirectory = directory;
        StandardOutput = standardOutput;
        StandardError = standardError;
    }

    /// <summary>The script's <c>OUT</c> directory.</summary>
    public string OutputDirectory { get; }

    public string StandardOutput { get; }

    public string StandardError { get; }

    /// <summary>Names of everything saved (file names without extension, with extension in parentheses).</summary>
    public IReadOnlyList<string> Outputs => [.. Directory.EnumerateFiles(OutputDirectory)
        .Where(f => !f.EndsWith("script.py", StringComparison.Ordinal))
        .Select(Path.GetFileName)
        .OfType<string>()
        .Order(StringComparer.Ordinal)];

    /// <summary>True if the script saved <paramref name="name"/> with any extension.</summary>
    public bool Has(string name) => Outputs.Any(o => Path.GetFileNameWithoutExtension(o) == name);

    public double[] F64(string name) => Read<double>(name, ".f64");

    public float[] F32(string name) => Read<float>(name, ".f32");

    public int[] I32(string name) => Read<int>(name, ".i32");

    public byte[] U8(string name) => File.ReadAllBytes(PathOf(name, ".u8"));

    public string Text(string name) => File.ReadAllText(PathOf(name, ".txt"));

    public void Dispose() => PythonReference.TryDelete(OutputDirectory);

    private T[] Read<T>(string name, string extension)
        where T : unmanaged
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("Reference arrays are little-endian.");
        }

        var bytes = File.ReadAllBytes(PathOf(name, extension));
        if (bytes.Length % Marshal.SizeOf<T>() != 0)
        {
            throw new PythonReferenceException($"reference output '{name}{extension}' has {bytes.Length} bytes, not a whole number of {typeof(T).Name}.");
        }

        return MemoryMarshal.Cast<byte, T>(bytes).ToArray();
    }

    private string PathOf(string name, string extension)
    {
        var path = Path.Combine(OutputDirectory, name + extension);
        if (!File.Exists(path))
        {
            throw new PythonReferenceException(
                $"the reference script saved no '{name}{extension}'; it saved: {string.Join(", ", Outputs)}.\n--- stderr ---\n{StandardError}");
        }

        return path;
    }
}

/// <summary>A reference script could not be run or did not produce what the test asked for.</summary>
public sealed class PythonReferenceException : Exception
{
    public PythonReferenceException(string message) : base(message)
    {
    }

    public PythonReferenceException(string message, Exception inner) : base(message, inner)
    {
    }

    public PythonReferenceException()
    {
    }
}
