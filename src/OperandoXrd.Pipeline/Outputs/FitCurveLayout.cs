using OperandoXrd.Fitting.Model;

namespace OperandoXrd.Pipeline.Outputs;

/// <summary>
/// One frame's record in the curve spool: the fitted curve on the run's full radial grid (NaN outside the fit range),
/// then each phase's reflection positions. The fit stage fills a record, the spool writes and reads it back.
/// </summary>
public sealed class FitCurveLayout
{
    private readonly int[] _tickCounts;

    /// <param name="npt">Points of the run's full radial grid.</param>
    /// <param name="offset">Index in the full grid of the fit range's first point (the grids may be in different units: q against 2θ).</param>
    /// <param name="phases">Phase names and how many reflections (peak groups) each has: fixed over a run.</param>
    public FitCurveLayout(int npt, int offset, IReadOnlyList<(string Name, int Ticks)> phases)
    {
        ArgumentNullException.ThrowIfNull(phases);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(npt);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        Npt = npt;
        Offset = offset;
        Phases = phases.Select(p => p.Name).ToArray();
        _tickCounts = phases.Select(p => p.Ticks).ToArray();
        RecordLength = npt + _tickCounts.Sum();
    }

    /// <summary>The layout of a fitter's model placed at <paramref name="offset"/> in a grid of <paramref name="npt"/> points.</summary>
    public static FitCurveLayout Of(WholePatternModel model, int npt, int offset)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(offset + model.PointCount, npt, nameof(offset));
        return new FitCurveLayout(npt, offset, Enumerable.Range(0, model.PhaseCount).Select(k => (model.Phase(k).Name, model.PeakGroups(k).Count)).ToList());
    }

    public int Npt { get; }

    public int Offset { get; }

    public IReadOnlyList<string> Phases { get; }

    /// <summary>Doubles per record: <see cref="Npt"/> + Σ reflections.</summary>
    public int RecordLength { get; }

    public int TickCount(int phase) => _tickCounts[phase];

    /// <summary>Where phase <paramref name="phase"/>'s reflection positions start in a record.</summary>
    public int TickStart(int phase)
    {
        var at = Npt;
        for (var k = 0; k < phase; k++)
        {
            at += _tickCounts[k];
        }

        return at;
    }
}
