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
public sealed partial class SequentialFitter
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

    /// <summary>The fit section this fitter follows (mode, gates, esd convention ...).</summary>
    public FitSettings Settings => _settings;

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

    /// <summary>
    /// As <see cref="Fit(int, ReadOnlySpan{double}, ReadOnlySpan{double})"/>, and writes the fitted curve on the fit
    /// range (<see cref="WholePatternModel.PointCount"/> points) into <paramref name="calculated"/> unless the frame
    /// failed: the model as the optimizer's last step evaluated it, not a second evaluation.
    /// </summary>
    public FrameFit Fit(int frame, ReadOnlySpan<double> y, ReadOnlySpan<double> sigma, Span<double> calculated)
    {
        if (calculated.Length != _count)
        {
            throw new ArgumentException($"the calculated curve has {calculated.Length} points, the fit range {_count}.", nameof(calculated));
        }

        var fit = Fit(frame, y, sigma);
        if (fit.Status != FrameStatus.Failed)
        {
            Calculated(fit.Values, calculated);
        }

        return fit;
    }

    // Ok and gated frames end on the last fit of one of the two optimizers, which left the model at those values behind.
    private void Calculated(ReadOnlySpan<double> values, Span<double> curve)
    {
        if (_lm.LastValues.SequenceEqual(values))
        {
            _lm.LastModel.CopyTo(curve);
        }
        else if (_referenceLm.LastValues.SequenceEqual(values))
        {
            _referenceLm.LastModel.CopyTo(curve);
        }
        else
        {
            _model.Evaluate(values, curve, null);
        }
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

    private double[] Weights()
    {
        var w = _weights;
        for (var i = 0; i < _count; i++)
        {
            w[i] = _sigma[i] > 0 && double.IsFinite(_sigma[i]) && double.IsFinite(_y[i]) ? 1 / (_sigma[i] * _sigma[i]) : 0;
        }

        return w;
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
}
