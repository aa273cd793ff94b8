namespace OperandoXrd.Crystallography.Reflections;

/// <summary>Bragg's law and the radial units of a powder pattern (2θ in degrees, q = 4π sinθ / λ in Å⁻¹, d in Å).</summary>
public static class Bragg
{
    private const double Deg = Math.PI / 180.0;

    /// <summary>2θ (degrees) of spacing d (Å) at wavelength λ (Å); NaN when λ/2d &gt; 1 (not reachable).</summary>
    public static double TwoTheta(double d, double wavelength)
    {
        var s = wavelength / (2 * d);
        return s is > 1 or < 0 ? double.NaN : 2 * Math.Asin(s) / Deg;
    }

    /// <summary>d (Å) from 2θ (degrees).</summary>
    public static double DFromTwoTheta(double twoThetaDeg, double wavelength) => wavelength / (2 * Math.Sin(twoThetaDeg * Deg / 2));

    /// <summary>q (Å⁻¹) from 2θ (degrees).</summary>
    public static double QFromTwoTheta(double twoThetaDeg, double wavelength) => 4 * Math.PI * Math.Sin(twoThetaDeg * Deg / 2) / wavelength;

    /// <summary>2θ (degrees) from q (Å⁻¹); NaN when qλ/4π &gt; 1.</summary>
    public static double TwoThetaFromQ(double q, double wavelength)
    {
        var s = q * wavelength / (4 * Math.PI);
        return s is > 1 or < 0 ? double.NaN : 2 * Math.Asin(s) / Deg;
    }

    /// <summary>d(2θ)/dq in degrees per Å⁻¹ at a given 2θ: converts a peak area per degree into per Å⁻¹.</summary>
    public static double TwoThetaPerQ(double twoThetaDeg, double wavelength) =>
        wavelength / (2 * Math.PI * Math.Cos(twoThetaDeg * Deg / 2)) / Deg;
}
