using System.Globalization;
using OperandoXrd.Calibration.Calibrants;
using OperandoXrd.Calibration.Tests.Support;
using OperandoXrd.Core.Geometry;
using OperandoXrd.TestSupport;
using Xunit.Abstractions;

namespace OperandoXrd.Calibration.Tests;

/// <summary>
/// The Dioptas CeO2 image on a Pilatus 1M (realdata README §1). The authors' PONI describes the image flipped
/// up–down; for the image as fabio reads it the same geometry is Poni1' = 1043 × 172 µm − Poni1 and Rot2' = −Rot2.
/// Calibrating from a start 3 mm and 0.01 rad away must land within 0.3 mm and 2e-3 rad of that.
/// The TIFF reaches the test through fabio in a Python subprocess (no TIFF reader in src/ yet).
/// </summary>
public sealed class RealCeO2CalibrationTests(ITestOutputHelper output)
{
    [Fact]
    public void Recovers_the_authors_geometry_for_the_image_as_fabio_reads_it()
    {
        using var folder = new TempFolder();
        var raw = Path.Combine(folder.Path, "ceo2.raw");
        var shape = PythonImage.Run("fabio_to_raw.py", RealData.File("dioptas", "CeO2_Pilatus1M.tif"), raw).Split(' ', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        int rows = int.Parse(shape[0], CultureInfo.InvariantCulture), columns = int.Parse(shape[1], CultureInfo.InvariantCulture);
        var detector = Detector.FromName("Pilatus1M");
        Assert.Equal((detector.Rows, detector.Columns), (rows, columns));
        var image = CalibrationImage.FromCounts(PythonImage.ReadInt32(raw), rows, columns, "CeO2_Pilatus1M.tif");

        var authors = Poni.Load(RealData.File("dioptas", "CeO2_Pilatus1M.poni"));
        var truth = new Poni
        {
            Detector = detector,
            Distance = authors.Distance,
            Poni1 = (rows * 172e-6) - authors.Poni1,
            Poni2 = authors.Poni2,
            Rot1 = authors.Rot1,
            Rot2 = -authors.Rot2,
            Rot3 = authors.Rot3,
            Wavelength = authors.Wavelength,
        };
        var start = new Poni
        {
            Detector = detector,
            Distance = truth.Distance + 0.003,
            Poni1 = truth.Poni1 + 0.003,
            Poni2 = truth.Poni2 - 0.003,
            Rot1 = truth.Rot1 + 0.01,
            Rot2 = truth.Rot2 - 0.01,
            Rot3 = 0,
            Wavelength = truth.Wavelength,
        };
        var result = Calibrator.Run(image, new CalibrationOptions
        {
            Calibrant = Calibrant.CeO2,
            Start = start,
            DistanceRange = (start.Distance * 0.85, start.Distance * 1.15),
        }, output.WriteLine);
        var p = result.Poni;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{result.Points.Count} points on {result.Rings.Count} rings, RMS {result.RmsDeg:0.#####}° = {result.RmsPixels:F3} px; " +
            $"Δdist {(p.Distance - truth.Distance) * 1e3:F4} mm, Δponi1 {(p.Poni1 - truth.Poni1) * 1e3:F4} mm, Δponi2 {(p.Poni2 - truth.Poni2) * 1e3:F4} mm, " +
            $"Δrot1 {p.Rot1 - truth.Rot1:E2}, Δrot2 {p.Rot2 - truth.Rot2:E2}"));
        Assert.InRange(Math.Abs(p.Distance - truth.Distance), 0, 0.3e-3);
        Assert.InRange(Math.Abs(p.Poni1 - truth.Poni1), 0, 0.3e-3);
        Assert.InRange(Math.Abs(p.Poni2 - truth.Poni2), 0, 0.3e-3);
        Assert.InRange(Math.Abs(p.Rot1 - truth.Rot1), 0, 2e-3);
        Assert.InRange(Math.Abs(p.Rot2 - truth.Rot2), 0, 2e-3);
        Assert.True(result.RmsPixels < 0.5, $"RMS {result.RmsPixels} px");

        // The trap: the PONI as the authors wrote it (for the flipped image) is 4.8 mm away in poni1 and has the
        // opposite rot2; the calibration of the image as read must not land there.
        Assert.True(Math.Abs(p.Poni1 - authors.Poni1) > 3e-3, $"poni1 {p.Poni1} is the unflipped PONI's {authors.Poni1}");
    }
}
