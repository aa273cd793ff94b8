using OperandoXrd.Calibration.Calibrants;
using OperandoXrd.Calibration.Tests.Support;
using OperandoXrd.Core.Geometry;
using Xunit.Abstractions;

namespace OperandoXrd.Calibration.Tests;

/// <summary>
/// The synthetic case: a pyFAI-rendered LaB6 image (Pilatus2M, λ = 0.24486 Å, tilts 0.03 / −0.05 rad,
/// Poisson noise, module gaps) calibrated from starts 5 mm, 2 mm and 0.02 rad away must give back dist, poni1,
/// poni2 within 20 µm and rot1, rot2 within 2e-4 rad.
/// </summary>
public sealed class SyntheticCalibrationTests(PyFaiCalibrantFixture fixture, ITestOutputHelper output) : IClassFixture<PyFaiCalibrantFixture>
{
    public static TheoryData<string, double, double, double, double, double> Starts => new()
    {
        { "distance 5 mm off", 0.005, 0, 0, 0, 0 },
        { "PONI 2 mm off", 0, 0.002, -0.002, 0, 0 },
        { "tilts 0.02 rad off", 0, 0, 0, 0.02, -0.02 },
    };

    [Theory]
    [MemberData(nameof(Starts))]
    public void Recovers_the_pyFAI_geometry(string label, double dDist, double dPoni1, double dPoni2, double dRot1, double dRot2)
    {
        var truth = PyFaiCalibrantFixture.Truth;
        var start = new Poni
        {
            Detector = truth.Detector,
            Distance = truth.Distance + dDist,
            Poni1 = truth.Poni1 + dPoni1,
            Poni2 = truth.Poni2 + dPoni2,
            Rot1 = truth.Rot1 + dRot1,
            Rot2 = truth.Rot2 + dRot2,
            Rot3 = 0,
            Wavelength = truth.Wavelength,
        };
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var result = Calibrator.Run(fixture.Image, new CalibrationOptions
        {
            Calibrant = Calibrant.LaB6,
            Start = start,
            DistanceRange = (start.Distance * 0.85, start.Distance * 1.15),
        }, output.WriteLine);
        var p = result.Poni;
        output.WriteLine($"{label}: {watch.Elapsed.TotalSeconds:F1} s, {result.Points.Count} points, RMS {result.RmsPixels:F3} px; " +
                         $"Δdist {(p.Distance - truth.Distance) * 1e6:F1} µm, Δponi1 {(p.Poni1 - truth.Poni1) * 1e6:F1} µm, Δponi2 {(p.Poni2 - truth.Poni2) * 1e6:F1} µm, " +
                         $"Δrot1 {p.Rot1 - truth.Rot1:E2}, Δrot2 {p.Rot2 - truth.Rot2:E2}");
        Assert.InRange(Math.Abs(p.Distance - truth.Distance), 0, 20e-6);
        Assert.InRange(Math.Abs(p.Poni1 - truth.Poni1), 0, 20e-6);
        Assert.InRange(Math.Abs(p.Poni2 - truth.Poni2), 0, 20e-6);
        Assert.InRange(Math.Abs(p.Rot1 - truth.Rot1), 0, 2e-4);
        Assert.InRange(Math.Abs(p.Rot2 - truth.Rot2), 0, 2e-4);
        Assert.True(result.Rings.Count >= 10, $"only {result.Rings.Count} rings used");
    }

    [Fact]
    public void With_free_wavelength_recovers_it_from_a_start_0_5_percent_off()
    {
        var truth = PyFaiCalibrantFixture.Truth;
        var start = new Poni
        {
            Detector = truth.Detector,
            Distance = truth.Distance,
            Poni1 = truth.Poni1,
            Poni2 = truth.Poni2,
            Rot1 = truth.Rot1,
            Rot2 = truth.Rot2,
            Rot3 = 0,
            Wavelength = truth.Wavelength * 1.005,
        };
        var result = Calibrator.Run(fixture.Image, new CalibrationOptions
        {
            Calibrant = Calibrant.LaB6,
            Start = start,
            DistanceRange = (start.Distance * 0.85, start.Distance * 1.15),
            FreeWavelength = true,
        }, output.WriteLine);
        var p = result.Poni;
        output.WriteLine($"Δλ/λ {(p.Wavelength - truth.Wavelength) / truth.Wavelength:E2} ± {result.Esd[6] / truth.Wavelength:E1}, Δdist {(p.Distance - truth.Distance) * 1e6:F1} µm");
        Assert.InRange(Math.Abs(p.Wavelength - truth.Wavelength) / truth.Wavelength, 0, 1e-4);
        Assert.InRange(Math.Abs(p.Distance - truth.Distance), 0, 50e-6);
        Assert.True(result.Esd[6] > 0, "λ esd");
    }
}
