using OperandoXrd.Crystallography.Reflections;

namespace OperandoXrd.Fitting.Emergence;

/// <summary>An observed peak handed to the matcher: position (2θ degrees, zero shift removed) and height above the model.</summary>
/// <param name="Optional">
/// A companion seen at a modelled reflection (the detector's misfit rule keeps it from being tracked): evidence for a
/// phase that predicts a reflection there, and nothing against one that does not (misfit at a strong reflection is in
/// every frame, whatever is growing).
/// </param>
public readonly record struct ObservedPeak(double TwoTheta, double Height, bool Optional = false);

/// <summary>How well one library phase explains a set of peaks.</summary>
/// <param name="Phase">The library phase.</param>
/// <param name="Score">R·C: R the share of the observed height it explains (weighted by how well the heights agree),
/// C the share of its own detectable predicted intensity that is observed.</param>
/// <param name="Strain">The isotropic strain Δd/d of the best match.</param>
/// <param name="Scale">Observed height per unit of relative intensity.</param>
/// <param name="Matched">Which observed peaks (same order as given) lie on a predicted reflection.</param>
public sealed record PhaseMatch(LibraryPhase Phase, double Score, double Strain, double Scale, bool[] Matched)
{
    public int MatchedCount => Matched.Count(m => m);
}

/// <summary>
/// Matches a set of unexplained peaks against the phase library. For each phase and each isotropic strain ε with
/// |ε| ≤ <see cref="EmergenceOptions.MaxStrain"/> (every ε that puts one of its strong reflections on one of the
/// peaks, and ε = 0), reflections are predicted at d(1 + ε); an observed peak is matched if a reflection lies within
/// the tolerance. The figure of merit rewards matched strong reflections and penalises strong predicted ones that
/// are absent:
/// <code>
///   s = Σ h_i P_i / Σ P_i²                         (scale; P_i the predicted intensity on observed peak i)
///   R = Σ_matched h_i √q_i / Σ h_i,  q_i = min(h_i, s P_i) / max(h_i, s P_i)
///   C = Σ_{k detectable, observed} s I_k / Σ_{k detectable} s I_k,  detectable: s I_k ≥ limit(2θ_k)
///   score = R · C
/// </code>
/// where the limit is the height the detector would have seen at that position (its noise threshold, or more under
/// a strong reflection of the model, where a weak peak hides). Allocation only for the result; ~1 ms for 20 phases.
/// </summary>
public sealed class PhaseMatcher
{
    private const double Deg = Math.PI / 180;
    private readonly IReadOnlyList<LibraryPhase> _library;
    private readonly double _wavelength;
    private readonly double _min;
    private readonly double _max;
    private readonly EmergenceOptions _options;
    private readonly int _strongestTried;

    /// <param name="library">The phases to try.</param>
    /// <param name="wavelength">Å.</param>
    /// <param name="twoThetaMin">Low end of the scanned range, degrees.</param>
    /// <param name="twoThetaMax">High end of the scanned range, degrees.</param>
    /// <param name="options">Strain, tolerance, minimum score.</param>
    public PhaseMatcher(IReadOnlyList<LibraryPhase> library, double wavelength, double twoThetaMin, double twoThetaMax, EmergenceOptions options)
    {
        ArgumentNullException.ThrowIfNull(library);
        ArgumentNullException.ThrowIfNull(options);
        _library = library;
        _wavelength = wavelength;
        _min = twoThetaMin;
        _max = twoThetaMax;
        _options = options;
        _strongestTried = 15;
    }

    public IReadOnlyList<LibraryPhase> Library => _library;

    /// <summary>
    /// Every library phase's best match, best first. <paramref name="peaks"/> sorted or not; <paramref name="tolerance"/>
    /// the position tolerance in degrees 2θ; <paramref name="detectionLimit"/> the smallest height (same unit as the
    /// peaks) the detector would report at a 2θ, or null for "the weakest observed peak's height".
    /// </summary>
    public IReadOnlyList<PhaseMatch> Rank(ReadOnlySpan<ObservedPeak> peaks, double tolerance, Func<double, double>? detectionLimit)
    {
        var sorted = peaks.ToArray();
        Array.Sort(sorted, static (a, b) => a.TwoTheta.CompareTo(b.TwoTheta));
        var floor = sorted.Length == 0 ? 0 : sorted.Min(p => p.Height);
        detectionLimit ??= _ => floor;
        var result = new List<PhaseMatch>(_library.Count);
        foreach (var phase in _library)
        {
            result.Add(MatchPhase(phase, sorted, tolerance, detectionLimit, peaks));
        }

        result.Sort(static (a, b) => b.Score != a.Score ? b.Score.CompareTo(a.Score) : Math.Abs(a.Strain).CompareTo(Math.Abs(b.Strain)));
        return result;
    }

    /// <summary>The identified phase, or null if none reaches <see cref="EmergenceOptions.MinScore"/> with <see cref="EmergenceOptions.MinMatchedPeaks"/> peaks.</summary>
    public PhaseMatch? Identify(IReadOnlyList<PhaseMatch> ranking)
    {
        ArgumentNullException.ThrowIfNull(ranking);
        foreach (var m in ranking)
        {
            if (m.Score >= _options.MinScore && m.MatchedCount >= _options.MinMatchedPeaks)
            {
                return m;
            }
        }

        return null;
    }

    private PhaseMatch MatchPhase(LibraryPhase phase, ObservedPeak[] sorted, double tolerance, Func<double, double> limit, ReadOnlySpan<ObservedPeak> original)
    {
        var bestScore = -1.0;
        double bestStrain = 0, bestScale = 0;
        // ε = 0 first, then every ε that puts a strong reflection on an observed peak.
        Evaluate(phase, sorted, 0, tolerance, limit, ref bestScore, ref bestStrain, ref bestScale);
        var tried = Math.Min(_strongestTried, phase.Strongest.Length);
        foreach (var peak in sorted)
        {
            var d = Bragg.DFromTwoTheta(peak.TwoTheta, _wavelength);
            for (var t = 0; t < tried; t++)
            {
                var strain = d / phase.D[phase.Strongest[t]] - 1;
                if (Math.Abs(strain) <= _options.MaxStrain && strain != 0)
                {
                    Evaluate(phase, sorted, strain, tolerance, limit, ref bestScore, ref bestStrain, ref bestScale);
                }
            }
        }

        // The matched flags of the best strain, in the caller's order.
        var matched = new bool[original.Length];
        for (var i = 0; i < original.Length; i++)
        {
            matched[i] = PredictedNear(phase, original[i].TwoTheta, bestStrain, tolerance) > 0;
        }

        return new PhaseMatch(phase, Math.Max(bestScore, 0), bestStrain, bestScale, matched);
    }

    private void Evaluate(LibraryPhase phase, ObservedPeak[] peaks, double strain, double tolerance, Func<double, double> limit,
        ref double bestScore, ref double bestStrain, ref double bestScale)
    {
        // Scale from the matched peaks.
        double num = 0, den = 0, total = 0;
        foreach (var peak in peaks)
        {
            var p = PredictedNear(phase, peak.TwoTheta, strain, tolerance);
            total += peak.Optional && !(p > 0) ? 0 : peak.Height;
            num += peak.Height * p;
            den += p * p;
        }

        if (!(den > 0) || !(total > 0))
        {
            return;
        }

        var scale = num / den;
        var explained = 0.0;
        foreach (var peak in peaks)
        {
            var p = PredictedNear(phase, peak.TwoTheta, strain, tolerance);
            if (p > 0)
            {
                var predicted = scale * p;
                var q = Math.Min(peak.Height, predicted) / Math.Max(peak.Height, predicted);
                explained += peak.Height * Math.Sqrt(q);
            }
        }

        // Detectable predicted reflections: observed ones against all.
        double seen = 0, expected = 0;
        for (var k = 0; k < phase.D.Length; k++)
        {
            var tth = TwoTheta(phase.D[k] * (1 + strain));
            if (!(tth >= _min && tth <= _max))
            {
                continue;
            }

            // A reflection on an observed peak was seen, whatever the limit there says; one that was not counts
            // against the phase only where a peak of its predicted height would have been seen.
            var height = scale * phase.Intensity[k];
            if (ObservedNear(peaks, tth, tolerance))
            {
                seen += height;
                expected += height;
            }
            else if (height >= limit(tth))
            {
                expected += height;
            }
        }

        var score = expected > 0 ? explained / total * (seen / expected) : 0;
        if (score > bestScore + 1e-12 || (Math.Abs(score - bestScore) <= 1e-12 && Math.Abs(strain) < Math.Abs(bestStrain)))
        {
            bestScore = score;
            bestStrain = strain;
            bestScale = scale;
        }
    }

    // Σ relative intensity of the phase's reflections within the tolerance of 2θ (D is descending, so 2θ ascending).
    private double PredictedNear(LibraryPhase phase, double twoTheta, double strain, double tolerance)
    {
        var dLow = DFrom(twoTheta + tolerance) / (1 + strain);
        var dHigh = DFrom(Math.Max(twoTheta - tolerance, 1e-6)) / (1 + strain);
        var d = phase.D;
        // First index with d ≤ dHigh (binary search on the descending array).
        int lo = 0, hi = d.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >> 1;
            if (d[mid] > dHigh)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        var sum = 0.0;
        for (var k = lo; k < d.Length && d[k] >= dLow; k++)
        {
            sum += phase.Intensity[k];
        }

        return sum;
    }

    private static bool ObservedNear(ObservedPeak[] peaks, double twoTheta, double tolerance)
    {
        int lo = 0, hi = peaks.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >> 1;
            if (peaks[mid].TwoTheta < twoTheta - tolerance)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo < peaks.Length && peaks[lo].TwoTheta <= twoTheta + tolerance;
    }

    private double TwoTheta(double d)
    {
        var s = _wavelength / (2 * d);
        return s < 1 ? 2 * Math.Asin(s) / Deg : double.NaN;
    }

    private double DFrom(double twoTheta) => _wavelength / (2 * Math.Sin(twoTheta * Deg / 2));
}
