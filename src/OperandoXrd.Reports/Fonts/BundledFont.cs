using System.Reflection;
using SkiaSharp;

namespace OperandoXrd.Reports.Fonts;

/// <summary>
/// DejaVu Sans (regular and bold, Bitstream Vera licence: Fonts/LICENSE.txt), embedded in this assembly. Figures and
/// the viewer's labels use it whatever fonts a machine has installed, so the same run gives the same pictures on a
/// beamline workstation, a cluster node or a laptop. It covers every symbol our labels use (θ, Å, χ, −, °, ±, ², ³).
/// </summary>
public static class BundledFont
{
    /// <summary>The family name written into SVG text elements.</summary>
    public const string FamilyName = "DejaVu Sans";

    private static readonly Lazy<SKTypeface> RegularFace = new(() => Load("DejaVuSans.ttf"));
    private static readonly Lazy<SKTypeface> BoldFace = new(() => Load("DejaVuSans-Bold.ttf"));

    public static SKTypeface Regular => RegularFace.Value;

    public static SKTypeface Bold => BoldFace.Value;

    private static SKTypeface Load(string file)
    {
        var name = $"OperandoXrd.Reports.Fonts.{file}";
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"the bundled font {name} is missing from {Assembly.GetExecutingAssembly().Location}");
        using var data = SKData.Create(stream);
        return SKTypeface.FromData(data) ?? throw new InvalidOperationException($"SkiaSharp could not read the bundled font {name}");
    }
}
