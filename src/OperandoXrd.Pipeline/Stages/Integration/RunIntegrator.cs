using Microsoft.Extensions.Logging;
using OperandoXrd.Core.Frames;
using OperandoXrd.Core.Geometry;
using OperandoXrd.Core.Integration;
using OperandoXrd.Pipeline.Configuration;
using OperandoXrd.Pipeline.Hosting;

namespace OperandoXrd.Pipeline.Stages;

/// <summary>
/// The run's geometry and integrator (the sparse matrix built, or loaded from the cache, once), with the pools of
/// the buffers that carry frames from the source to the integrator (pixels) and from the integrator to the sink
/// (patterns). Created ready, before any stage starts, so that a bad PONI or mask is reported before the first frame.
/// </summary>
public sealed class RunIntegrator : IDisposable
{
    private RunIntegrator(Poni poni, string poniText, AzimuthalIntegrator integrator, RadialUnit unit, int pixelBuffers, int patterns)
    {
        Poni = poni;
        PoniText = poniText;
        Integrator = integrator;
        Unit = unit;
        Radial = integrator.Radial.ToArray();
        FramePixels = poni.Detector.Rows * poni.Detector.Columns;
        // Pixels: two channels' worth, the frames in the workers' hands and one being read. Patterns: every frame
        // between the integrator and the sink (the pool makes more if a burst needs them, and keeps no more than this).
        PixelBuffers = new BoundedPool<int[]>(() => GC.AllocateUninitializedArray<int>(FramePixels), pixelBuffers);
        Patterns = new BoundedPool<Pattern1D>(integrator.CreatePattern, patterns);
    }

    public Poni Poni { get; }

    public string PoniText { get; }

    public AzimuthalIntegrator Integrator { get; }

    public RadialUnit Unit { get; }

    /// <summary>Bin centres of every pattern of the run, in <see cref="Unit"/>.</summary>
    public double[] Radial { get; }

    /// <summary>Pixels in one frame (detector rows × columns).</summary>
    public int FramePixels { get; }

    /// <summary>Pixel buffers for raw frames (source → integrator).</summary>
    public BoundedPool<int[]> PixelBuffers { get; }

    /// <summary>Integrated patterns (integrator → sink): each passed on down the stages, not copied, and returned by the sink.</summary>
    public BoundedPool<Pattern1D> Patterns { get; }

    public static RunIntegrator Create(ReduceOptions options, RunChannels channels, ILogger log)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(channels);
        ArgumentNullException.ThrowIfNull(log);
        var poniPath = options.PoniPath!;
        Poni poni;
        string poniText;
        try
        {
            poni = Poni.Load(poniPath);
            poniText = File.ReadAllText(poniPath);
        }
        catch (Exception e) when (e is PoniFormatException or IOException or UnauthorizedAccessException)
        {
            // A configuration error before the run: one line and exit 2, not a stack trace.
            throw new PipelineConfigException(e is PoniFormatException ? e.Message : $"{poniPath}: {e.Message}", e);
        }

        if (!poni.Detector.HasShape)
        {
            var (rows, columns) = FrameShape(options, log);
            poni = poni.ForFrames(rows, columns);
        }

        var integration = options.Pipeline!.Integration;
        var integrator = AzimuthalIntegrator.Create(new PixelGeometry(poni), integration.ToOptions(options.MaskImage), options.MatrixCacheFolder);
        log.LogInformation("integrator: {Npt} bins in {Unit}, {Split} splitting, matrix {How} in {Seconds:F2} s",
            integrator.Npt, RadialUnits.Name(integration.Unit), PixelSplits.Name(integration.Split), integrator.LoadedFromCache ? "loaded from cache" : "built", integrator.BuildTime.TotalSeconds);
        return new RunIntegrator(poni, poniText, integrator, integration.Unit, (2 * channels.Capacity) + options.IntegrationWorkers + 2, channels.InFlight(options.IntegrationWorkers));
    }

    public void Dispose() => Integrator.Dispose();

    /// <summary>The frames' shape, for a PONI without a Detector line (pyFAI then takes the image's shape too).</summary>
    private static (int Rows, int Columns) FrameShape(ReduceOptions options, ILogger log)
    {
        try
        {
            using var source = FrameSourceStage.OpenInputs(options);
            log.LogInformation("PONI {Poni} names no detector: a generic detector of its pixel sizes and the frames' shape {Rows} x {Columns}", options.PoniPath, source.Rows, source.Columns);
            return (source.Rows, source.Columns);
        }
        catch (FrameSourceException e)
        {
            throw new PipelineConfigException($"{options.PoniPath} names no detector (PixelSize1/2 only), so the detector takes the frames' shape, but no frame could be opened: {e.Message}", e);
        }
    }
}
