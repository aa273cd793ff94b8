using System.Globalization;
using System.Text;
using OperandoXrd.Electrochem.Logs;
using OperandoXrd.Electrochem.Sync;

namespace OperandoXrd.Electrochem.Tests;

public class SynchronizerTests
{
    private static readonly DateTimeOffset s_start = new(2023, 11, 2, 16, 45, 10, TimeSpan.Zero);
    private static readonly double s_startUnix = 1698943510.0;

    /// <summary>A generic CSV sampled at irregular, deterministic times from analytic V(t) and I(t).</summary>
    private static VoltageLog AnalyticLog(TempDir dir, Func<double, double> current, Func<double, double> voltage, double end, bool withCharge = false, Func<double, double>? charge = null)
    {
        var sb = new StringBuilder("t/s,E/V,I/mA,Q/mA.h\n");
        for (var k = 0; ; k++)
        {
            // Steps of 20–40 s that never repeat a pattern a bug could line up with.
            var t = Math.Min(end, (k * 30.0) + (k == 0 ? 0 : 10.0 * Math.Sin(k * 1.7)));
            sb.Append(CultureInfo.InvariantCulture, $"{t:R},{voltage(t):R},{current(t):R},{(charge ?? (_ => 0))(t):R}\n");
            if (t >= end)
            {
                break;
            }
        }

        var path = dir.Write("analytic.csv", sb.ToString());
        return VoltageLog.Open(path, new VoltageLogOptions
        {
            StartTime = s_start,
            Columns = new CsvColumnMap { Time = "t", Voltage = "E", Current = "I", Charge = withCharge ? "Q" : null },
        });
    }

    [Fact]
    public void Constant_current_capacity_specific_capacity_and_x_match_the_analytic_values()
    {
        using var dir = new TempDir();
        const double i = 0.0234; // mA, C/10 of 0.84 mg × 279 mAh/g
        var log = AnalyticLog(dir, _ => i, t => 3.0 + (1e-5 * t), 36000);
        double[] mids = [100, 1000, 3000.5, 17999.25, 35990];
        double[] starts = [.. mids.Select(m => s_startUnix + m - 5.0)];

        var r = EchemSynchronizer.Synchronize(log, starts, 10.0);

        for (var f = 0; f < mids.Length; f++)
        {
            var q = i * mids[f] / 3600.0;
            Assert.Equal(FrameEchemStatus.Ok, r.Status[f]);
            Assert.Equal(mids[f], r.LogTimeSeconds[f], 9);
            Assert.Equal(q, r.CapacitymAh[f], 12);
            Assert.Equal(q / 0.84e-3, r.CapacitymAhG[f], 9);
            Assert.Equal(1.0 - (q / 0.84e-3 / 279.0), r.XLi[f], 12);
            Assert.Equal(i, r.CurrentmA[f], 14);
            Assert.Equal(3.0 + (1e-5 * mids[f]), r.VoltageV[f], 12);
        }

        // After 10 h at C/10 of the theoretical capacity, x has fallen by exactly 0.1 × 10 × (0.0234 / 0.02344).
        Assert.Equal(1.0 - (0.0234 * 36000 / 3600 / (0.84e-3 * 279)), EchemSynchronizer.Synchronize(log, [s_startUnix + 36000], 0.0).XLi[0], 12);
    }

    [Fact]
    public void Linear_current_ramp_integrates_and_averages_exactly_and_the_clock_offset_shifts_frames()
    {
        using var dir = new TempDir();
        // I(t) = 0.1 + 1e-4 t mA: the trapezoid rule is exact, Q(t) = (0.1 t + 5e-5 t²) / 3600 mA·h.
        var log = AnalyticLog(dir, t => 0.1 + (1e-4 * t), t => 3.2 - (2e-5 * t), 7200);
        const double offset = 42.5;
        double[] mids = [250, 3333.3, 7100];
        // Frames on their own clock: the log's clock is 42.5 s behind, so frame time = log time + 42.5.
        double[] starts = [.. mids.Select(m => s_startUnix + offset + m - 30.0)];

        var r = EchemSynchronizer.Synchronize(log, starts, 60.0, new EchemSyncOptions { ClockOffsetSeconds = offset, ActiveMass_mg = 1.2, TheoreticalCapacity_mAh_g = 200, X0 = 0.95 });

        for (var f = 0; f < mids.Length; f++)
        {
            var t = mids[f];
            var q = ((0.1 * t) + (5e-5 * t * t)) / 3600.0;
            // Epoch seconds near 1.7e9 carry 2.4e-7 s of resolution: 1e-10 mA·h is that at this current.
            Assert.Equal(q, r.CapacitymAh[f], 10);
            Assert.Equal(0.95 - (q / 1.2e-3 / 200), r.XLi[f], 9);
            // The mean of a linear current over a window centred on t is its value at t.
            Assert.Equal(0.1 + (1e-4 * t), r.CurrentmA[f], 11);
            Assert.Equal(3.2 - (2e-5 * t), r.VoltageV[f], 11);
        }
    }

    [Fact]
    public void Current_is_averaged_over_the_exposure_across_a_step()
    {
        using var dir = new TempDir();
        var path = dir.Write("step.csv", "t,E,I\n0,3,0\n100,3,0\n100.001,3,1\n200,3,1\n");
        var log = VoltageLog.Open(path, new VoltageLogOptions { StartTime = s_start, Columns = new CsvColumnMap { Time = "t", Voltage = "E", Current = "I" } });

        // Exposure 90..110 s: 10 s at 0 mA, ~10 s at 1 mA, the 1 ms ramp between counting half.
        var r = EchemSynchronizer.Synchronize(log, [s_startUnix + 90], 20.0);

        Assert.Equal((10.0 - 0.0005) / 20.0, r.CurrentmA[0], 12);
    }

    [Fact]
    public void Charge_column_is_used_when_asked_and_relative_to_the_first_row()
    {
        using var dir = new TempDir();
        // The charge column disagrees with the current on purpose (offset 0.01 and twice the slope) to tell them apart.
        var log = AnalyticLog(dir, _ => 0.5, _ => 3.0, 3600, withCharge: true, charge: t => 0.01 + (t / 3600.0));

        var fromCurrent = EchemSynchronizer.Synchronize(log, [s_startUnix + 1800], 0.0);
        var fromColumn = EchemSynchronizer.Synchronize(log, [s_startUnix + 1800], 0.0, new EchemSyncOptions { CapacitySource = CapacitySource.ChargeColumn });

        Assert.Equal(0.25, fromCurrent.CapacitymAh[0], 12);
        Assert.Equal(0.5, fromColumn.CapacitymAh[0], 12);
        Assert.Equal(CapacitySource.ChargeColumn, fromColumn.CapacitySourceUsed);
    }

    [Fact]
    public void Frames_before_after_and_in_gaps_are_kept_and_marked()
    {
        using var dir = new TempDir();
        var path = dir.Write("gap.csv", "t,E,I\n0,3.0,0.1\n100,3.1,0.1\n2000,3.5,0.1\n2100,3.6,0.1\n");
        var log = VoltageLog.Open(path, new VoltageLogOptions { StartTime = s_start, Columns = new CsvColumnMap { Time = "t", Voltage = "E", Current = "I" } });

        var r = EchemSynchronizer.Synchronize(log, [s_startUnix - 50, s_startUnix + 50, s_startUnix + 1050, s_startUnix + 2050, s_startUnix + 2200], 0.0);

        Assert.Equal([FrameEchemStatus.BeforeLog, FrameEchemStatus.Ok, FrameEchemStatus.Gap, FrameEchemStatus.Ok, FrameEchemStatus.AfterLog], r.Status);
        Assert.True(double.IsNaN(r.VoltageV[0]) && double.IsNaN(r.XLi[0]) && double.IsNaN(r.VoltageV[4]) && double.IsNaN(r.CapacitymAh[4]));
        Assert.Equal(3.3, r.VoltageV[2], 12);
        Assert.Equal(3.55, r.VoltageV[3], 12);
        Assert.Equal(5, r.XLi.Length);
        Assert.Equal(["before-log", "ok", "gap", "ok", "after-log"], r.Status.Select(FrameEchemStatusNames.Name));
    }
}
