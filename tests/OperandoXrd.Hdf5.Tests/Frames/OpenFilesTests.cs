using OperandoXrd.Hdf5.Frames;
using OperandoXrd.Hdf5.Tests.Support;
using OperandoXrd.Hdf5.Writers;

namespace OperandoXrd.Hdf5.Tests.Frames;

/// <summary>
/// A long series must not keep every file open: each open file holds a descriptor and about a megabyte of HDF5's
/// memory, so a multi-day live run of small files would end at the descriptor limit.
/// </summary>
public sealed class OpenFilesTests : IDisposable
{
    private const int Rows = 16;
    private const int Cols = 12;
    private const int PerFile = 2;
    private const int Files = 12;
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static void WriteSeries(string folder)
    {
        using var w = new LimaSeriesWriter(folder, "scan", Rows, Cols, Files * PerFile, PerFile,
            new FrameWriterOptions { StartTime = new DateTimeOffset(2024, 3, 5, 10, 0, 0, TimeSpan.Zero), ExposureTime = 0.4, LatencyTime = 0.1, Compression = FrameCompression.None });
        for (var i = 0; i < Files * PerFile; i++)
        {
            w.WriteFrame(i, Enumerable.Range(0, Rows * Cols).Select(p => (p + i) % 100).ToArray());
        }
    }

    // Descriptors of this process pointing into the folder (Linux /proc).
    private static int OpenIn(string folder) =>
        Directory.GetFiles("/proc/self/fd").Count(fd =>
        {
            try
            {
                return new FileInfo(fd).LinkTarget?.StartsWith(folder, StringComparison.Ordinal) == true;
            }
            catch (IOException)
            {
                return false;
            }
        });

    [Fact]
    public void Offline_a_series_is_read_with_at_most_a_few_files_open()
    {
        var scan = Path.Combine(_folder.Path, "offline");
        WriteSeries(scan);
        using var source = FrameSources.Open([scan]);
        Assert.InRange(OpenIn(scan), 0, 1);
        var frame = new int[Rows * Cols];
        for (var i = 0; i < source.FrameCount; i++)
        {
            source.ReadFrame(i, frame);
            Assert.InRange(OpenIn(scan), 1, 4);
        }
    }

    [Fact]
    public void Live_files_arriving_one_by_one_do_not_stay_open()
    {
        var complete = Path.Combine(_folder.Path, "complete");
        WriteSeries(complete);
        var scan = Path.Combine(_folder.Path, "live");
        Directory.CreateDirectory(scan);
        File.Copy(Path.Combine(complete, "scan_0000.h5"), Path.Combine(scan, "scan_0000.h5"));
        using var source = FrameSources.Follow([scan]);
        var frame = new int[Rows * Cols];
        var read = 0;
        for (var f = 1; f < Files; f++)
        {
            File.Copy(Path.Combine(complete, $"scan_{f:D4}.h5"), Path.Combine(scan, $"scan_{f:D4}.h5"));
            source.Refresh();
            for (; read < source.FrameCount; read++)
            {
                source.ReadFrame(read, frame);
            }

            Assert.InRange(OpenIn(scan), 1, 4);
        }

        Assert.Equal(Files * PerFile, read);
    }
}
