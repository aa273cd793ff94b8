using System.Text;

namespace OperandoXrd.Electrochem.Tests;

/// <summary>A scratch folder per test, removed afterwards.</summary>
internal sealed class TempDir : IDisposable
{
    public TempDir() => Directory.CreateDirectory(Root);

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "oxrd-echem-" + Guid.NewGuid().ToString("N"));

    public string Write(string name, string text, Encoding? encoding = null)
    {
        var path = Path.Combine(Root, name);
        File.WriteAllBytes(path, (encoding ?? new UTF8Encoding(false)).GetBytes(text));
        return path;
    }

    public static void Append(string path, string text, Encoding? encoding = null)
    {
        using var fs = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
        var bytes = (encoding ?? new UTF8Encoding(false)).GetBytes(text);
        fs.Write(bytes);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
