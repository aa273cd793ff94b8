using System.Globalization;
using OperandoXrd.Reports.Color;
using OperandoXrd.Viewer.Rendering;
using OperandoXrd.Viewer.Rendering.Text;

namespace OperandoXrd.Viewer.Tests;

/// <summary>One 30-frame synthetic run, one headless screenshot of it, checked pixel by pixel against the data.</summary>
public sealed class FinishedRunScreenshot : IDisposable
{
    public const int Frames = 30, Width = 1400, Height = 900;

    private readonly TempFolder _folder = new();

    public FinishedRunScreenshot()
    {
        SyntheticRun.Write(_folder.Path, Frames);
        PngPath = Path.Combine(_folder.Path, "view.png");
        Result = Xvfb.Run("view", "--run", _folder.Path, "--screenshot", PngPath, "--width", $"{Width}", "--height", $"{Height}");
        if (Result.ExitCode == 0 && File.Exists(PngPath))
        {
            Image = PngImage.Read(PngPath);
            ScreenshotTests.Keep(PngPath, "viewer-finished.png");
        }
    }

    internal string PngPath { get; }

    internal Xvfb.Result Result { get; }

    internal PngImage? Image { get; }

    internal PngImage Png => Image ?? throw new InvalidOperationException($"viewer exited {Result.ExitCode}: {Result.Stderr}");

    public void Dispose() => _folder.Dispose();
}

[Collection("xvfb")]
public class ScreenshotTests(FinishedRunScreenshot shot) : IClassFixture<FinishedRunScreenshot>
{
    private static readonly ViewerLayout Layout = new(FinishedRunScreenshot.Width, FinishedRunScreenshot.Height);

    /// <summary>Copies a screenshot to $OXRD_VIEWER_SCREENSHOTS (when set) so that a person can look at it.</summary>
    internal static void Keep(string png, string name)
    {
        var folder = Environment.GetEnvironmentVariable("OXRD_VIEWER_SCREENSHOTS");
        if (!string.IsNullOrEmpty(folder))
        {
            Directory.CreateDirectory(folder);
            File.Copy(png, Path.Combine(folder, name), overwrite: true);
        }
    }

    [Fact]
    public void The_binding_creates_a_GL_3_3_core_context_under_Xvfb()
    {
        var result = Xvfb.Run("glinfo");

        Assert.True(result.ExitCode == 0, result.Stderr);
        var lines = result.Stdout.Split('\n').Where(l => l.Contains('=', StringComparison.Ordinal))
            .ToDictionary(l => l[..l.IndexOf('=', StringComparison.Ordinal)], l => l[(l.IndexOf('=', StringComparison.Ordinal) + 1)..].Trim());
        var version = lines["GL_VERSION"];
        var number = Version.Parse(version.Split(' ')[0]);
        Assert.True(number >= new Version(3, 3), $"GL_VERSION {version}");
        Assert.Contains("Core Profile", version, StringComparison.Ordinal);
        Assert.Equal("NoError", lines["GL_ERROR"]);
        Assert.False(string.IsNullOrEmpty(lines["GL_RENDERER"]));
    }

    [Fact]
    public void The_screenshot_has_the_requested_size()
    {
        Assert.True(shot.Result.ExitCode == 0, shot.Result.Stderr);
        Assert.Equal(FinishedRunScreenshot.Width, shot.Png.Width);
        Assert.Equal(FinishedRunScreenshot.Height, shot.Png.Height);
    }

    [Fact]
    public void The_contour_has_one_band_of_rows_per_frame_seen()
    {
        var png = shot.Png;
        var c = Layout.Contour;
        var bands = Bands(png, c);

        Assert.Equal(FinishedRunScreenshot.Frames, bands.Count);
        var expected = (double)c.Height / FinishedRunScreenshot.Frames;
        Assert.All(bands, b => Assert.InRange(b.Height, Math.Floor(expected) - 1, Math.Ceiling(expected) + 1));

        // The image fills its frame exactly: the pixels just outside are the frame's ink, inside are colour-map entries.
        Assert.True(IsDark(png[c.X - 1, c.Y + c.Height / 2]) && IsDark(png[c.Right, c.Y + c.Height / 2]));
        Assert.True(IsDark(png[c.X + c.Width / 2, c.Y - 1]) && IsDark(png[c.X + c.Width / 2, c.Bottom]));
    }

    [Fact]
    public void Every_contour_pixel_has_the_colour_the_data_say()
    {
        // The colour scale spans the smallest to the largest intensity of all frames (linear scale).
        var (min, max) = DataRange(FinishedRunScreenshot.Frames);
        CheckContourColours(shot.Png, FinishedRunScreenshot.Frames, v => (v - min) / (max - min));
    }

    [Fact]
    public void In_log_scale_contour_colours_follow_log10_of_the_intensity()
    {
        using var dir = new TempFolder();
        const int frames = 12;
        SyntheticRun.Write(dir.Path, frames);
        var path = Path.Combine(dir.Path, "log.png");
        var result = Xvfb.Run("view", "--run", dir.Path, "--screenshot", path, "--log", "1");
        Assert.True(result.ExitCode == 0, result.Stderr);
        Keep(path, "viewer-log.png");
        var png = PngImage.Read(path);

        // All intensities are positive here, so the scale runs from log10(smallest) to log10(largest).
        var (min, max) = DataRange(frames);
        double lo = Math.Log10(min), hi = Math.Log10(max);
        CheckContourColours(png, frames, v => (Math.Log10(v) - lo) / (hi - lo));
        Assert.NotNull(FindText(png, "log", Layout.Header));
    }

    private static (double Min, double Max) DataRange(int frames)
    {
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        for (var k = 0; k < frames; k++)
        {
            for (var i = 0; i < SyntheticRun.Npt; i++)
            {
                min = Math.Min(min, SyntheticRun.Observed(k, i));
                max = Math.Max(max, SyntheticRun.Observed(k, i));
            }
        }

        return (min, max);
    }

    /// <summary>
    /// Every pixel of the contour is a viridis entry, and the entry is the one <paramref name="normalize"/> gives for
    /// the bin and frame under the pixel's centre (within one entry where float32 and double straddle a boundary).
    /// </summary>
    private static void CheckContourColours(PngImage png, int frames, Func<double, double> normalize)
    {
        var c = Layout.Contour;
        var index = ViridisIndex();
        int total = 0, exact = 0, close = 0;
        var misses = new List<string>();
        for (var py = c.Y; py < c.Bottom; py++)
        {
            var rows = Cells((c.Bottom - (py + 0.5)) / c.Height * frames, frames);
            for (var px = c.X; px < c.Right; px++)
            {
                var bins = Cells((px + 0.5 - c.X) / c.Width * SyntheticRun.Npt, SyntheticRun.Npt);
                Assert.True(index.TryGetValue(png[px, py], out var actual), $"pixel ({px}, {py}) {png[px, py]} is not a viridis entry");
                int best = int.MaxValue, expected = -1;
                foreach (var row in rows)
                {
                    foreach (var bin in bins)
                    {
                        var e = Entry(normalize(SyntheticRun.Observed(row, bin)));
                        if (Math.Abs(actual - e) < best)
                        {
                            (best, expected) = (Math.Abs(actual - e), e);
                        }
                    }
                }

                total++;
                exact += best == 0 ? 1 : 0;
                close += best <= 1 ? 1 : 0;
                if (best > 1 && misses.Count < 5)
                {
                    misses.Add($"({px}, {py}) frame {rows[0]} bin {bins[0]}: entry {actual}, expected {expected}");
                }
            }
        }

        // Off by one only where float32 in the shader and double here straddle an entry boundary.
        Assert.True(close == total, $"{total - close} of {total} pixels more than one colour-map entry off: {string.Join("; ", misses)}");
        Assert.True(exact > 0.99 * total, $"only {exact} of {total} pixels exact");
    }

    [Fact]
    public void In_each_frames_band_the_brightest_pixel_sits_on_the_strongest_peak()
    {
        var png = shot.Png;
        var c = Layout.Contour;
        var index = ViridisIndex();
        var bands = Bands(png, c);
        for (var k = 0; k < bands.Count; k++)
        {
            var y = bands[k].Bottom - 1 - bands[k].Height / 2;
            Assert.Equal(bands.Count - 1 - k, (int)Math.Floor((c.Bottom - (y + 0.5)) / c.Height * FinishedRunScreenshot.Frames));
            int best = -1, bestX = -1;
            for (var x = c.X; x < c.Right; x++)
            {
                if (index[png[x, y]] > best)
                {
                    (best, bestX) = (index[png[x, y]], x);
                }
            }

            var frame = bands.Count - 1 - k; // bands run top to bottom, frame 0 is at the bottom
            var expectedX = c.X + (SyntheticRun.StrongPeak(frame) - SyntheticRun.TwoThetaMin) / (SyntheticRun.TwoThetaMax - SyntheticRun.TwoThetaMin) * c.Width;
            Assert.True(Math.Abs(bestX + 0.5 - expectedX) <= 2, $"frame {frame}: brightest pixel at x={bestX}, peak at {expectedX:F1}");
            Assert.True(best >= 240, $"frame {frame}: brightest entry {best}");
        }
    }

    [Fact]
    public void The_colour_bar_runs_from_the_first_to_the_last_map_entry()
    {
        var png = shot.Png;
        var bar = Layout.ColorBar;
        var index = ViridisIndex();
        var x = bar.X + bar.Width / 2;
        Assert.Equal(0, index[png[x, bar.Bottom - 1]]);
        Assert.Equal(255, index[png[x, bar.Y]]);
        var previous = -1;
        for (var y = bar.Bottom - 1; y >= bar.Y; y--)
        {
            var i = index[png[x, y]];
            Assert.True(i >= previous, $"colour bar not monotonic at y={y}");
            previous = i;
        }
    }

    [Fact]
    public void The_frame_counter_is_drawn_in_the_header()
    {
        var hit = FindText(shot.Png, "frame 30/30", Layout.Header);
        Assert.NotNull(hit);
        Assert.Null(FindText(shot.Png, "frame 29/30", Layout.Header));
        Assert.NotNull(FindText(shot.Png, "dropped 0", Layout.Header));
    }

    [Fact]
    public void The_pattern_panel_shows_the_latest_frame_its_fit_and_tick_marks()
    {
        var png = shot.Png;
        var p = Layout.Pattern;
        var observed = Pixels(png, p, (31, 119, 180));
        var calculated = Pixels(png, p, (214, 39, 40));
        Assert.True(observed.Count > 500, $"{observed.Count} observed-curve pixels");
        Assert.True(calculated.Count > 100, $"{calculated.Count} fit-curve pixels");

        // The top of the observed curve is the strongest peak of the latest frame (29).
        var top = observed.MinBy(q => q.Y);
        var expectedX = p.X + (SyntheticRun.StrongPeak(29) - SyntheticRun.TwoThetaMin) / (SyntheticRun.TwoThetaMax - SyntheticRun.TwoThetaMin) * p.Width;
        Assert.True(Math.Abs(top.X - expectedX) <= 3, $"curve top at x={top.X}, peak at {expectedX:F1}");

        // Tick marks: NCA (first phase colour) at its two peaks, LPSCl at its one, in rows below the curves.
        var nca = Pixels(png, p, (44, 160, 44)).Where(q => q.Y > p.Bottom - 30).Select(q => q.X).Distinct().ToArray();
        double X(double tth) => p.X + (tth - SyntheticRun.TwoThetaMin) / (SyntheticRun.TwoThetaMax - SyntheticRun.TwoThetaMin) * p.Width;
        Assert.Contains(nca, x => Math.Abs(x - X(SyntheticRun.StrongPeak(29))) <= 1.5);
        Assert.Contains(nca, x => Math.Abs(x - X(SyntheticRun.ThirdPeak(29))) <= 1.5);
        Assert.True(FindText(png, "#29", Layout.Header) is not null);
    }

    [Fact]
    public void The_voltage_and_lattice_panels_show_the_ramps()
    {
        var png = shot.Png;
        var v = Layout.Voltage;
        var volts = Pixels(png, v, (31, 119, 180));
        Assert.True(volts.Count > 100, $"{volts.Count} voltage pixels");

        // A rising ramp: the highest point is at the right end, the lowest at the left.
        Assert.True(volts.MinBy(q => q.Y).X > v.X + 0.9 * v.Width);
        Assert.True(volts.MaxBy(q => q.Y).X < v.X + 0.1 * v.Width);

        // Three sub-plots (cell volumes are left out): NCA_a falls, NCA_c rises, both in NCA's colour (its tick
        // colour in the pattern panel); LPSCl_a in LPSCl's.
        var aPlot = Layout.LatticeRow(0, 3);
        var cPlot = Layout.LatticeRow(1, 3);
        var a = Pixels(png, aPlot, (44, 160, 44));
        var cc = Pixels(png, cPlot, (44, 160, 44));
        var lpscl = Pixels(png, Layout.LatticeRow(2, 3), (148, 103, 189));
        Assert.True(a.Count > 100 && cc.Count > 100 && lpscl.Count > 100, $"{a.Count} NCA_a, {cc.Count} NCA_c, {lpscl.Count} LPSCl_a pixels");
        Assert.True(a.MinBy(q => q.Y).X < aPlot.X + 0.1 * aPlot.Width);
        Assert.True(a.MaxBy(q => q.Y).X > aPlot.X + 0.9 * aPlot.Width);
        Assert.True(cc.MinBy(q => q.Y).X > cPlot.X + 0.9 * cPlot.Width);
        Assert.NotNull(FindText(png, "NCA_a", aPlot with { Y = aPlot.Y - 22, Height = 22 }));
        Assert.NotNull(FindText(png, "LPSCl_a", Layout.LatticeRow(2, 3) with { Y = Layout.LatticeRow(2, 3).Y - 22, Height = 22 }));
    }

    [Fact]
    public void Without_a_display_the_viewer_says_how_to_run_headless_and_exits_2()
    {
        using var dir = new TempFolder();
        var result = Xvfb.RunWithoutDisplay("view", "--run", dir.Path, "--screenshot", Path.Combine(dir.Path, "x.png"));

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("DISPLAY is not set", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("xvfb-run -a", result.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(dir.Path, "x.png")));
    }

    [Fact]
    public void The_viewer_follows_a_run_as_it_is_written_and_waits_for_the_frames_asked_for()
    {
        using var temp = new TempFolder();
        var run = Path.Combine(temp.Path, "synthetic-run");
        Directory.CreateDirectory(run);
        var png = Path.Combine(temp.Path, "live.png");
        using var process = Xvfb.Start("view", "--run", run, "--screenshot", png, "--after-frames", "30", "--poll", "0.2");

        // An empty folder first, then the writer's checkpoints, each with the next lattice row half written.
        foreach (var frames in new[] { 0, 6, 13, 21, 30 })
        {
            Thread.Sleep(700);
            if (frames > 0)
            {
                SyntheticRun.Write(run, frames, latticeTail: frames < 30 ? SyntheticRun.LatticeLine(frames)[..17] : "");
            }

            Assert.False(process.HasExited && frames < 30 && process.ExitCode != 0, "viewer exited early");
        }

        var result = Xvfb.Wait(process, TimeSpan.FromSeconds(90));
        Assert.True(result.ExitCode == 0, result.Stderr);
        Keep(png, "viewer-live.png");
        var image = PngImage.Read(png);
        Assert.Equal(30, Bands(image, Layout.Contour).Count);
        Assert.NotNull(FindText(image, "frame 30/30", Layout.Header));
        var (min, max) = DataRange(30);
        CheckContourColours(image, 30, v => (v - min) / (max - min));
    }

    /// <summary>The texel under a pixel centre at cell coordinate <paramref name="at"/>; both neighbours when the centre sits on an edge (the GPU's interpolation may land on either side).</summary>
    private static int[] Cells(double at, int count)
    {
        var cell = Math.Clamp((int)Math.Floor(at), 0, count - 1);
        var edge = Math.Round(at);
        if (Math.Abs(at - edge) < 1e-3)
        {
            return [Math.Clamp((int)edge - 1, 0, count - 1), Math.Clamp((int)edge, 0, count - 1)];
        }

        return [cell];
    }

    private static int Entry(double t) => Math.Clamp((int)Math.Floor(t * 256), 0, 255);

    [Fact]
    public void Fed_in_process_faster_than_it_draws_the_viewer_drops_the_oldest_frames_and_says_how_many()
    {
        using var dir = new TempFolder();
        var png = Path.Combine(dir.Path, "channel.png");
        var result = Xvfb.Run("channel", "200", "8", png);

        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Contains("accepted=200 dropped=192", result.Stdout, StringComparison.Ordinal); // the writer never waited or failed
        var image = PngImage.Read(png);
        Assert.Equal(8, Bands(image, Layout.Contour).Count);
        Assert.NotNull(FindText(image, "dropped 192", Layout.Header));
        Assert.NotNull(FindText(image, "frame 8/8", Layout.Header));
        Assert.NotNull(FindText(image, "#199", Layout.Header)); // the newest survived, the oldest went

        // The bottom band is frame 192: its brightest pixel is on that frame's strongest peak.
        var c = Layout.Contour;
        var index = ViridisIndex();
        int y = c.Bottom - 3, bestX = Enumerable.Range(c.X, c.Width).MaxBy(x => index[image[x, y]]);
        var expectedX = c.X + (SyntheticRun.StrongPeak(192) - SyntheticRun.TwoThetaMin) / (SyntheticRun.TwoThetaMax - SyntheticRun.TwoThetaMin) * c.Width;
        Assert.True(Math.Abs(bestX + 0.5 - expectedX) <= 2, $"brightest at {bestX}, frame 192's peak at {expectedX:F1}");
    }

    [Fact]
    public void The_visible_window_draws_and_swaps_without_GL_errors_until_closed()
    {
        using var dir = new TempFolder();
        SyntheticRun.Write(dir.Path, 5);

        var result = Xvfb.Run("window", dir.Path, "2");

        Assert.True(result.ExitCode == 0, result.Stderr);
        var fields = result.Stdout.Trim().Split(' ').Select(f => f.Split('=')).ToDictionary(f => f[0], f => f[1]);
        Assert.True(int.Parse(fields["redraws"], CultureInfo.InvariantCulture) >= 1, result.Stdout);
        Assert.Equal("5", fields["frames"]);
        Assert.Equal("1000x700", fields["size"]); // no window manager under Xvfb: the size asked for
        Assert.Equal("NoError", fields["error"]);
    }

    internal static Dictionary<(byte, byte, byte), int> ViridisIndex()
    {
        var map = new Dictionary<(byte, byte, byte), int>();
        for (var i = 0; i < 256; i++)
        {
            var c = ColorMap.Viridis[i];
            map.TryAdd((c.R, c.G, c.B), i);
        }

        return map;
    }

    /// <summary>Runs of identical pixel rows inside <paramref name="r"/>, top to bottom.</summary>
    internal static List<(int Top, int Height, int Bottom)> Bands(PngImage png, PixelRect r)
    {
        var bands = new List<(int, int, int)>();
        var start = r.Y;
        for (var y = r.Y + 1; y <= r.Bottom; y++)
        {
            if (y == r.Bottom || !RowEquals(png, r, y, start))
            {
                bands.Add((start, y - start, y));
                start = y;
            }
        }

        return bands;
    }

    private static bool RowEquals(PngImage png, PixelRect r, int y0, int y1)
    {
        for (var x = r.X; x < r.Right; x++)
        {
            if (png[x, y0] != png[x, y1])
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsDark((byte R, byte G, byte B) c) => c.R < 60 && c.G < 60 && c.B < 60;

    private static List<(int X, int Y)> Pixels(PngImage png, PixelRect r, (byte, byte, byte) color)
    {
        var hits = new List<(int, int)>();
        for (var y = r.Y; y < r.Bottom; y++)
        {
            for (var x = r.X; x < r.Right; x++)
            {
                if (png[x, y] == color)
                {
                    hits.Add((x, y));
                }
            }
        }

        return hits;
    }

    /// <summary>
    /// Where <paramref name="text"/>, drawn from the viewer's glyph atlas, appears in <paramref name="region"/>: every
    /// pixel the glyphs cover fully one colour, every pixel they do not touch another.
    /// </summary>
    internal static (int X, int Y)? FindText(PngImage png, string text, PixelRect region)
    {
        var atlas = GlyphAtlas.Labels;
        int w = atlas.Measure(text), h = atlas.LineHeight;
        var mask = atlas.Render(text);
        for (var y = region.Y; y + h <= Math.Min(region.Bottom, png.Height); y++)
        {
            for (var x = region.X; x + w <= Math.Min(region.Right, png.Width); x++)
            {
                if (Matches(png, mask, w, h, x, y))
                {
                    return (x, y);
                }
            }
        }

        return null;
    }

    private static bool Matches(PngImage png, byte[] mask, int w, int h, int x0, int y0)
    {
        (byte, byte, byte)? ink = null, paper = null;
        for (var row = 0; row < h; row++)
        {
            for (var col = 0; col < w; col++)
            {
                var coverage = mask[row * w + col];
                if (coverage is > 0 and < 255)
                {
                    continue; // anti-aliased edge: a blend of the two
                }

                var c = png[x0 + col, y0 + row];
                if (coverage == 255)
                {
                    ink ??= c;
                    if (c != ink)
                    {
                        return false;
                    }
                }
                else
                {
                    paper ??= c;
                    if (c != paper)
                    {
                        return false;
                    }
                }
            }
        }

        return ink is not null && paper is not null && ink != paper;
    }
}
