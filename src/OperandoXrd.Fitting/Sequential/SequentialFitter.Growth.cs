using OperandoXrd.Crystallography.Profiles;
using OperandoXrd.Fitting.Model;

namespace OperandoXrd.Fitting.Sequential;

/// <summary>
/// A phase joining a running sequence (issue 17, <c>--auto-add</c>): the emergence detector has named a library phase
/// growing in the residual, and from that frame on the model carries it.
/// </summary>
public sealed partial class SequentialFitter
{
    /// <summary>
    /// The fitter that continues this sequence with <paramref name="phase"/> appended to the model: the same grid,
    /// settings and instrument, every parameter of the phases already fitted carried over (values, bounds, the
    /// reference, the last good and previous frames: a model's parameters are globals, then phase after phase, so the
    /// old vector is the new one's prefix), and the new phase started from the frame given — its cell the CIF's with
    /// the library match's isotropic strain, its widths those of the model's first phase (the instrument's as far as
    /// the fit knows them; held per frame, as every phase's are unless its refine list names them), its intensities
    /// the CIF's structure intensities (Pawley: held and re-partitioned like the others'), and its scale the linear
    /// least-squares estimate against what the model leaves unexplained in that frame. This fitter is not changed.
    /// </summary>
    /// <param name="phase">The phase (its refine list: what the frames refine, e.g. scale and cell).</param>
    /// <param name="strain">Isotropic strain Δd/d of the library match (d observed = d of the CIF × (1 + strain)).</param>
    /// <param name="y">The frame's full pattern (<see cref="FullLength"/> points).</param>
    /// <param name="sigma">Its σ.</param>
    /// <exception cref="InvalidOperationException">No reference has been fitted yet (nothing to continue).</exception>
    public SequentialFitter WithPhase(PhaseDefinition phase, double strain, ReadOnlySpan<double> y, ReadOnlySpan<double> sigma)
    {
        ArgumentNullException.ThrowIfNull(phase);
        if (_reference is null)
        {
            throw new InvalidOperationException("a phase can join a sequence only after its reference frame");
        }

        var current = (_previous ?? _reference).AsSpan();
        var phases = new List<PhaseDefinition>();
        var profiles = new List<TchParameters>();
        for (var p = 0; p < _model.PhaseCount; p++)
        {
            phases.Add(_model.Phase(p));
            profiles.Add(WidthsOf(p, current));
        }

        phases.Add(phase);
        profiles.Add(WidthsOf(0, current));
        var model = new WholePatternModel(_model.X, phases, profiles, _model.Options);
        var grown = new SequentialFitter(model, _settings, _offset, FullLength);
        var parameters = model.Parameters;
        var old = _model.Parameters;
        var added = _model.PhaseCount;
        for (var j = 0; j < old.Count; j++)
        {
            parameters.SetBounds(j, old.Lower[j], old.Upper[j]);
        }

        // The new phase's widths keep the floors the instrument put under the first phase's (InstrumentProfile.Constrain).
        for (var t = 0; t < 6; t++)
        {
            parameters.SetBounds(model.WidthIndex(added) + t, old.Lower[_model.WidthIndex(0) + t], old.Upper[_model.WidthIndex(0) + t]);
        }

        var start = parameters.Values.ToArray();
        var cellFactor = 1 / ((1 + strain) * (1 + strain));
        for (var j = 0; j < model.CellTermCount(added); j++)
        {
            var index = model.CellIndex(added) + j;
            start[index] *= cellFactor;
            parameters.SetBounds(index, Math.Min(parameters.Lower[index] * cellFactor, start[index]), Math.Max(parameters.Upper[index] * cellFactor, start[index]));
        }

        current.CopyTo(start);
        grown.Load(y, sigma);
        start[model.ScaleIndex(added)] = grown.ScaleEstimate(added, start);
        grown._reference = Extend(_reference, start);
        grown._referenceGoF = _referenceGoF;
        grown._lastGood = _lastGood is null ? null : Extend(_lastGood, start);
        grown._previous = _previous is null ? null : Extend(_previous, start);
        grown._previousGood = _previousGood;
        grown._goodSinceRepartition = _goodSinceRepartition;
        parameters.CopyValuesFrom(start);
        return grown;
    }

    private TchParameters WidthsOf(int phase, ReadOnlySpan<double> values)
    {
        var w = values[_model.WidthIndex(phase)..];
        return new TchParameters(w[0], w[1], w[2], w[3], w[4], w[5]);
    }

    private static double[] Extend(double[] values, double[] start)
    {
        var extended = start.ToArray();
        values.CopyTo(extended, 0);
        return extended;
    }

    // Scale of phase `phase` (at scale 1 in `values` it gives the pattern `shape`) that best explains what the rest of
    // the model leaves in the loaded frame: Σw·shape·(y − rest) / Σw·shape², floored just above zero (a phase the
    // detector saw growing has a positive scale; the frames' fits take it from there).
    private double ScaleEstimate(int phase, double[] values)
    {
        var scale = _model.ScaleIndex(phase);
        values[scale] = 0;
        var rest = new double[_count];
        _model.Evaluate(values, rest, null);
        values[scale] = 1;
        var shape = new double[_count];
        _model.EvaluatePhase(phase, values, shape);
        var weights = Weights();
        double num = 0, den = 0;
        for (var i = 0; i < _count; i++)
        {
            num += weights[i] * shape[i] * (_y[i] - rest[i]);
            den += weights[i] * shape[i] * shape[i];
        }

        return den > 0 && num > 0 ? num / den : 1e-6;
    }
}
