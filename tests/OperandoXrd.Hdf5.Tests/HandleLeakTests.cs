using OperandoXrd.Hdf5.Frames;
using OperandoXrd.Hdf5.Tests.Support;
using OperandoXrd.Hdf5.Writers;

namespace OperandoXrd.Hdf5.Tests;

/// <summary>Counts every open HDF5 object in the process, so nothing else may run at the same time.</summary>
[CollectionDefinition(nameof(NativeObjectCount), DisableParallelization = true)]
public sealed class NativeObjectCount;

[Collection(nameof(NativeObjectCount))]
public sealed class HandleLeakTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Ten_thousand_opens_and_closes_leave_no_open_object()
    {
        var path = _folder.File("leak.h5");
        using (var w = new LimaFileWriter(path, 16, 12, 2, new FrameWriterOptions { StartTime = DateTimeOffset.UnixEpoch }))
        {
            w.WriteFrame(0, new int[16 * 12]);
            w.WriteFrame(1, Enumerable.Range(0, 16 * 12).ToArray());
        }

        Settle();
        Assert.Equal(0, Hdf5Library.OpenObjectCount);
        // The safe layer: file, dataset, attribute, chunk lookup and raw chunk read, 10 000 times.
        var chunk = new byte[4096];
        for (var i = 0; i < 10_000; i++)
        {
            using var file = Hdf5File.Open(path);
            using var data = file.OpenDataset("/entry_0000/measurement/data");
            Assert.Equal("image", data.ReadStringAttribute("interpretation"));
            _ = data.ReadChunk([i & 1, 0, 0], chunk, out _);
        }

        // The frame source on top (layout detection opens and closes much more), 1 000 times.
        var frame = new int[16 * 12];
        for (var i = 0; i < 1_000; i++)
        {
            using var source = FrameSources.Open(path);
            source.ReadFrame(i & 1, frame);
        }

        Assert.Equal(191, frame[191]);

        // No GC before counting: Dispose alone must have closed every id.
        Assert.Equal(0, Hdf5Library.OpenObjectCount);
    }

    [Fact]
    public void Forgotten_handles_are_closed_by_their_finalizers()
    {
        var path = _folder.File("forgotten.h5");
        using (var file = Hdf5File.Create(path))
        {
            file.WriteDataset<double>("/x", [1, 2, 3]);
        }

        Settle();
        OpenWithoutDispose(path, 50);
        Assert.True(Hdf5Library.OpenObjectCount >= 50);
        Settle();
        Assert.Equal(0, Hdf5Library.OpenObjectCount);
    }

    private static void OpenWithoutDispose(string path, int n)
    {
        for (var i = 0; i < n; i++)
        {
            var file = Hdf5File.Open(path);
            _ = file.OpenDataset("/x");
        }
    }

    private static void Settle()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }
}
