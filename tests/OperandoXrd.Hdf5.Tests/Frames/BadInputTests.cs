using OperandoXrd.Core.Frames;
using OperandoXrd.Hdf5.Frames;
using OperandoXrd.Hdf5.Tests.Support;
using OperandoXrd.Hdf5.Writers;

namespace OperandoXrd.Hdf5.Tests.Frames;

/// <summary>Each bad input of issue 2 gives our exception, naming the file, the dataset and (where there is one) the frame.</summary>
public sealed class BadInputTests : IClassFixture<H5pyLayouts>, IDisposable
{
    private const int Rows = 40;
    private const int Cols = 30;
    private readonly H5pyLayouts _files;
    private readonly TempFolder _folder = new();

    public BadInputTests(H5pyLayouts files) => _files = files;

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Missing_file()
    {
        var path = _folder.File("nope.h5");
        var e = Assert.Throws<FrameSourceException>(() => FrameSources.Open(path));
        Assert.Equal(path, e.File);
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains("not found", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Wrong_dataset_path()
    {
        var path = _files.Folder.File("lima_none.h5");
        var e = Assert.Throws<FrameSourceException>(() => FrameSources.Open(path, "/entry_0000/instrument/nothing/data"));
        Assert.Equal("/entry_0000/instrument/nothing/data", e.Dataset);
        Assert.Contains(path + ":/entry_0000/instrument/nothing/data: no such dataset", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rank_other_than_three()
    {
        var path = _files.Folder.File("bad_rank2.h5");
        var e = Assert.Throws<FrameSourceException>(() => FrameSources.Open(path));
        Assert.Equal(path, e.File);
        Assert.Equal("/entry_0000/measurement/data", e.Dataset);
        Assert.Contains("rank 2", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unsupported_pixel_type()
    {
        var path = _files.Folder.File("bad_float64.h5");
        var e = Assert.Throws<FrameSourceException>(() => FrameSources.Open(path));
        Assert.Equal("/entry_0000/measurement/data", e.Dataset);
        Assert.Contains("unsupported pixel type float64", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_external_link_target_names_the_link_and_the_first_frame_it_would_hold()
    {
        var path = _files.Folder.File("bad_missing_link.h5");
        var e = Assert.Throws<FrameSourceException>(() => FrameSources.Open(path));
        Assert.Equal(path, e.File);
        Assert.Equal("/entry/data/data_000002", e.Dataset);
        Assert.Equal(3, e.Frame);
        Assert.Contains("external link target missing: gone_data_000002.h5:/entry/data/data", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_external_link_target_of_a_bliss_scan()
    {
        var lonely = _folder.File("bliss_ext.h5");
        File.Copy(_files.Folder.File("bliss_ext.h5"), lonely);
        var e = Assert.Throws<FrameSourceException>(() => FrameSources.Open(lonely));
        Assert.Equal(lonely, e.File);
        Assert.Equal("/2.1/measurement/pilatus", e.Dataset);
        Assert.Contains("external link target missing: lima_none.h5:/entry_0000/ESRF-BM31/pilatus/data", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_virtual_dataset_source()
    {
        var lonely = _folder.File("bliss_vds.h5");
        File.Copy(_files.Folder.File("bliss_vds.h5"), lonely);
        var e = Assert.Throws<FrameSourceException>(() => FrameSources.Open(lonely));
        Assert.Equal("/1.1/measurement/pilatus", e.Dataset);
        Assert.Equal(0, e.Frame);
        Assert.Contains("virtual dataset source missing: series/scan_0000.h5", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Truncated_file()
    {
        var path = WriteLima("truncated.h5", 4);
        using (var stream = new FileStream(path, FileMode.Open))
        {
            stream.SetLength(stream.Length * 6 / 10);
        }

        var e = Assert.Throws<FrameSourceException>(() => FrameSources.Open(path, "/entry_0000/measurement/data"));
        Assert.Equal(path, e.File);
        Assert.Equal("/entry_0000/measurement/data", e.Dataset);
        Assert.Contains("truncated", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Frame_of_a_truncated_file_beyond_its_end()
    {
        var path = WriteLima("short.h5", 4);
        using (var stream = new FileStream(path, FileMode.Open))
        {
            // The library refuses the whole file when its end-of-allocation lies beyond the end of file, so a file cut
            // anywhere cannot hand out silent zeros.
            stream.SetLength(stream.Length - 10);
        }

        var e = Assert.Throws<FrameSourceException>(() => FrameSources.Open(path));
        Assert.Contains("truncated", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Corrupt_chunk_is_reported_for_its_frame_and_the_other_frames_still_read()
    {
        var path = WriteLima("corrupt.h5", 5);
        ulong address;
        using (var file = Hdf5File.Open(path))
        using (var data = file.OpenDataset("/entry_0000/instrument/pilatus2m/data"))
        {
            address = data.GetChunkInfo([2, 0, 0])!.Value.Address;
        }

        // Bitshuffle-LZ4 chunk: 8-byte total size, 4-byte block size, then the first block's 4-byte compressed size.
        // Claim a block far larger than the chunk.
        using (var stream = new FileStream(path, FileMode.Open))
        {
            stream.Position = (long)address + 12;
            stream.Write([0x7F, 0xFF, 0xFF, 0xFF]);
        }

        using var source = FrameSources.Open(path);
        var frame = new int[Rows * Cols];
        foreach (var path_ in new[] { FrameReadPath.Auto, FrameReadPath.Library })
        {
            source.ReadPath = path_;
            var e = Assert.Throws<FrameSourceException>(() => source.ReadFrame(2, frame));
            Assert.Equal(2, e.Frame);
            Assert.Equal(path, e.File);
            Assert.Equal("/entry_0000/instrument/pilatus2m/data", e.Dataset);
            Assert.Contains($"{path}:/entry_0000/instrument/pilatus2m/data frame 2", e.Message, StringComparison.Ordinal);

            // The caller skips the bad frame; its neighbours are intact.
            source.ReadFrame(1, frame);
            Assert.Equal(Pattern(1), frame);
            source.ReadFrame(3, frame);
            Assert.Equal(Pattern(3), frame);
        }
    }

    [Fact]
    public void Unwritten_frame_of_a_pre_sized_file_is_an_error_not_zeros()
    {
        var path = _folder.File("partial.h5");
        using (var w = new LimaFileWriter(path, Rows, Cols, 4, new FrameWriterOptions { StartTime = DateTimeOffset.UnixEpoch }))
        {
            w.WriteFrame(0, Pattern(0));
            w.WriteFrame(1, Pattern(1));
            w.WriteFrame(3, Pattern(3));
        }

        using var source = FrameSources.Open(path);
        var frame = new int[Rows * Cols];
        var e = Assert.Throws<FrameSourceException>(() => source.ReadFrame(2, frame));
        Assert.Equal(2, e.Frame);
        Assert.Contains("not written", e.Message, StringComparison.Ordinal);
        source.ReadFrame(3, frame);
        Assert.Equal(Pattern(3), frame);
    }

    [Fact]
    public void An_aborted_acquisition_ends_at_its_last_written_frame()
    {
        var path = _folder.File("aborted.h5");
        using (var w = new LimaFileWriter(path, Rows, Cols, 10, new FrameWriterOptions { StartTime = DateTimeOffset.UnixEpoch }))
        {
            for (var i = 0; i < 4; i++)
            {
                w.WriteFrame(i, Pattern(i));
            }
        }

        using var source = FrameSources.Open(path);
        Assert.Equal(4, source.FrameCount);
        Assert.Equal(10, source.Capacity);
        Assert.False(source.IsComplete);
        Assert.Contains("frames:    4 (acquisition incomplete; datasets sized for 10)", FrameInspection.Describe(source), StringComparison.Ordinal);
        var frame = new int[Rows * Cols];
        source.ReadFrame(3, frame);
        Assert.Equal(Pattern(3), frame);
    }

    private static int[] Pattern(int index) => Enumerable.Range(0, Rows * Cols).Select(i => (i * 7 + index * 13) % 5000).ToArray();

    private string WriteLima(string name, int frames)
    {
        var path = _folder.File(name);
        using var w = new LimaFileWriter(path, Rows, Cols, frames, new FrameWriterOptions { StartTime = DateTimeOffset.UnixEpoch });
        for (var i = 0; i < frames; i++)
        {
            w.WriteFrame(i, Pattern(i));
        }

        return path;
    }
}
