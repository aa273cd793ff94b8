using OperandoXrd.Core.IO;
using OperandoXrd.Reports.Plotting;
using SkiaSharp;

namespace OperandoXrd.Reports;

/// <summary>Writes a figure as <c>.svg</c> and <c>.png</c>, each atomically, both from the same drawing.</summary>
public static class FigureWriter
{
    /// <summary>
    /// Writes <c>path.svg</c> and <c>path.png</c> (path without extension). The PNG has
    /// <paramref name="scale"/> pixels per figure unit (1: the figure's own size).
    /// </summary>
    public static void Write(Figure figure, string pathWithoutExtension, double scale = 1)
    {
        ArgumentNullException.ThrowIfNull(figure);
        ArgumentException.ThrowIfNullOrEmpty(pathWithoutExtension);
        var folder = Path.GetDirectoryName(Path.GetFullPath(pathWithoutExtension));
        if (folder is not null)
        {
            Directory.CreateDirectory(folder);
        }

        AtomicFile.Write(pathWithoutExtension + ".svg", stream => WriteSvg(figure, stream));
        AtomicFile.Write(pathWithoutExtension + ".png", stream => WritePng(figure, stream, scale));
    }

    public static void WriteSvg(Figure figure, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(figure);
        // The SVG canvas writes its closing tag when disposed, before the stream is flushed.
        using (var canvas = SKSvgCanvas.Create(SKRect.Create(figure.Width, figure.Height), stream))
        {
            figure.Render(canvas);
        }
    }

    public static void WritePng(Figure figure, Stream stream, double scale = 1)
    {
        ArgumentNullException.ThrowIfNull(figure);
        if (!(scale > 0 && scale <= 8))
        {
            throw new ArgumentOutOfRangeException(nameof(scale), scale, "figure scale must be in (0, 8]");
        }

        // Drawn straight into one bitmap and encoded from it to the stream: no surface snapshot, no encoded copy in
        // memory (the lattice figure's raster is ~4 MB).
        var info = new SKImageInfo((int)Math.Round(figure.Width * scale), (int)Math.Round(figure.Height * scale), SKColorType.Rgba8888, SKAlphaType.Premul);
        using var bitmap = new SKBitmap(info);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Scale((float)scale);
            figure.Render(canvas);
        }

        if (!bitmap.Encode(stream, SKEncodedImageFormat.Png, 100))
        {
            throw new InvalidOperationException($"SkiaSharp could not encode a {info.Width}x{info.Height} PNG");
        }
    }

    /// <summary>The figure's SVG text (tests and callers that embed it).</summary>
    public static string ToSvg(Figure figure)
    {
        using var stream = new MemoryStream();
        WriteSvg(figure, stream);
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }
}
