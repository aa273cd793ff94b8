using System.Text;
using OperandoXrd.Electrochem.Logs;
using OperandoXrd.Electrochem.Sync;

namespace OperandoXrd.Electrochem.Tests;

/// <summary>The warning reduce and fit give before the first frame when the log misses the frames' time span.</summary>
public sealed class EchemOverlapTests
{
    // 2021-07-15 14:23:45.123 UTC; rows at 0, 100 and 200 s.
    private static readonly double Start = new DateTimeOffset(2021, 7, 15, 14, 23, 45, 123, TimeSpan.Zero).ToUnixTimeMilliseconds() / 1000.0;

    private static VoltageLog Log(TempDir dir) => VoltageLog.Open(dir.Write("a.mpt",
        MptSamples.Header("07/15/2021 14:23:45.123") + MptSamples.Row(1, 1, 0, 3.0, 0.1, 0, 0) + MptSamples.Row(1, 1, 100, 3.1, 0.1, 0, 0) +
        MptSamples.Row(1, 1, 200, 3.2, 0.1, 0, 0), Encoding.Latin1));

    [Fact]
    public void Frames_inside_the_log_give_no_warning()
    {
        using var dir = new TempDir();
        Assert.Null(EchemOverlap.Describe(Log(dir), Start + 10, Start + 190, 0));
    }

    [Fact]
    public void Frames_after_the_log_are_said_not_to_overlap_with_both_spans_and_the_aligning_offset()
    {
        using var dir = new TempDir();

        var message = EchemOverlap.Describe(Log(dir), Start + 3600, Start + 3700, 0);

        Assert.Equal(
            "the voltage log and the frames do not overlap in time: frames 2021-07-15T15:23:45.123Z → 2021-07-15T15:25:25.123Z (100 s), " +
            "voltage log 2021-07-15T14:23:45.123Z → 2021-07-15T14:27:05.123Z (200 s); every frame's echem columns will be empty; " +
            "echem.clockOffset_s = 3600 s would align their starts", message);
        // With that offset the log covers the frames' start.
        Assert.Null(EchemOverlap.Describe(Log(dir), Start + 3600, Start + 3700, 3600));
    }

    [Fact]
    public void Frames_that_run_past_the_log_are_said_to_overlap_in_part()
    {
        using var dir = new TempDir();

        var message = EchemOverlap.Describe(Log(dir), Start + 150, Start + 250, 0);

        Assert.StartsWith("the voltage log covers only 50 s of the frames' 100 s: frames 2021-07-15T14:26:15.123Z → ", message, StringComparison.Ordinal);
        Assert.EndsWith("echem.clockOffset_s = 150 s would align their starts", message, StringComparison.Ordinal);
    }
}
