using System.Globalization;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using OperandoXrd.Reports.Figures;
using OperandoXrd.Reports.Plotting;

namespace OperandoXrd.Reports.Tests;

public class SvgFigureTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";
    private static readonly XNamespace Xlink = "http://www.w3.org/1999/xlink";

    private static XElement Panel(XDocument doc, string id) =>
        doc.Descendants(Svg + "g").Single(g => (string?)g.Attribute("id") == id);

    private static double Data(XElement panel, string key) =>
        double.Parse((string)panel.Attribute("data-" + key)!, CultureInfo.InvariantCulture);

    private static string[] TickLabels(XElement panel, string axis) =>
        panel.Elements(Svg + "text").Where(t => (string?)t.Attribute("class") == "tick-label " + axis).Select(t => t.Value).ToArray();

    private static ContourData Example(int frames, int bins, out double[] voltageTimes)
    {
        var (radial, intensity, times, xli) = ExampleData.Run(frames, bins);
        double[] vt = Enumerable.Range(0, 501).Select(i => times[0] + i * (times[^1] - times[0]) / 500).ToArray();
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
    public void Contour_svg_axes_colour_bar_and_heat_map_cells_match_the_data()
    {
        const int frames = 120, bins = 600;
        ContourData data = Example(frames, bins, out _);
        Figure figure = OperandoFigures.Contour(data, new ContourOptions { RadialMin = 2.5, RadialMax = 7.5 });
        XDocument doc = XDocument.Parse(figure.ToSvg());
        Assert.Equal("1000", (string?)doc.Root!.Attribute("width"));

        // Radial: bins whose centres lie in [2.5, 7.5], drawn edge to edge.
        int first = Array.FindIndex(data.Radial, r => r >= 2.5), last = Array.FindLastIndex(data.Radial, r => r <= 7.5);
        double spacing = data.Radial[1] - data.Radial[0];
        XElement contour = Panel(doc, "contour");
        Assert.Equal(data.Radial[first] - spacing / 2, Data(contour, "x-min"), 9);
        Assert.Equal(data.Radial[last] + spacing / 2, Data(contour, "x-max"), 9);
        Assert.Equal(["3", "4", "5", "6", "7"], TickLabels(contour, "x"));

        // Time in hours from the first frame: frames every 1/6 h, so the cells run from -1/12 h to 20 - 1/12 + 1/6.
        double hour = (data.TimeSeconds[1] - data.TimeSeconds[0]) / 3600;
        Assert.Equal(-hour / 2, Data(contour, "y-min"), 9);
        Assert.Equal((frames - 1) * hour + hour / 2, Data(contour, "y-max"), 9);
        string[] yLabels = TickLabels(contour, "y");
        Assert.Equal("0", yLabels[0]);
        Assert.Equal(Enumerable.Range(0, yLabels.Length).Select(i => (2 * i).ToString(CultureInfo.InvariantCulture)), yLabels);
        Assert.True(2 * (yLabels.Length - 1) <= Data(contour, "y-max") && 2 * yLabels.Length > Data(contour, "y-max"));

        // The voltage panel shares the vertical axis and hides its labels; the colour bar spans the data.
        XElement voltage = Panel(doc, "voltage");
        Assert.Equal(Data(contour, "y-min"), Data(voltage, "y-min"), 12);
        Assert.Equal(Data(contour, "y-max"), Data(voltage, "y-max"), 12);
        Assert.Empty(TickLabels(voltage, "y"));
        double low = double.MaxValue, high = double.MinValue;
        for (int f = 0; f < frames; f++)
            for (int b = first; b <= last; b++)
            {
                low = Math.Min(low, data.Intensity[f, b]);
                high = Math.Max(high, data.Intensity[f, b]);
            }
        XElement bar = Panel(doc, "colorbar");
        Assert.Equal(low, Data(bar, "y-min"), 4);
        Assert.Equal(high, Data(bar, "y-max"), 4);

        // The embedded PNG: one column per bin, one row per frame (latest on top), colours = matplotlib viridis.
        XElement image = contour.Elements(Svg + "image").Single();
        string uri = (string)image.Attribute(Xlink + "href")!;
        Assert.StartsWith("data:image/png;base64,", uri, StringComparison.Ordinal);
        string path = Path.Combine(Path.GetTempPath(), $"oxrd-heatmap-{Guid.NewGuid():N}.png");
        File.WriteAllBytes(path, Convert.FromBase64String(uri["data:image/png;base64,".Length..]));
        try
        {
            var rng = new Random(1);
            var cells = new List<(int Frame, int Bin)> { (0, first), (frames - 1, last) };
            for (int i = 0; i < 6; i++)
                cells.Add((rng.Next(frames), first + rng.Next(last - first + 1)));
            for (int f = 0; f < frames; f++)
                for (int b = first; b <= last; b++)
                    if (data.Intensity[f, b] == high)
                        cells.Add((f, b));
            double[] ts = cells.Select(c => (data.Intensity[c.Frame, c.Bin] - low) / (high - low)).ToArray();
            JsonNode result = PythonProbe.Run(new JsonObject
            {
                ["files"] = new JsonObject { ["heat"] = PythonProbe.File1(path, cells.Select(c => (c.Bin - first, frames - 1 - c.Frame)).ToArray()) },
                ["colormaps"] = new JsonObject { ["viridis"] = new JsonArray(ts.Select(t => (JsonNode)t).ToArray()) },
            });
            Assert.Equal(last - first + 1, result["heat"]!["width"]!.GetValue<int>());
            Assert.Equal(frames, result["heat"]!["height"]!.GetValue<int>());
            for (int i = 0; i < cells.Count; i++)
            {
                int[] pixel = PythonProbe.Ints(result["heat"]!["pixels"]![i]!);
                Assert.Equal(PythonProbe.Ints(result["viridis"]![i]!), pixel[..3]);
                Assert.Equal(255, pixel[3]);
            }
        }
        finally
        {
            File.Delete(path);
        }

        // The image fills the plot area exactly (its extent is the axis range).
        Assert.Equal(80.0, double.Parse((string)image.Attribute("x")!, CultureInfo.InvariantCulture), 2);
    }

    [Fact]
    public void Log_contour_has_a_log_colour_bar_labelled_in_decades()
    {
        ContourData data = Example(30, 300, out _);
        Figure figure = OperandoFigures.Contour(data, new ContourOptions { IntensityScale = ScaleKind.Log, IntensityMin = 10, IntensityMax = 2000 });
        XElement bar = Panel(XDocument.Parse(figure.ToSvg()), "colorbar");
        Assert.Equal("log", (string?)bar.Attribute("data-y-scale"));
        Assert.Equal(["10", "100", "1000"], TickLabels(bar, "y"));
        Assert.Equal(0.5, Figures.HeatMap.Normalize(Math.Sqrt(10 * 2000), 10, 2000, log: true), 12);
        Assert.Equal(0.0, Figures.HeatMap.Normalize(1, 10, 2000, log: true), 12);
    }

    [Fact]
    public void Contour_against_x_li_needs_a_monotonic_half_cycle()
    {
        ContourData full = Example(40, 200, out _);
        var error = Assert.Throws<ArgumentException>(() => OperandoFigures.Contour(full, new ContourOptions { Vertical = ContourAxis.XLi }));
        Assert.Contains("monotonic", error.Message, StringComparison.Ordinal);

        var (radial, intensity, times, xli) = ExampleData.Run(40, 200);
        double[] gapXli = (double[])xli.Clone();
        gapXli[3] = double.NaN;
        var missing = Assert.Throws<ArgumentException>(() => OperandoFigures.Contour(
            new ContourData { Radial = radial, Intensity = intensity, TimeSeconds = times, XLi = gapXli }, new ContourOptions { Vertical = ContourAxis.XLi }));
        Assert.Contains("frame 3", missing.Message, StringComparison.Ordinal);
        var charge = new float[20, 200];
        for (int f = 0; f < 20; f++)
            for (int b = 0; b < 200; b++)
                charge[f, b] = intensity[f, b];
        var half = new ContourData { Radial = radial, Intensity = charge, TimeSeconds = times[..20], XLi = xli[..20] };
        XElement contour = Panel(XDocument.Parse(OperandoFigures.Contour(half, new ContourOptions { Vertical = ContourAxis.XLi }).ToSvg()), "contour");
        Assert.True(Data(contour, "y-min") < xli[19] && Data(contour, "y-max") > xli[0]);
        Assert.Equal("x(Li)", contour.Elements(Svg + "text").Single(t => (string?)t.Attribute("class") == "axis-label y").Value);
    }

    [Fact]
    public void Lattice_figure_has_one_panel_per_parameter_with_error_bars_inside_the_range()
    {
        int n = 25;
        double[] x = Enumerable.Range(0, n).Select(i => 1 - 0.03 * i).ToArray();
        double[] a = x.Select(v => ExampleData.NcaCell(v).A).ToArray(), c = x.Select(v => ExampleData.NcaCell(v).C).ToArray();
        double[] ea = a.Select((_, i) => 2e-4 * (1 + i % 3)).ToArray(), ec = c.Select(_ => 1.5e-3).ToArray();
        ec[4] = double.NaN; // a failed esd draws no bar
        Figure figure = OperandoFigures.LatticeVersusXLi(x, [new("NCA", "a", "Å", a, ea), new("NCA", "c", "Å", c, ec)]);
        XDocument doc = XDocument.Parse(figure.ToSvg());
        XElement pa = Panel(doc, "param-0"), pc = Panel(doc, "param-1");
        Assert.True(Data(pa, "y-min") <= a.Zip(ea, (v, e) => v - e).Min() && Data(pa, "y-max") >= a.Zip(ea, (v, e) => v + e).Max());
        Assert.True(Data(pc, "y-min") <= c.Min() - 1.5e-3 && Data(pc, "y-max") >= c.Max() + 1.5e-3);
        Assert.True(Data(pa, "x-min") <= x.Min() && Data(pa, "x-max") >= x.Max());
        Assert.Equal(Data(pa, "x-min"), Data(pc, "x-min"), 12);
        Assert.Empty(TickLabels(pa, "x"));
        Assert.NotEmpty(TickLabels(pc, "x"));
        Assert.Equal(n, pa.Elements(Svg + "circle").Count());
        Assert.Equal(3 * n, pa.Elements(Svg + "polyline").Count(p => (string?)p.Attribute("clip-path") is not null));
        Assert.Equal(3 * (n - 1), pc.Elements(Svg + "polyline").Count(p => (string?)p.Attribute("clip-path") is not null));
        Assert.Equal("NCA a (Å)", pa.Elements(Svg + "text").Single(t => (string?)t.Attribute("class") == "axis-label y").Value);
        Assert.Equal("NCA c (Å)", pc.Elements(Svg + "text").Single(t => (string?)t.Attribute("class") == "axis-label y").Value);

        Assert.Throws<ArgumentException>(() => OperandoFigures.LatticeVersusTime(x, [new("NCA", "a", "Å", a, ea[..3])]));
    }

    [Fact]
    public void Rwp_figure_spans_the_frames_and_marks_failed_ones()
    {
        double[] frame = Enumerable.Range(0, 50).Select(i => (double)i).ToArray();
        double[] rwp = frame.Select(f => 4 + Math.Sin(f / 5)).ToArray();
        bool[] failed = frame.Select(f => f is 7 or 31).ToArray();
        XDocument doc = XDocument.Parse(OperandoFigures.Rwp(frame, rwp, failed).ToSvg());
        XElement panel = Panel(doc, "rwp");
        Assert.True(Data(panel, "x-min") < 0 && Data(panel, "x-max") > 49);
        Assert.True(Data(panel, "y-min") < rwp.Min() && Data(panel, "y-max") > rwp.Max());
        Assert.Equal(2, panel.Elements(Svg + "rect").Count(r => (string?)r.Attribute("fill") == "#d62728"));
        Assert.Equal(48, panel.Elements(Svg + "circle").Count());
    }

    [Fact]
    public void Pattern_figure_stacks_fit_tick_marks_and_difference_on_one_radial_axis()
    {
        double[] radial = Enumerable.Range(0, 400).Select(i => 2 + i * 0.015).ToArray();
        double[] calc = radial.Select(t => 100 + 800 * Math.Exp(-(t - 3.0) * (t - 3.0) / 0.001)).ToArray();
        double[] obs = calc.Select((v, i) => v + 5 * Math.Sin(i)).ToArray();
        PhaseTicks[] phases = [new("NCA", [2.97, 4.1, 6.9]), new("LPSCl", [4.03, 4.72, 9.5])];
        XDocument doc = XDocument.Parse(OperandoFigures.Pattern(radial, obs, calc, phases).ToSvg());
        XElement main = Panel(doc, "pattern"), ticks = Panel(doc, "phase-ticks"), diff = Panel(doc, "difference");
        Assert.Equal(2.0, Data(main, "x-min"), 12);
        Assert.Equal(radial[^1], Data(diff, "x-max"), 12);
        Assert.Equal(Data(main, "x-max"), Data(ticks, "x-max"), 12);
        Assert.Equal(6, ticks.Elements(Svg + "polyline").Count(p => (string?)p.Attribute("clip-path") is not null));
        Assert.Equal(400, main.Elements(Svg + "circle").Count());
        Assert.Empty(TickLabels(main, "x"));
        Assert.NotEmpty(TickLabels(diff, "x"));
        Assert.True(Data(diff, "y-min") <= -5 * 0.99 && Data(diff, "y-max") >= 5 * 0.99);
        Assert.Contains(doc.Descendants(Svg + "text"), t => t.Value == "LPSCl");
        Assert.Throws<ArgumentException>(() => OperandoFigures.Pattern(radial, obs[..10], calc, phases));
    }
}

public class HeatMapResampleTests
{
    [Fact]
    public void Evenly_spaced_cells_map_one_to_one()
    {
        int[] map = OperandoXrd.Reports.Figures.HeatMap.Resample([1.0, 2.0, 3.0, 4.0], out double start, out double end);
        Assert.Equal([0, 1, 2, 3], map);
        Assert.Equal(0.5, start, 12);
        Assert.Equal(4.5, end, 12);
    }

    [Fact]
    public void A_pause_in_the_measurement_stays_a_transparent_gap()
    {
        // Frames every 1 unit, then a 10-unit pause, then frames again.
        double[] centers = [0, 1, 2, 3, 13, 14, 15];
        int[] map = OperandoXrd.Reports.Figures.HeatMap.Resample(centers, out double start, out double end);
        Assert.Equal(-0.5, start, 12);
        Assert.Equal(15.5, end, 12);
        double width = (end - start) / map.Length;
        for (int k = 0; k < map.Length; k++)
        {
            double y = start + (k + 0.5) * width;
            int nearest = Enumerable.Range(0, centers.Length).MinBy(i => Math.Abs(centers[i] - y));
            bool inGap = y > 3.5 + width && y < 12.5 - width;
            if (inGap)
                Assert.Equal(-1, map[k]);
            else if (Math.Abs(centers[nearest] - y) < 0.5 - width)
                Assert.Equal(nearest, map[k]);
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
        for (int f = 0; f < 20; f++)
            for (int b = 0; b < 100; b++)
                diff[f, b] = intensity[f, b] - intensity[0, b];
        diff[5, 50] = -300; // the most negative value decides the limits: ±300 unless something exceeds it
        double m = 0;
        foreach (float v in diff)
            m = Math.Max(m, Math.Abs(v));
        var figure = OperandoXrd.Reports.Figures.OperandoFigures.Contour(
            new OperandoXrd.Reports.Figures.ContourData { Radial = radial, Intensity = diff, TimeSeconds = times, IntensityLabel = "ΔI (counts)" },
            new OperandoXrd.Reports.Figures.ContourOptions { ColorMap = OperandoXrd.Reports.Color.ColorMap.CoolWarm, SymmetricLimits = true });
        var bar = figure.Panels.Single(p => p.Id == "colorbar");
        Assert.Equal(-m, bar.Y.Min!.Value, 4);
        Assert.Equal(m, bar.Y.Max!.Value, 4);
        // Frame 0 is all zeros, and it is the bottom image row (time runs up): the neutral middle of the map.
        var image = (OperandoXrd.Reports.Plotting.ImageSeries)figure.Panels.Single(p => p.Id == "contour").Series[0];
        Assert.Equal(OperandoXrd.Reports.Color.ColorMap.CoolWarm.Map(0.5), image.Image[10, image.Image.Height - 1]);
        Assert.Equal(OperandoXrd.Reports.Color.ColorMap.CoolWarm.Map(0.5), image.Image[99, image.Image.Height - 1]);
    }
}

public class DegenerateInputTests
{
    [Fact]
    public void A_single_frame_or_constant_series_still_draws()
    {
        var lattice = OperandoXrd.Reports.Figures.OperandoFigures.LatticeVersusTime([1.5], [new("NCA", "a", "Å", [2.86], [0.001])]);
        Assert.Contains("<circle", lattice.ToSvg(), StringComparison.Ordinal);
        var rwp = OperandoXrd.Reports.Figures.OperandoFigures.Rwp([0, 1, 2], [5, 5, 5]);
        var (x, y) = rwp.Panels[0].ResolveScales();
        Assert.True(y.Min < 5 && y.Max > 5 && x.Min < 0 && x.Max > 2);
        var nan = OperandoXrd.Reports.Figures.OperandoFigures.Rwp([0, 1], [double.NaN, double.NaN]);
        Assert.NotNull(System.Xml.Linq.XDocument.Parse(nan.ToSvg()));
    }
}
