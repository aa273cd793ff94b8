using OperandoXrd.Core.Geometry;
using OperandoXrd.Crystallography.Reflections;

namespace OperandoXrd.Crystallography.Patterns;

/// <summary>
/// The abscissa of a pattern in its own unit, with the equivalent 2θ (degrees) on which profiles are evaluated
/// and, for a q grid, d2θ/dq so that a peak's area is conserved when the pattern is expressed per Å⁻¹.
/// </summary>
public sealed class PatternGrid
{
    private readonly double[] _radial;
    private readonly double[] _twoTheta;
    private readonly double[]? _density;

    /// <param name="radial">The grid, strictly ascending.</param>
    /// <param name="unit">2θ in degrees (<see cref="RadialUnit.TwoThetaDeg"/>) or q in Å⁻¹ (<see cref="RadialUnit.QA"/>).</param>
    /// <param name="wavelength">Å.</param>
    public PatternGrid(ReadOnlySpan<double> radial, RadialUnit unit, double wavelength)
    {
        if (unit is not (RadialUnit.TwoThetaDeg or RadialUnit.QA))
        {
            throw new ArgumentException($"a pattern grid is in 2th_deg or q_A^-1, not {RadialUnits.Name(unit)}", nameof(unit));
        }

        if (radial.Length < 2)
        {
            throw new ArgumentException("a pattern grid needs at least two points", nameof(radial));
        }

        for (var i = 1; i < radial.Length; i++)
        {
            if (!(radial[i] > radial[i - 1]))
            {
                throw new ArgumentException($"the radial grid must be strictly ascending (point {i})", nameof(radial));
            }
        }

        if (!(wavelength > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(wavelength), "wavelength must be positive");
        }

        Unit = unit;
        Wavelength = wavelength;
        _radial = radial.ToArray();
        _twoTheta = new double[radial.Length];
        if (unit == RadialUnit.TwoThetaDeg)
        {
            radial.CopyTo(_twoTheta);
        }
        else
        {
            _density = new double[radial.Length];
            for (var i = 0; i < radial.Length; i++)
            {
                _twoTheta[i] = Bragg.TwoThetaFromQ(radial[i], wavelength);
                if (double.IsNaN(_twoTheta[i]))
                {
                    throw new ArgumentException($"q = {radial[i]} Å⁻¹ is beyond 4π/λ", nameof(radial));
                }

                _density[i] = Bragg.TwoThetaPerQ(_twoTheta[i], wavelength);
            }
        }
    }

    public RadialUnit Unit { get; }

    /// <summary>Wavelength, Å.</summary>
    public double Wavelength { get; }

    public int Length => _radial.Length;

    /// <summary>The grid in its own unit.</summary>
    public ReadOnlySpan<double> Radial => _radial;

    /// <summary>The grid as 2θ in degrees.</summary>
    public ReadOnlySpan<double> TwoTheta => _twoTheta;

    /// <summary>d2θ/dq per point for a q grid (null for a 2θ grid): multiply a per-degree density by it.</summary>
    public ReadOnlySpan<double> TwoThetaPerRadial => _density;

    /// <summary>Smallest d (Å) on the grid.</summary>
    public double DMin => Bragg.DFromTwoTheta(_twoTheta[^1], Wavelength);
}
