namespace OperandoXrd.Electrochem.Model;

/// <summary>
/// Open-circuit voltage of Li<sub>x</sub>Ni<sub>0.8</sub>Co<sub>0.15</sub>Al<sub>0.05</sub>O<sub>2</sub> (NCA) against
/// Li⁺/Li as a smooth, strictly monotonic function of x(Li): a steep start from ≈ 3.62 V at the pristine x = 1, a
/// sloping plateau (≈ 0.5 V per unit x, 3.75 → 4.05 V) and a steeper end that crosses 4.2 V near x ≈ 0.27. The
/// shape, not a fit to one measured curve: it reproduces the features a first-charge profile of NCA shows
/// (published first-charge curves of NCA in sulfide solid-state cells reach 4.2 V vs Li⁺/Li after ≈ 200 mAh/g,
/// i.e. Δx ≈ 0.72 of the 279 mAh/g theoretical capacity).
/// </summary>
public static class NcaOpenCircuit
{
    private const double Base = 3.72;
    private const double Slope = 0.50;
    private const double StartDip = 0.10;
    private const double StartWidth = 0.015;
    private const double EndRise = 0.05;
    private const double EndCentre = 0.70;
    private const double EndWidth = 0.04;

    /// <summary>OCV in V vs Li⁺/Li at <paramref name="x"/>. Above x = 1 (not reached from a pristine cathode) it continues linearly.</summary>
    public static double VersusLithium(double x)
    {
        var y = 1.0 - x;
        if (y < 0)
        {
            // The start term grows as exp(−y/0.015): continuing it past the pristine state would dive by volts.
            return VersusLithium(1.0) + (SlopeAtPristine * y);
        }

        return Base + (Slope * y) - (StartDip * Math.Exp(-y / StartWidth)) + (EndRise * Math.Exp((y - EndCentre) / EndWidth));
    }

    /// <summary>dE/d(1−x) at x = 1.</summary>
    private static double SlopeAtPristine => Slope + (StartDip / StartWidth) + (EndRise / EndWidth * Math.Exp(-EndCentre / EndWidth));
}
