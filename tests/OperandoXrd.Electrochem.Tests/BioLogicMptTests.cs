using System.Text;
using OperandoXrd.Electrochem.Logs;

namespace OperandoXrd.Electrochem.Tests;

public class BioLogicMptTests
{
    // 2021-07-15 14:23:45.123 UTC as seconds since 1970, from `date -u -d "2021-07-15 14:23:45.123" +%s.%N`.
    private const double Start20210715 = 1626359025.123;

    [Fact]
    public void Comma_decimal_export_reads_start_time_values_and_line_numbers()
    {
        using var dir = new TempDir();
        // Literal rows as a French-locale VMP3 writes them: rest, then C/10 charge (mode 1, ox/red 1).
        var text = MptSamples.Header("07/15/2021 14:23:45,123") +
            "3\t0\t0\t0\t0\t0\t0\t0,000000000000000E+000\t0,000000000000000E+000\t3,0012345E+000\t0,000000000000000E+000\t0,000000000000000E+000\t0,000000000000000E+000\t0,000000000000000E+000\t0\t0,000000000000000E+000\t0,0000000E+000\t\r\n" +
            "3\t0\t0\t0\t0\t0\t0\t6,000000100000000E+002\t0,000000000000000E+000\t3,0010021E+000\t0,000000000000000E+000\t0,000000000000000E+000\t0,000000000000000E+000\t0,000000000000000E+000\t0\t0,000000000000000E+000\t0,0000000E+000\t\r\n" +
            "1\t1\t0\t1\t1\t0\t1\t6,000010000000000E+002\t2,340000000000000E-002\t3,0412000E+000\t2,340000000000000E-002\t6,500000000000000E-009\t6,500000000000000E-009\t6,500000000000000E-009\t0\t0,000000000000000E+000\t7,1164080E-005\t\r\n" +
            "1\t1\t0\t0\t0\t0\t1\t1,200001000000000E+003\t2,340000000000000E-002\t3,1187654E+000\t2,340000000000000E-002\t3,899350000000000E-003\t3,900000000000000E-003\t3,900000000000000E-003\t0\t0,000000000000000E+000\t7,2979810E-005\t\r\n";
        var path = dir.Write("comma.mpt", text, Encoding.Latin1);

        var log = VoltageLog.Open(path);

        Assert.Equal(VoltageLogFormat.BioLogicMpt, log.Format);
        Assert.Equal(Start20210715, log.StartUnixSeconds, 6);
        Assert.Equal(4, log.Count);
        Assert.Equal([0.0, 600.00001, 600.001, 1200.001], log.TimeSeconds.ToArray());
        Assert.Equal([3.0012345, 3.0010021, 3.0412, 3.1187654], log.VoltageV.ToArray());
        Assert.Equal([0.0, 0.0, 0.0234, 0.0234], log.CurrentmA.ToArray());
        Assert.Equal(0.0039, log.ChargemAh[3], 12);
        Assert.Equal([0, 0, 0, 0], log.CycleNumber.ToArray());
        Assert.Equal([25, 26, 27, 28], log.SourceLines.ToArray());
        Assert.True(log.HasVoltage && log.HasCurrent && log.HasCharge && log.HasCycle);
        Assert.Empty(log.Warnings);
        // Trapezoid by hand: (0+0.0234)/2 mA over 0.0009 s, then 0.0234 mA over 600 s.
        Assert.Equal((0.0117 * 0.00099 / 3600) + (0.0234 * 600 / 3600), log.IntegratedChargemAh[3], 12);
    }

    [Theory]
    [InlineData("07/15/2021 14:23:45.123")]
    [InlineData("07/15/2021 14:23:45,123")]
    [InlineData("7/15/2021 2:23:45.123 PM")]
    [InlineData("2021-07-15 14:23:45.123")]
    [InlineData("15/07/2021 14:23:45.123")]
    [InlineData("15.07.2021 14:23:45,123")]
    [InlineData("07-15-2021 14:23:45.123")]
    [InlineData("2021-07-15T16:23:45.123+02:00")]
    public void Acquisition_start_layouts_EC_Lab_writes_all_give_the_same_instant(string layout)
    {
        using var dir = new TempDir();
        var path = dir.Write("start.mpt", MptSamples.Header(layout) + MptSamples.Row(3, 0, 0, 3.0, 0, 0, 0), Encoding.Latin1);

        var log = VoltageLog.Open(path);

        Assert.Equal(Start20210715, log.StartUnixSeconds, 6);
    }

    [Fact]
    public void Local_wall_clock_is_shifted_by_the_given_utc_offset()
    {
        using var dir = new TempDir();
        var path = dir.Write("cest.mpt", MptSamples.Header("07/15/2021 16:23:45.123") + MptSamples.Row(3, 0, 0, 3.0, 0, 0, 0), Encoding.Latin1);

        var log = VoltageLog.Open(path, new VoltageLogOptions { WallClockUtcOffset = TimeSpan.FromHours(2) });

        Assert.Equal(Start20210715, log.StartUnixSeconds, 6);
    }

    [Fact]
    public void Growing_file_keeps_the_partial_last_line_until_it_is_complete()
    {
        using var dir = new TempDir();
        var row3 = MptSamples.Row(1, 1, 20.0, 3.05, 0.0234, 0.00013, 0);
        var path = dir.Write("growing.mpt",
            MptSamples.Header("07/15/2021 14:23:45.123") + MptSamples.Row(3, 0, 0, 3.0, 0, 0, 0) + MptSamples.Row(1, 1, 10.0, 3.04, 0.0234, 0.000065, 0) +
            row3[..70], Encoding.Latin1);

        var log = VoltageLog.Open(path);
        Assert.Equal(2, log.Count);
        Assert.Equal(70, log.PendingBytes);
        var offset = log.BytesRead;

        Assert.Equal(0, log.Refresh());

        // The cycler finishes the row (whose time field had been cut mid-number) and writes one more and half another.
        var row4 = MptSamples.Row(1, 1, 30.0, 3.06, 0.0234, 0.000195, 0);
        TempDir.Append(path, row3[70..] + row4 + "1\t1\t0", Encoding.Latin1);
        Assert.Equal(2, log.Refresh());

        Assert.Equal(4, log.Count);
        Assert.Equal([0.0, 10.0, 20.0, 30.0], log.TimeSeconds.ToArray());
        Assert.Equal(3.05, log.VoltageV[2], 12);
        Assert.Equal([25, 26, 27, 28], log.SourceLines.ToArray());
        Assert.Equal(offset + row3.Length + row4.Length, log.BytesRead);
        Assert.Equal(5, log.PendingBytes);
        Assert.Empty(log.Warnings);
    }

    [Fact]
    public void Finished_export_without_final_newline_is_read_when_asked()
    {
        using var dir = new TempDir();
        var path = dir.Write("nonl.mpt",
            MptSamples.Header("07/15/2021 14:23:45.123") + MptSamples.Row(3, 0, 0, 3.0, 0, 0, 0) + MptSamples.Row(1, 1, 10.0, 3.04, 0.0234, 0.000065, 0).TrimEnd('\n', '\r'),
            Encoding.Latin1);

        Assert.Equal(1, VoltageLog.Open(path).Count);
        Assert.Equal(2, VoltageLog.Open(path, new VoltageLogOptions { ReadUnterminatedLastLine = true }).Count);
    }

    [Fact]
    public void Extra_columns_other_order_and_micro_units_in_ANSI_are_converted()
    {
        using var dir = new TempDir();
        // I/µA with µ as the single ANSI byte 0xB5, Ewe in mV, charge in C, an analog input and Ece column in between.
        const string columns = "time/s\tAnalog IN 1/V\tcycle number\tEce/V\tEwe/mV\tox/red\tI/\u00B5A\t(Q-Qo)/C\tmode\t";
        var text = MptSamples.Header("03/08/2022 10:13:29", columns) +
            "0.0\t0.1\t0\t-0.62\t3001.5\t0\t0.0\t0.0\t3\t\r\n" +
            "3600.0\t0.1\t0\t-0.62\t3412.25\t1\t23.4\t84.24\t1\t\r\n" +
            "7200.0\t0.1\t1\t-0.62\t3500.0\t0\t-11.7\t42.12\t1\t\r\n";
        var path = dir.Write("extra.mpt", text, Encoding.Latin1);

        var log = VoltageLog.Open(path);

        // 2022-03-08 10:13:29 UTC from `date -u -d ... +%s`.
        Assert.Equal(1646734409.0, log.StartUnixSeconds, 6);
        Near([3.0015, 3.41225, 3.5], log.VoltageV, 1e-12);
        Near([0.0, 0.0234, -0.0117], log.CurrentmA, 1e-15);
        // 84.24 C = 84.24 A·s = 23.4 mA·h.
        Assert.Equal(23.4, log.ChargemAh[1], 10);
        Assert.Equal([0, 0, 1], log.CycleNumber.ToArray());
        Assert.Equal("I/\u00B5A", log.ColumnNames[6]);
        Assert.Empty(log.Warnings);
    }

    [Fact]
    public void Export_without_header_block_uses_the_configured_start()
    {
        using var dir = new TempDir();
        var path = dir.Write("noheader.mpt", "time/s\tEwe/V\t<I>/mA\t\r\n0\t3.0\t0\t\r\n10\t3.1\t0.5\t\r\n");
        var start = new DateTimeOffset(2021, 7, 15, 14, 23, 45, 123, TimeSpan.Zero);

        var bare = VoltageLog.Open(path);
        var configured = VoltageLog.Open(path, new VoltageLogOptions { StartTime = start });

        Assert.True(double.IsNaN(bare.StartUnixSeconds));
        Assert.Contains(bare.Warnings, w => w.Line == 1 && w.Message.Contains("start time", StringComparison.Ordinal));
        Assert.Equal(Start20210715, configured.StartUnixSeconds, 6);
        Assert.Equal(2, configured.Count);
        Assert.Empty(configured.Warnings);
    }

    [Fact]
    public void Time_column_exported_as_date_and_time_is_read_against_the_acquisition_start()
    {
        using var dir = new TempDir();
        const string columns = "mode\ttime/s\tEwe/V\t<I>/mA\t";
        var path = dir.Write("abstime.mpt", MptSamples.Header("07/15/2021 14:23:45.123", columns) +
            "3\t07/15/2021 14:23:45.1230\t3,0000000E+000\t0,000000000000000E+000\t\r\n" +
            "1\t07/15/2021 14:33:45.6230\t3,1000000E+000\t2,340000000000000E-002\t\r\n", Encoding.Latin1);

        var log = VoltageLog.Open(path);

        Assert.Equal(Start20210715, log.StartUnixSeconds, 6);
        Assert.Equal([0.0, 600.5], log.TimeSeconds.ToArray());
        Assert.Empty(log.Warnings);
    }

    internal static void Near(double[] expected, ReadOnlySpan<double> actual, double tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"element {i}: expected {expected[i]:R}, got {actual[i]:R} (tolerance {tolerance})");
        }
    }
}
