using System.Globalization;
using System.Text;
using OperandoXrd.Core.Frames;

namespace OperandoXrd.Hdf5.Frames;

/// <summary>Per-frame figures of <c>oxrd inspect --frames</c>: sum and extremes over valid pixels (≥ 0), and the masked count (&lt; 0 or NaN).</summary>
public readonly record struct FrameStatistics(double Sum, long Masked, double Min, double Max);

/// <summary>What <c>oxrd inspect</c> prints: the layout summary and one TSV line per frame.</summary>
public static class FrameInspection
{
    public const string TsvHeader = "index\ttime_s\tsum\tmasked\tmin\tmax";

    public static FrameStatistics Statistics(ReadOnlySpan<int> frame)
    {
        long sum = 0, masked = 0;
        int min = int.MaxValue, max = int.MinValue;
        foreach (var v in frame)
        {
            if (v < 0)
            {
                masked++;
                continue;
            }

            sum += v;
            min = Math.Min(min, v);
            max = Math.Max(max, v);
        }

        return masked == frame.Length
            ? new FrameStatistics(0, masked, double.NaN, double.NaN)
            : new FrameStatistics(sum, masked, min, max);
    }

    public static FrameStatistics Statistics(ReadOnlySpan<float> frame)
    {
        double sum = 0;
        long masked = 0;
        float min = float.PositiveInfinity, max = float.NegativeInfinity;
        foreach (var v in frame)
        {
            if (!(v >= 0))
            {
                masked++;
                continue;
            }

            sum += v;
            min = Math.Min(min, v);
            max = Math.Max(max, v);
        }

        return masked == frame.Length
            ? new FrameStatistics(0, masked, double.NaN, double.NaN)
            : new FrameStatistics(sum, masked, min, max);
    }

    /// <summary>One TSV line; <paramref name="timeSeconds"/> is the frame start relative to frame 0's start.</summary>
    public static string TsvLine(int index, double timeSeconds, FrameStatistics s) =>
        string.Create(CultureInfo.InvariantCulture, $"{index}\t{timeSeconds:0.######}\t{s.Sum:R}\t{s.Masked}\t{s.Min:R}\t{s.Max:R}");

    /// <summary>The human summary: layout, files, shape, dtype, chunks, filters, read path, frame count, time rule and range.</summary>
    public static string Describe(Hdf5FrameSource source)
    {
        var b = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        b.Append(inv, $"layout:    {source.Layout}\n");
        foreach (var (file, dataset, first, count) in source.Parts)
        {
            b.Append(inv, $"dataset:   {file}:{dataset}  frames {first}..{first + count - 1}\n");
        }

        foreach (var gap in source.Gaps)
        {
            b.Append(inv, $"missing:   {gap}\n");
        }

        b.Append(inv, $"shape:     {source.FrameCount} × {source.Rows} × {source.Columns} (frames × rows × columns)\n");
        b.Append(inv, $"dtype:     {source.StoredType}\n");
        b.Append(inv, $"chunks:    {(source.ChunkShape is { } c ? "(" + string.Join(", ", c) + ")" : "none (contiguous)")}\n");
        b.Append(inv, $"filters:   {(source.Filters.Count == 0 ? "none" : string.Join(" → ", source.Filters))}\n");
        b.Append(inv, $"reading:   {(source.UsesDirectChunks ? "direct chunk reads, managed decoders" : "HDF5 library (H5Dread, filter plugins)")}\n");
        var capacity = source.Parts.Count > 0 ? source.Capacity : 0;
        b.Append(inv, $"frames:    {source.FrameCount}{(source.IsComplete ? "" : $" (acquisition incomplete; datasets sized for {capacity})")}\n");
        b.Append(inv, $"times:     {source.TimeRule}: {source.TimeRuleDetail}\n");
        if (source.FrameCount > 0)
        {
            var first = source.GetTiming(0);
            var last = source.GetTiming(source.FrameCount - 1);
            b.Append(inv, $"first:     {Iso(first)}  exposure {first.ExposureSeconds:0.######} s\n");
            b.Append(inv, $"last:      {Iso(last)}  exposure {last.ExposureSeconds:0.######} s  ({last.StartUnixSeconds - first.StartUnixSeconds:0.###} s after the first)\n");
        }

        return b.ToString();
    }

    private static string Iso(FrameTiming t) =>
        t.StartUnixSeconds < 1e8 ? t.StartUnixSeconds.ToString("0.######", CultureInfo.InvariantCulture) + " s (relative)" : t.Start.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
}
