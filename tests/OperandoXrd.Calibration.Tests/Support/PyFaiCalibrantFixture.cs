using System.Globalization;
using OperandoXrd.Core.Geometry;

namespace OperandoXrd.Calibration.Tests.Support;

/// <summary>
/// One Pilatus2M LaB6 image rendered by pyFAI (<c>Calibrant.fake_calibration_image</c>) at λ = 0.24486 Å with
/// tilts of 0.03 and −0.05 rad, Poisson noise on 50 counts of background, module gaps: made once per test run and
/// shared by the tests that calibrate it from different starts.
/// </summary>
public sealed class PyFaiCalibrantFixture : IDisposable
{
    private readonly TempFolder _folder = new();

    public PyFaiCalibrantFixture()
    {
        var raw = System.IO.Path.Combine(_folder.Path, "lab6.raw");
        string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);
        PythonImage.Run("fake_calibrant.py", raw, "LaB6", "Pilatus2M", F(Truth.Distance), F(Truth.Poni1), F(Truth.Poni2), F(Truth.Rot1), F(Truth.Rot2),
            F(Truth.Wavelength), "0.03", "2000", "50", "7");
        Counts = PythonImage.ReadInt32(raw);
        RawPath = raw;
        Image = CalibrationImage.FromCounts(Counts, Truth.Detector.Rows, Truth.Detector.Columns, raw);
    }

    /// <summary>The geometry pyFAI rendered.</summary>
    public static Poni Truth { get; } = new()
    {
        Detector = Detector.Pilatus2M,
        Distance = 0.35,
        Poni1 = 0.145,
        Poni2 = 0.125,
        Rot1 = 0.03,
        Rot2 = -0.05,
        Rot3 = 0,
        Wavelength = 0.24486e-10,
    };

    public float[] Counts { get; }

    public string RawPath { get; }

    public CalibrationImage Image { get; }

    public void Dispose() => _folder.Dispose();
}
