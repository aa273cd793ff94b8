using System.Globalization;
using System.Text.Json;
using OperandoXrd.Core.Geometry;
using OperandoXrd.Crystallography.Reflections;

namespace OperandoXrd.Crystallography.Patterns;

/// <summary>One crystalline PEEK reflection of <see cref="PeekReference"/>.</summary>
public sealed record PeekReflection(int H, int K, int L, double Q, double RelativeArea);

/// <summary>
/// The simulator's PEEK description (calibration/phases/PEEK.json): a few crystalline reflections as pseudo-Voigts of
/// one width in q plus a Gaussian amorphous hump, all in q so that it holds at any wavelength. As an
/// <see cref="IPatternContribution"/> it adds intensity per Å⁻¹ (per degree on a 2θ grid) with total area
/// Σ relative areas × <see cref="AreaScale"/>.
/// </summary>
public sealed class PeekReference : IPatternContribution
{
    private const double FourLn2 = 2.772588722239781;

    public PeekReference(IReadOnlyList<PeekReflection> reflections, double peakFwhmQ, double peakEta, double humpCenterQ, double humpFwhmQ, double humpArea)
    {
        Reflections = reflections;
        PeakFwhmQ = peakFwhmQ;
        PeakEta = peakEta;
        HumpCenterQ = humpCenterQ;
        HumpFwhmQ = humpFwhmQ;
        HumpArea = humpArea;
    }

    public string Name => "PEEK";

    public IReadOnlyList<PeekReflection> Reflections { get; }

    /// <summary>FWHM of every crystalline peak, Å⁻¹.</summary>
    public double PeakFwhmQ { get; }

    /// <summary>Lorentzian fraction of the crystalline peaks.</summary>
    public double PeakEta { get; }

    public double HumpCenterQ { get; }

    public double HumpFwhmQ { get; }

    /// <summary>Relative area of the amorphous hump (same scale as the reflections).</summary>
    public double HumpArea { get; }

    /// <summary>Multiplies every area (default 1).</summary>
    public double AreaScale { get; init; } = 1;

    /// <summary>Reads PEEK.json; errors name the file and the missing key.</summary>
    public static PeekReference Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            var root = doc.RootElement;
            var crystalline = Get(root, "crystallinePeaks", path);
            var reflections = new List<PeekReflection>();
            foreach (var r in Get(crystalline, "reflections", path).EnumerateArray())
            {
                var hkl = Get(r, "hkl", path).EnumerateArray().Select(v => v.GetInt32()).ToArray();
                if (hkl.Length != 3)
                {
                    throw new FormatException($"{path}: crystallinePeaks.reflections: hkl needs three integers");
                }

                reflections.Add(new PeekReflection(hkl[0], hkl[1], hkl[2], Get(r, "q", path).GetDouble(), Get(r, "relativeArea", path).GetDouble()));
            }

            var hump = Get(root, "amorphous", path);
            return new PeekReference(reflections, Get(crystalline, "fwhm_q", path).GetDouble(), Get(crystalline, "eta", path).GetDouble(),
                Get(hump, "center_q", path).GetDouble(), Get(hump, "fwhm_q", path).GetDouble(), Get(hump, "relativeArea", path).GetDouble());
        }
        catch (JsonException e)
        {
            throw new FormatException($"{path}: not valid JSON: {e.Message}", e);
        }
    }

    private static JsonElement Get(JsonElement e, string key, string path) =>
        e.TryGetProperty(key, out var v) ? v : throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"{path}: missing key '{key}'"));

    /// <summary>Intensity per Å⁻¹ at q.</summary>
    public double DensityAtQ(double q)
    {
        var y = 0.0;
        var h = PeakFwhmQ;
        foreach (var r in Reflections)
        {
            var u = (q - r.Q) / h;
            var g = 0.9394372786996513 / h * Math.Exp(-FourLn2 * u * u);
            var l = 0.6366197723675814 / h / (1 + 4 * u * u);
            y += r.RelativeArea * (PeakEta * l + (1 - PeakEta) * g);
        }

        var v = (q - HumpCenterQ) / HumpFwhmQ;
        y += HumpArea * 0.9394372786996513 / HumpFwhmQ * Math.Exp(-FourLn2 * v * v);
        return AreaScale * y;
    }

    /// <inheritdoc/>
    public void AddTo(PatternGrid grid, Span<double> y)
    {
        ArgumentNullException.ThrowIfNull(grid);
        var tth = grid.TwoTheta;
        for (var i = 0; i < grid.Length; i++)
        {
            var q = Bragg.QFromTwoTheta(tth[i], grid.Wavelength);
            var density = DensityAtQ(q);
            // Per degree on a 2θ grid: multiply by dq/d2θ.
            y[i] += grid.Unit == RadialUnit.QA ? density : density / Bragg.TwoThetaPerQ(tth[i], grid.Wavelength);
        }
    }
}
