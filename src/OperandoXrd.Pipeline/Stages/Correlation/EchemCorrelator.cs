using Microsoft.Extensions.Logging;
using OperandoXrd.Core.Frames;
using OperandoXrd.Electrochem.Logs;
using OperandoXrd.Electrochem.Sync;
using OperandoXrd.Pipeline.Configuration;
using OperandoXrd.Pipeline.Outputs;

namespace OperandoXrd.Pipeline.Stages;

/// <summary>
/// The run's voltage log and how frames meet it: voltage, current, capacity and x(Li) at each frame's mid-exposure
/// time. Created ready (the log read, its warnings logged) before any stage starts. Live, the log grows while the run
/// goes on: <see cref="Refresh"/> reads what was appended (a live run whose log does not exist yet has none).
/// </summary>
public sealed class EchemCorrelator
{
    private readonly VoltageLog? _log;
    private readonly EchemSyncOptions _sync;

    private EchemCorrelator(VoltageLog? log, EchemSyncOptions sync)
    {
        _log = log;
        _sync = sync;
    }

    public static EchemCorrelator Create(ReduceOptions options, ILogger log)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(log);
        var e = options.Pipeline!.Echem;
        var sync = new EchemSyncOptions
        {
            ClockOffsetSeconds = e.ClockOffset_s,
            ActiveMass_mg = e.ActiveMass_mg,
            TheoreticalCapacity_mAh_g = e.TheoreticalCapacity_mAh_g,
            X0 = e.X0,
        };
        VoltageLog? voltageLog = null;
        if (options.EchemPath is { } path && (File.Exists(path) || !options.Follow))
        {
            voltageLog = VoltageLog.Open(path, new VoltageLogOptions { Format = e.Format, AllowEmpty = options.Follow });
            foreach (var warning in voltageLog.Warnings.Take(10))
            {
                log.LogWarning("voltage log: {Warning}", warning.ToString());
            }
        }

        return new EchemCorrelator(voltageLog, sync);
    }

    /// <summary>The electrochemistry at one frame (<see cref="EchemValues.None"/> without a log).</summary>
    public EchemValues At(FrameTiming timing)
    {
        if (_log is null)
        {
            return EchemValues.None;
        }

        var at = EchemSynchronizer.Synchronize(_log, timing.StartUnixSeconds, timing.ExposureSeconds, _sync);
        return new EchemValues(at.VoltageV, at.CurrentmA, at.CapacitymAhG, at.XLi, at.Status.Name());
    }

    /// <summary>Reads rows appended to the log since it was opened or last refreshed.</summary>
    public void Refresh() => _log?.Refresh();
}
