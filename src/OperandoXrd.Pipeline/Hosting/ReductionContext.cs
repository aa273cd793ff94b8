using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OperandoXrd.Core.Geometry;
using OperandoXrd.Core.Integration;
using OperandoXrd.Electrochem.Logs;
using OperandoXrd.Electrochem.Sync;
using OperandoXrd.Fitting.Configuration;
using OperandoXrd.Fitting.Sequential;
using OperandoXrd.Pipeline.Checkpoints;
using OperandoXrd.Pipeline.Configuration;
using OperandoXrd.Pipeline.Outputs;
using OperandoXrd.Pipeline.Stages;

namespace OperandoXrd.Pipeline.Hosting;

/// <summary>
/// What the stages share: geometry and integrator (the sparse matrix built once), the sequential fitter, the voltage
/// log, the channels between the stages, the journal and the rows done so far. Built before the first frame so that
/// every configuration error is reported before any work starts.
/// </summary>
public sealed class ReductionContext : IDisposable
{
    private readonly ILogger _log;
    private readonly List<string> _missingFiles = [];

    public ReductionContext(IOptions<ReduceOptions> options, ILogger<ReductionContext> log, IReductionObserver? observer = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options.Value;
        Pipeline = Options.Pipeline!;
        _log = log;
        Observer = observer;
        var capacity = Options.ChannelCapacity;
        // Two channels plus the frames in the workers' hands: the backlog that builds up during the reference fit.
        Statistics.SteadyAfter = 2 * capacity + 8;
        Frames = Channel.CreateBounded<RawFrame>(new BoundedChannelOptions(capacity) { SingleWriter = true, FullMode = BoundedChannelFullMode.Wait });
        Patterns = Channel.CreateBounded<IntegratedFrame>(new BoundedChannelOptions(capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        OutputFolder = Path.GetFullPath(Options.OutputFolder!);
        StateFolder = Path.Combine(OutputFolder, ".oxrd");
    }

    public ReduceOptions Options { get; }

    public PipelineConfig Pipeline { get; }

    public IReductionObserver? Observer { get; }

    public Channel<RawFrame> Frames { get; }

    public Channel<IntegratedFrame> Patterns { get; }

    public RunStatistics Statistics { get; } = new();

    public string OutputFolder { get; }

    public string StateFolder { get; }

    public string JournalPath => Path.Combine(StateFolder, "journal.bin");

    public string CheckpointPath => Path.Combine(StateFolder, "checkpoint.json");

    public Poni Poni { get; private set; } = null!;

    public string PoniText { get; private set; } = "";

    public AzimuthalIntegrator Integrator { get; private set; } = null!;

    public double[] Radial { get; private set; } = [];

    public SequentialFitter Fitter { get; private set; } = null!;

    public VoltageLog? VoltageLog { get; private set; }

    /// <summary>The emergence detector and emergence.csv (null when the pipeline turns it off).</summary>
    public Emergence.EmergenceWatch? Emergence { get; private set; }

    public ResultsJournal Journal { get; private set; } = null!;

    /// <summary>Every frame's fitted curve and ticks, in row order, for reduced.h5 and the figures.</summary>
    public FitCurveSpool Curves { get; private set; } = null!;

    /// <summary>Pixel buffers for raw frames (source → integrator).</summary>
    public FrameBufferPool FrameBuffers { get; private set; } = null!;

    /// <summary>Rows done, in frame order (small: no patterns; those live in the journal).</summary>
    public List<FrameRow> Rows { get; } = [];

    /// <summary>The first frame the source must read (after a resume, the first not in the journal).</summary>
    public int FirstFrame { get; private set; }

    /// <summary>Files missing from the input series, as the source reported them (for the summary).</summary>
    public IReadOnlyList<string> MissingFiles
    {
        get
        {
            lock (_missingFiles)
            {
                return [.. _missingFiles];
            }
        }
    }

    public void ReportMissingFile(string description)
    {
        lock (_missingFiles)
        {
            _missingFiles.Add(description);
        }
    }

    /// <summary>Set by the sink when the run is over.</summary>
    public TaskCompletionSource<RunSummary> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string InputsKey => string.Join('|', Options.Inputs.Select(Path.GetFullPath));

    public void Prepare()
    {
        var poniPath = Options.PoniPath!;
        Poni = Poni.Load(poniPath);
        PoniText = File.ReadAllText(poniPath);
        var geometry = new PixelGeometry(Poni);
        var integration = Pipeline.Integration;
        Integrator = AzimuthalIntegrator.Create(geometry, integration.ToOptions(Options.MaskImage), Options.MatrixCacheFolder);
        Radial = Integrator.Radial.ToArray();
        // Two channels, the frames in the workers' hands and one being read.
        FrameBuffers = new FrameBufferPool(Poni.Detector.Rows * Poni.Detector.Columns, (2 * Options.ChannelCapacity) + Options.IntegrationWorkers + 2);
        _log.LogInformation("integrator: {Npt} bins in {Unit}, {Split} splitting, matrix {How} in {Seconds:F2} s",
            Integrator.Npt, RadialUnits.Name(integration.Unit), PixelSplits.Name(integration.Split), Integrator.LoadedFromCache ? "loaded from cache" : "built", Integrator.BuildTime.TotalSeconds);

        Fitter = CreateFitter();
        if (Options.EchemPath is { } echem)
        {
            VoltageLog = File.Exists(echem) || !Options.Follow
                ? VoltageLog.Open(echem, new VoltageLogOptions { Format = Pipeline.Echem.Format, AllowEmpty = Options.Follow })
                : null;
            if (VoltageLog is not null)
            {
                foreach (var warning in VoltageLog.Warnings.Take(10))
                {
                    _log.LogWarning("voltage log: {Warning}", warning.ToString());
                }
            }
        }

        Directory.CreateDirectory(StateFolder);
        Emergence = Pipeline.Emergence.Enabled
            ? new Emergence.EmergenceWatch(Pipeline.Emergence, Pipeline, Fitter, Poni.Wavelength * 1e10, OutputFolder, _log, e => Observer?.OnEmergence(e))
            : null;
        Curves = new FitCurveSpool(Path.Combine(StateFolder, "curves.bin"), Fitter.Model, Radial.Length, Fitter.Offset);
        var checkpoint = Options.Resume ? Checkpoint.Load(CheckpointPath) : null;
        if (checkpoint is not null && (checkpoint.Npt != Radial.Length || !string.Equals(checkpoint.InputsKey, InputsKey, StringComparison.Ordinal)))
        {
            throw new PipelineConfigException($"{CheckpointPath}: the checkpoint belongs to another run (inputs or bins differ); remove {StateFolder} or drop --resume.");
        }

        if (Options.Resume && checkpoint is null)
        {
            _log.LogInformation("resume: no checkpoint in {Folder}, starting from the first frame", StateFolder);
        }

        if (checkpoint is not null)
        {
            // Replay: the fitter's state after frame n depends on every frame before it, so it is rebuilt by fitting
            // the journal's patterns again — deterministic, and far cheaper than reading and integrating them.
            foreach (var record in ResultsJournal.Read(JournalPath, checkpoint.JournalBytes).Take(checkpoint.FramesDone))
            {
                Rows.Add(CompleteFrame(record.Index, record.Timing, record.Error, record.Intensity, record.Sigma, out _));
            }

            _log.LogInformation("resume: {Frames} frames restored from the journal, continuing at frame {Next}", Rows.Count, Rows.Count);
            Journal = ResultsJournal.Open(JournalPath, Radial.Length, checkpoint.JournalBytes);
        }
        else
        {
            Journal = ResultsJournal.Open(JournalPath, Radial.Length, null);
        }

        FirstFrame = Rows.Count;
    }

    private SequentialFitter CreateFitter()
    {
        var fit = Pipeline.Fit;
        if (Options.PeekPath is { } peek)
        {
            fit = new FitConfiguration { Phases = fit.Phases, Fit = fit.Fit with { PeekModel = peek } };
        }

        var twoTheta = Pipeline.Integration.Unit == RadialUnit.TwoThetaDeg
            ? Radial
            : Radial.Select(r => RadialUnits.ToTwoTheta(Pipeline.Integration.Unit, r, Poni.Wavelength) * 180 / Math.PI).ToArray();
        for (var i = 1; i < twoTheta.Length; i++)
        {
            if (!(twoTheta[i] > twoTheta[i - 1]))
            {
                throw new PipelineConfigException($"{Pipeline.Source}: integration.unit {RadialUnits.Name(Pipeline.Integration.Unit)} does not give an ascending 2θ grid; fit in 2th_deg or q.");
            }
        }

        try
        {
            return FitSession.Create(fit, twoTheta, Poni.Wavelength * 1e10);
        }
        catch (FitConfigurationException e)
        {
            throw new PipelineConfigException(e.Message, e);
        }
    }

    /// <summary>Fits one integrated frame (when it has a pattern) and synchronises it with the voltage log.</summary>
    public FrameRow CompleteFrame(int index, Core.Frames.FrameTiming timing, string? error, double[]? intensity, double[]? sigma, out double[]? calculated)
    {
        calculated = null;
        FrameFit? fit = null;
        if (error is null && intensity is not null && sigma is not null)
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            fit = Fitter.Fit(index, intensity, sigma);
            Statistics.Fitted(System.Diagnostics.Stopwatch.GetTimestamp() - started);
        }

        // The curve and ticks go to the spool; the row keeps the fit's summary only, so memory does not grow with a
        // parameter vector per frame.
        calculated = OutputWriteException.Guard(Curves.Path, () => Curves.Append(fit));
        Emergence?.Observe(index, fit, intensity, sigma, calculated);
        return new FrameRow(index, timing, error, fit is null ? null : fit with { Values = [], Esd = [], ParameterNames = [] }, Echem(timing));
    }

    private EchemValues Echem(Core.Frames.FrameTiming timing)
    {
        if (VoltageLog is null)
        {
            return EchemValues.None;
        }

        var e = Pipeline.Echem;
        var sync = EchemSynchronizer.Synchronize(VoltageLog, [timing.StartUnixSeconds], [timing.ExposureSeconds], new EchemSyncOptions
        {
            ClockOffsetSeconds = e.ClockOffset_s,
            ActiveMass_mg = e.ActiveMass_mg,
            TheoreticalCapacity_mAh_g = e.TheoreticalCapacity_mAh_g,
            X0 = e.X0,
        });
        return new EchemValues(sync.VoltageV[0], sync.CurrentmA[0], sync.CapacitymAhG[0], sync.XLi[0], sync.Status[0].Name());
    }

    public void Dispose()
    {
        Journal?.Dispose();
        Curves?.Dispose();
        Integrator?.Dispose();
    }
}
