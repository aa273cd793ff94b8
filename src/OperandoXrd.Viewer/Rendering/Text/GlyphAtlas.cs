using OperandoXrd.Reports.Fonts;
using SkiaSharp;

namespace OperandoXrd.Viewer.Rendering.Text;

/// <summary>
/// The viewer's label glyphs, rasterised once with SkiaSharp from the bundled DejaVu Sans into one coverage texture
/// (8 bits per pixel). Glyphs sit on whole pixels and advance by whole pixels, so a label drawn from the atlas with
/// nearest sampling is exactly <see cref="Render"/>'s coverage blended over the background: crisp on screen, and
/// tests can find it in a screenshot pixel for pixel.
/// </summary>
public sealed class GlyphAtlas
{
    // Printable ASCII and the few symbols our labels use.
    private const string Extra = "θ°χÅ−…±²³·×µΔ";
    private const int Pad = 1;

    private readonly Dictionary<char, Glyph> _glyphs = [];
    private readonly Glyph _fallback;

    /// <summary>The viewer's label atlas (DejaVu Sans at <see cref="ViewerLayout.TextSize"/> px).</summary>
    public static GlyphAtlas Labels { get; } = new(ViewerLayout.TextSize);

    public GlyphAtlas(float pixelSize)
    {
        using var font = new SKFont(BundledFont.Regular, pixelSize) { Edging = SKFontEdging.Antialias, Subpixel = false, Hinting = SKFontHinting.Normal };
        var metrics = font.Metrics;
        Ascent = (int)Math.Ceiling(-metrics.Ascent);
        LineHeight = Ascent + (int)Math.Ceiling(metrics.Descent);
        var chars = Enumerable.Range(32, 95).Select(c => (char)c).Concat(Extra).ToArray();

        // One row of cells, each as wide as the glyph's ink plus padding, all LineHeight tall.
        var cells = new List<(char C, int Advance, int Left, int Width)>();
        var x = 0;
        foreach (var c in chars)
        {
            var text = c.ToString();
            var advance = (int)Math.Round(font.MeasureText(text, out var bounds));
            var left = (int)Math.Floor(bounds.Left) - Pad;
            var width = Math.Max(1, (int)Math.Ceiling(bounds.Right) + Pad - left);
            cells.Add((c, advance, left, width));
            x += width;
        }

        Width = x;
        Height = LineHeight;
        Pixels = new byte[Width * Height];
        using var bitmap = new SKBitmap(new SKImageInfo(Width, Height, SKColorType.Alpha8, SKAlphaType.Premul));
        using (var canvas = new SKCanvas(bitmap))
        using (var paint = new SKPaint { Color = SKColors.Black, IsAntialias = true })
        {
            canvas.Clear(SKColors.Transparent);
            x = 0;
            foreach (var (c, advance, left, width) in cells)
            {
                canvas.DrawText(c.ToString(), x - left, Ascent, SKTextAlign.Left, font, paint);
                _glyphs[c] = new Glyph(x, width, left, advance);
                x += width;
            }
        }

        for (var row = 0; row < Height; row++)
        {
            for (var col = 0; col < Width; col++)
            {
                Pixels[(row * Width) + col] = bitmap.GetPixel(col, row).Alpha;
            }
        }

        _fallback = _glyphs['?'];
        AverageAdvance = (int)Math.Round(chars.Where(char.IsAsciiLetterOrDigit).Average(c => _glyphs[c].Advance));
    }

    /// <summary>Atlas size in pixels; <see cref="Pixels"/> holds its coverage row by row from the top.</summary>
    public int Width { get; }

    public int Height { get; }

    public byte[] Pixels { get; }

    /// <summary>Pixels from a line's top to its baseline, and the whole line's height.</summary>
    public int Ascent { get; }

    public int LineHeight { get; }

    /// <summary>Typical advance of a letter or digit, for "how many characters fit" estimates.</summary>
    public int AverageAdvance { get; }

    /// <summary>One glyph's cell in the atlas (x, width), where the cell starts relative to the pen, and the pen's advance.</summary>
    public readonly record struct Glyph(int AtlasX, int Width, int Left, int Advance);

    public Glyph this[char c] => _glyphs.TryGetValue(c, out var g) ? g : _fallback;

    /// <summary>Width of <paramref name="text"/> in pixels.</summary>
    public int Measure(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var w = 0;
        foreach (var c in text)
        {
            w += this[c].Advance;
        }

        return w;
    }

    /// <summary>
    /// The coverage (0..255) <paramref name="text"/> puts on each pixel of its box (<see cref="Measure"/> x
    /// <see cref="LineHeight"/>, top-left at the pen's start), exactly as the viewer draws it.
    /// </summary>
    public byte[] Render(string text)
    {
        var width = Measure(text);
        var mask = new byte[width * LineHeight];
        var pen = 0;
        foreach (var c in text)
        {
            var g = this[c];
            for (var row = 0; row < LineHeight; row++)
            {
                for (var col = 0; col < g.Width; col++)
                {
                    var x = pen + g.Left + col;
                    if (x >= 0 && x < width)
                    {
                        // Overlapping cells (kerned neighbours) draw one over the other: the later glyph's coverage
                        // blends over the earlier, as GL blending does.
                        var a = Pixels[(row * Width) + g.AtlasX + col] / 255.0;
                        var under = mask[(row * width) + x] / 255.0;
                        mask[(row * width) + x] = (byte)Math.Round(255 * (a + (under * (1 - a))));
                    }
                }
            }

            pen += g.Advance;
        }

        return mask;
    }
}
