using System.Globalization;
using System.Text.RegularExpressions;
using OperandoXrd.Core.Frames;

namespace OperandoXrd.Hdf5.Frames;

/// <summary>What a file offers towards frame times; <see cref="FrameTimes.Resolve"/> picks the first rule that applies.</summary>
internal sealed class TimeCandidates
{
    public double[]? Epoch { get; set; }

    public string? EpochSource { get; set; }

    public DateTimeOffset? StartTime { get; set; }

    public string? StartTimeText { get; set; }

    public string? StartTimeSource { get; set; }

    public double[]? Relative { get; set; }

    public string? RelativeSource { get; set; }

    public double? Exposure { get; set; }

    public double? Latency { get; set; }

    /// <summary>Start-to-start time when the file states it directly (Dectris <c>frame_time</c>).</summary>
    public double? Period { get; set; }

    public string? PeriodSource { get; set; }

    /// <summary>Total frames the acquisition will have (LIMA <c>acquisition/nb_frames</c>, Dectris <c>nimages</c>).</summary>
    public int? PlannedFrames { get; set; }

    /// <summary>Where <see cref="PlannedFrames"/> was read.</summary>
    public string? PlannedFramesSource { get; set; }
}

/// <summary>Frame times for a run of frames, with the rule that produced them and a one-line account for the log.</summary>
internal sealed class ResolvedTimes
{
    public required FrameTimeRule Rule { get; init; }

    public required string Detail { get; init; }

    public required double[] Start { get; init; }

    public required double[] Exposure { get; init; }
}

internal static partial class FrameTimes
{
    /// <summary>
    /// Applies the frame-time rules (docs/formats.md) in order to <paramref name="count"/> frames. <paramref name="indexOffset"/> is
    /// the position of the first frame in an acquisition that spans several files (rule 3 counts from the acquisition
    /// start).
    /// </summary>
    public static ResolvedTimes Resolve(TimeCandidates c, int count, int indexOffset, int globalOffset, FrameTimeOptions? fallback, int rowsBefore = 0)
    {
        var start = new double[count];
        var exposure = new double[count];
        var exp = c.Exposure ?? fallback?.ExposureSeconds;
        if (c.Epoch is { } epoch && epoch.Length >= rowsBefore + count)
        {
            for (var i = 0; i < count; i++)
            {
                start[i] = epoch[rowsBefore + i];
            }

            var e = exp ?? MedianStep(start);
            Array.Fill(exposure, e);
            return new ResolvedTimes { Rule = FrameTimeRule.EpochPerFrame, Detail = $"per-frame epoch from {c.EpochSource}" + ExposureNote(c, fallback), Start = start, Exposure = exposure };
        }

        if (c.StartTime is { } t0 && c.Relative is { } rel && rel.Length >= rowsBefore + count)
        {
            var origin = ToUnix(t0);
            for (var i = 0; i < count; i++)
            {
                start[i] = origin + rel[rowsBefore + i];
            }

            var e = exp ?? MedianStep(start);
            Array.Fill(exposure, e);
            return new ResolvedTimes
            {
                Rule = FrameTimeRule.StartTimePlusRelative,
                Detail = $"start_time {c.StartTimeText} ({c.StartTimeSource}) + {c.RelativeSource}" + ExposureNote(c, fallback),
                Start = start,
                Exposure = exposure,
            };
        }

        if (c.StartTime is { } s0 && (c.Period is not null || c.Exposure is not null))
        {
            var period = c.Period ?? c.Exposure!.Value + (c.Latency ?? 0);
            var origin = ToUnix(s0);
            for (var i = 0; i < count; i++)
            {
                start[i] = origin + (indexOffset + i) * period;
            }

            Array.Fill(exposure, exp ?? period);
            var how = c.Period is not null
                ? $"{c.PeriodSource} = {Num(period)} s"
                : $"(exposure_time {Num(c.Exposure!.Value)} s + latency_time {Num(c.Latency ?? 0)} s)";
            return new ResolvedTimes
            {
                Rule = FrameTimeRule.StartTimePlusPeriod,
                Detail = $"start_time {c.StartTimeText} ({c.StartTimeSource}) + index × {how}",
                Start = start,
                Exposure = exposure,
            };
        }

        if (fallback is not null && (fallback.StartTime is not null || fallback.FramePeriodSeconds is not null))
        {
            var origin = fallback.StartTime is { } f0 ? ToUnix(f0) : 0;
            var period = fallback.FramePeriodSeconds ?? exp ?? 1.0;
            for (var i = 0; i < count; i++)
            {
                start[i] = origin + (globalOffset + i) * period;
            }

            Array.Fill(exposure, exp ?? period);
            return new ResolvedTimes
            {
                Rule = FrameTimeRule.Configured,
                Detail = $"configured start {(fallback.StartTime is { } f ? f.ToString("o", CultureInfo.InvariantCulture) : "1970-01-01T00:00:00Z (not given)")} + index × {Num(period)} s",
                Start = start,
                Exposure = exposure,
            };
        }

        for (var i = 0; i < count; i++)
        {
            start[i] = globalOffset + i;
        }

        Array.Fill(exposure, exp ?? 0);
        return new ResolvedTimes
        {
            Rule = FrameTimeRule.Unknown,
            Detail = "no frame times in the file and none configured: time = frame index in seconds (give --start-time and --frame-period)",
            Start = start,
            Exposure = exposure,
        };
    }

    public static double ToUnix(DateTimeOffset t) => (t.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / (double)TimeSpan.TicksPerSecond;

    /// <summary>
    /// ISO 8601 as beamlines write it: with or without zone (no zone = UTC), 'T' or space, up to nanoseconds
    /// (.NET parses at most 7 fraction digits, so longer fractions are cut to 100 ns).
    /// </summary>
    public static DateTimeOffset? ParseIso(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var s = LongFraction().Replace(text.Trim(), m => m.Groups[1].Value);
        return DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : null;
    }

    private static string ExposureNote(TimeCandidates c, FrameTimeOptions? fallback) =>
        c.Exposure is not null ? "" : fallback?.ExposureSeconds is not null ? "; exposure from configuration" : "; exposure not in file: taken as the median frame spacing";

    private static double MedianStep(double[] t)
    {
        if (t.Length < 2)
        {
            return 0;
        }

        var steps = new double[t.Length - 1];
        for (var i = 1; i < t.Length; i++)
        {
            steps[i - 1] = t[i] - t[i - 1];
        }

        Array.Sort(steps);
        return steps[steps.Length / 2];
    }

    private static string Num(double v) => v.ToString("0.######", CultureInfo.InvariantCulture);

    [GeneratedRegex(@"(\.\d{7})\d+")]
    private static partial Regex LongFraction();
}
