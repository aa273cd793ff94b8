using OperandoXrd.Electrochem.Logs;

namespace OperandoXrd.Electrochem.Sync;

/// <summary>Where a frame's mid-exposure time falls relative to the voltage log.</summary>
public enum FrameEchemStatus
{
    /// <summary>Inside the log; values interpolated between rows.</summary>
    Ok,
    /// <summary>Before the log's first row; values NaN.</summary>
    BeforeLog,
    /// <summary>After the log's last row (for a live run: not logged yet); values NaN.</summary>
    AfterLog,
    /// <summary>Inside the log but between two rows further apart than <see cref="EchemSyncOptions.MaxGapSeconds"/>; values still interpolated, to be trusted less.</summary>
    Gap,
}

/// <summary>The status words written to tables and HDF5 (<c>ok</c>, <c>before-log</c>, <c>after-log</c>, <c>gap</c>).</summary>
public static class FrameEchemStatusNames
{
    public static string Name(this FrameEchemStatus status) => status switch
    {
        FrameEchemStatus.Ok => "ok",
        FrameEchemStatus.BeforeLog => "before-log",
        FrameEchemStatus.AfterLog => "after-log",
        FrameEchemStatus.Gap => "gap",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };
}

/// <summary>Where the capacity comes from.</summary>
public enum CapacitySource
{
    /// <summary>Trapezoid rule on the current from the log's first row (falls back to the charge column when there is no current).</summary>
    IntegratedCurrent,
    /// <summary>The log's cumulative charge column (EC-Lab (Q-Qo)) relative to its first row (falls back to the current when there is none).</summary>
    ChargeColumn,
}

/// <summary>How frames meet the log. Defaults are the reference experiment's (0.84 mg NCA, 279 mAh/g, x0 = 1; docs/formats.md).</summary>
public sealed record EchemSyncOptions
{
    /// <summary>
    /// Seconds added to the log's clock to put it on the frames' clock: a log row at <c>t</c> s happened at
    /// <c>log start + t + ClockOffsetSeconds</c> in frame time. Positive when the cycler PC's clock is behind.
    /// </summary>
    public double ClockOffsetSeconds { get; init; }

    public CapacitySource CapacitySource { get; init; } = CapacitySource.IntegratedCurrent;

    /// <summary>Active material mass in mg (cathode composite × active fraction).</summary>
    public double ActiveMass_mg { get; init; } = 0.84;

    /// <summary>Capacity for x(Li) 1 → 0 in mAh/g.</summary>
    public double TheoreticalCapacity_mAh_g { get; init; } = 279.0;

    /// <summary>x(Li) at the log's first row.</summary>
    public double X0 { get; init; } = 1.0;

    /// <summary>Rows further apart than this (s) make a gap; frames inside it are marked <see cref="FrameEchemStatus.Gap"/>.</summary>
    public double MaxGapSeconds { get; init; } = 900.0;
}

/// <summary>
/// Electrochemistry at each frame, one array element per frame, ready for <c>lattice.csv</c>'s columns
/// <c>voltage_V, current_mA, capacity_mAh_g, x_Li</c> and <c>/entry/echem</c>. NaN where <see cref="Status"/> says the
/// frame is outside the log or the log lacks the column.
/// </summary>
public sealed record EchemAtFrames(
    double[] LogTimeSeconds,
    double[] VoltageV,
    double[] CurrentmA,
    double[] CapacitymAh,
    double[] CapacitymAhG,
    double[] XLi,
    FrameEchemStatus[] Status,
    CapacitySource CapacitySourceUsed,
    IReadOnlyList<string> Notes);

/// <summary>Electrochemistry at one frame: what <see cref="EchemAtFrames"/> holds for each frame.</summary>
public readonly record struct EchemAtFrame(double LogTimeSeconds, double VoltageV, double CurrentmA, double CapacitymAh, double CapacitymAhG, double XLi, FrameEchemStatus Status)
{
    internal static EchemAtFrame Outside(double logTime, FrameEchemStatus status) =>
        new(logTime, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, status);
}

/// <summary>
/// Maps frames onto a voltage log. Each frame's mid-exposure time goes onto the log's clock (log start + clock
/// offset); the voltage is interpolated linearly there, the current is the time average of the linearly interpolated
/// current over the exposure window, the capacity is integrated from the log's first row.
/// </summary>
public static class EchemSynchronizer
{
    /// <summary>Frames with one exposure time each.</summary>
    public static EchemAtFrames Synchronize(VoltageLog log, ReadOnlySpan<double> frameStartUnixSeconds, ReadOnlySpan<double> exposureSeconds, EchemSyncOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(log);
        if (exposureSeconds.Length != frameStartUnixSeconds.Length)
        {
            throw new ArgumentException($"{frameStartUnixSeconds.Length} frame start times but {exposureSeconds.Length} exposure times.", nameof(exposureSeconds));
        }

        options ??= new EchemSyncOptions();
        Check(log, options);

        var frames = frameStartUnixSeconds.Length;
        var notes = new List<string>();
        var source = CapacitySourceFor(log, options, notes);
        var result = new EchemAtFrames(
            new double[frames], new double[frames], new double[frames], new double[frames], new double[frames], new double[frames],
            new FrameEchemStatus[frames], source, notes);

        var t = log.TimeSeconds;
        var zero = log.StartUnixSeconds + options.ClockOffsetSeconds;
        int before = 0, after = 0, gaps = 0;
        for (var f = 0; f < frames; f++)
        {
            var at = AtFrame(log, source, frameStartUnixSeconds[f], exposureSeconds[f], options, f);
            result.LogTimeSeconds[f] = at.LogTimeSeconds;
            result.VoltageV[f] = at.VoltageV;
            result.CurrentmA[f] = at.CurrentmA;
            result.CapacitymAh[f] = at.CapacitymAh;
            result.CapacitymAhG[f] = at.CapacitymAhG;
            result.XLi[f] = at.XLi;
            result.Status[f] = at.Status;
            before += at.Status == FrameEchemStatus.BeforeLog ? 1 : 0;
            after += at.Status == FrameEchemStatus.AfterLog ? 1 : 0;
            gaps += at.Status == FrameEchemStatus.Gap ? 1 : 0;
        }

        if (before > 0)
        {
            notes.Add($"{log.Path}: {before} frame(s) before the log's first row (log starts {t[0] + zero - frameStartUnixSeconds[0]:F1} s after frame 0 starts); marked before-log.");
        }

        if (after > 0)
        {
            notes.Add($"{log.Path}: {after} frame(s) after the log's last row; marked after-log.");
        }

        if (gaps > 0)
        {
            notes.Add($"{log.Path}: {gaps} frame(s) fall in gaps longer than {options.MaxGapSeconds} s between log rows; marked gap.");
        }

        return result;
    }

    /// <summary>
    /// One frame (a live run asks frame by frame): the same numbers as <see cref="Synchronize(VoltageLog, ReadOnlySpan{double}, ReadOnlySpan{double}, EchemSyncOptions?)"/>
    /// gives that frame, without building arrays for it.
    /// </summary>
    public static EchemAtFrame Synchronize(VoltageLog log, double frameStartUnixSeconds, double exposureSeconds, EchemSyncOptions options)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(options);
        Check(log, options);
        return AtFrame(log, CapacitySourceFor(log, options, null), frameStartUnixSeconds, exposureSeconds, options, 0);
    }

    private static void Check(VoltageLog log, EchemSyncOptions options)
    {
        if (!(options.ActiveMass_mg > 0) || !(options.TheoreticalCapacity_mAh_g > 0))
        {
            throw new ArgumentException($"active mass ({options.ActiveMass_mg} mg) and theoretical capacity ({options.TheoreticalCapacity_mAh_g} mAh/g) must be positive.", nameof(options));
        }

        if (double.IsNaN(log.StartUnixSeconds))
        {
            throw new VoltageLogException($"{log.Path}: the log has no absolute start time, so frames cannot be placed on its clock; set VoltageLogOptions.StartTime.");
        }
    }

    // The capacity source the log supports (the requested one, else the other), with a note when it differs.
    private static CapacitySource CapacitySourceFor(VoltageLog log, EchemSyncOptions options, List<string>? notes)
    {
        var source = options.CapacitySource;
        if (source == CapacitySource.IntegratedCurrent && !log.HasCurrent && log.HasCharge)
        {
            source = CapacitySource.ChargeColumn;
            notes?.Add($"{log.Path}: no current column; capacity taken from the charge column.");
        }
        else if (source == CapacitySource.ChargeColumn && !log.HasCharge && log.HasCurrent)
        {
            source = CapacitySource.IntegratedCurrent;
            notes?.Add($"{log.Path}: no charge column; capacity integrated from the current.");
        }
        else if (!log.HasCurrent && !log.HasCharge)
        {
            notes?.Add($"{log.Path}: neither current nor charge column; capacity and x(Li) are NaN.");
        }

        return source;
    }

    private static EchemAtFrame AtFrame(VoltageLog log, CapacitySource source, double start, double exposureSeconds, EchemSyncOptions options, int frame)
    {
        if (!double.IsFinite(start) || !double.IsFinite(exposureSeconds))
        {
            throw new ArgumentException($"frame {frame} has no usable time (start {start}, exposure {exposureSeconds} s).", "frameStartUnixSeconds");
        }

        var t = log.TimeSeconds;
        var zero = log.StartUnixSeconds + options.ClockOffsetSeconds;
        var exposure = Math.Max(0.0, exposureSeconds);
        // Subtract the large absolute times first: both are ~1.7e9 s and their difference keeps full precision.
        var a = start - zero;
        var b = a + exposure;
        var mid = a + (0.5 * exposure);
        if (t.IsEmpty || mid > t[^1])
        {
            return EchemAtFrame.Outside(mid, FrameEchemStatus.AfterLog);
        }

        if (mid < t[0])
        {
            return EchemAtFrame.Outside(mid, FrameEchemStatus.BeforeLog);
        }

        var q = source == CapacitySource.ChargeColumn ? log.ChargemAh : log.IntegratedChargemAh;
        var q0 = q.IsEmpty ? 0 : q[0];
        var massG = options.ActiveMass_mg * 1e-3;
        var k = Bracket(t, mid);
        var status = t.Length > 1 && t[k + 1] - t[k] > options.MaxGapSeconds ? FrameEchemStatus.Gap : FrameEchemStatus.Ok;
        var voltage = Interpolate(t, log.VoltageV, k, mid);
        var current = exposure > 0 ? MeanCurrent(log, Math.Max(a, t[0]), Math.Min(b, t[^1])) : Interpolate(t, log.CurrentmA, k, mid);
        var capacity = source == CapacitySource.ChargeColumn
            ? Interpolate(t, q, k, mid) - q0
            : ChargeAt(log, k, mid);
        return new EchemAtFrame(mid, voltage, current, capacity, capacity / massG, options.X0 - (capacity / massG / options.TheoreticalCapacity_mAh_g), status);
    }

    /// <summary>Frames that all share one exposure time.</summary>
    public static EchemAtFrames Synchronize(VoltageLog log, ReadOnlySpan<double> frameStartUnixSeconds, double exposureSeconds, EchemSyncOptions? options = null)
    {
        var exposure = new double[frameStartUnixSeconds.Length];
        Array.Fill(exposure, exposureSeconds);
        return Synchronize(log, frameStartUnixSeconds, exposure, options);
    }

    /// <summary>k with t[k] ≤ x ≤ t[k+1] (k = n−2 at the last row); t strictly increasing, t[0] ≤ x ≤ t[^1].</summary>
    private static int Bracket(ReadOnlySpan<double> t, double x)
    {
        if (t.Length < 2)
        {
            return 0;
        }

        var i = t.BinarySearch(x);
        var k = i >= 0 ? i : ~i - 1;
        return Math.Clamp(k, 0, t.Length - 2);
    }

    private static double Interpolate(ReadOnlySpan<double> t, ReadOnlySpan<double> y, int k, double x)
    {
        if (t.Length < 2)
        {
            return y[0];
        }

        var w = (x - t[k]) / (t[k + 1] - t[k]);
        return y[k] + (w * (y[k + 1] - y[k]));
    }

    /// <summary>Charge (mA·h) from the first row to <paramref name="x"/>: whole trapezoids up to row k, then the part of row k's.</summary>
    private static double ChargeAt(VoltageLog log, int k, double x)
    {
        var t = log.TimeSeconds;
        var cumulative = log.IntegratedChargemAh;
        if (t.Length < 2)
        {
            return 0.0;
        }

        var ix = Interpolate(t, log.CurrentmA, k, x);
        return cumulative[k] - cumulative[0] + (0.5 * (log.CurrentmA[k] + ix) * (x - t[k]) / 3600.0);
    }

    /// <summary>Time average over [a, b] of the current interpolated linearly between rows (exact for a piecewise-linear current).</summary>
    private static double MeanCurrent(VoltageLog log, double a, double b)
    {
        var t = log.TimeSeconds;
        if (!(b > a) || t.Length < 2)
        {
            return Interpolate(t, log.CurrentmA, Bracket(t, a), a);
        }

        var charge = ChargeAt(log, Bracket(t, b), b) - ChargeAt(log, Bracket(t, a), a);
        return charge * 3600.0 / (b - a);
    }
}
