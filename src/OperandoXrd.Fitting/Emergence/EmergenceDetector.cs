using System.Globalization;
using OperandoXrd.Crystallography.Reflections;

namespace OperandoXrd.Fitting.Emergence;

/// <summary>
/// Watches a sequential fit's residual, frame after frame, for peaks the model does not explain and names the phase
/// they belong to. After each frame's fit, <see cref="Observe"/> takes the observed pattern, the calculated one and σ
/// on the fit-range grid:
/// <list type="number">
/// <item>the <see cref="ResidualScanner"/> finds residual peaks at or above the companion threshold and drops those
///   that are misfit of a modelled reflection (a fraction of the model's own peak next to them);</item>
/// <item>each remaining peak joins the track at its position (within a fraction of a FWHM) or opens one; a track's run
///   counts the consecutive fitted frames in which it reached the threshold;</item>
/// <item>when a track's run reaches the persistence, the peaks present in that frame (the persistent one and its
///   companions) are matched against the library; a phase that explains at least two of them with a score above the
///   minimum is reported; if none does within a few frames, the persistent peaks are reported as unindexed;</item>
/// <item>reported peaks, and every reflection of an identified phase, are claimed: they never report again.</item>
/// </list>
/// A peak that sits on a strong modelled reflection and follows it is misfit and never becomes a track; a new phase
/// grows where the model has (next to) nothing. Frames whose fit failed are not passed in: they neither extend nor
/// break a run. The steady state allocates nothing; a match (a few frames per event) does.
/// </summary>
public sealed class EmergenceDetector
{
    private const int MaxTracks = 64;
    private const int History = 16;
    private readonly ResidualScanner _scanner;
    private readonly PhaseMatcher? _matcher;
    private readonly EmergenceOptions _options;
    private readonly double _wavelength;
    private readonly Track[] _tracks = new Track[MaxTracks];
    private readonly double[] _heights = new double[MaxTracks * History];
    // This frame's peaks at modelled reflections (misfit by the rule): companions for a match, never tracks.
    private readonly ResidualPeak[] _atReflections = new ResidualPeak[MaxTracks];
    private int _atReflectionCount;
    private readonly double[] _limits;
    private readonly double[] _grid;
    private readonly List<double> _claimed = [];
    private readonly List<EmergenceEvent> _events = [];
    private readonly double _tolerance;
    private int _ordinal = -1;
    private int _pendingSince = -1;
    private double _zero;
    private IReadOnlyList<PhaseMatch>? _lastRanking;
    private ResidualPeak[] _lastCompanions = [];
    private bool _bestExplainsPersistent;

    /// <param name="twoTheta">Fit-range grid, degrees, ascending.</param>
    /// <param name="wavelength">Å.</param>
    /// <param name="fwhm">Expected FWHM of a new peak, degrees (the model's typical width mid-range).</param>
    /// <param name="matcher">The phase library, or null to report every set of peaks as unindexed.</param>
    /// <param name="options">Thresholds and persistence.</param>
    public EmergenceDetector(ReadOnlySpan<double> twoTheta, double wavelength, double fwhm, PhaseMatcher? matcher, EmergenceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _wavelength = wavelength;
        _matcher = matcher;
        _scanner = new ResidualScanner(twoTheta, fwhm, options);
        _limits = new double[twoTheta.Length];
        _grid = twoTheta.ToArray();
        _tolerance = options.TrackToleranceFwhm * fwhm;
    }

    public ResidualScanner Scanner => _scanner;

    public EmergenceOptions Options => _options;

    /// <summary>Events so far, in the order they were reported.</summary>
    public IReadOnlyList<EmergenceEvent> Events => _events;

    /// <summary>
    /// Looks at one fitted frame. Returns the event this frame completes, or null. <paramref name="zeroShift"/> is the
    /// fit's zero (degrees; removed from positions before they become d-spacings).
    /// </summary>
    public EmergenceEvent? Observe(int frame, ReadOnlySpan<double> observed, ReadOnlySpan<double> calculated, ReadOnlySpan<double> sigma, double zeroShift = 0)
    {
        _ordinal++;
        _zero = double.IsFinite(zeroShift) ? zeroShift : 0;
        if (!_scanner.Scan(observed, calculated, sigma, _options.CompanionThreshold))
        {
            return null;
        }

        for (var t = 0; t < MaxTracks; t++)
        {
            _tracks[t].Present = false;
        }

        _atReflectionCount = 0;
        foreach (var peak in _scanner.Peaks)
        {
            if (IsClaimed(peak.TwoTheta))
            {
                continue;
            }

            var track = Nearest(peak.TwoTheta);
            var model = track >= 0 ? Math.Min(peak.ModelPeak, _tracks[track].BirthModel) : peak.ModelPeak;
            if (!_scanner.IsMisfit(peak, model))
            {
                Follow(frame, peak, track);
            }
            else if (_atReflectionCount < _atReflections.Length)
            {
                _atReflections[_atReflectionCount++] = peak;
            }
        }

        var triggered = false;
        for (var t = 0; t < MaxTracks; t++)
        {
            ref var track = ref _tracks[t];
            if (!track.Active)
            {
                continue;
            }

            if (!track.Present)
            {
                track.Run = 0;
                track.Seen = 0;
                if (_ordinal - track.LastOrdinal > _options.Persistence)
                {
                    track.Active = false;
                }

                continue;
            }

            triggered |= !track.Claimed && track.Run >= _options.Persistence;
        }

        if (triggered && _pendingSince < 0)
        {
            _pendingSince = _ordinal;
        }

        return _pendingSince >= 0 ? TryReport(frame, calculated) : null;
    }

    // The track not yet updated this frame nearest to a position, within the tracking tolerance; −1 if none.
    private int Nearest(double twoTheta)
    {
        var best = -1;
        var distance = _tolerance;
        for (var t = 0; t < MaxTracks; t++)
        {
            ref var track = ref _tracks[t];
            var dx = Math.Abs(track.Last - twoTheta);
            if (track.Active && !track.Present && dx <= distance)
            {
                best = t;
                distance = dx;
            }
        }

        return best;
    }

    private void Follow(int frame, in ResidualPeak peak, int best)
    {
        if (best < 0)
        {
            best = -1;
            for (var t = 0; t < MaxTracks && best < 0; t++)
            {
                best = _tracks[t].Active ? -1 : t;
            }

            if (best < 0)
            {
                best = Weakest();
            }

            _tracks[best] = new Track { Active = true, RunStart = frame, Position = peak.TwoTheta, Last = peak.TwoTheta, BirthModel = peak.ModelPeak };
        }

        ref var tr = ref _tracks[best];
        var strong = peak.Significance >= _options.Threshold;
        var consecutive = tr.LastOrdinal == _ordinal - 1 && tr.Seen > 0;
        tr.Seen = consecutive ? tr.Seen + 1 : 1;
        if (strong)
        {
            if (tr.Run == 0 || !consecutive)
            {
                tr.Run = 1;
                tr.RunStart = frame;
                tr.WeightSum = 0;
                tr.Position = peak.TwoTheta;
            }
            else
            {
                tr.Run++;
            }
        }
        else
        {
            tr.Run = 0;
        }

        // Position: significance²-weighted mean over the run (the stronger frames say more).
        var w = peak.Significance * peak.Significance;
        tr.Position = tr.WeightSum > 0 ? (tr.Position * tr.WeightSum + peak.TwoTheta * w) / (tr.WeightSum + w) : peak.TwoTheta;
        tr.WeightSum += w;
        tr.Last = peak.TwoTheta;
        tr.LastOrdinal = _ordinal;
        tr.Present = true;
        tr.Index = peak.Index;
        tr.Height = peak.Height;
        tr.Significance = peak.Significance;
        _heights[(best * History) + ((tr.Seen - 1) % History)] = peak.Height;
    }

    private int Weakest()
    {
        var weakest = 0;
        for (var t = 1; t < MaxTracks; t++)
        {
            if (!_tracks[t].Present && (_tracks[weakest].Present || _tracks[t].Significance < _tracks[weakest].Significance))
            {
                weakest = t;
            }
        }

        return weakest;
    }

    private bool IsClaimed(double twoTheta)
    {
        foreach (var c in _claimed)
        {
            if (Math.Abs(c - twoTheta) <= _tolerance)
            {
                return true;
            }
        }

        return false;
    }

    // A persistent peak waits for its phase: match the peaks present now; report the phase, or, once the wait is
    // over, the persistent peaks as unindexed.
    private EmergenceEvent? TryReport(int frame, ReadOnlySpan<double> calculated)
    {
        var present = new List<int>();
        var persistent = new List<int>();
        for (var t = 0; t < MaxTracks; t++)
        {
            if (_tracks[t].Active && _tracks[t].Present && !_tracks[t].Claimed)
            {
                present.Add(t);
                if (_tracks[t].Run >= _options.Persistence)
                {
                    persistent.Add(t);
                }
            }
        }

        if (persistent.Count == 0)
        {
            // The peak went away before it could be named.
            _pendingSince = -1;
            return null;
        }

        var firstFrame = persistent.Min(t => _tracks[t].RunStart);
        PhaseMatch? best = null;
        PhaseMatch? identified = null;
        if (_matcher is not null && _matcher.Library.Count > 0)
        {
            _scanner.DetectionLimits(calculated, _options.CompanionThreshold, _limits);
            var grid = _grid;
            var zero = _zero;
            var limits = _limits;
            // The tracked peaks, and as optional companions this frame's peaks at modelled reflections: a new phase's
            // reflections that fall on (within a few FWHM of) a strong one of the model stay below the misfit fraction
            // of it for many frames (Ni3S4's strongest at 4.91° beside a reflection 4× as high on the Pilatus300K), yet
            // are evidence for the phase a persistent peak elsewhere has started to name.
            var companions = _atReflections.AsSpan(0, _atReflectionCount).ToArray();
            var peaks = present.Select(t => new ObservedPeak(_tracks[t].Position - zero, _tracks[t].Height))
                .Concat(companions.Select(c => new ObservedPeak(c.TwoTheta - zero, c.Height, Optional: true))).ToArray();
            var ranking = _matcher.Rank(peaks, _options.MatchToleranceFwhm * _scanner.Fwhm, tth => Limit(grid, limits, tth + zero));
            best = ranking.Count > 0 ? ranking[0] : null;
            _lastRanking = ranking;
            _lastCompanions = companions;
            // A name must explain a persistent peak: companions alone never name a phase.
            bool ExplainsPersistent(PhaseMatch m) => present.Where((t, i) => m.Matched[i] && _tracks[t].Run >= _options.Persistence).Any();
            identified = _matcher.Identify([.. ranking.Where(ExplainsPersistent)]);
            _bestExplainsPersistent = best is not null && ExplainsPersistent(best);
            if (identified is not null)
            {
                var matched = present.Where((_, i) => identified.Matched[i]).ToList();
                // The phase's peaks may have started at different frames; the event starts with its earliest
                // persistent one (a matched companion that is not persistent yet does not move it).
                var start = matched.Where(t => _tracks[t].Run >= _options.Persistence).Select(t => _tracks[t].RunStart).DefaultIfEmpty(firstFrame).Min();
                ClaimPhase(identified);
                return Report(identified.Phase.Name, identified.Phase.Cif, start, frame, identified.Score, identified.Strain, matched, MatchedCompanions(identified, present.Count, frame));
            }
        }

        if (_ordinal - _pendingSince < _options.IdentifyWithinFrames)
        {
            return null;
        }

        // The wait is over. One peak may still name a phase if that phase explains it well and no other comes close
        // (its other reflections hidden under the model's or below the noise); otherwise the peaks are unindexed.
        if (best is not null && _bestExplainsPersistent && best.Score >= _options.MinScore && _matcher is not null)
        {
            var ranking = _lastRanking!;
            var runnerUp = ranking.Count > 1 ? ranking[1].Score : 0;
            if (runnerUp < 0.5 * best.Score)
            {
                var matched = present.Where((_, i) => best.Matched[i]).ToList();
                ClaimPhase(best);
                return Report(best.Phase.Name, best.Phase.Cif, firstFrame, frame, best.Score, best.Strain, matched, MatchedCompanions(best, present.Count, frame));
            }
        }

        return Report(EmergenceEvent.Unindexed, null, firstFrame, frame, best?.Score ?? 0, 0, persistent, []);
    }

    // The companions at modelled reflections that a match explained (they follow the tracked peaks in its flags).
    private List<UnexplainedPeak> MatchedCompanions(PhaseMatch match, int tracked, int frame)
    {
        var result = new List<UnexplainedPeak>();
        for (var i = 0; i < _lastCompanions.Length; i++)
        {
            if (match.Matched[tracked + i])
            {
                var c = _lastCompanions[i];
                result.Add(new UnexplainedPeak(c.TwoTheta, Bragg.DFromTwoTheta(c.TwoTheta - _zero, _wavelength), _scanner.Width(c.Index), c.Height, c.Significance, 0, frame));
            }
        }

        return result;
    }

    private static double Limit(double[] grid, double[] limits, double twoTheta)
    {
        var i = Array.BinarySearch(grid, twoTheta);
        i = i >= 0 ? i : Math.Clamp(~i, 0, grid.Length - 1);
        return limits[i];
    }

    private void ClaimPhase(PhaseMatch match)
    {
        var phase = match.Phase;
        for (var k = 0; k < phase.D.Length; k++)
        {
            if (phase.Intensity[k] >= 0.005)
            {
                var tth = Bragg.TwoTheta(phase.D[k] * (1 + match.Strain), _wavelength);
                if (!double.IsNaN(tth))
                {
                    _claimed.Add(tth + _zero);
                }
            }
        }
    }

    private EmergenceEvent Report(string phase, string? cif, int firstFrame, int frame, double score, double strain, List<int> tracks, List<UnexplainedPeak> companions)
    {
        var peaks = companions;
        foreach (var t in tracks)
        {
            ref var track = ref _tracks[t];
            track.Claimed = true;
            _claimed.Add(track.Position);
            var d = Bragg.DFromTwoTheta(track.Position - _zero, _wavelength);
            peaks.Add(new UnexplainedPeak(track.Position, d, _scanner.Width(track.Index), track.Height, track.Significance, Trend(t), track.RunStart));
        }

        peaks.Sort(static (a, b) => b.D.CompareTo(a.D));
        _pendingSince = -1;
        var e = new EmergenceEvent(phase, firstFrame, frame, score, strain, peaks, cif);
        _events.Add(e);
        return e;
    }

    // Least-squares slope of the height over the track's present run (its last History frames at most).
    private double Trend(int t)
    {
        var n = Math.Min(_tracks[t].Seen, History);
        if (n < 2)
        {
            return 0;
        }

        double sx = 0, sy = 0, sxx = 0, sxy = 0;
        for (var k = 0; k < n; k++)
        {
            var frameInRun = _tracks[t].Seen - n + k;
            var y = _heights[(t * History) + (frameInRun % History)];
            sx += k;
            sy += y;
            sxx += k * k;
            sxy += k * y;
        }

        return (n * sxy - sx * sy) / (n * sxx - sx * sx);
    }

    /// <summary>One line for the log.</summary>
    public static string Describe(EmergenceEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var peaks = string.Join(", ", e.Peaks.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.D:F4} Å ({p.TwoTheta:F3}°, {p.Significance:F0}σ)")));
        return e.IsIndexed
            ? string.Create(CultureInfo.InvariantCulture, $"new phase {e.Phase} (score {e.Score:F2}, strain {e.Strain:P2}) seen from frame {e.FirstFrame}, reported at frame {e.DetectedFrame}: {peaks}")
            : string.Create(CultureInfo.InvariantCulture, $"unindexed peaks seen from frame {e.FirstFrame}, reported at frame {e.DetectedFrame} (best library score {e.Score:F2}): {peaks}");
    }

    private struct Track
    {
        public bool Active;
        public bool Present;
        public bool Claimed;
        public int Run;
        public int Seen;
        public int RunStart;
        public int LastOrdinal;
        public int Index;
        public double Position;
        public double WeightSum;
        public double Last;
        public double Height;
        public double Significance;
        public double BirthModel;
    }
}
