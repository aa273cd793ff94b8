using OperandoXrd.Reports.Plotting;
using OperandoXrd.Reports.Png;

namespace OperandoXrd.Reports.Raster;

/// <summary>Placeholder until the fallback rasterizer lands.</summary>
internal static class Rasterizer
{
    public static RgbaImage Draw(Scene scene, double scale)
    {
        var image = new RgbaImage((int)Math.Ceiling(scene.Width * scale), (int)Math.Ceiling(scene.Height * scale));
        image.Fill(Rgba.White);
        return image;
    }
}
