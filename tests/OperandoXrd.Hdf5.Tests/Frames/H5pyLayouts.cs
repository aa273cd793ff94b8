using System.Text.Json;
using OperandoXrd.Hdf5.Tests.Support;

namespace OperandoXrd.Hdf5.Tests.Frames;

/// <summary>One file (or folder) written by make_layouts.py and what h5py/numpy/datetime say it holds.</summary>
public sealed record LayoutCase(
    string Name, string File, string? Dataset, string Layout, string Rule, string Dtype, int Frames, int Rows, int Cols,
    string Bin, double[] Times, double[] Exposure, bool Direct, double[][] Stats);

/// <summary>Runs make_layouts.py once for the test class.</summary>
public sealed class H5pyLayouts : IDisposable
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public H5pyLayouts()
    {
        Folder = new TempFolder();
        Python.Run("make_layouts.py", Folder.Path);
        var cases = JsonSerializer.Deserialize<LayoutCase[]>(System.IO.File.ReadAllText(Folder.File("manifest.json")), Json)!;
        Cases = cases.ToDictionary(c => c.Name, StringComparer.Ordinal);
    }

    public TempFolder Folder { get; }

    public IReadOnlyDictionary<string, LayoutCase> Cases { get; }

    public string PathOf(LayoutCase c) => Folder.File(c.File);

    /// <summary>The stored frames, converted with the documented rule (unsigned all-ones → −1), independently of the reader.</summary>
    public int[] ExpectedCounts(LayoutCase c)
    {
        var bytes = System.IO.File.ReadAllBytes(Folder.File(c.Bin));
        return c.Dtype switch
        {
            "int32" => Enumerable.Range(0, bytes.Length / 4).Select(i => BitConverter.ToInt32(bytes, 4 * i)).ToArray(),
            "uint32" => Enumerable.Range(0, bytes.Length / 4).Select(i => { var v = BitConverter.ToUInt32(bytes, 4 * i); return v == uint.MaxValue ? -1 : (int)v; }).ToArray(),
            "uint16" => Enumerable.Range(0, bytes.Length / 2).Select(i => { var v = BitConverter.ToUInt16(bytes, 2 * i); return v == ushort.MaxValue ? -1 : (int)v; }).ToArray(),
            _ => throw new InvalidOperationException(c.Dtype),
        };
    }

    public float[] ExpectedFloats(LayoutCase c)
    {
        if (c.Dtype != "float32")
        {
            return ExpectedCounts(c).Select(v => (float)v).ToArray();
        }

        var bytes = System.IO.File.ReadAllBytes(Folder.File(c.Bin));
        return Enumerable.Range(0, bytes.Length / 4).Select(i => BitConverter.ToSingle(bytes, 4 * i)).ToArray();
    }

    public void Dispose() => Folder.Dispose();
}
