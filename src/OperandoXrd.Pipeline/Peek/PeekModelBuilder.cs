using OperandoXrd.Core.Frames;
using OperandoXrd.Core.Geometry;
using OperandoXrd.Core.Integration;
using OperandoXrd.Fitting.Peek;

namespace OperandoXrd.Pipeline.Peek;

/// <summary>
/// From an empty-cell measurement to a PEEK model: integrate every frame of it with the run's geometry, average them
/// (σ combined accordingly), and fit the housing's peaks and background (<see cref="PeekModel.FitFromPattern"/>).
/// </summary>
public static class PeekModelBuilder
{
    /// <summary>The PEEK model for a pipeline: its integration settings and fit range, the empty cell's frames.</summary>
    public static (PeekModel Model, int Frames) Build(Configuration.PipelineConfig pipeline, string poniPath, IReadOnlyList<string> emptyCell, int peaks = 12)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        return Build(poniPath, emptyCell, pipeline.Integration.ToOptions(), (pipeline.Fit.Fit.RangeMin, pipeline.Fit.Fit.RangeMax), peaks, flip: pipeline.Integration.Flip);
    }

    public static (PeekModel Model, int Frames) Build(string poniPath, IReadOnlyList<string> inputs, IntegrationOptions integration, (double Min, double Max) fitRange, int peaks = 12, string? dataset = null, FrameFlip flip = FrameFlip.None)
    {
        ArgumentNullException.ThrowIfNull(integration);
        if (integration.Unit != RadialUnit.TwoThetaDeg)
        {
            throw new ArgumentException("the PEEK model is fitted in 2θ: integrate in 2th_deg", nameof(integration));
        }

        using var source = Stages.FrameSourceFactory.Open(new FrameSourceRequest(inputs, dataset, Flip: flip));
        var poni = Poni.Load(poniPath).ForFrames(source.Rows, source.Columns);
        using var integrator = AzimuthalIntegrator.Create(new PixelGeometry(poni), integration);
        if (source.FrameCount == 0)
        {
            throw new InvalidDataException($"{source.Description}: no frames in the empty-cell measurement");
        }

        var pattern = integrator.CreatePattern();
        var frame = new int[source.Rows * source.Columns];
        var npt = integrator.Npt;
        var sum = new double[npt];
        var variance = new double[npt];
        for (var i = 0; i < source.FrameCount; i++)
        {
            source.ReadFrame(i, frame);
            integrator.Integrate(frame, pattern);
            for (var b = 0; b < npt; b++)
            {
                sum[b] += pattern.Intensity[b];
                variance[b] += pattern.Sigma[b] * pattern.Sigma[b];
            }
        }

        var n = source.FrameCount;
        var x = new List<double>();
        var y = new List<double>();
        var s = new List<double>();
        var radial = integrator.Radial;
        for (var b = 0; b < npt; b++)
        {
            // Only where the frames saw something, within the fit range the model will serve.
            if (radial[b] < fitRange.Min || radial[b] > fitRange.Max || !double.IsFinite(sum[b]) || !(variance[b] > 0))
            {
                continue;
            }

            x.Add(radial[b]);
            y.Add(sum[b] / n);
            s.Add(Math.Sqrt(variance[b]) / n);
        }

        var model = PeekModel.FitFromPattern(x.ToArray(), y.ToArray(), s.ToArray(), peaks, wavelength: poni.Wavelength * 1e10, source: source.Description);
        return (model, n);
    }
}
