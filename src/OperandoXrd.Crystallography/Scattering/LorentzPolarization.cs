namespace OperandoXrd.Crystallography.Scattering;

/// <summary>How the calculated intensities account for the polarization of the beam.</summary>
public enum PolarizationModel
{
    /// <summary>No factor: the integrated pattern was already polarization-corrected (our integrator's default).</summary>
    None,
    /// <summary>Unpolarized source, no monochromator: (1 + cos²2θ) / 2. Also the ring average of any linear polarization.</summary>
    Unpolarized,
    /// <summary>
    /// Monochromator-free synchrotron beam with linear polarization fraction f, seen at azimuth χ (pyFAI convention,
    /// χ measured from the polarization plane): ½[(1 + cos²2θ) − f cos(2χ) sin²2θ].
    /// </summary>
    Synchrotron,
}

/// <summary>Lorentz and polarization factors for transmission (Debye–Scherrer) powder geometry.</summary>
public static class LorentzPolarization
{
    private const double Deg = Math.PI / 180.0;

    /// <summary>Powder Lorentz factor 1 / (sin²θ cosθ) for Debye–Scherrer geometry, 2θ in degrees.</summary>
    public static double Lorentz(double twoThetaDeg)
    {
        var theta = twoThetaDeg * Deg / 2;
        var s = Math.Sin(theta);
        return 1 / (s * s * Math.Cos(theta));
    }

    /// <summary>Polarization factor; <paramref name="fraction"/> and <paramref name="chiDeg"/> are used by <see cref="PolarizationModel.Synchrotron"/> only.</summary>
    public static double Polarization(double twoThetaDeg, PolarizationModel model, double fraction = 0.99, double chiDeg = 0)
    {
        var c = Math.Cos(twoThetaDeg * Deg);
        return model switch
        {
            PolarizationModel.None => 1,
            PolarizationModel.Unpolarized => 0.5 * (1 + c * c),
            PolarizationModel.Synchrotron => 0.5 * (1 + c * c - fraction * Math.Cos(2 * chiDeg * Deg) * (1 - c * c)),
            _ => throw new ArgumentOutOfRangeException(nameof(model)),
        };
    }

    /// <summary>Lorentz × polarization.</summary>
    public static double Factor(double twoThetaDeg, PolarizationModel model, double fraction = 0.99, double chiDeg = 0) =>
        Lorentz(twoThetaDeg) * Polarization(twoThetaDeg, model, fraction, chiDeg);
}
