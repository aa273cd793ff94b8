using System.Globalization;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using OperandoXrd.Reports.Figures;
using OperandoXrd.Reports.Plotting;
using ScottPlot;
using SkiaSharp;

namespace OperandoXrd.Reports.Tests;

/// <summary>
/// The figures' content: each panel's axis limits against the data, what the SVG carries (labels, the heat map's
/// embedded image, one mark per data point), shared axes that line up.
/// </summary>
public class SvgFigureTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";
    private static readonly XNamespace Xlink = "http://www.w3.org/1999/xlink";

    /// <summary>Renders the figure's SVG (which also lays out every panel) and parses it.</summary>
    internal static XDocument Render(Figure figure) => XDocument.Parse(FigureWriter.ToSvg(figure));

    private static AxisLimits Limits(Figure figure, string id) => figure.Panel(id).Plot.Axes.GetLimits();

    private static string[] Texts(XDocument doc) => doc.Descendants(Svg + "text").Select(t => t.Value.Trim()).ToArray();

    private static string[] MajorLabels(IAxis axis) => axis.TickGenerator.Ticks.Where(t => t.IsMajor).Select(t => t.Label).ToArray();

    private static ContourData Example(int frames, int bins, out double[] voltageTimes)
    {
        var (radial, intensity, times, xli) = ExampleData.Run(frames, bins);
        var vt = Enumerable.Range(0, 501).Select(i => times[0] + i * (times[^1] - times[0]) / 500).ToArray();
        voltageTimes = vt;
        return new ContourData
        {
            Radial = radial,
            Intensity = intensity,
            TimeSeconds = times,
            XLi = xli,
            VoltageTimeSeconds = vt,
            Voltage = vt.Select(t => ExampleData.Voltage(ExampleData.XLi((t - times[0]) / (times[^1] - times[0])))).ToArray(),
        };
    }

    [Fact]
    public void Contour_axes_colour_bar_and_heat_map_cells_match_the_data()
    {
        const int frames = 120, bins = 600;
        var data = Example(frames, bins, out _);
        var figure = OperandoFigures.Contour(data, new ContourOptions { RadialMin = 2.5, RadialMax = 7.5 });
        var doc = Render(figure);
        Assert.Equal("1000", (string?)doc.Root!.Attribute("width"));
        Assert.Equal("700", (string?)doc.Root!.Attribute("height"));

        // Radial: bins whose centres lie in [2.5, 7.5], drawn edge to edge.
        int first = Array.FindIndex(data.Radial, r => r >= 2.5), last = Array.FindLastIndex(data.Radial, r => r <= 7.5);
        var spacing = data.Radial[1] - data.Radial[0];
        var contour = Limits(figure, "contour");
        Assert.Equal(data.Radial[first] - spacing / 2, contour.Left, 9);
        Assert.Equal(data.Radial[last] + spacing / 2, contour.Right, 9);
        Assert.Contains("3", MajorLabels(figure.Panel("contour").Plot.Axes.Bottom));
        Assert.Contains("7", MajorLabels(figure.Panel("contour").Plot.Axes.Bottom));

        // Time in hours from the first frame: frames every 1/6 h, so the cells run from -1/12 h to 20 - 1/12 + 1/6.
        var hour = (data.TimeSeconds[1] - data.TimeSeconds[0]) / 3600;
        Assert.Equal(-hour / 2, contour.Bottom, 9);
        Assert.Equal((frames - 1) * hour + hour / 2, contour.Top, 9);
        Assert.Contains("2θ (°)", Texts(doc));
        Assert.Contains("Time (h)", Texts(doc));
        Assert.Contains("Voltage (V)", Texts(doc));
        Assert.Contains("Intensity (counts)", Texts(doc));

        // The voltage panel shares the vertical axis and hides its labels; the colour bar spans the data.
        var voltage = Limits(figure, "voltage");
        Assert.Equal(contour.Bottom, voltage.Bottom, 12);
        Assert.Equal(contour.Top, voltage.Top, 12);
        Assert.False(figure.Panel("voltage").Plot.Axes.Left.TickLabelStyle.IsVisible);
        Assert.True(voltage.Left <= data.Voltage!.Min() && voltage.Right >= data.Voltage!.Max());
        double low = double.MaxValue, high = double.MinValue;
        for (var f = 0; f < frames; f++)
        {
            for (var b = first; b <= last; b++)
            {
                low = Math.Min(low, data.Intensity[f, b]);
                high = Math.Max(high, data.Intensity[f, b]);
            }
        }

        var bar = figure.Panel("colorbar").ColourScale!.Value;
        Assert.Equal(low, bar.Min, 4);
        Assert.Equal(high, bar.Max, 4);

        // The heat map as the SVG embeds it: one column per bin, one row per frame (latest on top), colours = matplotlib viridis.
        var image = doc.Descendants(Svg + "image").First(i => (string?)i.Attribute("width") == (last - first + 1).ToString(CultureInfo.InvariantCulture));
        var uri = (string)image.Attribute(Xlink + "href")!;
        Assert.StartsWith("data:image/png;base64,", uri, StringComparison.Ordinal);
        var path = Path.Combine(Path.GetTempPath(), $"oxrd-heatmap-{Guid.NewGuid():N}.png");
        File.WriteAllBytes(path, Convert.FromBase64String(uri["data:image/png;base64,".Length..]));
        try
        {
            var rng = new Random(1);
            var cells = new List<(int Frame, int Bin)> { (0, first), (frames - 1, last) };
            for (var i = 0; i < 6; i++)
            {
                cells.Add((rng.Next(frames), first + rng.Next(last - first + 1)));
            }

            for (var f = 0; f < frames; f++)
            {
                for (var b = first; b <= last; b++)
                {
                    if (data.Intensity[f, b] == high)
                    {
                        cells.Add((f, b));
                    }
                }
            }

            var ts = cells.Select(c => (data.Intensity[c.Frame, c.Bin] - low) / (high - low)).ToArray();
            var result = PythonProbe.Run(new JsonObject
            {
                ["files"] = new JsonObject { ["heat"] = PythonProbe.File1(path, cells.Select(c => (c.Bin - first, frames - 1 - c.Frame)).ToArray()) },
                ["colormaps"] = new JsonObject { ["viridis"] = new JsonArray(ts.Select(t => (JsonNode)t).ToArray()) },
            });
            Assert.Equal(last - first + 1, result["heat"]!["width"]!.GetValue<int>());
            Assert.Equal(frames, result["heat"]!["height"]!.GetValue<int>());
            for (var i = 0; i < cells.Count; i++)
            {
                var pixel = PythonProbe.Ints(result["heat"]!["pixels"]![i]!);
                Assert.Equal(PythonProbe.Ints(result["viridis"]![i]!), pixel[..3]);
                Assert.Equal(255, pixel[3]);
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Log_contour_has_a_log_colour_bar_labelled_in_decades()
    {
        var data = Example(30, 300, out _);
        var figure = OperandoFigures.Contour(data, new ContourOptions { IntensityScale = ScaleKind.Log, IntensityMin = 10, IntensityMax = 2000 });
        var doc = Render(figure);
        var bar = figure.Panel("colorbar");
        Assert.Equal(ScaleKind.Log, bar.ColourScale!.Value.Scale);
        Assert.Equal(["10", "100", "1000"], MajorLabels(bar.Plot.Axes.Right));
        // Decades sit at their log position on the bar (0 = 10, 1 = 2000), with minor ticks between them.
        var at = bar.Plot.Axes.Right.TickGenerator.Ticks.Where(t => t.IsMajor).Select(t => t.Position).ToArray();
        Assert.Equal(0, at[0], 12);
        Assert.Equal(1 / Math.Log10(200), at[1], 12);
        Assert.Contains(bar.Plot.Axes.Right.TickGenerator.Ticks, t => !t.IsMajor);
        Assert.Contains("1000", Texts(doc));
        Assert.Equal(0.5, Figures.HeatMap.Normalize(Math.Sqrt(10 * 2000), 10, 2000, log: true), 12);
        Assert.Equal(0.0, Figures.HeatMap.Normalize(1, 10, 2000, log: true), 12);
    }

    [Fact]
    public void Contour_against_x_li_needs_a_monotonic_half_cycle()
    {
        var full = Example(40, 200, out _);
        var error = Assert.Throws<ArgumentException>(() => OperandoFigures.Contour(full, new ContourOptions { Vertical = ContourAxis.XLi }));
        Assert.Contains("monotonic", error.Message, StringComparison.Ordinal);

        var (radial, intensity, times, xli) = ExampleData.Run(40, 200);
        var gapXli = (double[])xli.Clone();
        gapXli[3] = double.NaN;
        var missing = Assert.Throws<ArgumentException>(() => OperandoFigures.Contour(
            new ContourData { Radial = radial, Intensity = intensity, TimeSeconds = times, XLi = gapXli }, new ContourOptions { Vertical = ContourAxis.XLi }));
        Assert.Contains("frame 3", missing.Message, StringComparison.Ordinal);
        var charge = new float[20, 200];
        for (var f = 0; f < 20; f++)
        {
            for (var b = 0; b < 200; b++)
            {
                charge[f, b] = intensity[f, b];
            }
        }

        var half = new ContourData { Radial = radial, Intensity = charge, TimeSeconds = times[..20], XLi = xli[..20] };
        var figure = OperandoFigures.Contour(half, new ContourOptions { Vertical = ContourAxis.XLi });
        var doc = Render(figure);
        var contour = Limits(figure, "contour");
        Assert.True(contour.Bottom < xli[19] && contour.Top > xli[0]);
        Assert.Contains("x(Li)", Texts(doc));
    }

    [Fact]
    public void Lattice_figure_has_one_panel_per_parameter_with_error_bars_inside_the_range()
    {
        var n = 25;
        var x = Enumerable.Range(0, n).Select(i => 1 - 0.03 * i).ToArray();
        double[] a = x.Select(v => ExampleData.NcaCell(v).A).ToArray(), c = x.Select(v => ExampleData.NcaCell(v).C).ToArray();
        double[] ea = a.Select((_, i) => 2e-4 * (1 + i % 3)).ToArray(), ec = c.Select(_ => 1.5e-3).ToArray();
        ec[4] = double.NaN; // a failed esd draws no bar
        var figure = OperandoFigures.LatticeVersusXLi(x, [new("NCA", "a", "Å", a, ea), new("NCA", "c", "Å", c, ec)]);
        var doc = Render(figure);
        AxisLimits pa = Limits(figure, "param-0"), pc = Limits(figure, "param-1");
        Assert.True(pa.Bottom <= a.Zip(ea, (v, e) => v - e).Min() && pa.Top >= a.Zip(ea, (v, e) => v + e).Max());
        Assert.True(pc.Bottom <= c.Min() - 1.5e-3 && pc.Top >= c.Max() + 1.5e-3);
        Assert.True(pa.Left <= x.Min() && pa.Right >= x.Max());
        Assert.Equal(pa.Left, pc.Left, 12);
        Assert.Equal(pa.Right, pc.Right, 12);
        Assert.Equal(figure.Panel("param-0").DataArea.Left, figure.Panel("param-1").DataArea.Left);
        Assert.False(figure.Panel("param-0").Plot.Axes.Bottom.TickLabelStyle.IsVisible);
        Assert.True(figure.Panel("param-1").Plot.Axes.Bottom.TickLabelStyle.IsVisible);

        var markers = figure.Panel("param-0").Plot.GetPlottables<ScottPlot.Plottables.Markers>().Single();
        Assert.Equal(n, markers.Data.GetScatterPoints().Count);
        var bars = figure.Panel("param-1").Plot.GetPlottables<ScottPlot.Plottables.ErrorBar>().Single();
        Assert.Equal(n, bars.Ys.Count);
        Assert.Equal(0, bars.YErrorPositive![4]);
        Assert.Equal(ea[7], figure.Panel("param-0").Plot.GetPlottables<ScottPlot.Plottables.ErrorBar>().Single().YErrorPositive![7]);
        Assert.Contains("NCA a (Å)", Texts(doc));
        Assert.Contains("NCA c (Å)", Texts(doc));
        Assert.Contains("x(Li)", Texts(doc));

        Assert.Throws<ArgumentException>(() => OperandoFigures.LatticeVersusTime(x, [new("NCA", "a", "Å", a, ea[..3])]));
    }

    [Fact]
    public void Rwp_figure_spans_the_frames_and_marks_failed_ones()
    {
        var frame = Enumerable.Range(0, 50).Select(i => (double)i).ToArray();
        var rwp = frame.Select(f => 4 + Math.Sin(f / 5)).ToArray();
        var failed = frame.Select(f => f is 7 or 31).ToArray();
        var figure = OperandoFigures.Rwp(frame, rwp, failed);
        var doc = Render(figure);
        var limits = Limits(figure, "rwp");
        Assert.True(limits.Left < 0 && limits.Right > 49);
        Assert.True(limits.Bottom < rwp.Min() && limits.Top > rwp.Max());
        var markers = figure.Panel("rwp").Plot.GetPlottables<ScottPlot.Plottables.Markers>().ToArray();
        Assert.Equal(48, markers.Single(m => m.LegendText == "Rwp").Data.GetScatterPoints().Count);
        Assert.Equal([7.0, 31.0], markers.Single(m => m.LegendText == "failed").Data.GetScatterPoints().Select(p => p.X));
        // The line breaks at each failed frame: three runs.
        Assert.Equal(3, figure.Panel("rwp").Plot.GetPlottables<ScottPlot.Plottables.Scatter>().Count());
        Assert.Contains("Rwp (%)", Texts(doc));
        Assert.Contains("failed", Texts(doc));
    }

    [Fact]
    public void Pattern_figure_stacks_fit_tick_marks_and_difference_on_one_radial_axis()
    {
        var radial = Enumerable.Range(0, 400).Select(i => 2 + i * 0.015).ToArray();
        var calc = radial.Select(t => 100 + 800 * Math.Exp(-(t - 3.0) * (t - 3.0) / 0.001)).ToArray();
        var obs = calc.Select((v, i) => v + 5 * Math.Sin(i)).ToArray();
        PhaseTicks[] phases = [new("NCA", [2.97, 4.1, 6.9]), new("LPSCl", [4.03, 4.72, 9.5])];
        var figure = OperandoFigures.Pattern(radial, obs, calc, phases);
        var doc = Render(figure);
        AxisLimits main = Limits(figure, "pattern"), ticks = Limits(figure, "phase-ticks"), diff = Limits(figure, "difference");
        Assert.Equal(2.0, main.Left, 12);
        Assert.Equal(radial[^1], diff.Right, 12);
        Assert.Equal(main.Right, ticks.Right, 12);
        Assert.True(main.Top >= calc.Max() && main.Bottom <= obs.Min());
        // 9.5 lies beyond the pattern: five tick marks in all.
        Assert.Equal(5, figure.Panel("phase-ticks").Plot.GetPlottables<ScottPlot.Plottables.Markers>().Sum(m => m.Data.GetScatterPoints().Count));
        Assert.Equal(400, figure.Panel("pattern").Plot.GetPlottables<ScottPlot.Plottables.Markers>().Single().Data.GetScatterPoints().Count);
        Assert.False(figure.Panel("pattern").Plot.Axes.Bottom.TickLabelStyle.IsVisible);
        Assert.True(diff.Bottom <= -5 * 0.99 && diff.Top >= 5 * 0.99);
        Assert.Contains("LPSCl", Texts(doc));
        Assert.Contains("obs − calc", Texts(doc));
        Assert.Contains("calculated", Texts(doc));
        Assert.Throws<ArgumentException>(() => OperandoFigures.Pattern(radial, obs[..10], calc, phases));
    }
}

public class HeatMapResampleTests
{
    [Fact]
    public void Evenly_spaced_cells_map_one_to_one()
    {
        var map = OperandoXrd.Reports.Figures.HeatMap.Resample([1.0, 2.0, 3.0, 4.0], out var start, out var end);
        Assert.Equal([0, 1, 2, 3], map);
        Assert.Equal(0.5, start, 12);
        Assert.Equal(4.5, end, 12);
    }

    [Fact]
    public void A_pause_in_the_measurement_stays_a_transparent_gap()
    {
        // Frames every 1 unit, then a 10-unit pause, then frames again.
        double[] centers = [0, 1, 2, 3, 13, 14, 15];
        var map = OperandoXrd.Reports.Figures.HeatMap.Resample(centers, out var start, out var end);
        Assert.Equal(-0.5, start, 12);
        Assert.Equal(15.5, end, 12);
        var width = (end - start) / map.Length;
        for (var k = 0; k < map.Length; k++)
        {
            var y = start + (k + 0.5) * width;
            var nearest = Enumerable.Range(0, centers.Length).MinBy(i => Math.Abs(centers[i] - y));
            var inGap = y > 3.5 + width && y < 12.5 - width;
            if (inGap)
            {
                Assert.Equal(-1, map[k]);
            }
            else if (Math.Abs(centers[nearest] - y) < 0.5 - width)
            {
                Assert.Equal(nearest, map[k]);
            }
        }
        Assert.Contains(-1, map);

        // Irregular but continuous spacing leaves no holes.
        Assert.DoesNotContain(-1, OperandoXrd.Reports.Figures.HeatMap.Resample([0, 1, 2.5, 3.5, 5, 6, 7.5], out _, out _));
        Assert.Throws<ArgumentException>(() => OperandoXrd.Reports.Figures.HeatMap.Resample([0, 1, 1, 2], out _, out _));
    }
}

public class DifferenceContourTests
{
    [Fact]
    public void Difference_map_puts_zero_on_the_neutral_middle_of_cool_warm()
    {
        var (radial, intensity, times, _) = ExampleData.Run(20, 100);
        var diff = new float[20, 100];
        for (var f = 0; f < 20; f++)
        {
            for (var b = 0; b < 100; b++)
            {
                diff[f, b] = intensity[f, b] - intensity[0, b];
            }
        }

        diff[5, 50] = -300; // the most negative value decides the limits: ±300 unless something exceeds it
        double m = 0;
        foreach (var v in diff)
        {
            m = Math.Max(m, Math.Abs(v));
        }

        var figure = OperandoFigures.Contour(
            new ContourData { Radial = radial, Intensity = diff, TimeSeconds = times, IntensityLabel = "ΔI (counts)" },
            new ContourOptions { ColorMap = Color.ColorMap.CoolWarm, SymmetricLimits = true });
        var bar = figure.Panel("colorbar").ColourScale!.Value;
        Assert.Equal(-m, bar.Min, 4);
        Assert.Equal(m, bar.Max, 4);
        // Frame 0 is all zeros, and it is the bottom row of cells (time runs up): the neutral middle of the map.
        var heat = figure.Panel("contour").Plot.GetPlottables<ScottPlot.Plottables.Heatmap>().Single();
        Assert.Equal(0.5, heat.Intensities[19, 10], 12);
        Assert.Equal(Color.ColorMap.CoolWarm.Map(0.5), Of(heat.Colormap.GetColor(heat.Intensities[19, 99])));
    }

    private static Color.Rgba Of(ScottPlot.Color c) => new(c.R, c.G, c.B, c.A);
}

public class DegenerateInputTests
{
    [Fact]
    public void A_single_frame_or_constant_series_still_draws()
    {
        var lattice = OperandoFigures.LatticeVersusTime([1.5], [new("NCA", "a", "Å", [2.86], [0.001])]);
        Assert.Contains("NCA a (Å)", FigureWriter.ToSvg(lattice), StringComparison.Ordinal);
        var rwp = OperandoFigures.Rwp([0, 1, 2], [5, 5, 5]);
        SvgFigureTests.Render(rwp);
        var limits = rwp.Panel("rwp").Plot.Axes.GetLimits();
        Assert.True(limits.Bottom < 5 && limits.Top > 5 && limits.Left < 0 && limits.Right > 2);
        var nan = OperandoFigures.Rwp([0, 1], [double.NaN, double.NaN]);
        Assert.NotNull(SvgFigureTests.Render(nan));
    }
}
