using System.Diagnostics;
using OperandoXrd.Core.Geometry;
using OperandoXrd.Core.Integration;
using OperandoXrd.Fitting.Configuration;
using OperandoXrd.Fitting.Model.Instrument;
using OperandoXrd.Fitting.Sequential;
using OperandoXrd.Pipeline.Configuration;
using OperandoXrd.Pipeline.Hosting;
using OperandoXrd.Pipeline.Outputs;

namespace OperandoXrd.Pipeline.Stages;

/// <summary>
/// The run's sequential fitter and what it hands on per frame: the fit's summary and a pooled spool record with the
/// curve it fitted (the optimizer's own, not evaluated again) and the reflection positions. Created ready from the
/// pipeline and the run's radial grid, so that a bad CIF or fit range is reported before the first frame. Used by
/// the fit stage, and before it starts by the resume replay; one thread at a time (the fitter is sequential by nature).
/// </summary>
public sealed class RunFitter
{
    private readonly RunStatistics _statistics;
    private readonly double[] _inRange;

    private RunFitter(SequentialFitter fitter, int npt, int curvesInFlight, RunStatistics statistics)
    {
        Fitter = fitter;
        Layout = FitCurveLayout.Of(fitter.Model, npt, fitter.Offset);
        Curves = new BoundedPool<double[]>(() => new double[Layout.RecordLength], curvesInFlight);
        _inRange = new double[fitter.Model.PointCount];
        _statistics = statistics;
    }

    /// <summary>The fitter of the frames to come: replaced, its state carried over, when a phase joins the model (auto-add).</summary>
    public SequentialFitter Fitter { get; private set; }

    /// <summary>What a curve record holds (the spool's record).</summary>
    public FitCurveLayout Layout { get; }

    /// <summary>The emergence detector, run right after each fit (set by <see cref="Emergence.EmergenceWatch.Attach"/>; null when off).</summary>
    public Emergence.EmergenceWatch? Emergence { get; internal set; }

    /// <summary>Curve records (fit stage → sink, which returns them).</summary>
    public BoundedPool<double[]> Curves { get; }

    /// <exception cref="PipelineConfigException">The fit configuration does not fit the run's grid (names the key).</exception>
    public static RunFitter Create(ReduceOptions options, RunIntegrator integration, RunChannels channels, RunStatistics statistics)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(integration);
        ArgumentNullException.ThrowIfNull(channels);
        var pipeline = options.Pipeline!;
        var fit = pipeline.Fit;
        if (options.PeekPath is { } peek)
        {
            fit = new FitConfiguration { Phases = fit.Phases, Fit = fit.Fit with { PeekModel = peek }, Instrument = fit.Instrument };
        }

        var radial = integration.Radial;
        var unit = pipeline.Integration.Unit;
        var wavelength = integration.Poni.Wavelength;
        var twoTheta = unit == RadialUnit.TwoThetaDeg
            ? radial
            : radial.Select(r => RadialUnits.ToTwoTheta(unit, r, wavelength) * 180 / Math.PI).ToArray();
        for (var i = 1; i < twoTheta.Length; i++)
        {
            if (!(twoTheta[i] > twoTheta[i - 1]))
            {
                throw new PipelineConfigException($"{pipeline.Source}: integration.unit {RadialUnits.Name(unit)} does not give an ascending 2θ grid; fit in 2th_deg or q.");
            }
        }

        try
        {
            var instrument = fit.Fit.InstrumentFunction ? BuildInstrumentFunction(new PixelGeometry(integration.Poni), integration.Integrator.Matrix, pipeline, twoTheta) : null;
            return new RunFitter(FitSession.Create(fit, twoTheta, wavelength * 1e10, instrument: instrument), radial.Length, channels.InFlight(options.IntegrationWorkers), statistics);
        }
        catch (FitConfigurationException e)
        {
            throw new PipelineConfigException(e.Message, e);
        }
    }

    /// <summary>
    /// The instrument function the fitter convolves with every reflection: each bin's response through the integration
    /// matrix (its pixels, their footprints from this geometry's pixel corners, the matrix's weights) over the fit range,
    /// and, for information, the same ring by ring as boxes (docs/instrument-profile.md).
    /// </summary>
    private static InstrumentFunction BuildInstrumentFunction(PixelGeometry geometry, IntegrationMatrix matrix, PipelineConfig pipeline, double[] twoTheta)
    {
        var settings = pipeline.Fit.Fit;
        var min = Math.Max(settings.RangeMin - 1, twoTheta[0]);
        var max = Math.Min(settings.RangeMax + 1, twoTheta[^1]);
        var footprints = RadialFootprints.Compute(geometry, min, max, 64, geometry.Detector.CreateStaticMask());
        var thickness = settings.SampleThickness_mm ?? Term(pipeline.Fit.Instrument, "sampleThickness_mm");
        var attenuation = settings.SampleAttenuation_per_mm ?? Term(pipeline.Fit.Instrument, "sampleAttenuation_per_mm");
        var bins = BinResponses.Compute(matrix, geometry, twoTheta, settings.RangeMin - 0.05, settings.RangeMax + 0.05, thickness, attenuation);
        return new InstrumentFunction
        {
            Bins = new BinResponse { Grid = bins.Grid, First = bins.First, Offsets = bins.Offsets, Taps = bins.Taps, IncludesParallax = true },
            TwoTheta = footprints.TwoThetaDeg,
            Boxes = footprints.PixelBoxes,
            SplitBoxes = footprints.SplitBoxes(pipeline.Integration.Split),
            DensitySlope = footprints.DensitySlope,
            Distance_mm = geometry.Poni.Distance * 1e3,
            SampleThickness_mm = thickness,
            Attenuation_per_mm = attenuation,
        };
    }

    // An instrument.json term (0 when there is no file or no such term).
    private static double Term(InstrumentProfile? instrument, string name) =>
        instrument is not null && instrument.Terms.TryGetValue(name, out var value) ? value : 0;

    /// <summary>Fits one integrated frame (when it has a pattern); the frame and its pattern are handed on as they are.</summary>
    public FittedFrame Fit(IntegratedFrame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var (fit, curve) = frame.Error is null && frame.Pattern is { } p ? Fit(frame.Index, p.Intensity, p.Sigma) : (null, null);
        return new FittedFrame(frame, fit, curve);
    }

    /// <summary>
    /// Fits one pattern: the fit's summary (no parameter vector: memory must not grow with one per frame) and the
    /// frame's curve record from <see cref="Curves"/>, or null when the fit failed.
    /// </summary>
    public (FrameFit Fit, double[]? Curve) Fit(int index, ReadOnlySpan<double> intensity, ReadOnlySpan<double> sigma)
    {
        var started = Stopwatch.GetTimestamp();
        var fit = Fitter.Fit(index, intensity, sigma, _inRange);
        if (Emergence?.Observe(Fitter, index, fit, intensity, sigma, _inRange) is { } joining)
        {
            // Auto-add: the phase just named joins the model, and this frame is fitted again with it, so that its
            // row is the first with the phase's columns filled. The resume replay passes here too, so a resumed run
            // adds it at the same frame.
            Fitter = Fitter.WithPhase(joining, Emergence.Events[^1].Strain, intensity, sigma);
            fit = Fitter.Fit(index, intensity, sigma, _inRange);
        }

        _statistics.Fitted(Stopwatch.GetTimestamp() - started);
        double[]? curve = null;
        if (fit is { Status: not FrameStatus.Failed, Values.Length: > 0 })
        {
            curve = Curves.Rent();
            Array.Fill(curve, double.NaN, 0, Layout.Npt);
            _inRange.CopyTo(curve.AsSpan(Layout.Offset));
            var model = Fitter.Model;
            // The spool's record holds the ticks of the phases the run started with (its layout is fixed); a phase
            // that joined later is in the curve, not in the ticks.
            for (var k = 0; k < Layout.Phases.Count; k++)
            {
                model.PeakPositions(k, fit.Values).CopyTo(curve.AsSpan(Layout.TickStart(k)));
            }
        }

        return (fit with { Values = [], Esd = [], ParameterNames = [] }, curve);
    }
}
