using System.Text.Json;
using OperandoXrd.Hdf5.Native;
using OperandoXrd.Hdf5.Tests.Support;

namespace OperandoXrd.Hdf5.Tests;

/// <summary>The binding and the safe layer, checked against the library itself and against h5py.</summary>
public sealed class SafeLayerTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Binding_loads_debian_hdf5_and_reads_its_globals()
    {
        Assert.StartsWith("1.10.", Hdf5Library.Version, StringComparison.Ordinal);
        Assert.Equal("libhdf5_serial.so.103", Hdf5Native.LoadedLibrary);
        lock (Hdf5Library.Sync)
        {
            Assert.Equal(4u, (uint)H5T.get_size(H5T.NATIVE_INT32));
            Assert.Equal(H5T.INTEGER, H5T.get_class(H5T.NATIVE_UINT16));
            Assert.Equal(H5T.FLOAT, H5T.get_class(H5T.NATIVE_DOUBLE));
            Assert.Equal(8u, (uint)H5T.get_size(H5T.NATIVE_DOUBLE));
            var fapl = H5P.create(H5P.FILE_ACCESS);
            Assert.True(fapl > 0);
            Assert.True(H5P.close(fapl) >= 0);
        }
    }

    [Fact]
    public void Results_layer_writes_what_h5py_reads()
    {
        var path = _folder.File("results.h5");
        using (var file = Hdf5File.Create(path))
        {
            using var entry = file.CreateGroup("/entry", "NXentry");
            using var data = entry.CreateGroup("integrated", "NXdata");
            data.WriteAttribute("signal", "intensity");
            data.WriteDataset<double>("radial", [1.0, 1.5, 2.0, 2.5]);
            using (var intensity = data.CreateExtendable<float>("intensity", 4, rowsPerChunk: 2))
            {
                intensity.AppendRows<float>([1f, 2f, 3f, 4f]);
                intensity.AppendRows<float>([5f, 6f, 7f, 8f, 9f, 10f, 11f, 12f]);
                intensity.WriteAttribute("units", "counts");
            }

            using (var time = data.CreateExtendable<double>("time"))
            {
                time.AppendRows<double>([0.5]);
                time.AppendRows<double>([1.5, 2.5]);
            }

            entry.WriteDataset<double>("fit/NCA/a", [2.86, 2.85, 2.84, 2.83, 2.82, 2.81], 2, 3);
            entry.WriteString("provenance/pipeline", "{\"name\": \"nca\"} — µ");
            entry.WriteAttribute("frames", 3L);
            entry.WriteAttribute("wavelength_A", 0.24486);
        }

        Python.Run("dump_tree.py", path, _folder.File("tree.json"));
        using var json = JsonDocument.Parse(File.ReadAllText(_folder.File("tree.json")));
        var tree = json.RootElement;
        Assert.Equal("NXentry", tree.GetProperty("/entry").GetProperty("attrs").GetProperty("NX_class").GetString());
        Assert.Equal(3, tree.GetProperty("/entry").GetProperty("attrs").GetProperty("frames").GetInt32());
        Assert.Equal(0.24486, tree.GetProperty("/entry").GetProperty("attrs").GetProperty("wavelength_A").GetDouble());
        Assert.Equal("NXdata", tree.GetProperty("/entry/integrated").GetProperty("attrs").GetProperty("NX_class").GetString());
        Assert.Equal("intensity", tree.GetProperty("/entry/integrated").GetProperty("attrs").GetProperty("signal").GetString());
        var intensityNode = tree.GetProperty("/entry/integrated/intensity");
        Assert.Equal("float32", intensityNode.GetProperty("dtype").GetString());
        Assert.Equal([3, 4], intensityNode.GetProperty("shape").EnumerateArray().Select(x => x.GetInt32()));
        Assert.Equal([-1, 4], intensityNode.GetProperty("maxshape").EnumerateArray().Select(x => x.GetInt32()));
        Assert.Equal(Enumerable.Range(1, 12).Select(i => (double)i), intensityNode.GetProperty("value").EnumerateArray().SelectMany(r => r.EnumerateArray()).Select(x => x.GetDouble()));
        Assert.Equal("counts", intensityNode.GetProperty("attrs").GetProperty("units").GetString());
        Assert.Equal([0.5, 1.5, 2.5], tree.GetProperty("/entry/integrated/time").GetProperty("value").EnumerateArray().Select(x => x.GetDouble()));
        Assert.Equal([1.0, 1.5, 2.0, 2.5], tree.GetProperty("/entry/integrated/radial").GetProperty("value").EnumerateArray().Select(x => x.GetDouble()));
        Assert.Equal([2, 3], tree.GetProperty("/entry/fit/NCA/a").GetProperty("shape").EnumerateArray().Select(x => x.GetInt32()));
        Assert.Equal("{\"name\": \"nca\"} — µ", tree.GetProperty("/entry/provenance/pipeline").GetProperty("value").GetString());

        using var back = Hdf5File.Open(path);
        Assert.Equal("{\"name\": \"nca\"} — µ", back.ReadString("/entry/provenance/pipeline"));
        Assert.Equal([2.86, 2.85, 2.84, 2.83, 2.82, 2.81], back.Read<double>("/entry/fit/NCA/a"));
        using var group = back.OpenGroup("/entry/integrated");
        Assert.Equal(["intensity", "radial", "time"], group.LinkNames());
        Assert.Equal("counts", back.OpenDatasetDisposing("/entry/integrated/intensity", d => d.ReadStringAttribute("units")));
        Assert.Equal(0.24486, back.OpenGroupDisposing("/entry", g => g.ReadDoubleAttribute("wavelength_A")));
    }

    [Fact]
    public void Links_are_reported_as_stored()
    {
        var path = _folder.File("links.h5");
        using (var file = Hdf5File.Create(path))
        {
            file.WriteDataset<int>("/a/b/data", [1, 2, 3]);
            file.CreateSoftLink("/a/soft", "/a/b/data");
            file.CreateExternalLink("/a/ext", "elsewhere.h5", "/x/y");
        }

        using var back = Hdf5File.Open(path);
        Assert.Equal(Hdf5LinkKind.Hard, back.GetLinkKind("/a/b/data"));
        Assert.Equal(Hdf5LinkKind.Soft, back.GetLinkKind("/a/soft"));
        Assert.Equal(Hdf5LinkKind.External, back.GetLinkKind("/a/ext"));
        Assert.Equal(Hdf5LinkKind.Missing, back.GetLinkKind("/a/nothing/deeper"));
        Assert.Equal("/a/b/data", back.GetSoftLinkTarget("/a/soft"));
        Assert.Equal(("elsewhere.h5", "/x/y"), back.GetExternalLinkTarget("/a/ext"));
        Assert.Equal(Hdf5ObjectKind.Dataset, back.GetObjectKind("/a/soft"));
        Assert.Equal(Hdf5ObjectKind.Missing, back.GetObjectKind("/a/ext"));
        Assert.Equal(Hdf5ObjectKind.Group, back.GetObjectKind("/a/b"));
        Assert.Equal([1, 2, 3], back.Read<int>("/a/soft"));
    }

    [Fact]
    public unsafe void Files_are_not_inherited_by_child_processes()
    {
        var path = _folder.File("cloexec.h5");
        foreach (var create in new[] { true, false })
        {
            using var file = create ? Hdf5File.Create(path) : Hdf5File.Open(path);
            void* handle;
            lock (Hdf5Library.Sync)
            {
                Assert.True(H5F.get_vfd_handle(file.Id.Value, H5P.DEFAULT, &handle) >= 0);
            }

            var fd = *(int*)handle;
            var flagsLine = File.ReadAllLines($"/proc/self/fdinfo/{fd}").Single(l => l.StartsWith("flags:", StringComparison.Ordinal));
            var flags = Convert.ToInt32(flagsLine["flags:".Length..].Trim(), 8);
            const int O_CLOEXEC = 0x80000;
            Assert.True((flags & O_CLOEXEC) != 0, flagsLine);
        }
    }

    [Fact]
    public void Errors_carry_the_library_message_and_the_path()
    {
        var path = _folder.File("e.h5");
        using (Hdf5File.Create(path))
        {
        }

        using var file = Hdf5File.Open(path);
        var e = Assert.Throws<Hdf5Exception>(() => file.OpenDataset("/no/such"));
        Assert.Contains(path + ":/no/such: H5Dopen2 failed", e.Message, StringComparison.Ordinal);
        Assert.Contains("not found", e.LibraryMessage, StringComparison.Ordinal);
    }
}

internal static class DisposingExtensions
{
    public static T OpenDatasetDisposing<T>(this Hdf5Group group, string path, Func<Hdf5Dataset, T> use)
    {
        using var d = group.OpenDataset(path);
        return use(d);
    }

    public static T OpenGroupDisposing<T>(this Hdf5Group group, string path, Func<Hdf5Group, T> use)
    {
        using var g = group.OpenGroup(path);
        return use(g);
    }
}
