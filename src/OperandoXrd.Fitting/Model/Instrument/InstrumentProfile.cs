using System.Globalization;
using OperandoXrd.Fitting.Configuration;

namespace OperandoXrd.Fitting.Model.Instrument;

/// <summary>
/// What the instrument adds to every reflection before the sample's TCH profile is seen, as plain numbers (the fitter
/// knows nothing of detectors): the pixel footprint, the sample thickness along the beam (parallax) and the integration
/// bin (taken from the pattern's own grid). See docs/instrument-profile.md for the derivation.
/// </summary>
/// <remarks>
/// The detector's part is given at ascending 2θ knots as the RMS half-widths of independent boxes: a pixel whose 2θ
/// changes by 2a along one axis and 2b along the other sees the pattern through box(a) ⊗ box(b) (a trapezoid), and an
/// integrator that splits pixels spreads each pixel again (bounding box: box(a + b); full: the trapezoid once more).
/// The integrator knows these from the pixel corners of its own geometry (Core's <c>RadialFootprints</c>); RMS over
/// the pixels of a ring keeps the variance exact.
/// </remarks>
public sealed record InstrumentProfile
{
    /// <summary>2θ knots (degrees, ascending) of the box tables.</summary>
    public required double[] TwoTheta { get; init; }

    /// <summary>One table per box: its RMS half-width (degrees 2θ) at each knot.</summary>
    public required IReadOnlyList<double[]> Boxes { get; init; }

    /// <summary>Sample thickness along the beam, mm (0: a point sample).</summary>
    public double SampleThickness_mm { get; init; }

    /// <summary>Sample-to-detector distance along the beam, mm (needed for the parallax only).</summary>
    public double Distance_mm { get; init; }

    /// <summary>Linear attenuation coefficient of the sample, 1/mm (0: every depth scatters alike).</summary>
    public double Attenuation_per_mm { get; init; }

    /// <summary>Whether the integration bin (the grid's local step) is part of the instrument function (it is for
    /// patterns integrated with pixel splitting: each bin is a mean over its width).</summary>
    public bool IncludeBin { get; init; } = true;

    /// <summary>Checks the tables; the message names what is wrong.</summary>
    public void Validate()
    {
        var n = TwoTheta.Length;
        if (n == 0 || Boxes.Any(b => b.Length != n))
        {
            throw new FitConfigurationException(string.Create(CultureInfo.InvariantCulture,
                $"instrument profile: {n} 2θ knots but box tables of {string.Join(", ", Boxes.Select(b => b.Length))} values."));
        }

        for (var i = 0; i < n; i++)
        {
            if (!double.IsFinite(TwoTheta[i]) || (i > 0 && !(TwoTheta[i] > TwoTheta[i - 1])) || Boxes.Any(b => !(b[i] >= 0) || !double.IsFinite(b[i])))
            {
                throw new FitConfigurationException(string.Create(CultureInfo.InvariantCulture, $"instrument profile: knot {i} (2θ {TwoTheta[i]}) is not usable."));
            }
        }

        if (!(SampleThickness_mm >= 0) || !(Attenuation_per_mm >= 0) || (SampleThickness_mm > 0 && !(Distance_mm > SampleThickness_mm)))
        {
            throw new FitConfigurationException(string.Create(CultureInfo.InvariantCulture,
                $"instrument profile: thickness {SampleThickness_mm} mm, distance {Distance_mm} mm, attenuation {Attenuation_per_mm}/mm are not usable."));
        }
    }

    /// <summary>Half-width of box <paramref name="box"/> at 2θ, linear between knots, held beyond the ends.</summary>
    public double BoxAt(int box, double twoTheta)
    {
        var t = TwoTheta;
        var w = Boxes[box];
        if (twoTheta <= t[0])
        {
            return w[0];
        }

        if (twoTheta >= t[^1])
        {
            return w[^1];
        }

        var k = Array.BinarySearch(t, twoTheta);
        if (k >= 0)
        {
            return w[k];
        }

        k = ~k - 1;
        var f = (twoTheta - t[k]) / (t[k + 1] - t[k]);
        return w[k] + (f * (w[k + 1] - w[k]));
    }
}
