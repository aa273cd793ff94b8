namespace OperandoXrd.Simulation.Rendering;

/// <summary>
/// Turns a 1D pattern into a 2D detector frame: each pixel gets the mean of the pattern over its 2θ footprint, times
/// its solid angle and polarization, then counting noise; module gaps read -1 and dead pixels -2, as a Pilatus writes.
/// </summary>
public sealed class FrameRenderer
{
    private readonly DetectorFootprints _footprints;
    private readonly int[] _badPixels;

    public FrameRenderer(DetectorFootprints footprints, IEnumerable<int> badPixels)
    {
        ArgumentNullException.ThrowIfNull(footprints);
        _footprints = footprints;
        _badPixels = badPixels.Order().ToArray();
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

                var mean = fp.Factor[i] * model.FootprintMean(fp.CentreDeg[i], fp.HalfWidthRowsDeg[i], fp.HalfWidthColumnsDeg[i]);
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
                destination[i] = fp.Mask[i] != 0 ? -1 : fp.Factor[i] * model.FootprintMean(fp.CentreDeg[i], fp.HalfWidthRowsDeg[i], fp.HalfWidthColumnsDeg[i]);
            }
        });
    }
}
