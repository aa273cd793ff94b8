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
        ArgumentNullException.ThrowIfNull(stream);
        // Skia writes into native memory and the bytes reach the file from managed code: a write that fails (disk
        // full) must surface as an IOException here, not inside Skia's native callback, where it would end the process.
        using var svg = new SKDynamicMemoryWStream();
        // The SVG canvas writes its closing tag when disposed, before the bytes are taken.
        using (var canvas = SKSvgCanvas.Create(SKRect.Create(figure.Width, figure.Height), svg))
        {
            figure.Render(canvas);
        }

        using var data = svg.DetachAsData();
        data.SaveTo(stream);
    }

    public static void WritePng(Figure figure, Stream stream, double scale = 1)
    {
        ArgumentNullException.ThrowIfNull(figure);
        if (!(scale > 0 && scale <= 8))
        {
            throw new ArgumentOutOfRangeException(nameof(scale), scale, "figure scale must be in (0, 8]");
        }

        // Drawn straight into one bitmap (no surface snapshot; the lattice figure's raster is ~4 MB). Opaque: every
        // figure starts from a white canvas, so the PNG is RGB (a quarter fewer bytes to filter and deflate, nothing to
        // un-premultiply) with the same pixels.
        var info = new SKImageInfo((int)Math.Round(figure.Width * scale), (int)Math.Round(figure.Height * scale), SKColorType.Rgba8888, SKAlphaType.Opaque);
        using var bitmap = new SKBitmap(info);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Scale((float)scale);
            figure.Render(canvas);
        }

        // Encoded into native memory, then copied to the stream from managed code (see WriteSvg: a failing write
        // must not throw inside Skia's native callback).
        // One row filter (Sub) and zlib level 3 instead of Skia's default (every filter tried on every row, level 6): a
        // plot is mostly flat colour, which Sub turns into runs of zeros anyway; the files come out a little larger
        // and are encoded several times faster (issue 18: a run's final outputs within 0.5 s).
        using var pixels = bitmap.PeekPixels();
        using var png = pixels.Encode(new SKPngEncoderOptions(SKPngEncoderFilterFlags.Sub, 3))
            ?? throw new InvalidOperationException($"SkiaSharp could not encode a {info.Width}x{info.Height} PNG");
        png.SaveTo(stream);
    }

    /// <summary>The figure's SVG text (tests and callers that embed it).</summary>
    public static string ToSvg(Figure figure)
    {
        using var stream = new MemoryStream();
        WriteSvg(figure, stream);
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }
}
