using System.Globalization;

namespace OperandoXrd.Core.Geometry;

/// <summary>The radial axis of an integrated pattern. Names follow pyFAI (see <see cref="RadialUnits.Name"/>).</summary>
public enum RadialUnit
{
    /// <summary>Scattering angle 2θ in degrees ("2th_deg").</summary>
    TwoThetaDeg,

    /// <summary>Scattering angle 2θ in radians ("2th_rad").</summary>
    TwoThetaRad,

    /// <summary>Scattering vector q = 4π sin θ / λ in nm⁻¹ ("q_nm^-1").</summary>
    QNm,

    /// <summary>Scattering vector q in Å⁻¹ ("q_A^-1").</summary>
    QA,

    /// <summary>d-spacing λ / (2 sin θ) in Å ("d_A"); not a pyFAI 0.21 unit, derived from 2θ here.</summary>
    DA,

    /// <summary>Distance from the incident beam in the detector's rotated frame, in mm ("r_mm"); depends on the
    /// pixel position, not only on 2θ, so only <see cref="PixelGeometry"/> can compute it.</summary>
    RMm,
}

/// <summary>
/// The one place for radial unit names and conversions. Every conversion goes through 2θ in radians, which is what
/// the geometry computes; the constants and operation order mirror pyFAI's so that values agree bit for bit where
/// pyFAI defines the unit (pyFAI scales 2θ by 180/π, q_nm^-1 by 0.1 for Å⁻¹, r in metres by 1000).
/// </summary>
public static class RadialUnits
{
    /// <summary>180/π as pyFAI's unit scale for "2th_deg" (one constant, so deg values agree to the last bit).</summary>
    public const double DegreesPerRadian = 180.0 / Math.PI;

    private static readonly (string Name, RadialUnit Unit)[] Names =
    [
        ("2th_deg", RadialUnit.TwoThetaDeg),
        ("2th_rad", RadialUnit.TwoThetaRad),
        ("q_nm^-1", RadialUnit.QNm),
        ("q_A^-1", RadialUnit.QA),
        ("d_A", RadialUnit.DA),
        ("r_mm", RadialUnit.RMm),
    ];

    /// <summary>All units in declaration order.</summary>
    public static IReadOnlyList<RadialUnit> All { get; } = [.. Names.Select(n => n.Unit)];

    /// <summary>Parses a pyFAI unit name ("2th_deg", "2th_rad", "q_nm^-1", "q_A^-1", "d_A", "r_mm").</summary>
    /// <exception cref="ArgumentException">The text is not one of those names; the message quotes it.</exception>
    public static RadialUnit Parse(string name)
    {
        if (TryParse(name, out var unit))
        {
            return unit;
        }

        throw new ArgumentException(
            $"Unknown radial unit '{name}'; expected one of {string.Join(", ", Names.Select(n => n.Name))}.",
            nameof(name));
    }

    /// <summary>Parses a unit name; exact pyFAI spelling first, then case-insensitively.</summary>
    public static bool TryParse(string? name, out RadialUnit unit)
    {
        var text = name?.Trim();
        if (!string.IsNullOrEmpty(text))
        {
            foreach (var comparison in (ReadOnlySpan<StringComparison>)[StringComparison.Ordinal, StringComparison.OrdinalIgnoreCase])
            {
                foreach (var (n, u) in Names)
                {
                    if (string.Equals(n, text, comparison))
                    {
                        unit = u;
                        return true;
                    }
                }
            }
        }

        unit = default;
        return false;
    }

    /// <summary>The pyFAI name of the unit, e.g. "q_A^-1".</summary>
    public static string Name(RadialUnit unit)
    {
        foreach (var (n, u) in Names)
        {
            if (u == unit)
            {
                return n;
            }
        }

        throw new ArgumentOutOfRangeException(nameof(unit), unit, "Unknown radial unit.");
    }

    /// <summary>An axis label for figures and file headers, e.g. "2θ (°)" or "q (Å⁻¹)".</summary>
    public static string AxisLabel(RadialUnit unit) => unit switch
    {
        RadialUnit.TwoThetaDeg => "2θ (°)",
        RadialUnit.TwoThetaRad => "2θ (rad)",
        RadialUnit.QNm => "q (nm⁻¹)",
        RadialUnit.QA => "q (Å⁻¹)",
        RadialUnit.DA => "d (Å)",
        RadialUnit.RMm => "r (mm)",
        _ => throw new ArgumentOutOfRangeException(nameof(unit), unit, "Unknown radial unit."),
    };

    /// <summary>True if the unit needs the wavelength to convert from 2θ.</summary>
    public static bool NeedsWavelength(RadialUnit unit) => unit is RadialUnit.QNm or RadialUnit.QA or RadialUnit.DA;

    /// <summary>
    /// Converts 2θ (radians) to <paramref name="unit"/>. q = 4π·10⁻⁹ sin(2θ/2)/λ in nm⁻¹ (×0.1 for Å⁻¹),
    /// d = 10¹⁰ λ / (2 sin(2θ/2)) in Å (+∞ at 2θ = 0). Throws for <see cref="RadialUnit.RMm"/>, which needs the pixel
    /// position (use <see cref="PixelGeometry.RadialCenters"/>).
    /// </summary>
    public static double FromTwoTheta(RadialUnit unit, double twoThetaRad, double wavelengthMeters)
    {
        switch (unit)
        {
            case RadialUnit.TwoThetaDeg:
                return twoThetaRad * DegreesPerRadian;
            case RadialUnit.TwoThetaRad:
                return twoThetaRad;
            case RadialUnit.QNm:
                CheckWavelength(wavelengthMeters, unit);
                return QNmFromTwoTheta(twoThetaRad, wavelengthMeters);
            case RadialUnit.QA:
                CheckWavelength(wavelengthMeters, unit);
                return QNmFromTwoTheta(twoThetaRad, wavelengthMeters) * 0.1;
            case RadialUnit.DA:
                CheckWavelength(wavelengthMeters, unit);
                return DAFromTwoTheta(twoThetaRad, wavelengthMeters);
            case RadialUnit.RMm:
                throw new ArgumentException(
                    "r_mm cannot be converted from 2θ alone: it depends on the pixel position and the detector distance; use PixelGeometry.RadialCenters(RadialUnit.RMm).",
                    nameof(unit));
            default:
                throw new ArgumentOutOfRangeException(nameof(unit), unit, "Unknown radial unit.");
        }
    }

    /// <summary>Converts a value in <paramref name="unit"/> back to 2θ in radians (inverse of <see cref="FromTwoTheta"/>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is beyond back-scattering (sin θ &gt; 1) or negative.</exception>
    public static double ToTwoTheta(RadialUnit unit, double value, double wavelengthMeters)
    {
        switch (unit)
        {
            case RadialUnit.TwoThetaDeg:
                return value / DegreesPerRadian;
            case RadialUnit.TwoThetaRad:
                return value;
            case RadialUnit.QNm:
                CheckWavelength(wavelengthMeters, unit);
                return TwoAsin(value * wavelengthMeters / (4.0e-9 * Math.PI), unit, value);
            case RadialUnit.QA:
                CheckWavelength(wavelengthMeters, unit);
                return TwoAsin(value * 10.0 * wavelengthMeters / (4.0e-9 * Math.PI), unit, value);
            case RadialUnit.DA:
                CheckWavelength(wavelengthMeters, unit);
                return double.IsPositiveInfinity(value) ? 0.0 : TwoAsin(1e10 * wavelengthMeters / (2.0 * value), unit, value);
            case RadialUnit.RMm:
                throw new ArgumentException(
                    "r_mm cannot be converted to 2θ without the pixel position and the detector distance.",
                    nameof(unit));
            default:
                throw new ArgumentOutOfRangeException(nameof(unit), unit, "Unknown radial unit.");
        }
    }

    // Same expression order as pyFAI's compiled calc_q: 4e-9·π / λ · sin(2θ / 2).
    internal static double QNmFromTwoTheta(double twoThetaRad, double wavelengthMeters)
        => 4.0e-9 * Math.PI / wavelengthMeters * Math.Sin(twoThetaRad / 2.0);

    internal static double DAFromTwoTheta(double twoThetaRad, double wavelengthMeters)
        => 1e10 * wavelengthMeters / (2.0 * Math.Sin(twoThetaRad / 2.0));

    private static double TwoAsin(double sinTheta, RadialUnit unit, double value)
    {
        if (!(sinTheta >= 0.0 && sinTheta <= 1.0))
        {
            throw new ArgumentOutOfRangeException(
                nameof(value),
                value,
                string.Create(CultureInfo.InvariantCulture, $"{Name(unit)} value {value} is outside the range reachable at this wavelength (sin θ = {sinTheta})."));
        }

        return 2.0 * Math.Asin(sinTheta);
    }

    private static void CheckWavelength(double wavelengthMeters, RadialUnit unit)
    {
        if (!(wavelengthMeters > 0.0) || double.IsInfinity(wavelengthMeters))
        {
            throw new ArgumentOutOfRangeException(
                nameof(wavelengthMeters),
                wavelengthMeters,
                $"{Name(unit)} needs a positive, finite wavelength in metres.");
        }
    }
}
