using System.Text.Json.Nodes;
using OperandoXrd.Reports.Figures;
using OperandoXrd.Reports.Plotting;

namespace OperandoXrd.Reports.Tests;

/// <summary>The PNG versions of a figure, through rsvg-convert and through our own rasterizer, decoded by python.</summary>
public class PngFigureTests
{
    [Theory]
    [InlineData(PngRenderer.Rsvg)]
    [InlineData(PngRenderer.Builtin)]
    public void Contour_png_has_the_figure_size_white_margins_and_viridis_background_cells(PngRenderer renderer)
    {
        if (renderer == PngRenderer.Rsvg)
            Assert.NotNull(FigureWriter.FindOnPath("rsvg-convert")); // librsvg2-bin is a declared dependency here

        const int frames = 60, bins = 300;
        var (radial, intensity, times, _) = ExampleData.Run(frames, bins);
        // A flat block of known intensity, far from the peaks, so a pixel inside it has one exact colour.
        for (int f = 20; f < 40; f++)
            for (int b = 160; b < 200; b++)
                intensity[f, b] = 500;
        Figure figure = OperandoFigures.Contour(
            new ContourData { Radial = radial, Intensity = intensity, TimeSeconds = times },
            new ContourOptions { IntensityMin = 0, IntensityMax = 1000 });
        Panel contour = figure.Panels.Single(p => p.Id == "contour");
        // Pixel centre of the block: bins 160..199 of 300 across, frames 20..39 of 60 up from the bottom.
        int px = (int)(contour.Left + contour.Width * 180 / bins), py = (int)(contour.Top + contour.Height * (1 - 30.0 / frames));

        string stem = Path.Combine(Path.GetTempPath(), $"oxrd-fig-{Guid.NewGuid():N}");
        try
        {
            Assert.Equal(renderer, FigureWriter.Write(figure, stem, renderer));
            Assert.True(File.Exists(stem + ".svg"));
            JsonNode result = PythonProbe.Run(new JsonObject
            {
                ["files"] = new JsonObject { ["png"] = PythonProbe.File1(stem + ".png", (3, 3), (px, py), (996, 696)) },
                ["colormaps"] = new JsonObject { ["viridis"] = new JsonArray(0.5) },
            })!;
            JsonNode png = result["png"]!;
            Assert.Equal(1000, png["width"]!.GetValue<int>());
            Assert.Equal(700, png["height"]!.GetValue<int>());
            Assert.Equal([255, 255, 255], PythonProbe.Ints(png["pixels"]![0]!)[..3]);
            Assert.Equal([255, 255, 255], PythonProbe.Ints(png["pixels"]![2]!)[..3]);
            int[] cell = PythonProbe.Ints(png["pixels"]![1]!), expected = PythonProbe.Ints(result["viridis"]![0]!);
            for (int c = 0; c < 3; c++)
                Assert.InRange(cell[c], expected[c] - 2, expected[c] + 2);
        }
        finally
        {
            File.Delete(stem + ".svg");
            File.Delete(stem + ".png");
        }
    }

    [Fact]
    public void Builtin_raster_draws_lines_text_and_markers_where_the_scene_puts_them()
    {
        var figure = new Figure(200, 120);
        Panel panel = figure.AddPanel("p", 40, 10, 150, 80);
        panel.Legend = LegendPosition.None;
        panel.X.Min = 0;
        panel.X.Max = 10;
        panel.Y.Min = 0;
        panel.Y.Max = 10;
        panel.Add(new LineSeries([0, 10], [5, 5]) { Color = Palette.Red, Width = 3 });
        Png.RgbaImage image = figure.Rasterize();
        Assert.Equal((200, 120), (image.Width, image.Height));
        // The horizontal line y = 5 sits at pixel row 10 + 40 = 50, 3 px wide, fully red at its centre.
        Assert.Equal(new Png.Rgba(0xd6, 0x27, 0x28), image[115, 50]);
        Assert.Equal(Png.Rgba.White, image[115, 56]);
        // The 1 px frame is the black pixel column just left of the plot area; tick labels put ink below the axis.
        Assert.Equal(Png.Rgba.Black, image[39, 53]);
        Assert.Equal(Png.Rgba.White, image[38, 53]);
        bool ink = false;
        for (int y = 96; y < 110 && !ink; y++)
            for (int x = 35; x < 50 && !ink; x++)
                ink = image[x, y].R < 128;
        Assert.True(ink, "no '0' tick label under the x axis");
    }
}
