using OperandoXrd.Electrochem.Logs;

namespace OperandoXrd.Electrochem.Tests;

public class NewareAndCsvTests
{
    // 2023-11-02 16:45:10 UTC from `date -u -d "2023-11-02 16:45:10" +%s`.
    private const double Start20231102 = 1698943510.0;

    [Fact]
    public void Neware_record_export_with_step_time_total_time_and_unsigned_amperes()
    {
        using var dir = new TempDir();
        // BTSDA record sheet: Time restarts per step, Total Time runs on; this export prints currents unsigned in A.
        var path = dir.Write("neware.csv",
            "Record ID,Realtime,Time,Total Time,Cycle ID,Step ID,Step Type,Current(A),Voltage(V),Capacity(Ah),Energy(Wh)\r\n" +
            "1,2023-11-02 16:45:10,00:00:00,00:00:00,1,1,Rest,0.0000000,3.0051,0.0000000,0.0000000\r\n" +
            "2,2023-11-02 16:55:10,00:10:00,00:10:00,1,1,Rest,0.0000000,3.0049,0.0000000,0.0000000\r\n" +
            "3,2023-11-02 16:55:11,00:00:01,00:10:01,1,2,CC_Chg,0.0000234,3.0458,0.0000000,0.0000000\r\n" +
            "4,2023-11-02 17:55:11,01:00:01,01:10:01,1,2,CC_Chg,0.0000234,3.3102,0.0000234,0.0000750\r\n" +
            "5,2023-11-02 17:55:12,00:00:01,01:10:02,1,3,CC_DChg,0.0000234,3.2811,0.0000000,0.0000000\r\n");

        var log = VoltageLog.Open(path, new VoltageLogOptions { WallClockUtcOffset = TimeSpan.FromHours(1) });

        Assert.Equal(VoltageLogFormat.NewareCsv, log.Format);
        Assert.Equal(Start20231102 - 3600, log.StartUnixSeconds, 6);
        Assert.Equal([0.0, 600.0, 601.0, 4201.0, 4202.0], log.TimeSeconds.ToArray());
        Assert.Equal([3.0051, 3.0049, 3.0458, 3.3102, 3.2811], log.VoltageV.ToArray());
        BioLogicMptTests.Near([0.0, 0.0, 0.0234, 0.0234, -0.0234], log.CurrentmA, 1e-15);
        Assert.Equal([1, 1, 1, 1, 1], log.CycleNumber.ToArray());
        // Capacity restarts in every step and is unsigned: the charge is the signed sum over the steps.
        Assert.True(log.HasCharge);
        BioLogicMptTests.Near([0.0, 0.0, 0.0, 0.0234, 0.0234], log.ChargemAh, 1e-15);
        Assert.Empty(log.Warnings);
    }

    [Fact]
    public void Neware_tab_export_with_fractional_durations_signed_milliamperes_and_date_column()
    {
        using var dir = new TempDir();
        var path = dir.Write("neware.txt",
            "DataPoint\tCycle Index\tStep Index\tStep Type\tTime\tTotal Time\tCurrent(mA)\tVoltage(V)\tCapacity(mAh)\tDate\r\n" +
            "1\t1\t1\tCC Chg\t00:00:00.000\t00:00:00.500\t0.0234\t3.0412\t0.0000\t2023-11-02 16:45:10\r\n" +
            "2\t1\t1\tCC Chg\t00:00:30.000\t00:00:30.500\t0.0234\t3.0520\t0.0002\t2023-11-02 16:45:40\r\n" +
            "3\t1\t1\tCC Chg\t25:00:00.000\t25:00:00.500\t0.0234\t3.5800\t0.5850\t2023-11-03 17:45:10\r\n" +
            "4\t1\t2\tCC DChg\t00:00:01.250\t25:00:01.750\t-0.0234\t3.5512\t0.0000\t2023-11-03 17:45:11\r\n");

        var log = VoltageLog.Open(path);

        Assert.Equal(VoltageLogFormat.NewareCsv, log.Format);
        // The first row's wall clock is 0.5 s of total time after the log's zero.
        Assert.Equal(Start20231102 - 0.5, log.StartUnixSeconds, 6);
        Assert.Equal([0.5, 30.5, 90000.5, 90001.75], log.TimeSeconds.ToArray());
        Assert.Equal([0.0234, 0.0234, 0.0234, -0.0234], log.CurrentmA.ToArray());
    }

    [Fact]
    public void Generic_csv_with_preamble_semicolons_decimal_comma_minutes_microamperes_and_coulombs()
    {
        using var dir = new TempDir();
        var path = dir.Write("potentiostat.csv",
            "Exported by SomeLab 2.1\r\n" +
            "Cell: NCA|LPSCl|LiIn\r\n" +
            "t (min);U [mV];Iwe [uA];Q [C];step\r\n" +
            "0,0;3001,5;0,0;0,0;1\r\n" +
            "1,5;3040,25;23,4;0,002106;2\r\n" +
            "60,0;3300,0;23,4;0,08424;2\r\n");
        var map = new CsvColumnMap
        {
            HeaderLine = 3, Time = "t", Voltage = "U", Current = "#3", Charge = "Q", Cycle = "step", DecimalSeparator = ',',
        };
        var start = new DateTimeOffset(2023, 11, 2, 16, 45, 10, TimeSpan.Zero);

        var log = VoltageLog.Open(path, new VoltageLogOptions { Columns = map, StartTime = start });

        Assert.Equal(VoltageLogFormat.GenericCsv, log.Format);
        Assert.Equal(Start20231102, log.StartUnixSeconds, 6);
        Assert.Equal([0.0, 90.0, 3600.0], log.TimeSeconds.ToArray());
        BioLogicMptTests.Near([3.0015, 3.04025, 3.3], log.VoltageV, 1e-12);
        BioLogicMptTests.Near([0.0, 0.0234, 0.0234], log.CurrentmA, 1e-15);
        // 0.08424 C = 0.08424 A·s = 0.0234 mA·h.
        BioLogicMptTests.Near([0.0, 0.000585, 0.0234], log.ChargemAh, 1e-12);
        Assert.Equal([1, 2, 2], log.CycleNumber.ToArray());
        Assert.Equal([4, 5, 6], log.SourceLines.ToArray());
    }

    [Theory]
    [InlineData("iso", "2023-11-02T16:45:10Z", "2023-11-02T16:46:10.25Z")]
    [InlineData("unix", "1698943510", "1698943570.25")]
    [InlineData("dd.MM.yyyy HH:mm:ss.ff", "02.11.2023 16:45:10.00", "02.11.2023 16:46:10.25")]
    public void Generic_csv_with_absolute_times(string format, string t0, string t1)
    {
        using var dir = new TempDir();
        var path = dir.Write("abs.csv", $"when,E/V,I/mA\n{t0},3.0,0.1\n{t1},3.1,0.1\n");

        var log = VoltageLog.Open(path, new VoltageLogOptions
        {
            Columns = new CsvColumnMap { Time = "when", AbsoluteTimeFormat = format, Voltage = "E", Current = "I" },
        });

        Assert.Equal(Start20231102, log.StartUnixSeconds, 6);
        Assert.Equal(60.25, log.TimeSeconds[1], 9);
        Assert.Equal(0.1 * 60.25 / 3600, log.IntegratedChargemAh[1], 15);
    }
}
