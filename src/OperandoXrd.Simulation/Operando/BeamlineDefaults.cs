using OperandoXrd.Core.Geometry;
using OperandoXrd.Crystallography.Profiles;

namespace OperandoXrd.Simulation.Operando;

/// <summary>
/// The reference experiment (SNBL-BM31, ESRF): λ = 0.244860 Å, Pilatus2M in transmission about 350 mm behind a 3 mm
/// PEEK cell holding NCA | LPSCl | Li-In. Numbers a user can recognise in the simulated data.
/// </summary>
public static class BeamlineDefaults
{
    public const double WavelengthAngstrom = 0.244860;

    public const double PolarizationFactor = 0.99;

    /// <summary>A geometry with the small tilts of a real calibration. The Pilatus300K variant sits closer so its
    /// 84 × 106 mm still cover 2θ 1–12°.</summary>
    public static Poni Geometry(Detector detector)
    {
        ArgumentNullException.ThrowIfNull(detector);
        var small = detector.Rows * detector.PixelSize1 < 0.15;
        var height = detector.Rows * detector.PixelSize1;
        var width = detector.Columns * detector.PixelSize2;
        return new Poni
        {
            Detector = detector,
            Distance = small ? 0.16 : 0.35,
            // Beam a little off the detector centre, as after a real alignment.
            Poni1 = 0.5 * height + 0.00088,
            Poni2 = 0.5 * width - 0.00077,
            Rot1 = 0.0021,
            Rot2 = -0.0034,
            Rot3 = 0.0,
            Wavelength = WavelengthAngstrom * 1e-10,
        };
    }

    /// <summary>TCH widths (U, V, W in deg², X, Y in deg): sharp NCA and LPSCl, broader ball-milled LIC.</summary>
    public static TchParameters Profile(string phase) => phase switch
    {
        "NCA" => new TchParameters(0.0020, 0, 0.00040, 0.010, 0.0080),
        "LPSCl" => new TchParameters(0.0010, 0, 0.00030, 0.005, 0.0060),
        "LIC" => new TchParameters(0.0030, 0, 0.00060, 0.010, 0.0120),
        _ => new TchParameters(0.0020, 0, 0.00050, 0.010, 0.0100),
    };

    /// <summary>
    /// The instrument's own TCH widths (U, V, W in deg², X, Y in deg), which the LaB6 calibrant shows: narrower than
    /// every phase of the cell, whose sample broadening adds to it.
    /// </summary>
    public static TchParameters CalibrantProfile { get; } = new(0.0008, -0.0002, 0.00015, 0.002, 0.004);

    /// <summary>Height of the calibrant's strongest ring, counts per pixel.</summary>
    public const double CalibrantPeakCounts = 20000;

    /// <summary>Peak height of each phase's strongest reflection, counts per pixel at the start of the run (for a phase
    /// that emerges during the run, at its full strength).</summary>
    public static double StrongestPeakCounts(string phase) => phase switch
    {
        "NCA" => 6000,
        "LPSCl" => 2500,
        "LIC" => 900,
        _ => 1000,
    };

    /// <summary>Height of the PEEK housing's strongest feature (110 on the amorphous halo), counts per pixel.</summary>
    public const double PeekPeakCounts = 650;

    /// <summary>Smooth background from air and the cell window, counts per pixel.</summary>
    public static double Background(double twoThetaDeg) => 60 + 260 * Math.Exp(-twoThetaDeg / 2.5) + 8 * twoThetaDeg;
}
