using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using OperandoXrd.Core.Configuration;
using OperandoXrd.Crystallography.Profiles;
using OperandoXrd.Fitting.Configuration;
using OperandoXrd.Fitting.Model;

namespace OperandoXrd.Fitting.Peek;

/// <summary>One PEEK reflection: position (2θ degrees), Gaussian and Lorentzian FWHM (degrees) and area (counts·degree).</summary>
public readonly record struct PeekPeak(double Position, double GaussianFwhm, double LorentzianFwhm, double Area);

/// <summary>
/// The PEEK cell housing as measured on the empty cell: a fixed set of pseudo-Voigt peaks plus a smooth (amorphous)
/// background. In frame fits the whole model is multiplied by one scale and its peaks may move by one small 2θ shift;
/// positions, shapes and relative intensities never change.
/// </summary>
/// <remarks>
/// File format (JSON, stable — other tools read it; add keys, never rename):
/// <code>
/// {
///   "format": "oxrd-peek-model",           // identifies the file
///   "version": 1,
///   "unit": "2th_deg",                     // radial unit of every number below
///   "wavelength_A": 0.24486,               // λ of the empty-cell measurement, or null if unknown
///   "range": [2.0, 11.0],                  // 2θ interval the model was fitted over (and the background's domain)
///   "background": { "chebyshev": [c0, c1, ...] },   // Σ c_k T_k(t), t = 2(2θ − min)/(max − min) − 1, counts
///   "peaks": [ { "position": 4.03, "fwhmGaussian": 0.041, "fwhmLorentzian": 0.012, "area": 153.2 }, ... ],
///   "source": "free text: input file, date"
/// }
/// </code>
/// Each peak is an area-normalised Thompson–Cox–Hastings pseudo-Voigt with the given Gaussian and Lorentzian FWHM
/// (the crystallography API's <see cref="TchPseudoVoigt"/>), multiplied by its area. Peaks are sorted by position.
/// </remarks>
public sealed class PeekModel
{
    public const string FormatName = "oxrd-peek-model";

    public PeekModel(IReadOnlyList<PeekPeak> peaks, double rangeMin, double rangeMax, IReadOnlyList<double> background, double? wavelength = null, string? source = null)
    {
        ArgumentNullException.ThrowIfNull(peaks);
        ArgumentNullException.ThrowIfNull(background);
        if (!(rangeMax > rangeMin))
        {
            throw new ArgumentException("PEEK model range must have max > min.", nameof(rangeMax));
        }

        Peaks = [.. peaks.OrderBy(p => p.Position)];
        RangeMin = rangeMin;
        RangeMax = rangeMax;
        Background = [.. background];
        Wavelength = wavelength;
        Source = source;
    }

    public IReadOnlyList<PeekPeak> Peaks { get; }

    public double RangeMin { get; }

    public double RangeMax { get; }

    /// <summary>Chebyshev coefficients of the amorphous background over [RangeMin, RangeMax].</summary>
    public IReadOnlyList<double> Background { get; }

    public double? Wavelength { get; }

    public string? Source { get; }

    /// <summary>The TCH shape of a peak placed at <paramref name="position"/> with its own H_G and H_L.</summary>
    internal static TchShape ShapeOf(in PeekPeak peak, double position)
    {
        // A TCH shape with U = V = Z = X = 0 has H_G = √W and H_L = Y/cosθ at every position; so W and Y carry a
        // single peak's own widths through the shared profile code.
        var cos = Math.Cos(position * Math.PI / 360);
        return TchPseudoVoigt.Shape(new TchParameters(0, 0, peak.GaussianFwhm * peak.GaussianFwhm, 0, peak.LorentzianFwhm * cos), position);
    }

    /// <summary>Amorphous background at 2θ (zero outside the model's range, where it is not defined).</summary>
    public double BackgroundAt(double twoTheta) =>
        twoTheta < RangeMin || twoTheta > RangeMax ? 0 : Chebyshev.Evaluate(Background.ToArray(), twoTheta, RangeMin, RangeMax);

    /// <summary>y += scale × model(x − shift) over an ascending grid (simulation, plotting).</summary>
    public void AddTo(ReadOnlySpan<double> x, Span<double> y, double scale = 1, double shift = 0)
    {
        var coefficients = Background.ToArray();
        for (var i = 0; i < x.Length; i++)
        {
            if (x[i] >= RangeMin && x[i] <= RangeMax)
            {
                y[i] += scale * Chebyshev.Evaluate(coefficients, x[i], RangeMin, RangeMax);
            }
        }

        foreach (var peak in Peaks)
        {
            TchPseudoVoigt.Add(x, y, scale * peak.Area, ShapeOf(peak, peak.Position + shift));
        }
    }

    /// <summary>Writes the JSON file (format in the class remarks).</summary>
    public void Save(string path)
    {
        var peaks = new JsonArray();
        foreach (var p in Peaks)
        {
            peaks.Add(new JsonObject
            {
                ["position"] = p.Position,
                ["fwhmGaussian"] = p.GaussianFwhm,
                ["fwhmLorentzian"] = p.LorentzianFwhm,
                ["area"] = p.Area,
            });
        }

        var background = new JsonArray();
        foreach (var c in Background)
        {
            background.Add(c);
        }

        var root = new JsonObject
        {
            ["format"] = FormatName,
            ["version"] = 1,
            ["unit"] = "2th_deg",
            ["wavelength_A"] = Wavelength,
            ["range"] = new JsonArray(RangeMin, RangeMax),
            ["background"] = new JsonObject { ["chebyshev"] = background },
            ["peaks"] = peaks,
            ["source"] = Source,
        };
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        File.WriteAllText(path, root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }

    /// <summary>Reads a PEEK model file.</summary>
    /// <exception cref="FitConfigurationException">Missing file, bad JSON, wrong format or a bad value; the message names the file and key.</exception>
    public static PeekModel Load(string path)
    {
        var text = StrictJson.ReadFile(path, "PEEK model", (message, e) => new FitConfigurationException(message, e));

        try
        {
            using var doc = JsonDocument.Parse(text);
            var root = doc.RootElement;
            var format = root.TryGetProperty("format", out var f) ? f.GetString() : null;
            if (format != FormatName)
            {
                throw new FitConfigurationException($"{path}: \"format\" is '{format}', expected '{FormatName}'.");
            }

            var unit = root.TryGetProperty("unit", out var u) ? u.GetString() : "2th_deg";
            if (unit != "2th_deg")
            {
                throw new FitConfigurationException($"{path}: \"unit\" '{unit}' is not supported (2th_deg).");
            }

            var range = root.GetProperty("range");
            double min = range[0].GetDouble(), max = range[1].GetDouble();
            var background = root.TryGetProperty("background", out var b) && b.TryGetProperty("chebyshev", out var cheb)
                ? cheb.EnumerateArray().Select(e => e.GetDouble()).ToArray()
                : [];
            var peaks = new List<PeekPeak>();
            var i = 0;
            foreach (var p in root.GetProperty("peaks").EnumerateArray())
            {
                var peak = new PeekPeak(p.GetProperty("position").GetDouble(), p.GetProperty("fwhmGaussian").GetDouble(),
                    p.GetProperty("fwhmLorentzian").GetDouble(), p.GetProperty("area").GetDouble());
                if (!(peak.GaussianFwhm > 0) || !(peak.LorentzianFwhm >= 0) || !double.IsFinite(peak.Area) || !double.IsFinite(peak.Position))
                {
                    throw new FitConfigurationException($"{path}: peaks[{i}] has a non-physical width, area or position.");
                }

                peaks.Add(peak);
                i++;
            }

            double? wavelength = root.TryGetProperty("wavelength_A", out var w) && w.ValueKind == JsonValueKind.Number ? w.GetDouble() : null;
            var source = root.TryGetProperty("source", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
            return new PeekModel(peaks, min, max, background, wavelength, source);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or IndexOutOfRangeException or FormatException)
        {
            throw new FitConfigurationException($"{path}: not a valid PEEK model: {e.Message}", e);
        }
    }

    /// <summary>
    /// Finds the <paramref name="peakCount"/> strongest peaks of an empty-cell pattern and fits them (position,
    /// Gaussian and Lorentzian FWHM, area) together with a Chebyshev background of <paramref name="backgroundTerms"/>
    /// terms over the whole pattern. x ascending, degrees 2θ.
    /// </summary>
    /// <exception cref="ArgumentException">Empty or inconsistent arrays, or no peak stands out of the noise.</exception>
    public static PeekModel FitFromPattern(ReadOnlySpan<double> x, ReadOnlySpan<double> y, ReadOnlySpan<double> sigma, int peakCount = 12,
        int backgroundTerms = 6, double? wavelength = null, string? source = null) =>
        PeekModelFitter.Fit(x.ToArray(), y.ToArray(), sigma.ToArray(), peakCount, backgroundTerms, wavelength, source);

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"PEEK model: {Peaks.Count} peaks over {RangeMin}–{RangeMax}° 2θ");
}
