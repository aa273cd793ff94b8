using OperandoXrd.Core.Geometry;

namespace OperandoXrd.Core.Patterns;

/// <summary>
/// A 1D powder pattern read from a file another program wrote (or ours): radial axis, intensity, σ when the file
/// has it, and what the header says about the radial unit and the wavelength (null when it says nothing).
/// </summary>
public sealed record MeasuredPattern(string Source, string Format, double[] Radial, double[] Intensity, double[]? Sigma, RadialUnit? Unit, double? WavelengthA)
{
    public int Count => Radial.Length;

    /// <summary>
    /// The pattern on an ascending 2θ grid in degrees, with σ (a file without σ gets the Poisson estimate √max(I, 1)).
    /// q and d need <paramref name="wavelengthA"/>; a descending axis (d) is reversed.
    /// </summary>
    /// <exception cref="PatternFormatException">r_mm (needs the geometry), or a q beyond 4π/λ.</exception>
    public (double[] TwoTheta, double[] Intensity, double[] Sigma) ToTwoThetaDegrees(RadialUnit unit, double wavelengthA)
    {
        if (unit == RadialUnit.RMm)
        {
            throw new PatternFormatException($"{Source}: a pattern in r_mm cannot be converted to 2θ without the detector geometry.");
        }

        var n = Count;
        var x = new double[n];
        var y = (double[])Intensity.Clone();
        var s = Sigma is null ? Intensity.Select(i => Math.Sqrt(Math.Max(i, 1.0))).ToArray() : (double[])Sigma.Clone();
        for (var i = 0; i < n; i++)
        {
            try
            {
                x[i] = unit == RadialUnit.TwoThetaDeg ? Radial[i] : RadialUnits.ToTwoTheta(unit, Radial[i], wavelengthA * 1e-10) * RadialUnits.DegreesPerRadian;
            }
            catch (ArgumentException)
            {
                x[i] = double.NaN;
            }

            if (!double.IsFinite(x[i]))
            {
                throw new PatternFormatException(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"{Source}: radial value {Radial[i]} {RadialUnits.Name(unit)} has no 2θ at λ = {wavelengthA} Å."));
            }
        }

        if (n > 1 && x[0] > x[^1])
        {
            Array.Reverse(x);
            Array.Reverse(y);
            Array.Reverse(s);
        }

        return (x, y, s);
    }
}

/// <summary>A pattern file that cannot be read; the message names the file and, where it applies, the line.</summary>
public sealed class PatternFormatException : Exception
{
    public PatternFormatException(string message) : base(message) { }

    public PatternFormatException(string message, Exception inner) : base(message, inner) { }

    public PatternFormatException() { }
}
