using OperandoXrd.Electrochem.Logs;
using OperandoXrd.Electrochem.Sync;
using OperandoXrd.Fitting.Output;
using OperandoXrd.Pipeline.Configuration;

namespace OperandoXrd.Cli.Commands;

/// <summary>
/// <c>oxrd fit --echem</c>: the voltage log at each pattern's mid-exposure time, as <c>reduce</c> does it (the
/// pipeline's echem section: format, active mass, theoretical capacity, x0, clock offset).
/// </summary>
internal static class FitEchem
{
    public static FrameEchem[] Correlate(string path, EchemSection section, IntegratedPatterns data, Action<string> log)
    {
        if (data.TimeUnix.Any(t => !double.IsFinite(t)))
        {
            throw new UsageException("--echem: the patterns carry no acquisition times (text patterns: give --start-time and --frame-period)");
        }

        var voltageLog = EchemCommand.Open(path, EchemCommand.FinishedLogOptions(section.Format));
        log($"fit: voltage log {path}: {VoltageLogFormatNames.Name(voltageLog.Format)}, {voltageLog.Count} rows; {voltageLog.Mapping?.Describe()}");
        if (EchemOverlap.Describe(voltageLog, data.TimeUnix.Min(), data.TimeUnix.Max(), section.ClockOffset_s) is { } message)
        {
            log($"fit: warning: echem: {message}");
        }

        var sync = EchemSynchronizer.Synchronize(voltageLog, data.TimeUnix, 0.0, new EchemSyncOptions
        {
            ClockOffsetSeconds = section.ClockOffset_s,
            ActiveMass_mg = section.ActiveMass_mg,
            TheoreticalCapacity_mAh_g = section.TheoreticalCapacity_mAh_g,
            X0 = section.X0,
        });
        return [.. Enumerable.Range(0, data.FrameCount).Select(i => new FrameEchem(sync.VoltageV[i], sync.CurrentmA[i], sync.CapacitymAhG[i], sync.XLi[i]))];
    }
}
