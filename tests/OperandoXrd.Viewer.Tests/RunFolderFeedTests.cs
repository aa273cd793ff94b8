using System.Threading.Channels;
using OperandoXrd.Viewer.Feeds;

namespace OperandoXrd.Viewer.Tests;

public class RunFolderFeedTests
{
    // The background loop is slowed right down: these tests drive PollOnce themselves.
    private static readonly TimeSpan Manual = TimeSpan.FromHours(1);

    private static List<ViewerFrame> Drain(IRunFeed feed)
    {
        var frames = new List<ViewerFrame>();
        while (feed.TryRead(out var f))
        {
            frames.Add(f);
        }

        return frames;
    }

    [Fact]
    public void A_finished_run_is_read_back_frame_by_frame_with_its_fit_ticks_voltage_and_lattice()
    {
        using var dir = new TempFolder();
        SyntheticRun.Write(dir.Path, 30);
        using var feed = new RunFolderFeed(dir.Path, Manual);

        Assert.Equal(30, feed.AvailableFrames);
        var frames = Drain(feed);

        Assert.Equal(Enumerable.Range(0, 30), frames.Select(f => f.Index));
        var f17 = frames[17];
        Assert.Equal(SyntheticRun.StartTime + 17 * SyntheticRun.Period, f17.StartTime);
        Assert.Equal(SyntheticRun.Npt, f17.Radial.Length);
        Assert.Equal(SyntheticRun.Radial(411), f17.Radial[411]);
        Assert.Equal(SyntheticRun.Observed(17, 411), f17.Intensity[411]);
        Assert.Equal(SyntheticRun.Model(17, 1000), f17.Calculated![1000]);
        Assert.Equal("2th_deg", f17.RadialUnit);
        Assert.Equal(SyntheticRun.Voltage(17), f17.Voltage);
        Assert.Equal(0.0417, f17.Rwp, 12);
        Assert.Equal(["LPSCl", "NCA"], f17.Ticks!.Select(t => t.Phase).Order(StringComparer.Ordinal));
        Assert.Equal([SyntheticRun.StrongPeak(17), SyntheticRun.ThirdPeak(17)], f17.Ticks!.Single(t => t.Phase == "NCA").TwoTheta);
        var a = f17.Lattice.Single(v => v.Name == "NCA_a");
        Assert.Equal(SyntheticRun.NcaA(17), a.Value);
        Assert.Equal(0.0002, a.Esd);
    }

    [Fact]
    public void A_long_run_is_read_in_blocks_and_is_all_there_after_the_first_look()
    {
        using var dir = new TempFolder();
        SyntheticRun.Write(dir.Path, 600, withFit: false);
        using var feed = new RunFolderFeed(dir.Path, Manual);

        var frames = Drain(feed);

        Assert.Equal(Enumerable.Range(0, 600), frames.Select(f => f.Index));
        Assert.Equal(SyntheticRun.Observed(511, 7), frames[511].Intensity[7]);
        Assert.Equal(SyntheticRun.Observed(599, SyntheticRun.Npt - 1), frames[599].Intensity[^1]);
        Assert.Equal(SyntheticRun.StartTime + 257 * SyntheticRun.Period, frames[257].StartTime);
    }

    [Fact]
    public void An_empty_folder_waits_and_frames_appear_when_the_files_do()
    {
        using var dir = new TempFolder();
        using var feed = new RunFolderFeed(dir.Path, Manual);

        Assert.Equal(0, feed.AvailableFrames);
        Assert.Empty(Drain(feed));
        Assert.Contains("waiting for reduced.h5", feed.Status, StringComparison.Ordinal);

        SyntheticRun.Write(dir.Path, 5);
        feed.PollOnce();
        Assert.Equal(5, Drain(feed).Count);

        SyntheticRun.Write(dir.Path, 12);
        feed.PollOnce();
        Assert.Equal(Enumerable.Range(5, 7), Drain(feed).Select(f => f.Index));
        Assert.Null(feed.Status);
    }

    [Fact]
    public void A_frame_whose_lattice_row_is_half_written_waits_for_it_and_the_partial_row_is_never_shown()
    {
        using var dir = new TempFolder();
        var row9 = SyntheticRun.LatticeLine(9);

        // reduced.h5 already has 10 frames; lattice.csv has 9 complete rows and row 9 cut mid-number.
        SyntheticRun.Write(dir.Path, 10, latticeTail: row9[..25], latticeFrames: 9);
        using var feed = new RunFolderFeed(dir.Path, Manual);
        var first = Drain(feed);
        Assert.Equal(Enumerable.Range(0, 9), first.Select(f => f.Index));

        // The writer finishes the row: frame 9 comes with the complete values, not the truncated ones.
        SyntheticRun.Write(dir.Path, 10);
        feed.PollOnce();
        var last = Assert.Single(Drain(feed));
        Assert.Equal(9, last.Index);
        Assert.Equal(SyntheticRun.NcaC(9), last.Lattice.Single(v => v.Name == "NCA_c").Value);
        Assert.Equal(0.0409, last.Rwp, 12);
    }

    [Fact]
    public void A_complete_last_row_without_newline_counts_once_the_file_has_settled()
    {
        using var dir = new TempFolder();
        SyntheticRun.Write(dir.Path, 3, latticeFrames: 2, latticeTail: SyntheticRun.LatticeLine(2));
        using var feed = new RunFolderFeed(dir.Path, Manual);
        Assert.Equal([0, 1], Drain(feed).Select(f => f.Index));

        Thread.Sleep(1700); // unchanged for longer than the settle time: a writer mid-line would have moved on
        feed.PollOnce();

        var last = Assert.Single(Drain(feed));
        Assert.Equal(SyntheticRun.NcaA(2), last.Lattice.Single(v => v.Name == "NCA_a").Value);
    }

    [Fact]
    public void A_failed_fit_keeps_its_voltage_but_its_cell_is_not_plotted()
    {
        using var dir = new TempFolder();
        SyntheticRun.Write(dir.Path, 2, latticeFrames: 1, latticeTail: SyntheticRun.LatticeLine(1)[..^2] + "failed\n");
        using var feed = new RunFolderFeed(dir.Path, Manual);

        var frames = Drain(feed);

        Assert.Equal(2, frames.Count);
        Assert.NotEmpty(frames[0].Lattice);
        Assert.Empty(frames[1].Lattice);
        Assert.Equal(SyntheticRun.Voltage(1), frames[1].Voltage);
    }

    [Fact]
    public void A_garbled_row_is_not_data_and_its_frame_is_shown_without_a_fit_once_a_later_row_exists()
    {
        using var dir = new TempFolder();
        SyntheticRun.Write(dir.Path, 4, latticeFrames: 2, latticeTail: "2,120,3.04,0.084,0.8,0.99,garbage,0.0002\n" + SyntheticRun.LatticeLine(3) + "\n");
        using var feed = new RunFolderFeed(dir.Path, Manual);

        var frames = Drain(feed);

        Assert.Equal([0, 1, 2, 3], frames.Select(f => f.Index));
        Assert.Empty(frames[2].Lattice);
        Assert.True(double.IsNaN(frames[2].Rwp));
        Assert.Equal(SyntheticRun.Voltage(2), frames[2].Voltage); // from reduced.h5's /entry/echem/voltage
        Assert.Equal(SyntheticRun.NcaA(3), frames[3].Lattice[0].Value);
        Assert.Contains("line 4", Assert.Single(feed.RejectedRows), StringComparison.Ordinal);
    }

    [Fact]
    public void Without_lattice_csv_patterns_are_shown_at_once_and_without_fit_datasets_calculated_is_null()
    {
        using var dir = new TempFolder();
        SyntheticRun.Write(dir.Path, 3, withFit: false);
        File.Delete(Path.Combine(dir.Path, "lattice.csv"));
        using var feed = new RunFolderFeed(dir.Path, Manual);

        var frames = Drain(feed);

        Assert.Equal(3, frames.Count);
        Assert.All(frames, f => Assert.Null(f.Calculated));
        Assert.All(frames, f => Assert.Null(f.Ticks));
    }

    [Fact]
    public void A_missing_folder_is_an_error_naming_it()
    {
        var missing = Path.Combine(Path.GetTempPath(), "oxrd-no-such-run-" + Guid.NewGuid().ToString("N"));
        var e = Assert.Throws<DirectoryNotFoundException>(() => new RunFolderFeed(missing));
        Assert.Contains(missing, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_in_process_channel_never_blocks_the_writer_and_counts_what_it_dropped()
    {
        var channel = new ViewerChannel(capacity: 4);
        using var feed = channel.ToFeed();
        var pattern = new[] { 1.0, 2.0 };
        for (var k = 0; k < 10; k++)
        {
            Assert.True(channel.Writer.TryWrite(new ViewerFrame(k, k, pattern, pattern, null, null, [], double.NaN, double.NaN)));
        }

        Assert.Equal(6, feed.Dropped);
        Assert.Equal([6, 7, 8, 9], Drain(feed).Select(f => f.Index));
        Assert.False(feed.IsComplete);
        channel.Writer.Complete();
        Assert.True(feed.IsComplete);
    }
}
