using OperandoXrd.Electrochem.Logs;
using OperandoXrd.Electrochem.Model;
using OperandoXrd.Electrochem.Sync;
using Xunit.Abstractions;

namespace OperandoXrd.Electrochem.Tests;

/// <summary>
/// The simulator's path end to end: model → .mpt on the cycler's own clock → reader → frames on the beamline's clock
/// → x(Li) and Ewe at every frame, against the model's truth at the same instants.
/// </summary>
public class RoundTripTests(ITestOutputHelper output)
{
    private static readonly GalvanostaticFirstCycle s_model = new();

    [Theory]
    [InlineData(false, 5.0, 0.0)]
    [InlineData(true, 10.0, 0.0)]
    [InlineData(true, 10.0, 1e-4)]
    public void Mpt_written_from_the_model_and_synchronised_to_frames_reproduces_x_and_voltage(bool decimalComma, double samplePeriod, double adcStep)
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Root, "cell.mpt");
        // The cycler PC writes CET wall-clock time and runs 12.5 s behind the beamline clock.
        var logStart = new DateTimeOffset(2024, 3, 14, 8, 0, 0, 250, TimeSpan.Zero);
        const double clockOffset = 12.5;
        BioLogicMptWriter.Write(path, s_model, samplePeriod, new MptWriterOptions
        {
            AcquisitionStart = logStart, WallClockUtcOffset = TimeSpan.FromHours(1), DecimalComma = decimalComma, VoltageResolution_V = adcStep,
        });

        var log = VoltageLog.Open(path, new VoltageLogOptions { WallClockUtcOffset = TimeSpan.FromHours(1) });
        Assert.Empty(log.Warnings);
        Assert.Equal((logStart - DateTimeOffset.UnixEpoch).TotalSeconds, log.StartUnixSeconds, 6);

        // Frames: 30 s exposures every 37 s on the beamline clock, from 5 min before the log to 5 min after it ends.
        var trueStart = log.StartUnixSeconds + clockOffset;
        const double exposure = 30.0;
        var starts = new List<double>();
        for (var t = trueStart - 300; t < trueStart + s_model.Duration_s + 300; t += 37.0)
        {
            starts.Add(t);
        }

        var r = EchemSynchronizer.Synchronize(log, [.. starts], exposure, new EchemSyncOptions { ClockOffsetSeconds = clockOffset });

        double maxDx = 0, maxDv = 0, maxDi = 0, maxRatio = 0;
        var ok = 0;
        for (var f = 0; f < starts.Count; f++)
        {
            var mid = starts[f] + (0.5 * exposure) - trueStart;
            var expected = mid < 0 ? FrameEchemStatus.BeforeLog : mid > s_model.Duration_s ? FrameEchemStatus.AfterLog : FrameEchemStatus.Ok;
            Assert.Equal(expected, r.Status[f]);
            if (expected != FrameEchemStatus.Ok)
            {
                Assert.True(double.IsNaN(r.XLi[f]));
                continue;
            }

            ok++;
            var truth = s_model.StateAt(mid);
            maxDx = Math.Max(maxDx, Math.Abs(r.XLi[f] - truth.XLi));
            var dv = Math.Abs(r.VoltageV[f] - truth.Ewe_V);
            maxDv = Math.Max(maxDv, dv);
            var bound = VoltageResolution(log, mid, adcStep > 0 ? adcStep : 1e-7);
            Assert.True(dv <= bound, $"frame {f} at {mid:F1} s: Ewe {r.VoltageV[f]:R} V vs truth {truth.Ewe_V:R} V, off by {dv:E2} V > log resolution {bound:E2} V");
            maxRatio = Math.Max(maxRatio, dv / bound);
            CellState a = s_model.StateAt(mid - (0.5 * exposure)), b = s_model.StateAt(mid + (0.5 * exposure));
            if (a.Step == b.Step && mid - (0.5 * exposure) > 0.002)
            {
                maxDi = Math.Max(maxDi, Math.Abs(r.CurrentmA[f] - truth.Current_mA));
            }
        }

        output.WriteLine($"{ok} frames in the log; max |Δx| = {maxDx:E2}, max |ΔEwe| = {maxDv:E2} V, max |ΔI| = {maxDi:E2} mA; worst error / resolution = {maxRatio:F2}");
        Assert.True(ok > 1000);
        Assert.True(maxDx <= 1e-3, $"x(Li) off by {maxDx}");
        Assert.True(maxDi <= 1e-9, $"current off by {maxDi} mA");
    }

    /// <summary>
    /// What the log can resolve at log time <paramref name="t"/>: half a digit of Ewe (the file's quantization) plus
    /// the most that linear interpolation between the two rows around t can miss, Δt²/8 · max|Ewe''| with Ewe''
    /// taken from the model by finite differences inside that interval.
    /// </summary>
    private static double VoltageResolution(VoltageLog log, double t, double quantum)
    {
        var times = log.TimeSeconds;
        var i = times.BinarySearch(t);
        var k = Math.Clamp(i >= 0 ? i : ~i - 1, 0, times.Length - 2);
        double a = times[k], b = times[k + 1], span = b - a, h = Math.Min(0.5, span / 8);
        double curvature = 0;
        foreach (var u in (ReadOnlySpan<double>)[0.2, 0.5, 0.8])
        {
            var c = a + (u * span);
            var second = (s_model.StateAt(c + h).Ewe_V - (2 * s_model.StateAt(c).Ewe_V) + s_model.StateAt(c - h).Ewe_V) / (h * h);
            curvature = Math.Max(curvature, Math.Abs(second));
        }

        // 10 % on the curvature: it is sampled at three points, and the exponential terms change by a few % over a row.
        return (0.5 * quantum) + (1.1 * curvature * span * span / 8) + 1e-12;
    }
}
