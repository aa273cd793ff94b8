using OperandoXrd.Fitting.Emergence;
using OperandoXrd.Viewer.Feeds;

namespace OperandoXrd.Viewer.Tests;

/// <summary>
/// Emergence events in the viewer (issue 17): read from the run folder's emergence.csv (with the observed 2θ of the
/// peaks from reduced.h5), a line each in the header, and on the contour a dashed line along the event's first frame
/// with a bar at each peak — checked on the pixels of a headless screenshot.
/// </summary>
[Collection("xvfb")]
public sealed class EmergenceViewTests
{
    private const int Frames = 30, FirstFrame = 12;
    private static readonly double[] PeakTwoTheta = [4.5, 7.5];
    private static readonly ViewerLayout Layout = new(1400, 900);
    private static readonly (byte, byte, byte) Magenta = (230, 0, 140);

    private static void WriteRun(string folder) =>
        SyntheticRun.Write(folder, Frames, emergence: [("Ni3S4", FirstFrame, 0.83, [2.8587, 1.7258], PeakTwoTheta)]);

    [Fact]
    public void The_folder_feed_reads_the_events_with_their_peaks_on_the_radial_axis()
    {
        using var dir = new TempFolder();
        WriteRun(dir.Path);
        using var feed = new RunFolderFeed(dir.Path, TimeSpan.FromHours(1));

        var mark = Assert.Single(feed.Emergence);
        Assert.Equal("Ni3S4", mark.Row.Phase);
        Assert.Equal(FirstFrame, mark.Row.FirstFrame);
        Assert.Equal(PeakTwoTheta, mark.Radial);
        Assert.Equal("Ni3S4 emerging since frame 12, score 0.83", mark.StatusLine);
        var same = feed.Emergence;
        feed.PollOnce();
        Assert.Same(same, feed.Emergence); // unchanged files: the viewer is not redrawn for nothing

        var unindexed = new EmergenceMark(new EmergenceRow(EmergenceEvent.Unindexed, 40, 0.21, [3.1204, 2.7101]), []);
        Assert.Equal("unindexed peaks since frame 40 (d 3.120, 2.710 Å)", unindexed.StatusLine);
        Assert.Equal([2 * Math.PI / 2.0], EmergenceMark.OnQAxis([2.0], "q_A^-1"));
    }

    [Fact]
    public void The_event_is_marked_on_the_contour_and_named_in_the_header()
    {
        using var dir = new TempFolder();
        WriteRun(dir.Path);
        var path = Path.Combine(dir.Path, "emergence.png");
        var result = Xvfb.Run("view", "--run", dir.Path, "--screenshot", path);
        Assert.True(result.ExitCode == 0, result.Stderr);
        ScreenshotTests.Keep(path, "viewer-emergence.png");
        var png = PngImage.Read(path);

        Assert.NotNull(ScreenshotTests.FindText(png, "Ni3S4 emerging since frame 12, score 0.83", Layout.Header));

        // The row of frame 12 (band 12 of 30 from the bottom) carries the dashed line: more than half its pixels.
        var c = Layout.Contour;
        var rowY = c.Bottom - (FirstFrame + 0.5) / Frames * c.Height;
        var y = (int)Math.Floor(rowY - 0.5);
        var dashed = Enumerable.Range(c.X, c.Width).Count(x => png[x, y] == Magenta);
        Assert.True(dashed > c.Width / 2, $"{dashed} of {c.Width} pixels of row {y} are the emergence colour");

        // A bar at each peak, above and below the line; none between them, and no mark in any other frame's band.
        double X(double tth) => c.X + (tth - SyntheticRun.TwoThetaMin) / (SyntheticRun.TwoThetaMax - SyntheticRun.TwoThetaMin) * c.Width;
        foreach (var tth in PeakTwoTheta)
        {
            Assert.Equal(Magenta, png[(int)Math.Round(X(tth)), y - 5]);
            Assert.Equal(Magenta, png[(int)Math.Round(X(tth)), y + 5]);
        }

        Assert.NotEqual(Magenta, png[(int)Math.Round(X(5.2)), y - 5]);
        var band = (int)Math.Ceiling((double)c.Height / Frames);
        for (var yy = c.Y; yy < c.Bottom; yy++)
        {
            if (Math.Abs(yy - rowY) > Math.Max(8, band))
            {
                Assert.DoesNotContain(Magenta, Enumerable.Range(c.X, c.Width).Select(x => png[x, yy]));
            }
        }
    }
}
