using OperandoXrd.Core.Frames;
using OperandoXrd.Hdf5.Frames;
using OperandoXrd.Hdf5.Tests.Support;
using OperandoXrd.Hdf5.Writers;

namespace OperandoXrd.Hdf5.Tests.Frames;

/// <summary>
/// A file missing in the middle of a LIMA series (scan_0000.h5, scan_0001.h5, —, scan_0003.h5…): reported by name with
/// the frames it would have held, its frames unreadable with an error naming it, every other frame keeping the index
/// and time it has in the complete series.
/// </summary>
public sealed class SeriesGapTests : IDisposable
{
    private const int Rows = 24;
    private const int Cols = 20;
    private const int PerFile = 3;
    private const int Files = 5;
    private const double Period = 0.5;
    private static readonly DateTimeOffset Start = new(2024, 3, 5, 10, 0, 0, TimeSpan.Zero);
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private static int[] Pattern(int index) => Enumerable.Range(0, Rows * Cols).Select(i => (i * 7 + index * 13) % 5000).ToArray();

    private static double StartOf(int index) => Start.ToUnixTimeSeconds() + index * Period;

    /// <summary>A complete series of <see cref="Files"/> files of <see cref="PerFile"/> frames in <paramref name="folder"/>.</summary>
    private static void WriteSeries(string folder, int frames = Files * PerFile)
    {
        using var w = new LimaSeriesWriter(folder, "scan", Rows, Cols, Files * PerFile, PerFile,
            new FrameWriterOptions { StartTime = Start, ExposureTime = 0.4, LatencyTime = 0.1, Compression = FrameCompression.None });
        for (var i = 0; i < frames; i++)
        {
            w.WriteFrame(i, Pattern(i));
        }
    }

    private static void AssertFrame(Hdf5FrameSource source, int index)
    {
        var frame = new int[Rows * Cols];
        source.ReadFrame(index, frame);
        Assert.Equal(Pattern(index), frame);
        Assert.Equal(StartOf(index), source.GetTiming(index).StartUnixSeconds, 6);
    }

    [Fact]
    public void A_missing_middle_file_is_reported_and_its_frames_keep_their_numbers()
    {
        var folder = Path.Combine(_folder.Path, "scan");
        WriteSeries(folder);
        File.Delete(Path.Combine(folder, "scan_0002.h5"));

        using var source = FrameSources.Open(folder);
        Assert.Equal(Files * PerFile, source.FrameCount);
        Assert.Equal("LIMA series (4 files)", source.Layout);
        var gap = Assert.Single(source.Gaps);
        Assert.Equal(Path.Combine(folder, "scan_0002.h5"), gap.MissingFile);
        Assert.Equal(6, gap.FirstFrame);
        Assert.Equal(PerFile, gap.FrameCount);
        Assert.Contains("scan_0002.h5 is missing from the series (between scan_0001.h5 and scan_0003.h5): frames 6..8 skipped", gap.ToString(), StringComparison.Ordinal);
        Assert.Contains("missing:   " + gap, FrameInspection.Describe(source), StringComparison.Ordinal);

        // Every frame outside the hole: its own pixels and the time it has in the complete series.
        foreach (var i in Enumerable.Range(0, Files * PerFile).Where(i => i is < 6 or > 8))
        {
            AssertFrame(source, i);
            Assert.False(source.IsMissing(i));
        }

        // The hole's frames: an error naming the missing file and the frame; times placed between their neighbours.
        for (var i = 6; i <= 8; i++)
        {
            Assert.True(source.IsMissing(i));
            var e = Assert.Throws<FrameSourceException>(() => source.ReadFrame(i, new int[Rows * Cols]));
            Assert.Equal(i, e.Frame);
            Assert.Contains("scan_0002.h5", e.Message, StringComparison.Ordinal);
            Assert.Contains("missing", e.Message, StringComparison.Ordinal);
            Assert.Equal(StartOf(i), source.GetTiming(i).StartUnixSeconds, 6);
        }
    }

    [Fact]
    public void Two_missing_files_in_a_row_are_two_gaps()
    {
        var folder = Path.Combine(_folder.Path, "scan");
        WriteSeries(folder);
        File.Delete(Path.Combine(folder, "scan_0001.h5"));
        File.Delete(Path.Combine(folder, "scan_0002.h5"));

        using var source = FrameSources.Open(folder);
        Assert.Equal(Files * PerFile, source.FrameCount);
        Assert.Equal([("scan_0001.h5", 3), ("scan_0002.h5", 6)], source.Gaps.Select(g => (Path.GetFileName(g.MissingFile), g.FirstFrame)));
        AssertFrame(source, 2);
        AssertFrame(source, 9);
        Assert.Throws<FrameSourceException>(() => source.ReadFrame(8, new int[Rows * Cols]));
    }

    [Fact]
    public void Files_of_other_names_are_not_taken_for_a_gap()
    {
        var folder = Path.Combine(_folder.Path, "scan");
        WriteSeries(folder);
        File.Move(Path.Combine(folder, "scan_0004.h5"), Path.Combine(folder, "other_0009.h5"));

        using var source = FrameSources.Open(folder);
        Assert.Empty(source.Gaps);
        Assert.Equal(Files * PerFile, source.FrameCount);
    }

    [Fact]
    public void Live_a_gap_waits_until_the_file_after_it_is_complete_then_is_bridged()
    {
        // The complete series, kept aside; the scan folder gets files 0 and 1, and file 3 half-written.
        var complete = Path.Combine(_folder.Path, "complete");
        WriteSeries(complete);
        var partial = Path.Combine(_folder.Path, "partial");
        WriteSeries(partial, frames: 3 * PerFile + 1);
        var scan = Path.Combine(_folder.Path, "scan");
        Directory.CreateDirectory(scan);
        File.Copy(Path.Combine(complete, "scan_0000.h5"), Path.Combine(scan, "scan_0000.h5"));
        File.Copy(Path.Combine(complete, "scan_0001.h5"), Path.Combine(scan, "scan_0001.h5"));
        File.Copy(Path.Combine(partial, "scan_0003.h5"), Path.Combine(scan, "scan_0003.h5"));

        using var source = FrameSources.Follow([scan]);
        Assert.Equal(2 * PerFile, source.Refresh());
        // scan_0002.h5 may still come (a copy out of order): nothing after it is counted while scan_0003.h5 is incomplete.
        Assert.Equal(2 * PerFile, source.Refresh());
        Assert.Empty(source.Gaps);

        // scan_0003.h5 complete (published with a rename, as a copy would): the gap is bridged, numbering unchanged.
        File.Copy(Path.Combine(complete, "scan_0003.h5"), Path.Combine(scan, ".scan_0003.h5.part"));
        File.Move(Path.Combine(scan, ".scan_0003.h5.part"), Path.Combine(scan, "scan_0003.h5"), overwrite: true);
        Assert.Equal(4 * PerFile, source.Refresh());
        var gap = Assert.Single(source.Gaps);
        Assert.Equal((6, PerFile), (gap.FirstFrame, gap.FrameCount));
        Assert.EndsWith("scan_0002.h5", gap.MissingFile, StringComparison.Ordinal);
        AssertFrame(source, 5);
        AssertFrame(source, 9);
        AssertFrame(source, 11);

        // The missing file turning up late is not read (its numbers are taken); the series goes on after it.
        File.Copy(Path.Combine(complete, "scan_0002.h5"), Path.Combine(scan, "scan_0002.h5"));
        File.Copy(Path.Combine(complete, "scan_0004.h5"), Path.Combine(scan, "scan_0004.h5"));
        Assert.Equal(5 * PerFile, source.Refresh());
        Assert.Single(source.Gaps);
        AssertFrame(source, 14);
        Assert.True(source.IsComplete);
    }
}
