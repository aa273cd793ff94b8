using OperandoXrd.Reports.Fonts;
using ScottPlot;
using SkiaSharp;

namespace OperandoXrd.Reports.Plotting;

/// <summary>
/// Points ScottPlot's font lookup at the bundled DejaVu Sans for every family name it asks for, before any system
/// font: ScottPlot otherwise takes whatever sans-serif fontconfig offers, and figures would differ between machines.
/// </summary>
internal sealed class PlotFonts : IFontResolver
{
    private static readonly object Gate = new();
    private static bool _installed;

    /// <summary>Installs the resolver once per process (ScottPlot's font settings are static).</summary>
    public static void Install()
    {
        lock (Gate)
        {
            if (_installed)
            {
                return;
            }

            ScottPlot.Fonts.FontResolvers.Insert(0, new PlotFonts());
            ScottPlot.Fonts.Default = BundledFont.FamilyName;
            ScottPlot.Fonts.Sans = BundledFont.FamilyName;
            _installed = true;
        }
    }

    public SKTypeface CreateTypeface(string fontName, bool bold, bool italic) => bold ? BundledFont.Bold : BundledFont.Regular;

    public SKTypeface CreateTypeface(string fontName, FontWeight weight, FontSlant slant, FontSpacing width) =>
        weight >= FontWeight.SemiBold ? BundledFont.Bold : BundledFont.Regular;
}
