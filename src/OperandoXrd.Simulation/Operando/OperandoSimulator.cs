using System.Globalization;
using System.Text;
using System.Text.Json;
using OperandoXrd.Core.Frames;
using OperandoXrd.Core.Geometry;
using OperandoXrd.Core.IO;
using OperandoXrd.Crystallography.Cells;
using OperandoXrd.Crystallography.Cif;
using OperandoXrd.Crystallography.Patterns;
using OperandoXrd.Crystallography.Phases;
using OperandoXrd.Electrochem.Model;
using OperandoXrd.Hdf5.Writers;
using OperandoXrd.Simulation.Rendering;
using OperandoXrd.Simulation.Truth;

namespace OperandoXrd.Simulation.Operando;

/// <summary>Where a simulated run put its files.</summary>
public sealed record SimulatedRun(
    string Folder,
    string PoniPath,
    string ScanFolder,
    IReadOnlyList<string> FrameFiles,
    string EmptyCellFile,
    string VoltageLogPath,
    string TruthPath,
    string PipelinePath,
    int Frames,
    string CalibrantFile);

/// <summary>One row of truth.csv: what the simulated cell really was during a frame.</summary>
public sealed record FrameTruth(
    int Frame,
    double StartUnix_s,
    double Exposure_s,
    double MidTimeFromLogStart_s,
    double XLi,
    double Ewe_V,
    double Current_mA,
    double NcaA,
    double NcaC,
    double LpsclA,
    double LicA,
    double LicB,
    double LicC,
    double LicBeta,
    double PeekScale);

/// <summary>
/// A BM31-like operando run with known truth: a galvanostatic first cycle of NCA | LPSCl | Li-In in a PEEK cell on
/// Pilatus2M (or Pilatus300K), written as LIMA files (bitshuffle-LZ4 by default) with <c>time_of_frame</c>, an
/// empty-cell file, a BioLogic .mpt log on its own clock, truth.csv and a pipeline config that reduces it all.
/// </summary>
public sealed class OperandoSimulator
{
    /// <summary>Sampling step of the 1D model. Peaks are ≥ 0.02° wide, so 0.0005° keeps its piecewise-linear form
    /// within 0.05 % of the true profile at the top of the sharpest peak.</summary>
    private const double ModelStepDeg = 0.0005;

    private static readonly string[] s_phases = ["NCA", "LPSCl", "LIC"];

    private readonly SimulationOptions _options;
    private readonly Poni _poni;
    private readonly PixelGeometry _geometry;
    private readonly PatternModel _model = new();
    private readonly PatternCalculator _calculator;
    private readonly RadialProfileTable _table;
    private readonly double[] _fixedPart;
    private readonly double[] _phasePart;
    private readonly PeekHousing _peek;
    private readonly Dictionary<string, PhaseModel> _phaseModels = new(StringComparer.Ordinal);
    private readonly CrystalPhase _nca;
    private readonly List<(EmergingPhase Spec, PhaseModel Model, double FullScale, double PeakTwoTheta)> _emerging = [];

    public OperandoSimulator(SimulationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Frames <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Frames, "the number of frames must be positive");
        }

        if (options.FramesPerFile <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.FramesPerFile, "frames per file must be positive");
        }

        _options = options;
        var detector = Detector.FromName(options.Detector);
        _poni = BeamlineDefaults.Geometry(detector);
        _geometry = new PixelGeometry(_poni);

        // The model must cover every pixel's footprint, to the far corner of the detector.
        var corners = _geometry.RadialCorners(Core.Geometry.RadialUnit.TwoThetaDeg);
        var maxTth = corners.Max() + 0.2;
        var count = (int)Math.Ceiling(maxTth / ModelStepDeg) + 1;
        _table = new RadialProfileTable(0, ModelStepDeg, count);
        var grid = new double[count];
        for (var i = 0; i < count; i++)
        {
            grid[i] = Math.Max(_table.X(i), 1e-4);
        }

        var patternGrid = new PatternGrid(grid, RadialUnit.TwoThetaDeg, BeamlineDefaults.WavelengthAngstrom);
        _calculator = new PatternCalculator(patternGrid);
        var dMin = Crystallography.Reflections.Bragg.DFromTwoTheta(maxTth, BeamlineDefaults.WavelengthAngstrom) * 0.98;

        foreach (var name in s_phases)
        {
            var phase = CifPhaseReader.ReadFile(Path.Combine(options.PhaseFolder, name + ".cif"), name);
            var model = new PhaseModel(phase, dMin, BeamlineDefaults.Profile(name));
            _phaseModels[name] = model;
            _model.Phases.Add(model);
        }

        _nca = _phaseModels["NCA"].Phase;
        _peek = PeekHousing.Load(Path.Combine(options.PhaseFolder, "PEEK.json"));
        _phasePart = new double[count];
        _fixedPart = new double[count];
        CalibrateScales();
        foreach (var spec in options.Emerging)
        {
            AddEmerging(spec, dMin, grid);
        }

        for (var i = 0; i < count; i++)
        {
            _fixedPart[i] = BeamlineDefaults.Background(grid[i]);
        }

        _peek.AddTo(grid, _fixedPart, BeamlineDefaults.WavelengthAngstrom, BeamlineDefaults.PeekPeakCounts);
    }

    public Poni Poni => _poni;

    public PixelGeometry Geometry => _geometry;

    /// <summary>The 1D model on its fine 2θ grid after the last <see cref="ModelFrame"/> call.</summary>
    public RadialProfileTable Model => _table;

    /// <summary>Writes the whole run. <paramref name="progress"/> gets the number of frames written so far.</summary>
    public SimulatedRun Run(Action<int>? progress = null)
    {
        var o = _options;
        var folder = Path.GetFullPath(o.OutputFolder);
        var scanFolder = Path.Combine(folder, "scan");
        var emptyFolder = Path.Combine(folder, "empty_cell");
        var echemFolder = Path.Combine(folder, "echem");
        Directory.CreateDirectory(scanFolder);
        Directory.CreateDirectory(emptyFolder);
        Directory.CreateDirectory(echemFolder);

        var poniPath = Path.Combine(folder, "geometry.poni");
        _poni.Save(poniPath);

        // The potentiostat starts first, on its own clock; the detector a couple of minutes later.
        var cell = new GalvanostaticFirstCycle(new GalvanostaticProtocol { CRate = o.CRate });
        var logStart = new DateTimeOffset(2024, 3, 14, 8, 0, 0, TimeSpan.Zero);
        const double detectorDelay_s = 150;
        var period = (cell.Duration_s - detectorDelay_s - 60) / o.Frames;
        var exposure = Math.Min(o.ExposureTime_s, 0.8 * period);
        var detectorStart = logStart.AddSeconds(detectorDelay_s);
        var mptPath = Path.Combine(echemFolder, "cell.mpt");
        BioLogicMptWriter.Write(mptPath, cell, 10.0, new MptWriterOptions { AcquisitionStart = logStart, SourceName = "bm31_operando_nca.mpr" });

        var detector = _poni.Detector;
        var renderer = new FrameRenderer(DetectorFootprints.Create(_geometry, BeamlineDefaults.PolarizationFactor), BadPixelPositions(detector, o.BadPixels, o.Seed), o.Sample);
        var counts = new int[detector.Rows * detector.Columns];
        var writerOptions = new FrameWriterOptions
        {
            Compression = o.Compression,
            StartTime = detectorStart,
            ExposureTime = exposure,
            LatencyTime = period - exposure,
            DetectorName = detector.Name.ToLowerInvariant(),
            InstrumentName = "bm31",
        };

        var truth = new List<FrameTruth>(o.Frames);
        var frameFiles = new List<string>();
        using (var writer = new LimaSeriesWriter(scanFolder, "operando", detector.Rows, detector.Columns, o.Frames, o.FramesPerFile, writerOptions))
        {
            for (var k = 0; k < writer.FileCount; k++)
            {
                frameFiles.Add(writer.FilePath(k));
            }

            for (var i = 0; i < o.Frames; i++)
            {
                var start = detectorDelay_s + i * period;
                var state = cell.StateAt(start + 0.5 * exposure);
                var frameTruth = ModelFrame(i, state, start + 0.5 * exposure, logStart.ToUnixTimeMilliseconds() / 1000.0 + start, exposure);
                renderer.Render(_table, i, o.Seed, o.PoissonNoise, counts);
                writer.WriteFrame(i, counts, new FrameTiming(frameTruth.StartUnix_s, exposure));
                truth.Add(frameTruth);
                progress?.Invoke(i + 1);
            }
        }

        var emptyPath = Path.Combine(emptyFolder, "empty_cell_0000.h5");
        ModelEmptyCell();
        using (var empty = new LimaFileWriter(emptyPath, detector.Rows, detector.Columns, o.EmptyCellFrames, writerOptions with { StartTime = logStart.AddSeconds(-3600) }))
        {
            for (var i = 0; i < o.EmptyCellFrames; i++)
            {
                renderer.Render(_table, 1_000_000 + i, o.Seed, o.PoissonNoise, counts);
                empty.WriteFrame(i, counts, new FrameTiming(logStart.AddSeconds(-3600 + i * period).ToUnixTimeMilliseconds() / 1000.0, exposure));
            }
        }

        // The calibrant measured before the cell: LaB6 in the same geometry, one frame, at the instrument's own width.
        var calibrantPath = Path.Combine(folder, "calibrant.h5");
        ModelCalibrant();
        using (var calibrant = new LimaFileWriter(calibrantPath, detector.Rows, detector.Columns, 1, writerOptions with { StartTime = logStart.AddSeconds(-7200) }))
        {
            renderer.Render(_table, 2_000_000, o.Seed, o.PoissonNoise, counts);
            calibrant.WriteFrame(0, counts, new FrameTiming(logStart.AddSeconds(-7200).ToUnixTimeMilliseconds() / 1000.0, exposure));
        }

        var truthPath = Path.Combine(folder, "truth.csv");
        WriteTruth(truthPath, truth);
        if (_emerging.Count > 0)
        {
            WriteEmergenceTruth(Path.Combine(folder, EmergenceTruthFile), o.Frames);
        }

        var pipelinePath = Path.Combine(folder, "pipeline.json");
        WritePipeline(pipelinePath, folder, o);
        return new SimulatedRun(folder, poniPath, scanFolder, frameFiles, emptyPath, mptPath, truthPath, pipelinePath, o.Frames, calibrantPath);
    }

    /// <summary>Fills <see cref="Model"/> with the 1D pattern of the cell in <paramref name="state"/> and returns its truth.</summary>
    public FrameTruth ModelFrame(int frame, CellState state, double midTime_s, double startUnix_s, double exposure_s)
    {
        var x = state.XLi;
        var a = NcaLatticeModel.A(x);
        var c = NcaLatticeModel.C(x);
        _phaseModels["NCA"].SetCell(_nca.Cell with { A = a, B = a, C = c });
        foreach (var (spec, model, full, _) in _emerging)
        {
            model.Scale = full * spec.StrengthAt(frame / (double)_options.Frames);
        }

        Array.Clear(_phasePart);
        _calculator.Calculate(_model, _phasePart);
        // The PEEK housing drifts a little as the stack breathes: ±1 % over the run.
        var peekScale = 1 + 0.01 * Math.Sin(midTime_s / 20000);
        var values = _table.Values;
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = _phasePart[i] + peekScale * (_fixedPart[i] - BeamlineDefaults.Background(_table.X(i))) + BeamlineDefaults.Background(_table.X(i));
        }

        _table.Integrate();
        var lpscl = _phaseModels["LPSCl"].CurrentCell();
        var lic = _phaseModels["LIC"].CurrentCell();
        return new FrameTruth(frame, startUnix_s, exposure_s, midTime_s, x, state.Ewe_V, state.Current_mA, a, c,
            lpscl.A, lic.A, lic.B, lic.C, lic.Beta, peekScale);
    }

    /// <summary>The LaB6 calibrant's 1D model: <see cref="BeamlineDefaults.CalibrantProfile"/> widths, the strongest
    /// ring at <see cref="BeamlineDefaults.CalibrantPeakCounts"/> over the air background (no cell, no PEEK).</summary>
    private void ModelCalibrant()
    {
        var model = new PatternModel();
        var lab6 = new PhaseModel(ReferenceMaterials.LaB6, Crystallography.Reflections.Bragg.DFromTwoTheta(_table.X(_table.Values.Length - 1), BeamlineDefaults.WavelengthAngstrom) * 0.98,
            BeamlineDefaults.CalibrantProfile);
        model.Phases.Add(lab6);
        Array.Clear(_phasePart);
        _calculator.Calculate(model, _phasePart);
        var scale = BeamlineDefaults.CalibrantPeakCounts / _phasePart.Max();
        var values = _table.Values;
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = (scale * _phasePart[i]) + BeamlineDefaults.Background(_table.X(i));
        }

        _table.Integrate();
    }

    private void ModelEmptyCell()
    {
        _fixedPart.CopyTo(_table.Values);
        _table.Integrate();
    }

    /// <summary>File beside truth.csv with each emerging phase's strength per frame.</summary>
    public const string EmergenceTruthFile = "emergence_truth.csv";

    private void AddEmerging(EmergingPhase spec, double dMin, double[] grid)
    {
        var path = spec.CifPath(_options.PhaseFolder);
        var phase = CifPhaseReader.ReadFile(path, spec.Name);
        var model = new PhaseModel(phase, dMin, BeamlineDefaults.Profile(spec.Name));
        var single = new PatternModel();
        single.Phases.Add(model);
        model.Scale = 1;
        Array.Clear(_phasePart);
        _calculator.Calculate(single, _phasePart);
        // Its strongest peak inside the simulated pipeline's fit range (2–11°).
        var top = 0;
        for (var i = 1; i < _phasePart.Length; i++)
        {
            top = grid[i] is >= 2 and <= 11 && _phasePart[i] > _phasePart[top] ? i : top;
        }

        if (!(_phasePart[top] > 0))
        {
            throw new InvalidOperationException($"{path}: phase {spec.Name} gives no intensity in the simulated range");
        }

        _emerging.Add((spec, model, BeamlineDefaults.StrongestPeakCounts(spec.Name) / _phasePart[top], grid[top]));
        model.Scale = 0;
        _model.Phases.Add(model);
    }

    // frame, phase, strength (0–1), height of its strongest peak (counts per pixel), where that peak is (2θ degrees).
    private void WriteEmergenceTruth(string path, int frames)
    {
        var sb = new StringBuilder();
        sb.AppendLine("frame,phase,strength,peak_counts,peak_two_theta_deg");
        for (var f = 0; f < frames; f++)
        {
            foreach (var (spec, _, _, tth) in _emerging)
            {
                var strength = spec.StrengthAt(f / (double)frames);
                sb.AppendLine(string.Create(CultureInfo.InvariantCulture,
                    $"{f},{spec.Name},{strength:R},{strength * BeamlineDefaults.StrongestPeakCounts(spec.Name):R},{tth:R}"));
            }
        }

        AtomicFile.WriteAllText(path, sb.ToString());
    }

    /// <summary>Scales each phase so that its strongest peak has the counts a BM31 frame shows.</summary>
    private void CalibrateScales()
    {
        foreach (var phase in _model.Phases)
        {
            var single = new PatternModel();
            single.Phases.Add(phase);
            phase.Scale = 1;
            Array.Clear(_phasePart);
            _calculator.Calculate(single, _phasePart);
            var max = _phasePart.Max();
            if (!(max > 0))
            {
                throw new InvalidOperationException($"phase {phase.Name} gives no intensity in the simulated range");
            }

            phase.Scale = BeamlineDefaults.StrongestPeakCounts(phase.Name) / max;
        }
    }

    private static int[] BadPixelPositions(Detector detector, int count, ulong seed)
    {
        var rng = Xoshiro256.ForStream(seed, 0xBAD, 0);
        var mask = detector.CreateStaticMask();
        var result = new HashSet<int>();
        while (result.Count < count)
        {
            var p = (int)(rng.NextUInt64() % (ulong)mask.Length);
            if (mask[p] == 0)
            {
                result.Add(p);
            }
        }

        return [.. result];
    }

    private static void WriteTruth(string path, IReadOnlyList<FrameTruth> rows)
    {
        var sb = new StringBuilder();
        sb.AppendLine("frame,start_unix_s,exposure_s,mid_time_from_log_start_s,x_Li,Ewe_V,current_mA,NCA_a,NCA_c,LPSCl_a,LIC_a,LIC_b,LIC_c,LIC_beta,PEEK_scale");
        foreach (var r in rows)
        {
            sb.AppendLine(string.Join(',',
                r.Frame.ToString(CultureInfo.InvariantCulture),
                F(r.StartUnix_s), F(r.Exposure_s), F(r.MidTimeFromLogStart_s), F(r.XLi), F(r.Ewe_V), F(r.Current_mA),
                F(r.NcaA), F(r.NcaC), F(r.LpsclA), F(r.LicA), F(r.LicB), F(r.LicC), F(r.LicBeta), F(r.PeekScale)));
        }

        AtomicFile.WriteAllText(path, sb.ToString());

        static string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);
    }

    private static void WritePipeline(string path, string folder, SimulationOptions o)
    {
        var phases = Path.GetFullPath(o.PhaseFolder);
        var config = new
        {
            name = "simulated-bm31-nca-lpscl-lic",
            poni = "geometry.poni",
            mask = (string?)null,
            input = new[] { "scan" },
            integration = new { npt = 3000, unit = "2th_deg", range = new[] { 1.0, 12.0 }, split = "bbox", polarization = BeamlineDefaults.PolarizationFactor },
            background = new { peek = "peek-model.json", chebyshev = 4 },
            phases = new[]
            {
                new { name = "NCA", cif = Path.Combine(phases, "NCA.cif"), refine = new[] { "cell", "scale", "U", "W", "X", "Y" } },
                new { name = "LPSCl", cif = Path.Combine(phases, "LPSCl.cif"), refine = new[] { "cell", "scale", "W" } },
                new { name = "LIC", cif = Path.Combine(phases, "LIC.cif"), refine = new[] { "cell", "scale" } },
            },
            fit = o.Sample.IsPoint
                ? (object)new { mode = "pawley", range = new[] { 2.0, 11.0 }, exclude = Array.Empty<double[]>(), carryOver = "gated", order = "forward" }
                : new
                {
                    mode = "pawley", range = new[] { 2.0, 11.0 }, exclude = Array.Empty<double[]>(), carryOver = "gated", order = "forward",
                    instrumentFunction = true, sampleThickness_mm = o.Sample.Thickness_mm, sampleAttenuation_per_mm = o.Sample.Attenuation_per_mm,
                },
            echem = new { file = "echem/cell.mpt", format = "biologic-mpt", activeMass_mg = 0.84, theoreticalCapacity_mAh_g = 279.0, x0 = 1.0, clockOffset_s = 0.0 },
        };
        _ = folder;
        AtomicFile.WriteAllText(path, JsonSerializer.Serialize(config, s_json));
    }

    private static readonly JsonSerializerOptions s_json = new() { WriteIndented = true };
}
