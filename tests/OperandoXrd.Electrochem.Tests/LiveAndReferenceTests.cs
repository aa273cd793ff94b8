using System.Diagnostics;
using System.Globalization;
using System.Text;
using OperandoXrd.Electrochem.Logs;
using OperandoXrd.Electrochem.Model;
using OperandoXrd.Electrochem.Sync;

namespace OperandoXrd.Electrochem.Tests;

public class LiveAndReferenceTests
{
    [Fact]
    public void Frames_ahead_of_a_growing_log_become_ok_after_refresh()
    {
        using var dir = new TempDir();
        var model = new GalvanostaticFirstCycle();
        var states = model.Record(30.0);
        var options = new MptWriterOptions();
        var path = Path.Combine(dir.Root, "live.mpt");
        MptRow[] rows = [.. BioLogicMptWriter.ToRows(states)];
        using (var w = BioLogicMptWriter.Create(path, options))
        {
            foreach (var row in rows.Take(100))
            {
                BioLogicMptWriter.WriteRow(w, row, options);
            }
        }

        var log = VoltageLog.Open(path);
        var start = log.StartUnixSeconds;
        double[] frames = [start + 1000, start + 5000];
        var early = EchemSynchronizer.Synchronize(log, frames, 10.0);
        Assert.Equal([FrameEchemStatus.Ok, FrameEchemStatus.AfterLog], early.Status);

        using (var w = new StreamWriter(path, append: true, Encoding.Latin1))
        {
            foreach (var row in rows.Skip(100).Take(200))
            {
                BioLogicMptWriter.WriteRow(w, row, options);
            }
        }

        Assert.Equal(200, log.Refresh());
        var later = EchemSynchronizer.Synchronize(log, frames, 10.0);
        Assert.Equal([FrameEchemStatus.Ok, FrameEchemStatus.Ok], later.Status);
        // 1.4e-8 is the trapezoid over the 1 ms the log takes to step the current from 0 to I at 600 s.
        Assert.Equal(model.StateAt(5005).XLi, later.XLi[1], 7);
        Assert.Equal(early.XLi[0], later.XLi[0], 15);
    }

    [Fact]
    public void Integrated_capacity_matches_numpy_trapezoid_on_an_irregular_noisy_log()
    {
        using var dir = new TempDir();
        // A noisy current (±20 % jitter, sign changes, irregular steps) that no closed form covers; numpy is the reference.
        var rng = new Random(20240314);
        var sb = new StringBuilder("t/s,E/V,I/mA\n");
        double t = 0;
        for (var k = 0; k < 2000; k++)
        {
            var i = (k < 1200 ? 0.0234 : -0.0234) * (1 + (0.2 * ((2 * rng.NextDouble()) - 1)));
            sb.Append(CultureInfo.InvariantCulture, $"{t:R},{3 + (t * 1e-5):R},{i:R}\n");
            t += 1 + (rng.NextDouble() * 19);
        }

        var csv = dir.Write("noisy.csv", sb.ToString());
        double[] mids = [.. Enumerable.Range(1, 40).Select(j => j * t / 41.0)];
        var midsText = string.Join(",", mids.Select(m => m.ToString("R", CultureInfo.InvariantCulture)));
        var script = $$"""
            import numpy as np
            d = np.loadtxt(r"{{csv}}", delimiter=",", skiprows=1)
            t, i = d[:, 0], d[:, 2]
            for m in [{{midsText}}]:
                k = np.searchsorted(t, m, side="right")
                tt = np.append(t[:k], m)
                ii = np.append(i[:k], np.interp(m, t, i))
                print(repr(np.trapz(ii, tt) / 3600.0))
            """;
        var reference = RunPython(script);

        var log = VoltageLog.Open(csv, new VoltageLogOptions
        {
            StartTime = DateTimeOffset.UnixEpoch.AddSeconds(1.7e9),
            Columns = new CsvColumnMap { Time = "t", Voltage = "E", Current = "I" },
        });
        var r = EchemSynchronizer.Synchronize(log, [.. mids.Select(m => 1.7e9 + m)], 0.0);

        Assert.Equal(mids.Length, reference.Length);
        for (var j = 0; j < mids.Length; j++)
        {
            var expected = double.Parse(reference[j], CultureInfo.InvariantCulture);
            Assert.True(Math.Abs(expected - r.CapacitymAh[j]) <= 1e-12, $"frame {j}: numpy {expected:R}, ours {r.CapacitymAh[j]:R}");
        }
    }

    private static string[] RunPython(string script)
    {
        // The Debian python (numpy installed with python3-pyfai), not the pyenv one on PATH.
        var psi = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        p.StandardInput.Write(script);
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEnd();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, "python failed: " + stderr);
        return stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }
}
