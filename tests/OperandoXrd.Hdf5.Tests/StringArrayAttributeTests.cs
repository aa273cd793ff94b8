using System.Text.Json;
using OperandoXrd.Hdf5.Tests.Support;

namespace OperandoXrd.Hdf5.Tests;

/// <summary>String-array attributes (NeXus <c>axes</c>, <c>auxiliary_signals</c>) both ways against h5py.</summary>
public sealed class StringArrayAttributeTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Arrays_we_write_are_arrays_of_strings_for_h5py()
    {
        var path = _folder.File("ours.h5");
        using (var file = Hdf5File.Create(path))
        using (var group = file.CreateGroup("/entry", "NXdata"))
        {
            group.WriteAttribute("axes", ["time", "radial"]);
            group.WriteAttribute("auxiliary_signals", ["calculated", "Δ µ"]);
            group.WriteAttribute("one", ["only"]);
        }

        Python.Run("dump_tree.py", path, _folder.File("tree.json"));
        using var json = JsonDocument.Parse(File.ReadAllText(_folder.File("tree.json")));
        var attrs = json.RootElement.GetProperty("/entry").GetProperty("attrs");
        Assert.Equal(["time", "radial"], attrs.GetProperty("axes").EnumerateArray().Select(x => x.GetString()));
        Assert.Equal(["calculated", "Δ µ"], attrs.GetProperty("auxiliary_signals").EnumerateArray().Select(x => x.GetString()));
        Assert.Equal(["only"], attrs.GetProperty("one").EnumerateArray().Select(x => x.GetString()));
        Assert.Equal("NXdata", attrs.GetProperty("NX_class").GetString());

        using var back = Hdf5File.Open(path);
        using var entry = back.OpenGroup("/entry");
        Assert.Equal(["time", "radial"], entry.ReadStringArrayAttribute("axes")!);
        Assert.Equal("time", entry.ReadStringAttribute("axes"));
        Assert.Null(entry.ReadStringArrayAttribute("absent"));
    }

    [Fact]
    public void Arrays_h5py_writes_fixed_or_variable_length_are_read()
    {
        var path = _folder.File("h5py.h5");
        Python.Run("string_attributes.py", path);

        using var file = Hdf5File.Open(path);
        using var data = file.OpenGroup("/data");
        Assert.Equal(["time", "radial", "µ"], data.ReadStringArrayAttribute("variable")!);
        Assert.Equal(["frame", "2th_deg"], data.ReadStringArrayAttribute("fixed")!);
        Assert.Equal(["intensity"], data.ReadStringArrayAttribute("scalar")!);
    }
}
