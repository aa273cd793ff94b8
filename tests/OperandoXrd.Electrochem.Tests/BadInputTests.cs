using System.Text;
using OperandoXrd.Electrochem.Logs;
using OperandoXrd.Electrochem.Sync;

namespace OperandoXrd.Electrochem.Tests;

public class BadInputTests
{
    private static string Mpt(TempDir dir, string name, string body, string columns = MptSamples.Columns) =>
        dir.Write(name, MptSamples.Header("07/15/2021 14:23:45.123", columns) + body, Encoding.Latin1);

    [Fact]
    public void Repeated_and_backward_times_are_skipped_with_their_lines_named()
    {
        using var dir = new TempDir();
        var path = Mpt(dir, "order.mpt",
            MptSamples.Row(3, 0, 0, 3.0, 0, 0, 0) +      // line 25
            MptSamples.Row(1, 1, 10, 3.1, 0.1, 0, 0) +   // 26
            MptSamples.Row(1, 1, 10, 3.2, 0.1, 0, 0) +   // 27 repeats
            MptSamples.Row(1, 1, 5, 3.3, 0.1, 0, 0) +    // 28 goes back
            MptSamples.Row(1, 1, 20, 3.4, 0.1, 0, 0));   // 29

        var log = VoltageLog.Open(path);

        Assert.Equal([0.0, 10.0, 20.0], log.TimeSeconds.ToArray());
        Assert.Equal([25, 26, 29], log.SourceLines.ToArray());
        Assert.Equal(2, log.Warnings.Count);
        Assert.Equal(27, log.Warnings[0].Line);
        Assert.Contains("repeats", log.Warnings[0].Message, StringComparison.Ordinal);
        Assert.Equal(28, log.Warnings[1].Line);
        Assert.Contains("is before", log.Warnings[1].Message, StringComparison.Ordinal);
        Assert.StartsWith(path + ":28: ", log.Warnings[1].ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Garbage_lines_are_reported_and_the_rest_is_used()
    {
        using var dir = new TempDir();
        var path = Mpt(dir, "garbage.mpt",
            MptSamples.Row(3, 0, 0, 3.0, 0, 0, 0) +
            "### power failure, channel restarted ###\r\n" +
            MptSamples.Row(1, 1, 10, 3.1, 0.1, 0, 0).Replace("3,1000000E+000", "n/a", StringComparison.Ordinal) +
            MptSamples.Row(1, 1, 20, 3.2, 0.1, 0, 0));

        var log = VoltageLog.Open(path);

        Assert.Equal([0.0, 20.0], log.TimeSeconds.ToArray());
        Assert.Equal(2, log.Warnings.Count);
        Assert.Equal(26, log.Warnings[0].Line);
        Assert.Contains("fields", log.Warnings[0].Message, StringComparison.Ordinal);
        Assert.Equal(27, log.Warnings[1].Line);
        Assert.Contains("'n/a'", log.Warnings[1].Message, StringComparison.Ordinal);
        Assert.Contains("'Ewe/V'", log.Warnings[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Log_that_starts_after_the_first_frame_marks_the_early_frames()
    {
        using var dir = new TempDir();
        var path = Mpt(dir, "late.mpt", MptSamples.Row(3, 0, 0, 3.0, 0, 0, 0) + MptSamples.Row(1, 1, 600, 3.1, 0.1, 0, 0));
        var log = VoltageLog.Open(path);
        var t0 = log.StartUnixSeconds;

        var r = EchemSynchronizer.Synchronize(log, [t0 - 300, t0 - 10, t0 + 100], 10.0);

        Assert.Equal([FrameEchemStatus.BeforeLog, FrameEchemStatus.BeforeLog, FrameEchemStatus.Ok], r.Status);
        Assert.Contains(r.Notes, n => n.Contains("2 frame(s) before", StringComparison.Ordinal) && n.Contains("300.0 s after frame 0", StringComparison.Ordinal));
        Assert.Equal(0.1 * 105 / 600 * 105 / 2 / 3600, r.CapacitymAh[2], 12);
    }

    [Fact]
    public void Missing_current_column_is_reported_and_capacity_falls_back_to_the_charge_column()
    {
        using var dir = new TempDir();
        const string columns = "mode\ttime/s\tEwe/V\t(Q-Qo)/mA.h\t";
        var path = Mpt(dir, "nocurrent.mpt", "3\t0\t3.0\t0\t\r\n1\t3600\t3.4\t0.0234\t\r\n", columns);

        var log = VoltageLog.Open(path);
        var r = EchemSynchronizer.Synchronize(log, [log.StartUnixSeconds + 1800], 0.0);

        Assert.False(log.HasCurrent);
        var w = Assert.Single(log.Warnings);
        Assert.Equal(24, w.Line);
        Assert.Contains("no usable current column", w.Message, StringComparison.Ordinal);
        Assert.Equal(CapacitySource.ChargeColumn, r.CapacitySourceUsed);
        Assert.Equal(0.0117, r.CapacitymAh[0], 12);
        Assert.True(double.IsNaN(r.CurrentmA[0]));
    }

    [Fact]
    public void Unknown_units_name_line_and_column_and_the_column_is_not_used()
    {
        using var dir = new TempDir();
        const string columns = "time/s\tEwe/furlong\t<I>/kA\t(Q-Qo)/mA.h\t";
        var path = Mpt(dir, "units.mpt", "0\t3.0\t0\t0\t\r\n3600\t3.4\t1\t0.0234\t\r\n", columns);

        var log = VoltageLog.Open(path);

        Assert.False(log.HasVoltage);
        Assert.False(log.HasCurrent);
        Assert.True(log.HasCharge);
        Assert.Contains(log.Warnings, w => w.Line == 24 && w.Message.Contains("unknown voltage unit 'furlong' in column 'Ewe/furlong'", StringComparison.Ordinal));
        Assert.Contains(log.Warnings, w => w.Line == 24 && w.Message.Contains("unknown current unit 'kA'", StringComparison.Ordinal));
        Assert.True(double.IsNaN(log.VoltageV[1]));
        Assert.Equal(0.0234, log.ChargemAh[1], 12);
    }

    [Fact]
    public void A_log_with_nothing_usable_throws_naming_the_file_and_the_first_bad_line()
    {
        using var dir = new TempDir();
        var path = Mpt(dir, "empty.mpt", "garbage\r\nmore garbage\r\n");

        var e = Assert.Throws<VoltageLogException>(() => VoltageLog.Open(path));

        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains(":25:", e.Message, StringComparison.Ordinal);
        // A live run's header-only file is fine when asked for.
        Assert.Equal(0, VoltageLog.Open(path, new VoltageLogOptions { AllowEmpty = true }).Count);
    }

    [Fact]
    public void Structural_errors_throw_with_file_and_line()
    {
        using var dir = new TempDir();
        var noTime = Mpt(dir, "notime.mpt", "3.0\t0\t\r\n", "Ewe/V\t<I>/mA\t");
        var csv = dir.Write("x.csv", "a,b\n1,2\n");
        var unknown = dir.Write("x.dat", "hello\nworld\n");

        var e1 = Assert.Throws<VoltageLogException>(() => VoltageLog.Open(noTime));
        var e2 = Assert.Throws<VoltageLogException>(() => VoltageLog.Open(csv, new VoltageLogOptions { Columns = new CsvColumnMap { Time = "time", Voltage = "E" } }));
        var e3 = Assert.Throws<VoltageLogException>(() => VoltageLog.Open(unknown));

        Assert.Contains(noTime + ":24:", e1.Message, StringComparison.Ordinal);
        Assert.Contains(csv + ":1: the time column 'time'", e2.Message, StringComparison.Ordinal);
        // Neither EC-Lab nor Neware: a table whose first line must name a time column.
        Assert.Contains(unknown + ":1: no time column", e3.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_rewritten_instead_of_appended_to_is_read_again_from_the_start()
    {
        using var dir = new TempDir();
        var rows = MptSamples.Row(3, 0, 0, 3.0, 0, 0, 0) + MptSamples.Row(3, 0, 10, 3.0, 0, 0, 0);
        var path = Mpt(dir, "reexported.mpt", rows);
        var log = VoltageLog.Open(path);
        Assert.Equal(2, log.Count);

        // EC-Lab exported again mid-run: the header's "Loop 0 from point number 0 to 5" became "... to 12", one byte
        // longer, so the old rows moved; then three rows where there were two.
        var again = MptSamples.Header("07/15/2021 14:23:45.123").Replace("to 5", "to 12", StringComparison.Ordinal) +
                       rows + MptSamples.Row(1, 1, 20, 3.1, 0.1, 0, 0);
        File.WriteAllBytes(path, Encoding.Latin1.GetBytes(again));
        Assert.Equal(1, log.Refresh());

        Assert.Equal([0.0, 10.0, 20.0], log.TimeSeconds.ToArray());
        Assert.Equal(1, log.Rereads);
        Assert.Contains("rewritten", Assert.Single(log.Warnings).Message, StringComparison.Ordinal);

        // Replaced by a shorter file: read again too, not an error.
        File.WriteAllBytes(path, Encoding.Latin1.GetBytes(MptSamples.Header("07/15/2021 14:23:45.123") + MptSamples.Row(3, 0, 0, 3.3, 0, 0, 0)));
        Assert.Equal(-2, log.Refresh());
        Assert.Equal(3.3, log.VoltageV[0], 12);
        Assert.Equal(2, log.Rereads);
    }

    [Fact]
    public void A_log_without_absolute_start_cannot_be_synchronised()
    {
        using var dir = new TempDir();
        var path = dir.Write("rel.csv", "t,E\n0,3\n10,3.1\n");
        var log = VoltageLog.Open(path, new VoltageLogOptions { Columns = new CsvColumnMap { Time = "t", Voltage = "E" } });

        var e = Assert.Throws<VoltageLogException>(() => EchemSynchronizer.Synchronize(log, [0.0], 1.0));

        Assert.Contains("StartTime", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Frames_without_a_time_are_an_error_naming_the_frame()
    {
        using var dir = new TempDir();
        var path = Mpt(dir, "ok.mpt", MptSamples.Row(3, 0, 0, 3.0, 0, 0, 0) + MptSamples.Row(3, 0, 10, 3.0, 0, 0, 0));
        var log = VoltageLog.Open(path);

        var e = Assert.Throws<ArgumentException>(() => EchemSynchronizer.Synchronize(log, [log.StartUnixSeconds, double.NaN], 1.0));

        Assert.Contains("frame 1 has no usable time", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("biologic-mpt", VoltageLogFormat.BioLogicMpt)]
    [InlineData("Neware-CSV", VoltageLogFormat.NewareCsv)]
    [InlineData("csv", VoltageLogFormat.GenericCsv)]
    [InlineData("auto", VoltageLogFormat.Auto)]
    public void Config_format_names_round_trip(string name, VoltageLogFormat format)
    {
        Assert.Equal(format, VoltageLogFormatNames.Parse(name));
        Assert.Equal(format, VoltageLogFormatNames.Parse(VoltageLogFormatNames.Name(format)));
        Assert.Contains("unknown voltage-log format 'gamry'", Assert.Throws<ArgumentException>(() => VoltageLogFormatNames.Parse("gamry")).Message, StringComparison.Ordinal);
    }
}
