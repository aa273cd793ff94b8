using OperandoXrd.Viewer.Rendering;

namespace OperandoXrd.Viewer;

/// <summary>
/// Where each panel's plot area sits in a <see cref="Width"/> x <see cref="Height"/> view (pixels, top-left origin).
/// Left column: the contour (2θ × frame) over the latest pattern, sharing the 2θ axis; right column: voltage over
/// lattice parameters, sharing time. Public so that tests can find the panels in a screenshot.
/// </summary>
public sealed record ViewerLayout(int Width, int Height)
{
    /// <summary>Label size in pixels (DejaVu Sans, <see cref="Rendering.Text.GlyphAtlas"/>).</summary>
    public const float TextSize = 13;

    public const int HeaderHeight = 30;

    private int LeftColumn => (int)Math.Round(Width * 0.58);

    private int TopSplit => HeaderHeight + (int)Math.Round((Height - HeaderHeight) * 0.55);

    private int RightSplit => HeaderHeight + (int)Math.Round((Height - HeaderHeight) * 0.34);

    public PixelRect Header => new(0, 0, Width, HeaderHeight);

    /// <summary>The contour image itself (inside its frame).</summary>
    public PixelRect Contour => Inset(new PixelRect(0, HeaderHeight, LeftColumn, TopSplit - HeaderHeight), 84, 28, 116, 44);

    /// <summary>The colour scale bar beside the contour.</summary>
    public PixelRect ColorBar => new(Contour.Right + 14, Contour.Y, 16, Contour.Height);

    public PixelRect Pattern => Inset(new PixelRect(0, TopSplit, LeftColumn, Height - TopSplit), 84, 28, 116, 44);

    public PixelRect Voltage => Inset(new PixelRect(LeftColumn, HeaderHeight, Width - LeftColumn, RightSplit - HeaderHeight), 96, 28, 20, 44);

    /// <summary>The whole lattice area; <see cref="LatticeRows"/> splits it per parameter.</summary>
    public PixelRect Lattice => Inset(new PixelRect(LeftColumn, RightSplit, Width - LeftColumn, Height - RightSplit), 96, 28, 20, 44);

    /// <summary>Sub-plot <paramref name="index"/> of <paramref name="count"/> stacked in <see cref="Lattice"/>.</summary>
    public PixelRect LatticeRow(int index, int count)
    {
        const int gap = 26;
        var all = Lattice;
        var h = (all.Height - gap * (count - 1)) / Math.Max(1, count);
        return new PixelRect(all.X, all.Y + index * (h + gap), all.Width, h);
    }

    private static PixelRect Inset(PixelRect box, int left, int top, int right, int bottom) =>
        new(box.X + left, box.Y + top, Math.Max(1, box.Width - left - right), Math.Max(1, box.Height - top - bottom));
}
