using Microsoft.Extensions.Logging;
using OperandoXrd.Core.IO;
using OperandoXrd.Fitting.Configuration;
using OperandoXrd.Fitting.Emergence;
using OperandoXrd.Fitting.Model;
using OperandoXrd.Fitting.Sequential;
using OperandoXrd.Pipeline.Configuration;
using OperandoXrd.Pipeline.Hosting;
using OperandoXrd.Pipeline.Outputs;
using OperandoXrd.Pipeline.Stages;

namespace OperandoXrd.Pipeline.Emergence;

/// <summary>
/// The run's emergence detector (issue 17): runs right after each frame's fit, on the fit stage's thread (the
/// <see cref="RunFitter"/> calls it, also in the resume replay), and owns
/// <c>&lt;out&gt;/emergence.csv</c>. The file is written (header only) when the run starts and rewritten atomically,
/// whole, at every event — it holds one short row per event, so rewriting is cheaper than any append protocol and a
/// reader never sees half a row. The detector is built at the first fitted frame (it takes its expected peak width from
/// the fitted profiles); a resumed run replays the journal through the fitter and so through the detector, and ends with
/// the same events.
/// </summary>
public sealed class EmergenceWatch
{
    private readonly EmergenceSection _section;
    private readonly int _offset;
    private readonly bool _autoAdd;
    private readonly double _wavelength;
    private readonly ILogger _log;
    private readonly string _path;
    private readonly Action<EmergenceEvent>? _notify;
    private EmergenceDetector? _detector;
    private PhaseMatcher? _matcher;

    /// <param name="section">The pipeline's emergence section.</param>
    /// <param name="pipeline">Phases already in the model (left out of the library).</param>
    /// <param name="fitter">The run's fitter (its model's grid and profiles).</param>
    /// <param name="wavelength">Å.</param>
    /// <param name="outputFolder">Where emergence.csv goes.</param>
    /// <param name="log">Events are logged as they happen.</param>
    /// <param name="notify">Called for each event (the viewer).</param>
    /// <param name="autoAdd">Whether a named phase joins the model (<see cref="Observe"/> then returns it).</param>
    public EmergenceWatch(EmergenceSection section, PipelineConfig pipeline, SequentialFitter fitter, double wavelength, string outputFolder, ILogger log, Action<EmergenceEvent>? notify = null, bool autoAdd = false)
    {
        ArgumentNullException.ThrowIfNull(section);
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(fitter);
        _section = section;
        _offset = fitter.Offset;
        _autoAdd = autoAdd;
        _wavelength = wavelength;
        _log = log;
        _notify = notify;
        _path = Path.Combine(outputFolder, FileName);
        var x = fitter.Model.X;
        var skipped = new List<string>();
        var library = PhaseLibrary.Load(section.Library, section.Candidates, [.. pipeline.Fit.Phases.Select(p => (p.Name, p.Cif))], wavelength, x[0], x[^1], skipped);
        foreach (var line in skipped)
        {
            log.LogDebug("emergence: {Line}", line);
        }

        _matcher = new PhaseMatcher(library, wavelength, x[0], x[^1], section.Options);
        log.LogInformation("emergence: watching the residual for new phases; library of {Count} phases ({Names}){AutoAdd}", library.Count, string.Join(", ", library.Select(p => p.Name)),
            autoAdd ? "; a named phase joins the fit (auto-add)" : "");
        Write();
    }

    public const string FileName = "emergence.csv";

    /// <summary>
    /// The run's watch, attached to the run's fitter when the pipeline's emergence section is enabled (null otherwise:
    /// no detector, no emergence.csv).
    /// </summary>
    public static EmergenceWatch? Attach(ReduceOptions options, RunFolders folders, RunFitter fitter, double wavelength, IReductionObserver? observer, ILogger log)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(folders);
        ArgumentNullException.ThrowIfNull(fitter);
        var pipeline = options.Pipeline!;
        if (!pipeline.Emergence.Enabled)
        {
            log.LogInformation("emergence: detector off (pipeline emergence.enabled = false)");
            return null;
        }

        Directory.CreateDirectory(folders.Output);
        var watch = new EmergenceWatch(pipeline.Emergence, pipeline, fitter.Fitter, wavelength, folders.Output, log, observer is null ? null : observer.OnEmergence,
            options.AutoAdd || pipeline.Emergence.AutoAdd);
        fitter.Emergence = watch;
        return watch;
    }

    public string FilePath => _path;

    public IReadOnlyList<EmergenceEvent> Events => _detector?.Events ?? [];

    /// <summary>
    /// Looks at one frame after its fit by <paramref name="fitter"/> (before the fit's parameter vector is dropped): the
    /// full pattern and σ, and the fitted curve on the fit range. Frames without a usable fit are skipped. With
    /// auto-add, returns the phase a new event names, ready to join the model (refined: scale and cell); otherwise null.
    /// Unindexed events never join (there is no structure to add).
    /// </summary>
    public PhaseDefinition? Observe(SequentialFitter fitter, int frame, FrameFit fit, ReadOnlySpan<double> intensity, ReadOnlySpan<double> sigma, ReadOnlySpan<double> calculated)
    {
        ArgumentNullException.ThrowIfNull(fitter);
        ArgumentNullException.ThrowIfNull(fit);
        if (fit.Status == FrameStatus.Failed || fit.Values.Length == 0)
        {
            return null;
        }

        var model = fitter.Model;
        _detector ??= new EmergenceDetector(model.X, _wavelength, EmergenceSetup.TypicalFwhm(model, fit.Values), _matcher, _section.Options);
        var count = model.PointCount;
        var e = _detector.Observe(frame, intensity.Slice(_offset, count), calculated[..count], sigma.Slice(_offset, count), fit.Zero);
        if (e is null)
        {
            return null;
        }

        _log.LogWarning("emergence: {Event}", EmergenceDetector.Describe(e));
        Write();
        _notify?.Invoke(e);
        return _autoAdd ? Joining(e, model) : null;
    }

    private PhaseDefinition? Joining(EmergenceEvent e, WholePatternModel model)
    {
        if (!e.IsIndexed)
        {
            return null;
        }

        if (Enumerable.Range(0, model.PhaseCount).Any(p => string.Equals(model.Phase(p).Name, e.Phase, StringComparison.Ordinal)))
        {
            _log.LogInformation("emergence: {Phase} is in the model already", e.Phase);
            return null;
        }

        if (e.Cif is null)
        {
            _log.LogWarning("emergence: {Phase} has no CIF to add to the model from", e.Phase);
            return null;
        }

        try
        {
            var phase = PhaseDefinition.Load(new PhaseConfiguration(e.Phase, e.Cif, ["scale", "cell"]));
            _log.LogWarning("emergence: {Phase} joins the fit from frame {Frame} (scale and cell refined, intensities from {Cif})", e.Phase, e.DetectedFrame, e.Cif);
            return phase;
        }
        catch (FitConfigurationException x)
        {
            _log.LogWarning("emergence: {Phase} cannot join the fit: {Message}", e.Phase, x.Message);
            return null;
        }
    }

    private void Write() => OutputWriteException.Guard(_path, () => AtomicFile.WriteAllText(_path, EmergenceCsv.Format(Events)));
}
