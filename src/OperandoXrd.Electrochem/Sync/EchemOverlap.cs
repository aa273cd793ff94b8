using System.Globalization;

namespace OperandoXrd.Electrochem.Sync;

/// <summary>
/// Whether a voltage log covers the frames' time span, checked once before the first frame: a log that misses the
/// frames gives empty echem columns, so the run says so with both spans and the clock offset that would align
/// their starts (<c>echem.clockOffset_s</c>).
/// </summary>
public static class EchemOverlap
{
    /// <summary>
    /// Null when the log (shifted by <paramref name="clockOffsetSeconds"/>) covers every frame; otherwise one line
    /// that says whether they do not overlap at all or only in part, with both spans in UTC and the offset that would
    /// put the log's first row at the first frame's start.
    /// </summary>
    /// <param name="log">A log with at least one row.</param>
    /// <param name="firstFrameStart">Start of the first frame, seconds since 1970 UTC.</param>
    /// <param name="lastFrameEnd">End of the last frame, seconds since 1970 UTC.</param>
    /// <param name="clockOffsetSeconds">The pipeline's <c>echem.clockOffset_s</c> (added to the log's clock).</param>
    public static string? Describe(Logs.VoltageLog log, double firstFrameStart, double lastFrameEnd, double clockOffsetSeconds)
    {
        ArgumentNullException.ThrowIfNull(log);
        if (log.Count == 0 || !double.IsFinite(log.StartUnixSeconds) || !double.IsFinite(firstFrameStart) || !double.IsFinite(lastFrameEnd))
        {
            return null;
        }

        var t = log.TimeSeconds;
        var logStart = log.StartUnixSeconds + clockOffsetSeconds + t[0];
        var logEnd = log.StartUnixSeconds + clockOffsetSeconds + t[^1];
        if (logStart <= firstFrameStart && logEnd >= lastFrameEnd)
        {
            return null;
        }

        var overlap = Math.Min(logEnd, lastFrameEnd) - Math.Max(logStart, firstFrameStart);
        var frames = Math.Max(lastFrameEnd - firstFrameStart, 0);
        // The offset to add to echem.clockOffset_s: log start + offset' = first frame start.
        var align = clockOffsetSeconds + (firstFrameStart - logStart);
        var spans = $"frames {Span(firstFrameStart, lastFrameEnd)}, voltage log {Span(logStart, logEnd)}" +
                       (clockOffsetSeconds != 0 ? string.Create(CultureInfo.InvariantCulture, $" (with echem.clockOffset_s {clockOffsetSeconds:0.###})") : "");
        var fix = string.Create(CultureInfo.InvariantCulture, $"echem.clockOffset_s = {align:0.###} s would align their starts");
        if (overlap <= 0)
        {
            return $"the voltage log and the frames do not overlap in time: {spans}; every frame's echem columns will be empty; {fix}";
        }

        return string.Create(CultureInfo.InvariantCulture,
            $"the voltage log covers only {overlap:0.#} s of the frames' {frames:0.#} s: {spans}; frames outside the log get empty echem columns; {fix}");
    }

    private static string Span(double from, double to) => string.Create(CultureInfo.InvariantCulture,
        $"{FormatUtc(from)} → {FormatUtc(to)} ({to - from:0.###} s)");

    /// <summary>Seconds since 1970 as <c>yyyy-MM-ddTHH:mm:ss.fffZ</c>, rounded to the millisecond (30.7185976 s prints .719).</summary>
    public static string FormatUtc(double unixSeconds) =>
        DateTimeOffset.UnixEpoch.AddMilliseconds(Math.Round(unixSeconds * 1000.0)).ToString("yyyy-MM-ddTHH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
