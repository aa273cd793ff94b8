using System.Globalization;
using System.Text.Json;

namespace OperandoXrd.Simulation.Operando;

/// <summary>
/// The PEEK cell housing as the simulator draws it (calibration/phases/PEEK.json): broadened crystalline reflections
/// plus the amorphous halo, each a pseudo-Voigt with a fixed width. The fitter does not read this: it measures PEEK
/// from the empty cell.
/// </summary>
public sealed class PeekHousing
{
    private readonly List<Peak> _peaks;
    private readonly double _wavelength;

    private PeekHousing(List<Peak> peaks, double wavelength)
    {
        _peaks = peaks;
        _wavelength = wavelength;
    }

    public int PeakCount => _peaks.Count;

    public static PeekHousing Load(string path)
    {
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            var root = doc.RootElement;
            var wavelength = root.GetProperty("wavelength").GetDouble();
            var peaks = new List<Peak>();
            foreach (var section in new[] { "reflections", "amorphous" })
            {
                foreach (var p in root.GetProperty(section).EnumerateArray())
                {
                    peaks.Add(new Peak(p.GetProperty("d").GetDouble(), p.GetProperty("fwhm").GetDouble(), p.GetProperty("eta").GetDouble(), p.GetProperty("height").GetDouble()));
                }
            }

            return new PeekHousing(peaks, wavelength);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"{path}: not a PEEK description ({e.Message})", e);
        }
    }

    /// <summary>Adds the housing's counts on a 2θ grid (degrees) at wavelength <paramref name="wavelength"/> (Å).</summary>
    public void AddTo(ReadOnlySpan<double> twoThetaDeg, Span<double> y, double wavelength)
    {
        var widthScale = wavelength / _wavelength;
        foreach (var p in _peaks)
        {
            var s = wavelength / (2 * p.D);
            if (s >= 1)
            {
                continue;
            }

            var centre = 2 * Math.Asin(s) * 180 / Math.PI;
            var fwhm = p.Fwhm * widthScale;
            var half = 0.5 * fwhm;
            for (var i = 0; i < twoThetaDeg.Length; i++)
            {
                var dx = (twoThetaDeg[i] - centre) / half;
                if (Math.Abs(dx) > 40)
                {
                    continue;
                }

                // Heights, not areas: a pseudo-Voigt normalised to 1 at its centre.
                var gauss = Math.Exp(-Math.Log(2) * dx * dx);
                var lorentz = 1 / (1 + dx * dx);
                y[i] += p.Height * (p.Eta * lorentz + (1 - p.Eta) * gauss);
            }
        }
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"PEEK housing, {_peaks.Count} peaks at λ {_wavelength} Å");

    private readonly record struct Peak(double D, double Fwhm, double Eta, double Height);
}
