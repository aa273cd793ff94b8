using System.Globalization;
using System.Text;
using OperandoXrd.Calibration.Calibrants;
using OperandoXrd.Calibration.Refinement;
using OperandoXrd.Core.IO;

namespace OperandoXrd.Calibration.Output;

/// <summary>The calibration's files and printed report: the PONI (v2, pyFAI's layout), the control points and the summary.</summary>
public static class CalibrationOutputs
{
    private static readonly string[] ParameterLabels = ["dist", "poni1", "poni2", "rot1", "rot2", "rot3", "wavelength"];

    /// <summary>Writes the refined PONI atomically (pyFAI 0.21 reads it unchanged).</summary>
    public static void WritePoni(string path, CalibrationResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        AtomicFile.WriteAllText(path, result.Poni.ToPoniText());
    }

    /// <summary>
    /// Control points as CSV: <c>ring,hkl,row,column,tth_deg,residual_deg,residual_px</c> — ring index and Miller
    /// indices, sub-pixel position (pixel-centre units, pyFAI's dim1/dim2), the ring's 2θ and the point's residual.
    /// </summary>
    public static void WriteControlPoints(string path, CalibrationResult result, Calibrant calibrant)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(calibrant);
        var pixels = Calibrator.PixelResiduals(result.Poni, result.Points, result.Residuals);
        var lambda = result.Poni.Wavelength * 1e10;
        var sb = new StringBuilder("ring,hkl,row,column,tth_deg,residual_deg,residual_px\n");
        for (var i = 0; i < result.Points.Count; i++)
        {
            var p = result.Points[i];
            var ring = calibrant.Rings[p.Ring];
            sb.Append(CultureInfo.InvariantCulture, $"{p.Ring},{ring.Hkl},{p.Row:F3},{p.Column:F3},{Degrees(ring.TwoTheta(lambda)):F6},{Degrees(result.Residuals[i]):E4},{pixels[i]:F4}\n");
        }

        AtomicFile.WriteAllText(path, sb.ToString());
    }

    /// <summary>The printed report: points per ring, RMS residual in degrees 2θ and in pixels, each parameter ± esd.</summary>
    public static string Report(CalibrationResult result, Calibrant calibrant)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(calibrant);
        var sb = new StringBuilder();
        var p = result.Poni;
        sb.Append(CultureInfo.InvariantCulture, $"calibrant {calibrant.Name} ({calibrant.Phase.SpaceGroup.Symbol}, a = {calibrant.Phase.Cell.A:0.######} Å), detector {p.Detector.Name} {p.Detector.Rows} × {p.Detector.Columns}\n");
        sb.Append("ring  hkl            2θ (°)    points  RMS (°)\n");
        foreach (var ring in result.Rings)
        {
            sb.Append(CultureInfo.InvariantCulture, $"{ring.Ring,4}  {ring.Hkl,-13} {ring.TwoThetaDeg,8:F4}  {ring.Points,6}  {ring.RmsDeg:0.00000}\n");
        }

        sb.Append(CultureInfo.InvariantCulture, $"{result.Points.Count} points on {result.Rings.Count} rings; RMS residual {result.RmsDeg:0.00000}° 2θ = {result.RmsPixels:0.000} pixels\n");
        double[] values = [p.Distance, p.Poni1, p.Poni2, p.Rot1, p.Rot2, p.Rot3, p.Wavelength];
        for (var j = 0; j < values.Length; j++)
        {
            var refined = result.Refined.Contains((GeometryParameter)j);
            var (scale, unit) = j switch
            {
                0 or 1 or 2 => (1e3, "mm"),
                6 => (1e10, "Å"),
                _ => (1.0, "rad"),
            };
            var text = refined
                ? string.Create(CultureInfo.InvariantCulture, $"{values[j] * scale:0.000000} ± {result.Esd[j] * scale:0.000000} {unit}")
                : string.Create(CultureInfo.InvariantCulture, $"{values[j] * scale:0.000000} {unit} (fixed)");
            sb.Append(CultureInfo.InvariantCulture, $"{ParameterLabels[j],-11} {text}\n");
        }

        return sb.ToString();
    }

    private static double Degrees(double radians) => radians * 180 / Math.PI;
}
