using System.Text.Json.Nodes;
using OperandoXrd.Reports.Color;
using OperandoXrd.Reports.Figures;
using OperandoXrd.Reports.Plotting;
using SkiaSharp;

namespace OperandoXrd.Reports.Tests;

/// <summary>The PNG of a figure, decoded by SkiaSharp and by an independent python reader (every chunk CRC checked).</summary>
public class PngFigureTests
{
    [Fact]
    public void Contour_png_has_the_figure_size_white_margins_and_the_data_colours_where_the_data_are()
    {
        const int frames = 60, bins = 300;
        var (radial, intensity, times, _) = ExampleData.Run(frames, bins);
        // A flat block of known intensity, far from the peaks, so a pixel inside it has one exact colour; the first
        // ten frames at zero, so the bottom of the map (time runs up) is the map's first colour and the top is not.
        for (var f = 20; f < 40; f++)
        {
            for (var b = 160; b < 200; b++)
            {
                intensity[f, b] = 500;
            }
        }

        for (var f = 0; f < 10; f++)
        {
            for (var b = 0; b < bins; b++)
            {
                intensity[f, b] = 0;
            }
        }

        var figure = OperandoFigures.Contour(
            new ContourData { Radial = radial, Intensity = intensity, TimeSeconds = times },
            new ContourOptions { IntensityMin = 0, IntensityMax = 1000 });
        var area = figure.Panel("contour").DataArea;
        // Pixel centre of the block: bins 160..199 of 300 across, frames 20..39 of 60 up from the bottom.
        int px = (int)(area.Left + area.Width * 180 / bins), py = (int)(area.Top + area.Height * (1 - 30.0 / frames));
        int bottomY = (int)(area.Top + area.Height * (1 - 5.0 / frames)), topY = (int)(area.Top + area.Height * (5.0 / frames));

        var stem = Path.Combine(Path.GetTempPath(), $"oxrd-fig-{Guid.NewGuid():N}");
        try
        {
            FigureWriter.Write(figure, stem);
            using (var decoded = SKBitmap.Decode(stem + ".png"))
            {
                Assert.Equal((1000, 700), (decoded.Width, decoded.Height));
                Assert.Equal(ColorMap.Viridis.Map(0), Of(decoded.GetPixel(px, bottomY)));
                Assert.NotEqual(ColorMap.Viridis.Map(0), Of(decoded.GetPixel(px, topY)));
            }

            var result = PythonProbe.Run(new JsonObject
            {
                ["files"] = new JsonObject { ["png"] = PythonProbe.File1(stem + ".png", (3, 3), (px, py), (996, 696)) },
                ["colormaps"] = new JsonObject { ["viridis"] = new JsonArray(0.5) },
            })!;
            var png = result["png"]!;
            Assert.Equal(1000, png["width"]!.GetValue<int>());
            Assert.Equal(700, png["height"]!.GetValue<int>());
            Assert.Equal([255, 255, 255], PythonProbe.Ints(png["pixels"]![0]!)[..3]);
            Assert.Equal([255, 255, 255], PythonProbe.Ints(png["pixels"]![2]!)[..3]);
            int[] cell = PythonProbe.Ints(png["pixels"]![1]!), expected = PythonProbe.Ints(result["viridis"]![0]!);
            Assert.Equal(expected, cell[..3]);
        }
        finally
        {
            File.Delete(stem + ".svg");
            File.Delete(stem + ".png");
        }
    }

    [Fact]
    public void A_line_is_drawn_where_its_data_are_and_tick_labels_put_ink_below_the_axis()
    {
        using var figure = new Figure(300, 200);
        var panel = figure.AddPanel("p", 60, 10, 200, 120);
        panel.Plot.Axes.SetLimits(0, 10, 0, 10);
        panel.Plot.HideGrid();
        panel.Plot.Add.ScatterLine(new double[] { 0, 10 }, new double[] { 5, 5 }, new ScottPlot.Color(214, 39, 40)).LineWidth = 3;
        using var stream = new MemoryStream();
        FigureWriter.WritePng(figure, stream, scale: 2);
        using var image = SKBitmap.Decode(stream.ToArray());
        Assert.Equal((600, 400), (image.Width, image.Height));
        // y = 5 is the middle of the data area: figure row 10 + 60 = 70, pixel row 140 at scale 2, fully red there.
        Assert.Equal(new Rgba(214, 39, 40), Of(image.GetPixel(2 * 160, 140)));
        Assert.Equal(Rgba.White, Of(image.GetPixel(2 * 160, 140 + 12)));
        var ink = false;
        for (var y = 2 * 132; y < 2 * 150 && !ink; y++)
        {
            for (var x = 2 * 50; x < 2 * 70 && !ink; x++)
            {
                ink = image.GetPixel(x, y).Red < 128;
            }
        }

        Assert.True(ink, "no '0' tick label under the x axis");
    }

    private static Rgba Of(SKColor c) => new(c.Red, c.Green, c.Blue, c.Alpha);
}
