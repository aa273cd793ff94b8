using System.Globalization;
using OperandoXrd.Fitting.Configuration;
using OperandoXrd.Fitting.Model;
using OperandoXrd.Fitting.Optimization;
using OperandoXrd.Fitting.Parameters;

namespace OperandoXrd.Fitting.Sequential;

/// <summary>
/// Fits frame after frame. The first frame fitted (or <see cref="FitSettings.ReferenceFrame"/>) is the reference:
/// there the reflection intensities are determined (Pawley: refined; Le Bail: partitioned) together with the
/// widths, and then held. Each later frame starts from the previous frame if that one passed the quality gate,
/// else from the last frame that did, else from the reference; a failed attempt is retried once from the
/// reference; nothing a frame does stops the run.
/// </summary>
/// <remarks>
/// Per frame (Pawley) only what the pipeline's refine lists free is refined — scales, cell terms, chosen widths,
/// zero, background, PEEK scale — which keeps the normal matrix at ~25 parameters. The held intensities are
/// re-partitioned (one Le Bail step, about one model evaluation) after every <see cref="FitSettings.RepartitionEvery"/>-th
/// good frame (default every one), so that they follow intensity changes without ever being free per frame.
/// Not thread-safe; one instance per sequence.
/// </remarks>
public sealed class SequentialFitter
{
    private readonly WholePatternModel _model;
    private readonly FitSettings _settings;
    private readonly LevenbergMarquardt _lm;
    private readonly LevenbergMarquardt _referenceLm;
    private readonly int _offset;
    private readonly int _count;
    private readonly bool[] _excluded;
    private readonly double[] _y;
    private readonly double[] _sigma;
    private readonly double[] _weights;
    private readonly bool[] _frameFree;
    private readonly bool[] _referenceFree;
    private double[]? _reference;
    private double _referenceGoF = double.NaN;
    private double[]? _lastGood;
    private double[]? _previous;
    private bool _previousGood;
    private int _goodSinceRepartition;

    /// <param name="model">Model on the fit-range grid.</param>
    /// <param name="settings">Fit section of the pipeline.</param>
    /// <param name="offset">Index in the full pattern of the model's first point.</param>
    /// <param name="fullLength">Number of points of a full pattern as passed to <see cref="Fit"/>.</param>
    public SequentialFitter(WholePatternModel model, FitSettings settings, int offset, int fullLength)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(settings);
        _model = model;
        _settings = settings;
        _offset = offset;
        _count = model.PointCount;
        FullLength = fullLength;
        if (offset < 0 || offset + _count > fullLength)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), "the model's grid does not lie inside the full pattern");
        }

        _lm = new LevenbergMarquardt(new LevenbergMarquardtOptions { MaxIterations = settings.MaxIterations });
        // The reference refines hundreds of parameters (Pawley intensities) from CIF start values: give it room.
        _referenceLm = new LevenbergMarquardt(new LevenbergMarquardtOptions { MaxIterations = Math.Max(300, settings.MaxIterations) });
        _excluded = new bool[_count];
        var x = model.X;
        for (var i = 0; i < _count; i++)
        {
            foreach (var (min, max) in settings.Exclude)
            {
                _excluded[i] |= x[i] >= min && x[i] <= max;
            }
        }

        _y = new double[_count];
        _sigma = new double[_count];
        _weights = new double[_count];
        _frameFree = FreeMask(reference: false);
        _referenceFree = FreeMask(reference: true);
    }

    public WholePatternModel Model => _model;

    public int FullLength { get; }

    /// <summary>Index in the full pattern of the model's first point (where the fit range starts).</summary>
    public int Offset => _offset;

    /// <summary>The reference frame's parameters once it has been fitted.</summary>
    public ReadOnlySpan<double> ReferenceValues => _reference;

    public bool HasReference => _reference is not null;

    /// <summary>
    /// Fits one frame given as a full pattern (<see cref="FullLength"/> points, the grid the fitter was built for).
    /// The first call fits the reference. Never throws for a bad frame: the status says what happened.
    /// </summary>
    /// <exception cref="ArgumentException">The arrays do not have <see cref="FullLength"/> points (a caller bug).</exception>
    public FrameFit Fit(int frame, ReadOnlySpan<double> y, ReadOnlySpan<double> sigma)
    {
        if (y.Length != FullLength || sigma.Length != FullLength)
        {
            throw new ArgumentException($"frame {frame}: {y.Length} intensities and {sigma.Length} σ, expected {FullLength} points.");
        }

        var masked = Load(y, sigma);
        return _reference is null ? FitReference(frame, masked) : FitFrame(frame, masked);
    }

    /// <summary>Fits frames in the configured order (forward or reverse) and returns results in frame order.</summary>
    public IReadOnlyList<FrameFit> FitAll(IReadOnlyList<(int Frame, double[] Y, double[] Sigma)> frames, Action<FrameFit>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(frames);
        var order = Enumerable.Range(0, frames.Count).ToList();
        if (_settings.Order == FitOrder.Reverse)
        {
            order.Reverse();
        }

        if (_settings.ReferenceFrame is int wanted && _reference is null)
        {
            var at = order.FindIndex(i => frames[i].Frame == wanted);
            if (at < 0)
            {
                throw new FitConfigurationException($"fit.referenceFrame {wanted} is not among the frames to fit.");
            }

            // The reference goes first; the sequence then runs in the chosen order from there, wrapping round.
            order = [.. order.Skip(at), .. order.Take(at)];
        }

        var results = new FrameFit[frames.Count];
        foreach (var i in order)
        {
            var (frame, y, sigma) = frames[i];
            results[i] = Fit(frame, y, sigma);
            progress?.Invoke(results[i]);
        }

        return results;
    }

    private int Load(ReadOnlySpan<double> y, ReadOnlySpan<double> sigma)
    {
        y.Slice(_offset, _count).CopyTo(_y);
        sigma.Slice(_offset, _count).CopyTo(_sigma);
        var masked = 0;
        for (var i = 0; i < _count; i++)
        {
            if (_excluded[i])
            {
                _sigma[i] = double.PositiveInfinity;
            }
        }

        // Zingers: one point far above both neighbours. A Bragg peak is sampled by several points per FWHM, so
        // its top never stands 10σ and 50 % above both neighbours at once; a cosmic or a hot pixel does.
        for (var i = 1; i < _count - 1; i++)
        {
            var neighbours = Math.Max(_y[i - 1], _y[i + 1]);
            var s = _sigma[i];
            if (double.IsFinite(s) && s > 0 && _y[i] - neighbours > 10 * s && _y[i] > 1.5 * Math.Max(neighbours, 0) + 10 * s)
            {
                _sigma[i] = double.PositiveInfinity;
                masked++;
            }
        }

        return masked;
    }

    private bool[] FreeMask(bool reference)
    {
        var parameters = _model.Parameters;
        var free = new bool[parameters.Count];
        var refine = _settings.Refine;
        free[_model.ZeroIndex] = refine.Contains("zero");
        free[_model.DisplacementIndex] = refine.Contains("displacement");
        for (var k = 0; k < _model.ChebyshevTerms; k++)
        {
            free[_model.BackgroundIndex(k)] = refine.Contains("background") || reference;
        }

        if (_model.PeekScaleIndex >= 0)
        {
            free[_model.PeekScaleIndex] = refine.Contains("peekScale") || reference;
            free[_model.PeekShiftIndex] = refine.Contains("peekShift");
        }

        for (var p = 0; p < _model.PhaseCount; p++)
        {
            var phase = _model.Phase(p);
            var pawleyReference = reference && _settings.Mode != FitMode.Rietveld;
            // On a Pawley reference the intensities carry the scale; refining both would be degenerate.
            free[_model.ScaleIndex(p)] = !pawleyReference && (phase.RefineScale || reference);
            foreach (var j in phase.RefinedCellTerms)
            {
                free[_model.CellIndex(p) + j] = true;
            }

            // The reference also fixes the widths the frames hold: U, W, X, Y for every phase (floored at zero, so
            // they cannot trade off into a negative H_G²), whatever the per-frame refine list says.
            var widths = reference ? phase.RefinedWidths.Union(["U", "W", "X", "Y"]) : phase.RefinedWidths;
            foreach (var w in widths)
            {
                free[_model.WidthIndex(p) + "UVWXYZ".IndexOf(w[0], StringComparison.Ordinal)] = true;
            }

            if (pawleyReference && _settings.Mode == FitMode.Pawley)
            {
                var first = _model.IntensityIndex(p);
                for (var g = 0; g < _model.PeakGroups(p).Count; g++)
                {
                    free[first + g] = true;
                }
            }
        }

        return free;
    }

    private void ApplyFree(ReadOnlySpan<bool> free, Func<int, bool>? also = null, Func<int, bool>? except = null)
    {
        var parameters = _model.Parameters;
        for (var j = 0; j < parameters.Count; j++)
        {
            parameters.SetFree(j, (free[j] || (also?.Invoke(j) ?? false)) && !(except?.Invoke(j) ?? false));
        }
    }

    private bool IsIntensity(int j)
    {
        for (var p = 0; p < _model.PhaseCount; p++)
        {
            var first = _model.IntensityIndex(p);
            if (first >= 0 && j >= first && j < first + _model.PeakGroups(p).Count)
            {
                return true;
            }
        }

        return false;
    }

    private double[] Weights()
    {
        var w = _weights;
        for (var i = 0; i < _count; i++)
        {
            w[i] = _sigma[i] > 0 && double.IsFinite(_sigma[i]) && double.IsFinite(_y[i]) ? 1 / (_sigma[i] * _sigma[i]) : 0;
        }

        return w;
    }

    private FrameFit FitReference(int frame, int masked)
    {
        var parameters = _model.Parameters;
        var weights = Weights();
        var iterations = 0;
        var intensities = Enumerable.Range(0, parameters.Count).Where(IsIntensity).ToHashSet();

        // 1. Background and PEEK under the peaks with no phase intensity: a floor to partition against.
        var saved = parameters.Values.ToArray();
        for (var p = 0; p < _model.PhaseCount; p++)
        {
            parameters[_model.ScaleIndex(p)] = 0;
        }

        ApplyFree(_referenceFree, except: j => !IsBackgroundOrPeek(j));
        iterations += _referenceLm.Fit(_model, _y, _sigma, parameters).Iterations;
        for (var p = 0; p < _model.PhaseCount; p++)
        {
            parameters[_model.ScaleIndex(p)] = saved[_model.ScaleIndex(p)];
        }

        LeastSquaresResult result;
        if (_settings.Mode == FitMode.Rietveld)
        {
            // Structure intensities: scales first (linear), then everything the reference refines.
            InitialiseRietveldScales(weights);
            ApplyFree(_referenceFree, except: j => !(IsBackgroundOrPeek(j) || IsScale(j)));
            iterations += _referenceLm.Fit(_model, _y, _sigma, parameters).Iterations;
            iterations += CoarseToFine(weights, partition: false, scales: true);
            ApplyFree(_referenceFree);
            result = _referenceLm.Fit(_model, _y, _sigma, parameters);
            iterations += result.Iterations;
        }
        else
        {
            // 2. Start intensities: from the structure when the CIFs have atoms — then the cell can be pulled in
            //    coarse-to-fine against a realistic pattern, with the phase scales free, before any partition (a
            //    partition against a misplaced cell only makes the wrong cell self-consistent). Without atoms:
            //    equal intensities and partitioning all along.
            var values = parameters.Values;
            var fromStructure = _model.HasStructureIntensities;
            if (fromStructure)
            {
                InitialiseRietveldScales(weights);
                iterations += CoarseToFine(weights, partition: false, scales: true);
                FoldScalesIntoIntensities();
            }
            else
            {
                for (var g = 0; g < values.Length; g++)
                {
                    if (intensities.Contains(g))
                    {
                        values[g] = 1;
                    }
                }

                iterations += CoarseToFine(weights, partition: true, scales: false);
                // Reflections centred outside the range were not partitioned (nothing measures them): no intensity
                // until they come in, when a per-frame partition seeds them.
                for (var g = 0; g < values.Length; g++)
                {
                    if (intensities.Contains(g) && !IntensityInRange(g))
                    {
                        values[g] = 0;
                    }
                }
            }

            // 3. Le Bail cycles: partition intensities, then refine cell, widths, zero and background against them.
            for (var cycle = 0; cycle < 4; cycle++)
            {
                _model.PartitionIntensities(parameters.Values, _y, weights);
                ApplyFree(_referenceFree, except: j => intensities.Contains(j));
                iterations += _referenceLm.Fit(_model, _y, _sigma, parameters).Iterations;
            }

            _model.PartitionIntensities(parameters.Values, _y, weights);
            // 4. Pawley: intensities become parameters (refined with everything else); Le Bail keeps the partition.
            //    Only those of reflections centred inside the fit range: the others are seen through a far tail at
            //    most, and a free intensity there runs away (see WholePatternModel.PeakInRange). They are held (at
            //    the structure-based start, or zero) until they come into range and a partition picks them up.
            ApplyFree(_referenceFree, except: j => IsIntensity(j) && !IntensityInRange(j));
            result = _referenceLm.Fit(_model, _y, _sigma, parameters);
            iterations += result.Iterations;
            if (_settings.Mode == FitMode.LeBail)
            {
                _model.PartitionIntensities(parameters.Values, _y, weights);
                result = _referenceLm.Fit(_model, _y, _sigma, parameters);
                iterations += result.Iterations;
            }
        }

        var failure = FailureReason(result);
        if (failure is not null)
        {
            // Without a reference nothing can be linked; report and try again with the next frame.
            parameters.CopyValuesFrom(saved);
            return Report(frame, result, FrameStatus.Failed, $"reference fit failed: {failure}", iterations, "reference", false, masked);
        }

        _reference = parameters.Values.ToArray();
        _referenceGoF = result.GoF;
        _lastGood = _reference;
        _previous = _reference;
        _previousGood = true;
        ApplyFree(_frameFree);
        // The per-frame covariance is the one that matters for esds; re-fit the reference with the per-frame
        // parameter set so that its esds are comparable with every other frame's.
        var frameResult = _referenceLm.Fit(_model, _y, _sigma, parameters);
        iterations += frameResult.Iterations;
        failure = FailureReason(frameResult);
        if (failure is not null)
        {
            // The per-frame parameter set is what every later frame refines: if it is not determined here, it is
            // not a reference to link from.
            _reference = _lastGood = _previous = null;
            _referenceGoF = double.NaN;
            parameters.CopyValuesFrom(saved);
            return Report(frame, frameResult, FrameStatus.Failed, $"reference fit failed (per-frame parameters): {failure}", iterations, "reference", false, masked);
        }

        _reference = parameters.Values.ToArray();
        _lastGood = _reference;
        _previous = _reference;
        return Report(frame, frameResult, FrameStatus.Ok, Join(Undetermined(frameResult), masked), iterations, "reference", false, masked);
    }

    // Whether intensity parameter j belongs to a peak group centred inside the fit range at the current values.
    private bool IntensityInRange(int j)
    {
        var values = _model.Parameters.Values;
        for (var p = 0; p < _model.PhaseCount; p++)
        {
            var first = _model.IntensityIndex(p);
            if (first >= 0 && j >= first && j < first + _model.PeakGroups(p).Count)
            {
                return _model.PeakInRange(p, j - first, values);
            }
        }

        return false;
    }

    /// <summary>
    /// With the CIF cell a per cent or two away from the reference frame's, high-angle peaks sit several FWHM from
    /// where the model puts them and a local fit cannot reach them. So the cell (with zero, scales, background) is
    /// first refined against the pattern with every profile broadened to a Gaussian of 0.25° and then 0.08° FWHM,
    /// which widens the basin of attraction; the real widths come back afterwards.
    /// </summary>
    private int CoarseToFine(double[] weights, bool partition, bool scales)
    {
        var parameters = _model.Parameters;
        var saved = parameters.Values.ToArray();
        var iterations = 0;
        foreach (var fwhm in new[] { 0.25, 0.08 })
        {
            for (var p = 0; p < _model.PhaseCount; p++)
            {
                var w = _model.WidthIndex(p);
                for (var t = 0; t < 6; t++)
                {
                    parameters[w + t] = t == 2 ? Math.Max(saved[w + 2], fwhm * fwhm) : 0;
                }
            }

            ApplyFree(_referenceFree, also: j => scales && IsScale(j), except: j => IsIntensity(j) || IsWidth(j));
            for (var cycle = 0; cycle < (partition ? 3 : 1); cycle++)
            {
                if (partition)
                {
                    _model.PartitionIntensities(parameters.Values, _y, weights);
                }

                iterations += _referenceLm.Fit(_model, _y, _sigma, parameters).Iterations;
            }
        }

        for (var p = 0; p < _model.PhaseCount; p++)
        {
            var w = _model.WidthIndex(p);
            for (var t = 0; t < 6; t++)
            {
                parameters[w + t] = saved[w + t];
            }
        }

        return iterations;
    }

    // Pawley reference: the intensities carry the scale (which stays 1 and is not refined there).
    private void FoldScalesIntoIntensities()
    {
        var parameters = _model.Parameters;
        for (var p = 0; p < _model.PhaseCount; p++)
        {
            var s = _model.ScaleIndex(p);
            var first = _model.IntensityIndex(p);
            for (var g = 0; g < _model.PeakGroups(p).Count; g++)
            {
                parameters[first + g] *= parameters[s];
            }

            parameters[s] = 1;
        }
    }

    private bool IsWidth(int j)
    {
        for (var p = 0; p < _model.PhaseCount; p++)
        {
            if (j >= _model.WidthIndex(p) && j < _model.WidthIndex(p) + 6)
            {
                return true;
            }
        }

        return false;
    }

    private bool IsBackgroundOrPeek(int j) =>
        (j >= _model.BackgroundIndex(0) && j < _model.BackgroundIndex(0) + _model.ChebyshevTerms) || j == _model.PeekScaleIndex;

    private bool IsScale(int j)
    {
        for (var p = 0; p < _model.PhaseCount; p++)
        {
            if (j == _model.ScaleIndex(p))
            {
                return true;
            }
        }

        return false;
    }

    // Linear least-squares estimate of each phase scale on the background-subtracted pattern, ignoring overlap.
    private void InitialiseRietveldScales(double[] weights)
    {
        var parameters = _model.Parameters;
        var nonPhase = new double[_count];
        var phase = new double[_count];
        _model.EvaluateNonPhase(parameters.Values, nonPhase);
        for (var p = 0; p < _model.PhaseCount; p++)
        {
            var index = _model.ScaleIndex(p);
            parameters[index] = 1;
            _model.EvaluatePhase(p, parameters.Values, phase);
            double num = 0, den = 0;
            for (var i = 0; i < _count; i++)
            {
                num += weights[i] * phase[i] * (_y[i] - nonPhase[i]);
                den += weights[i] * phase[i] * phase[i];
            }

            parameters[index] = den > 0 ? Math.Max(num / den / _model.PhaseCount, 1e-12) : 1;
        }
    }

    private FrameFit FitFrame(int frame, int masked)
    {
        var parameters = _model.Parameters;
        string startedFrom;
        double[] start;
        if (_settings.CarryOver == CarryOver.Reference)
        {
            start = _reference!;
            startedFrom = "reference";
        }
        else if (_previousGood && _previous is not null)
        {
            start = _previous;
            startedFrom = "previous";
        }
        else
        {
            start = _lastGood ?? _reference!;
            startedFrom = ReferenceEquals(start, _reference) ? "reference" : "last-good";
        }

        ApplyFree(_frameFree);
        parameters.CopyValuesFrom(start);
        var result = FitOnce();
        var iterations = result.Iterations;
        var failure = FailureReason(result);
        var retried = false;
        if (failure is not null && !ReferenceEquals(start, _reference))
        {
            retried = true;
            parameters.CopyValuesFrom(_reference);
            var retry = FitOnce();
            iterations += retry.Iterations;
            var retryFailure = FailureReason(retry);
            if (retryFailure is null || (retry.GoF < result.GoF))
            {
                result = retry;
                failure = retryFailure is null ? null : $"{failure}; retry from reference: {retryFailure}";
                start = _reference!;
                startedFrom = "reference-retry";
            }
            else
            {
                failure = $"{failure}; retry from reference: {retryFailure}";
            }
        }

        if (failure is not null)
        {
            _previousGood = false;
            return Report(frame, result, FrameStatus.Failed, Join(failure, masked), iterations, startedFrom, retried, masked);
        }

        var gate = GateReason(result, start);
        _previous = parameters.Values.ToArray();
        _previousGood = gate is null;
        if (gate is null)
        {
            _lastGood = _previous;
            if (_settings.RepartitionEvery > 0 && _settings.Mode == FitMode.Pawley && ++_goodSinceRepartition >= _settings.RepartitionEvery)
            {
                _goodSinceRepartition = 0;
                _model.PartitionIntensities(parameters.Values, _y, Weights());
                _lastGood = _previous = parameters.Values.ToArray();
            }
        }

        return Report(frame, result, gate is null ? FrameStatus.Ok : FrameStatus.Gated, Join(Join(gate ?? "", Undetermined(result)), masked), iterations, startedFrom, retried, masked);
    }

    private LeastSquaresResult FitOnce()
    {
        var parameters = _model.Parameters;
        var result = _lm.Fit(_model, _y, _sigma, parameters);
        if (_settings.Mode == FitMode.LeBail && FailureReason(result) is null)
        {
            var weights = Weights();
            var iterations = result.Iterations;
            for (var cycle = 0; cycle < 2; cycle++)
            {
                _model.PartitionIntensities(parameters.Values, _y, weights);
                result = _lm.Fit(_model, _y, _sigma, parameters);
                iterations += result.Iterations;
            }

            return new LeastSquaresResult
            {
                Values = result.Values, Covariance = result.Covariance, FreePosition = result.FreePosition, ParameterCount = result.ParameterCount, ChiSquared = result.ChiSquared,
                Points = result.Points, FreeParameters = result.FreeParameters, Iterations = iterations, Converged = result.Converged,
                Message = result.Message, Rwp = result.Rwp, Rexp = result.Rexp, GoF = result.GoF, AtBounds = result.AtBounds, Undetermined = result.Undetermined,
            };
        }

        return result;
    }

    private string? FailureReason(LeastSquaresResult result)
    {
        if (!double.IsFinite(result.ChiSquared))
        {
            return "diverged (χ² not finite)";
        }

        if (!result.Converged)
        {
            return $"did not converge ({result.Message})";
        }

        var parameters = _model.Parameters;
        foreach (var j in result.AtBounds)
        {
            // Positivity floors of widths, intensities and the PEEK scale are physics, not failure; a cell term or a
            // phase scale on its bound means the fit ran away (or the phase vanished).
            var name = parameters.Name(j);
            if (IsScale(j) || IsCellTerm(j) || j == _model.ZeroIndex || j == _model.DisplacementIndex)
            {
                return string.Create(CultureInfo.InvariantCulture, $"{name} hit its bound ({result.Values[j]:G6})");
            }
        }

        // A cell term, phase scale, zero or displacement the data do not determine makes the frame's numbers
        // meaningless; an undetermined width, background term, PEEK term or intensity does not (it is noted).
        var critical = result.Undetermined.Where(IsCritical).Select(parameters.Name).ToList();
        if (critical.Count > 0)
        {
            return $"{string.Join(", ", critical)} {(critical.Count == 1 ? "is" : "are")} undetermined (singular normal matrix)";
        }

        return null;
    }

    private bool IsCritical(int j) => IsScale(j) || IsCellTerm(j) || j == _model.ZeroIndex || j == _model.DisplacementIndex;

    // The parameters that are free but undetermined without making the frame fail (widths, background, ...).
    private string Undetermined(LeastSquaresResult result)
    {
        if (result.Undetermined.Length == 0)
        {
            return "";
        }

        var parameters = _model.Parameters;
        var names = result.Undetermined.Where(j => !IsCritical(j)).Select(parameters.Name).ToList();
        return names.Count == 0 ? "" : $"{string.Join(", ", names)} undetermined (no esd)";
    }

    private bool IsCellTerm(int j)
    {
        for (var p = 0; p < _model.PhaseCount; p++)
        {
            if (j >= _model.CellIndex(p) && j < _model.CellIndex(p) + _model.CellTermCount(p))
            {
                return true;
            }
        }

        return false;
    }

    private string? GateReason(LeastSquaresResult result, double[] start)
    {
        if (double.IsFinite(_referenceGoF) && result.GoF > _settings.MaxGoFRatio * _referenceGoF)
        {
            return string.Create(CultureInfo.InvariantCulture, $"GoF {result.GoF:F2} exceeds {_settings.MaxGoFRatio:G3} × reference {_referenceGoF:F2}");
        }

        var parameters = _model.Parameters;
        for (var p = 0; p < _model.PhaseCount; p++)
        {
            for (var j = 0; j < _model.CellTermCount(p); j++)
            {
                var index = _model.CellIndex(p) + j;
                var before = start[index];
                var change = Math.Abs(result.Values[index] - before) / Math.Max(Math.Abs(before), 1e-12);
                if (change > _settings.MaxRelativeCellChange)
                {
                    return string.Create(CultureInfo.InvariantCulture, $"{parameters.Name(index)} changed by {change:P2} (limit {_settings.MaxRelativeCellChange:P2})");
                }
            }

            var s = _model.ScaleIndex(p);
            if (parameters.IsFree(s) && start[s] > 0)
            {
                var ratio = result.Values[s] / start[s];
                if (ratio < 0.5 || ratio > 2)
                {
                    return string.Create(CultureInfo.InvariantCulture, $"{parameters.Name(s)} changed by a factor {ratio:G3}");
                }
            }
        }

        return null;
    }

    private static string Masked(int masked) => string.Create(CultureInfo.InvariantCulture, $"{masked} zinger point{(masked == 1 ? "" : "s")} masked");

    private static string Join(string reason, int masked) =>
        masked == 0 ? reason : reason.Length == 0 ? Masked(masked) : $"{reason}; {Masked(masked)}";

    private static string Join(string first, string second) =>
        first.Length == 0 ? second : second.Length == 0 ? first : $"{first}; {second}";

    private FrameFit Report(int frame, LeastSquaresResult result, FrameStatus status, string reason, int iterations, string startedFrom, bool retried, int masked)
    {
        var parameters = _model.Parameters;
        var n = parameters.Count;
        var esd = new double[n];
        for (var j = 0; j < n; j++)
        {
            esd[j] = result.Esd(j);
        }

        var phases = new List<PhaseFit>();
        for (var p = 0; p < _model.PhaseCount; p++)
        {
            var phase = _model.Phase(p);
            var first = _model.CellIndex(p);
            var count = _model.CellTermCount(p);
            var cell = CellDerivation.FromIndependentA(phase.LatticeSystem, result.Values.AsSpan(first, count), (i, j) => result.CovarianceOf(first + i, first + j));
            var s = _model.ScaleIndex(p);
            phases.Add(new PhaseFit(phase.Name, cell, result.Values[s], esd[s]));
        }

        var peek = _model.PeekScaleIndex;
        return new FrameFit
        {
            Frame = frame,
            Status = status,
            Reason = reason,
            Iterations = iterations,
            StartedFrom = startedFrom,
            Retried = retried,
            MaskedPoints = masked,
            Rwp = result.Rwp,
            Rexp = result.Rexp,
            GoF = result.GoF,
            Phases = phases,
            PeekScale = peek >= 0 ? result.Values[peek] : double.NaN,
            PeekScaleEsd = peek >= 0 ? esd[peek] : double.NaN,
            Zero = result.Values[_model.ZeroIndex],
            ZeroEsd = esd[_model.ZeroIndex],
            Values = result.Values,
            Esd = esd,
            ParameterNames = parameters.Names.ToArray(),
        };
    }
}
