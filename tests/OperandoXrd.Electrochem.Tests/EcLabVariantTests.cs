using System.Text;
using OperandoXrd.Electrochem.Logs;

namespace OperandoXrd.Electrochem.Tests;

/// <summary>
/// EC-Lab layouts the realdata folder has no file for: the 3-line header (no settings block), an old export with
/// XXX for missing values and CRLF, a CA export in a French locale with a Windows-1252 µ, a GEIS export.
/// </summary>
public sealed class EcLabVariantTests
{
    private static VoltageLog Open(TempDir dir, string name, string text) =>
        VoltageLog.Open(dir.Write(name, text, Encoding.Latin1), new VoltageLogOptions { Strict = true, ReadUnterminatedLastLine = true });

    [Fact]
    public void The_three_line_header_variant_has_its_columns_on_line_3_and_no_start()
    {
        using var dir = new TempDir();
        var log = Open(dir, "short.mpt", "EC-Lab ASCII FILE\nNb header lines : 3\ntime/s\tEwe/V\t<I>/mA\t\n0,5\t3,1\t0,02\n1,5\t3,2\t0,03");

        Assert.Equal([0.5, 1.5], log.TimeSeconds.ToArray());
        Assert.Equal([3.1, 3.2], log.VoltageV.ToArray());
        Assert.Equal([0.02, 0.03], log.CurrentmA.ToArray());
        Assert.Null(log.Start);
    }

    [Fact]
    public void An_old_export_with_XXX_for_missing_values_and_CRLF_is_read()
    {
        using var dir = new TempDir();
        var log = Open(dir, "old.mpt",
            "EC-Lab ASCII FILE\r\nNb header lines : 5\r\n\r\nAcquisition started on : 03/14/2019 09:00:00\r\n" +
            "mode\tox/red\terror\ttime/s\tcontrol/V/mA\tEwe/V\tI/mA\tdq/mA.h\t(Q-Qo)/mA.h\t\r\n" +
            "1\t1\t0\t0.0\t0.1\t3.5\tXXX\t0\t0\r\n1\t1\t0\t10.0\t0.1\t3.6\t0.1\t0.0003\t0.0003\r\n");

        Assert.Equal(2, log.Count);
        Assert.True(double.IsNaN(log.CurrentmA[0]));
        Assert.Equal(0.1, log.CurrentmA[1]);
        Assert.Equal(new DateTimeOffset(2019, 3, 14, 9, 0, 0, TimeSpan.Zero), log.Start);
    }

    [Fact]
    public void A_CA_export_in_a_French_locale_with_a_windows_1252_micro_sign_is_read()
    {
        using var dir = new TempDir();
        var log = Open(dir, "ca.mpt",
            "EC-Lab ASCII FILE\nNb header lines : 6\n\nChronoamperometry / Chronocoulometry\nAcquisition started on : 01/10/2024 11:02:29,886\n" +
            "mode\ttime/s\tcontrol/V\tEwe/V\t<I>/mA\t(Q-Qo)/mA.h\tCapacitance/µF\tcycle number\t\n" +
            "2\t1,0E+000\t3,8\t3,79\t1,25E-001\t3,4E-005\t0\t0,000000000000000E+000\n2\t2,0E+000\t3,8\t3,80\t1,20E-001\t6,8E-005\t0\t0,000000000000000E+000");

        Assert.Equal([3.79, 3.80], log.VoltageV.ToArray());
        Assert.Equal([0.125, 0.12], log.CurrentmA.ToArray());
        Assert.Equal([3.4e-5, 6.8e-5], log.ChargemAh.ToArray());
        Assert.Contains("Capacitance/µF", log.ColumnNames);
        // Month first whatever the locale: 10 January.
        Assert.Equal(new DateTimeOffset(2024, 1, 10, 11, 2, 29, 886, TimeSpan.Zero), log.Start);
    }

    [Fact]
    public void A_GEIS_export_keeps_time_voltage_and_current_and_ignores_the_impedance_columns()
    {
        using var dir = new TempDir();
        var log = Open(dir, "geis.mpt",
            "EC-Lab ASCII FILE\nNb header lines : 3\nfreq/Hz\tRe(Z)/Ohm\t-Im(Z)/Ohm\t|Z|/Ohm\tPhase(Z)/deg\ttime/s\t<Ewe>/V\t<I>/mA\t|Ewe|/V\t|I|/A\tcycle number\t\n" +
            "1.0E+5\t12\t3\t12.4\t-14\t80.3\t3.42\t0.025\t0.001\t1E-6\t1\n1.0E+4\t13\t4\t13.6\t-17\t81.3\t3.43\t0.024\t0.001\t1E-6\t1");

        Assert.Equal("time ← 'time/s'; voltage ← '<Ewe>/V'; current ← '<I>/mA'; charge ← none; cycle ← 'cycle number'", log.Mapping!.Describe());
        Assert.Equal([3.42, 3.43], log.VoltageV.ToArray());
    }
}
