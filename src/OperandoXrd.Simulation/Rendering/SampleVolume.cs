namespace OperandoXrd.Simulation.Rendering;

/// <summary>
/// The scattering volume the renderer integrates over: a slab of the sample normal to the beam (thickness along the
/// beam, linear attenuation) lit by a rectangular beam. A point sample (all zero) is the plain detector rendering.
/// </summary>
/// <remarks>
/// Rendered from the rays themselves, not from the fitter's model: for a scatterer at (b₁, b₂, s) (transverse offsets
/// in the beam, depth s from the sample centre towards the detector) a pixel at lab position (x₁, x₂, D) is seen at
/// tan2θ' = |(x₁ − b₁, x₂ − b₂)| / (D − s), and the ray's weight is exp(−μ[(s + t/2) + (t/2 − s)/cos2θ']) (in along the
/// beam, out along the ray through the slab). Midpoint rules over depth and beam; the weights are normalised per pixel
/// (the total's slow change with angle is an intensity factor, not a position).
/// </remarks>
public sealed record SampleVolume
{
    public static SampleVolume Point { get; } = new();

    /// <summary>Sample thickness along the beam, mm.</summary>
    public double Thickness_mm { get; init; }

    /// <summary>Linear attenuation coefficient, 1/mm.</summary>
    public double Attenuation_per_mm { get; init; }

    /// <summary>Full beam width (horizontal, along the detector's fast axis), mm.</summary>
    public double BeamWidth_mm { get; init; }

    /// <summary>Full beam height (vertical, along the detector's slow axis), mm.</summary>
    public double BeamHeight_mm { get; init; }

    /// <summary>Midpoints through the thickness (when it is not 0).</summary>
    public int DepthPoints { get; init; } = 96;

    /// <summary>Midpoints across each beam dimension that is not 0.</summary>
    public int BeamPoints { get; init; } = 4;

    public bool IsPoint => Thickness_mm == 0 && BeamWidth_mm == 0 && BeamHeight_mm == 0;

    /// <summary>Checks the numbers; the message names the one that is wrong.</summary>
    public void Validate(double distance_mm)
    {
        if (!(Thickness_mm >= 0) || !(Thickness_mm < 0.5 * distance_mm))
        {
            throw new ArgumentException($"sample thickness {Thickness_mm} mm is not usable at a distance of {distance_mm} mm");
        }

        if (!(Attenuation_per_mm >= 0) || !(BeamWidth_mm >= 0) || !(BeamHeight_mm >= 0) || DepthPoints < 1 || BeamPoints < 1)
        {
            throw new ArgumentException($"attenuation {Attenuation_per_mm}/mm, beam {BeamWidth_mm} × {BeamHeight_mm} mm are not usable");
        }
    }

    /// <summary>The scatterers: (depth s, vertical offset b₁, horizontal offset b₂) in mm, each with the same rule weight.</summary>
    internal (double S, double B1, double B2)[] Scatterers()
    {
        var depth = Midpoints(Thickness_mm, DepthPoints);
        var vertical = Midpoints(BeamHeight_mm, BeamPoints);
        var horizontal = Midpoints(BeamWidth_mm, BeamPoints);
        return [.. from s in depth from b1 in vertical from b2 in horizontal select (s, b1, b2)];
    }

    private static double[] Midpoints(double width, int n) =>
        width > 0 ? [.. Enumerable.Range(0, n).Select(k => ((k + 0.5) / n - 0.5) * width)] : [0.0];
}
