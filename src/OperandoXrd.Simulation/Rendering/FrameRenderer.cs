namespace OperandoXrd.Simulation.Rendering;

/// <summary>
/// Turns a 1D pattern into a 2D detector frame: each pixel gets the mean of the pattern over its 2θ footprint, times
/// its solid angle and polarization, then counting noise; module gaps read -1 and dead pixels -2, as a Pilatus writes.
/// </summary>
public sealed class FrameRenderer
{
    private readonly DetectorFootprints _footprints;
    private readonly int[] _badPixels;
    private readonly (double S, double B1, double B2)[] _scatterers;
    private readonly SampleVolume _volume;

    /// <param name="volume">The scattering volume (thickness, attenuation, beam size); null: a point sample.</param>
    public FrameRenderer(DetectorFootprints footprints, IEnumerable<int> badPixels, SampleVolume? volume = null)
    {
        ArgumentNullException.ThrowIfNull(footprints);
        _footprints = footprints;
        _badPixels = badPixels.Order().ToArray();
        _volume = volume ?? SampleVolume.Point;
        _volume.Validate(footprints.Distance_mm);
        _scatterers = _volume.IsPoint ? [] : _volume.Scatterers();
    }

    public DetectorFootprints Footprints => _footprints;

    public IReadOnlyList<int> BadPixels => _badPixels;

    /// <summary>
    /// Fills <paramref name="destination"/> (row-major counts). The noise of row r of frame f comes from its own stream
    /// (seed, f, r), so the output depends on the seed only, never on the thread schedule.
    /// </summary>
    public void Render(RadialProfileTable model, int frameIndex, ulong seed, bool poissonNoise, int[] destination)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(destination);
        var fp = _footprints;
        if (destination.Length != fp.Rows * fp.Columns)
        {
            throw new ArgumentException($"destination holds {destination.Length} pixels, the detector {fp.Rows * fp.Columns}", nameof(destination));
        }

        Parallel.For(0, fp.Rows, r =>
        {
            var rng = Xoshiro256.ForStream(seed, (ulong)frameIndex, (ulong)r);
            var start = r * fp.Columns;
            for (var i = start; i < start + fp.Columns; i++)
            {
                if (fp.Mask[i] != 0)
                {
                    destination[i] = -1;
                    continue;
                }

                var mean = fp.Factor[i] * Mean(model, i);
                destination[i] = poissonNoise ? PoissonSampler.Sample(ref rng, mean) : (int)Math.Round(mean);
            }
        });

        foreach (var bad in _badPixels)
        {
            destination[bad] = -2;
        }
    }

    /// <summary>The noise-free expected counts as doubles (for tests and for checking the integrator against the model).</summary>
    public void RenderExpected(RadialProfileTable model, double[] destination)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(destination);
        var fp = _footprints;
        Parallel.For(0, fp.Rows, r =>
        {
            var start = r * fp.Columns;
            for (var i = start; i < start + fp.Columns; i++)
            {
                destination[i] = fp.Mask[i] != 0 ? -1 : fp.Factor[i] * Mean(model, i);
            }
        });
    }

    // The pixel's mean of the pattern over its footprint, and over the scattering volume: each scatterer sees the
    // pixel's centre at its own 2θ' (the footprint's widths change by s/D, far below their own accuracy).
    private double Mean(RadialProfileTable model, int i)
    {
        var fp = _footprints;
        if (_scatterers.Length == 0)
        {
            return model.FootprintMean(fp.CentreDeg[i], fp.HalfWidthRowsDeg[i], fp.HalfWidthColumnsDeg[i]);
        }

        const double deg = Math.PI / 180;
        var distance = fp.Distance_mm;
        var radius = distance * Math.Tan(fp.CentreDeg[i] * deg);
        var x1 = radius * Math.Sin(fp.ChiRad[i]);
        var x2 = radius * Math.Cos(fp.ChiRad[i]);
        var half = 0.5 * _volume.Thickness_mm;
        var mu = _volume.Attenuation_per_mm;
        double sum = 0, weights = 0;
        foreach (var (s, b1, b2) in _scatterers)
        {
            var d1 = x1 - b1;
            var d2 = x2 - b2;
            var along = distance - s;
            var twoTheta = Math.Atan2(Math.Sqrt((d1 * d1) + (d2 * d2)), along);
            var w = mu > 0 ? Math.Exp(-mu * ((s + half) + ((half - s) / Math.Cos(twoTheta)))) : 1;
            sum += w * model.FootprintMean(twoTheta / deg, fp.HalfWidthRowsDeg[i], fp.HalfWidthColumnsDeg[i]);
            weights += w;
        }

        return sum / weights;
    }
}
