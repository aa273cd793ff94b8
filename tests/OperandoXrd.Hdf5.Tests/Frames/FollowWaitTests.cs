using System.Diagnostics;
using System.Globalization;
using OperandoXrd.Core.Frames;
using OperandoXrd.Hdf5.Frames;
using OperandoXrd.Hdf5.Tests.Support;
using OperandoXrd.Hdf5.Writers;

namespace OperandoXrd.Hdf5.Tests.Frames;

/// <summary>
/// Following a scan before and around its files: nothing there yet, a listed file still to come, an unreadable file of
/// a series (offline at the first, middle and last position; live retried until the scan has moved on), and the end of
/// a BLISS scan (<c>end_time</c>) written by a separate h5py process.
/// </summary>
public sealed class FollowWaitTests : IDisposable
{
    private const int Rows = 24;
    private const int Cols = 20;
    private const int PerFile = 3;
    private const int Files = 5;
    private static readonly DateTimeOffset Start = new(2024, 3, 5, 10, 0, 0, TimeSpan.Zero);
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static int[] Pattern(int index) => Enumerable.Range(0, Rows * Cols).Select(i => (i * 7 + index * 13) % 5000).ToArray();

    private static void WriteSeries(string folder, int frames = Files * PerFile)
    {
        using var w = new LimaSeriesWriter(folder, "scan", Rows, Cols, Files * PerFile, PerFile,
            new FrameWriterOptions { StartTime = Start, ExposureTime = 0.4, LatencyTime = 0.1, Compression = FrameCompression.None });
        for (var i = 0; i < frames; i++)
        {
            w.WriteFrame(i, Pattern(i));
        }
    }

    private static void Truncate(string file, bool settled)
    {
        using (var stream = new FileStream(file, FileMode.Open))
        {
            stream.SetLength(stream.Length / 2);
        }

        if (settled)
        {
            File.SetLastWriteTimeUtc(file, DateTime.UtcNow - TimeSpan.FromMinutes(1));
        }
    }

    private static void AssertFrame(IFrameSource source, int index)
    {
        var frame = new int[Rows * Cols];
        source.ReadFrame(index, frame);
        Assert.Equal(Pattern(index), frame);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    [InlineData(4)]
    public void An_unreadable_file_first_in_the_middle_or_last_is_a_gap_and_every_other_frame_keeps_its_number(int position)
    {
        var folder = Path.Combine(_folder.Path, "scan");
        WriteSeries(folder);
        var bad = Path.Combine(folder, $"scan_{position:D4}.h5");
        Truncate(bad, settled: true);

        using var source = FrameSources.Open(folder);
        Assert.Equal(Files * PerFile, source.FrameCount);
        var gap = Assert.Single(source.Gaps);
        Assert.Equal((bad, position * PerFile, PerFile), (gap.MissingFile, gap.FirstFrame, gap.FrameCount));
        Assert.StartsWith("cannot open as HDF5", gap.Unreadable, StringComparison.Ordinal);
        for (var i = 0; i < Files * PerFile; i++)
        {
            if (i / PerFile == position)
            {
                Assert.True(source.IsMissing(i));
                var e = Assert.Throws<FrameSourceException>(() => source.ReadFrame(i, new int[Rows * Cols]));
                Assert.Contains(Path.GetFileName(bad), e.Message, StringComparison.Ordinal);
            }
            else
            {
                AssertFrame(source, i);
            }

            if (i > 0)
            {
                Assert.True(source.GetTiming(i).StartUnixSeconds > source.GetTiming(i - 1).StartUnixSeconds, $"time of frame {i}");
            }
        }
    }

    [Fact]
    public void Live_an_unreadable_file_is_retried_and_read_once_complete()
    {
        var complete = Path.Combine(_folder.Path, "complete");
        WriteSeries(complete);
        var scan = Path.Combine(_folder.Path, "scan");
        Directory.CreateDirectory(scan);
        foreach (var k in new[] { 0, 1, 2, 3 })
        {
            File.Copy(Path.Combine(complete, $"scan_{k:D4}.h5"), Path.Combine(scan, $"scan_{k:D4}.h5"));
        }

        // Being written (just touched): not given up although a later file is complete.
        Truncate(Path.Combine(scan, "scan_0002.h5"), settled: false);
        using var source = FrameSources.Follow([scan]);
        Assert.Equal(2 * PerFile, source.Refresh());
        Assert.Empty(source.Gaps);
        Assert.Contains("scan_0001.h5", source.WaitingFor, StringComparison.Ordinal);

        // Complete now: read like any file, no gap.
        File.Copy(Path.Combine(complete, "scan_0002.h5"), Path.Combine(scan, ".part"));
        File.Move(Path.Combine(scan, ".part"), Path.Combine(scan, "scan_0002.h5"), overwrite: true);
        Assert.Equal(4 * PerFile, source.Refresh());
        Assert.Empty(source.Gaps);
        AssertFrame(source, 7);
    }

    [Fact]
    public void Live_an_unreadable_file_becomes_a_gap_once_the_scan_has_moved_on()
    {
        var complete = Path.Combine(_folder.Path, "complete");
        WriteSeries(complete);
        var scan = Path.Combine(_folder.Path, "scan");
        Directory.CreateDirectory(scan);
        foreach (var k in new[] { 0, 1, 2 })
        {
            File.Copy(Path.Combine(complete, $"scan_{k:D4}.h5"), Path.Combine(scan, $"scan_{k:D4}.h5"));
        }

        Truncate(Path.Combine(scan, "scan_0002.h5"), settled: true);
        using var source = FrameSources.Follow([scan]);
        // Nothing after it yet: it may still be the file being written.
        Assert.Equal(2 * PerFile, source.Refresh());
        Assert.Empty(source.Gaps);

        File.Copy(Path.Combine(complete, "scan_0003.h5"), Path.Combine(scan, "scan_0003.h5"));
        Assert.Equal(4 * PerFile, source.Refresh());
        var gap = Assert.Single(source.Gaps);
        Assert.Equal((6, PerFile), (gap.FirstFrame, gap.FrameCount));
        Assert.NotNull(gap.Unreadable);
        AssertFrame(source, 9);
    }

    [Fact]
    public void An_empty_folder_and_a_listed_file_not_there_yet_are_waited_for()
    {
        var scan = Path.Combine(_folder.Path, "scan");
        Directory.CreateDirectory(scan);
        var e = Assert.Throws<FramesNotYetException>(() => FrameSources.Follow([scan]));
        Assert.Equal("the first frame file in " + scan, e.Reason);

        var complete = Path.Combine(_folder.Path, "complete");
        WriteSeries(complete);
        var first = Path.Combine(scan, "scan_0000.h5");
        var second = Path.Combine(scan, "scan_0001.h5");
        var waiting = Assert.Throws<FramesNotYetException>(() => FrameSources.Follow([first, second]));
        Assert.StartsWith(first + " (listed", waiting.Reason, StringComparison.Ordinal);

        File.Copy(Path.Combine(complete, "scan_0000.h5"), first);
        using var source = FrameSources.Follow([first, second]);
        Assert.Equal(PerFile, source.Refresh());
        Assert.StartsWith(second + " (listed", source.WaitingFor, StringComparison.Ordinal);
        Assert.Null(source.ScanEnd);

        File.Copy(Path.Combine(complete, "scan_0001.h5"), second);
        Assert.Equal(2 * PerFile, source.Refresh());
        AssertFrame(source, 4);
        // nb_frames says 15: two files of a listed series do not end the acquisition.
        Assert.Null(source.ScanEnd);
    }

    [Fact]
    public void A_bliss_scan_ends_when_its_end_time_is_written_and_every_frame_before_it_is_counted()
    {
        const int frames = 12;
        var path = _folder.File("bliss.h5");
        var inv = CultureInfo.InvariantCulture;
        using var writer = Python.Start("bliss_writer.py", path, frames.ToString(inv), Rows.ToString(inv), Cols.ToString(inv), "0.05");
        Assert.Equal("ready", writer.StandardOutput.ReadLine());
        IFollowingFrameSource? source = null;
        var clock = Stopwatch.StartNew();
        while (source is null && clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            try
            {
                source = FrameSources.Follow([path]);
            }
            catch (FramesNotYetException)
            {
                Thread.Sleep(20);
            }
        }

        Assert.NotNull(source);
        using (source)
        {
            int count;
            while (true)
            {
                count = source.Refresh();
                // A grown dataset that is full says nothing: only end_time ends the scan.
                if (source.ScanEnd is not null || clock.Elapsed > TimeSpan.FromSeconds(60))
                {
                    break;
                }

                Thread.Sleep(10);
            }

            Assert.Contains("/1.1/end_time", source.ScanEnd, StringComparison.Ordinal);
            Assert.Equal(frames, count);
            for (var i = 0; i < frames; i++)
            {
                AssertFrame(source, i);
            }
        }

        Assert.True(writer.WaitForExit(30_000));
        Assert.Equal(0, writer.ExitCode);
    }
}
