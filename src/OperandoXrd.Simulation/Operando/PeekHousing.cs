using System.Globalization;
using System.Text.Json;

namespace OperandoXrd.Simulation.Operando;

/// <summary>
/// The PEEK cell housing as the simulator draws it, from calibration/phases/PEEK.json: broadened crystalline
/// reflections plus the amorphous halo, pseudo-Voigts with widths in q (so the description holds at any wavelength)
/// and relative areas. The fitter does not read this: it measures PEEK from the empty cell.
/// </summary>
public sealed class PeekHousing
{
    private readonly List<Peak> _peaks;

    private PeekHousing(List<Peak> peaks) => _peaks = peaks;

    public int PeakCount => _peaks.Count;

    public static PeekHousing Load(string path)
    {
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            var root = doc.RootElement;
            var crystalline = root.GetProperty("crystallinePeaks");
            var defaultWidth = crystalline.GetProperty("fwhm_q").GetDouble();
            var defaultEta = crystalline.GetProperty("eta").GetDouble();
            var peaks = new List<Peak>();
            foreach (var p in crystalline.GetProperty("reflections").EnumerateArray())
            {
                var width = p.TryGetProperty("fwhm_q", out var w) ? w.GetDouble() : defaultWidth;
                var eta = p.TryGetProperty("eta", out var e) ? e.GetDouble() : defaultEta;
                peaks.Add(new Peak(2 * Math.PI / p.GetProperty("d").GetDouble(), width, eta, p.GetProperty("relativeArea").GetDouble()));
            }

            var amorphous = root.GetProperty("amorphous");
            peaks.Add(new Peak(amorphous.GetProperty("center_q").GetDouble(), amorphous.GetProperty("fwhm_q").GetDouble(),
                amorphous.TryGetProperty("eta", out var ae) ? ae.GetDouble() : 0.3, amorphous.GetProperty("relativeArea").GetDouble()));
            return new PeekHousing(peaks);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"{path}: not a PEEK description ({e.Message})", e);
        }
    }

    /// <summary>
    /// Adds the housing's intensity on a 2θ grid (degrees) at <paramref name="wavelength"/> (Å), scaled so that the
    /// highest point of the crystalline + amorphous sum is <paramref name="peakHeight"/>.
    /// </summary>
    public void AddTo(ReadOnlySpan<double> twoThetaDeg, Span<double> y, double wavelength, double peakHeight)
    {
        var own = new double[twoThetaDeg.Length];
        for (var i = 0; i < twoThetaDeg.Length; i++)
        {
            var q = 4 * Math.PI * Math.Sin(twoThetaDeg[i] * Math.PI / 360) / wavelength;
            // Per degree of 2θ rather than per Å⁻¹: the Jacobian dq/d2θ keeps each peak's area where q puts it.
            var dqd2t = 2 * Math.PI * Math.Cos(twoThetaDeg[i] * Math.PI / 360) / wavelength * Math.PI / 180;
            var sum = 0.0;
            foreach (var p in _peaks)
            {
                var x = (q - p.Q) / (0.5 * p.FwhmQ);
                if (Math.Abs(x) > 60)
                {
                    continue;
                }

                // Area-normalised pseudo-Voigt in q.
                var gauss = Math.Sqrt(Math.Log(2) / Math.PI) / (0.5 * p.FwhmQ) * Math.Exp(-Math.Log(2) * x * x);
                var lorentz = 1 / (Math.PI * 0.5 * p.FwhmQ * (1 + x * x));
                sum += p.Area * (p.Eta * lorentz + (1 - p.Eta) * gauss);
            }

            own[i] = sum * dqd2t;
        }

        var max = own.Max();
        if (!(max > 0))
        {
            return;
        }

        for (var i = 0; i < own.Length; i++)
        {
            y[i] += own[i] * peakHeight / max;
        }
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"PEEK housing, {_peaks.Count} peaks");

    private readonly record struct Peak(double Q, double FwhmQ, double Eta, double Area);
}
