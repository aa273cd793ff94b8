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
public sealed record InstrumentFunction
{
    /// <summary>2θ knots (degrees, ascending) of the box tables.</summary>
    public required double[] TwoTheta { get; init; }

    /// <summary>The pixel's own footprint, one table per box: its RMS half-width (degrees 2θ) at each knot.</summary>
    public required IReadOnlyList<double[]> Boxes { get; init; }

    /// <summary>The integrator's spreading of each pixel over the bins (splitting), one table per box like
    /// <see cref="Boxes"/>; with the bin, these are the weights of a mean over pixels (see <see cref="DensitySlope"/>).</summary>
    public IReadOnlyList<double[]> SplitBoxes { get; init; } = [];

    /// <summary>
    /// d ln ρ/d2θ (per degree) at each knot, ρ the number of pixels per unit 2θ; null for 0. A bin's value is the mean of
    /// the pixels its splitting and width reach, weighted by ρ: the bin-and-splitting part w(u) of the kernel becomes
    /// w(u)·(1 − slope·u), which moves a peak by −slope·σ_w² (1.5e-4° at 3° on the simulated Pilatus300K).
    /// </summary>
    public double[]? DensitySlope { get; init; }

    /// <summary>Sample thickness along the beam, mm (0: a point sample).</summary>
    public double SampleThickness_mm { get; init; }

    /// <summary>Sample-to-detector distance along the beam, mm (needed for the parallax only).</summary>
    public double Distance_mm { get; init; }

    /// <summary>Linear attenuation coefficient of the sample, 1/mm (0: every depth scatters alike).</summary>
    public double Attenuation_per_mm { get; init; }

    /// <summary>Whether the integration bin (the grid's local step) is part of the instrument function (it is for
    /// patterns integrated with pixel splitting: each bin is a mean over its width).</summary>
    public bool IncludeBin { get; init; } = true;

    /// <summary>The integrator's own response of each bin (its pixels, their footprints and the matrix's weights); when
    /// set, it replaces <see cref="Boxes"/>, <see cref="SplitBoxes"/>, <see cref="DensitySlope"/> and the bin, which
    /// describe the same on average, and the thickness parallax is convolved into it.</summary>
    public BinResponse? Bins { get; init; }

    /// <summary>Checks the tables; the message names what is wrong.</summary>
    public void Validate()
    {
        var n = TwoTheta.Length;
        var tables = Boxes.Concat(SplitBoxes).Concat(DensitySlope is null ? [] : [DensitySlope]).ToList();
        if (n == 0 || tables.Any(b => b.Length != n))
        {
            throw new FitConfigurationException(string.Create(CultureInfo.InvariantCulture,
                $"instrument profile: {n} 2θ knots but tables of {string.Join(", ", tables.Select(b => b.Length))} values."));
        }

        for (var i = 0; i < n; i++)
        {
            if (!double.IsFinite(TwoTheta[i]) || (i > 0 && !(TwoTheta[i] > TwoTheta[i - 1])) || Boxes.Concat(SplitBoxes).Any(b => !(b[i] >= 0) || !double.IsFinite(b[i])) || (DensitySlope is not null && !double.IsFinite(DensitySlope[i])))
            {
                throw new FitConfigurationException(string.Create(CultureInfo.InvariantCulture, $"instrument profile: knot {i} (2θ {TwoTheta[i]}) is not usable."));
            }
        }

        if (Bins is { } bins && (bins.First.Length != bins.Grid.Length || bins.Offsets.Length != bins.Grid.Length + 1 || bins.Offsets[^1] != bins.Taps.Length || bins.Grid.Length < 2))
        {
            throw new FitConfigurationException(string.Create(CultureInfo.InvariantCulture,
                $"instrument profile: bin responses of {bins.Grid.Length} bins with {bins.First.Length} first taps, {bins.Offsets.Length} offsets and {bins.Taps.Length} taps do not agree."));
        }

        if (!(SampleThickness_mm >= 0) || !(Attenuation_per_mm >= 0) || (SampleThickness_mm > 0 && !(Distance_mm > SampleThickness_mm)))
        {
            throw new FitConfigurationException(string.Create(CultureInfo.InvariantCulture,
                $"instrument profile: thickness {SampleThickness_mm} mm, distance {Distance_mm} mm, attenuation {Attenuation_per_mm}/mm are not usable."));
        }
    }

    /// <summary>A knot table at 2θ, linear between knots, held beyond the ends.</summary>
    public double At(double[] w, double twoTheta)
    {
        ArgumentNullException.ThrowIfNull(w);
        var t = TwoTheta;
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
