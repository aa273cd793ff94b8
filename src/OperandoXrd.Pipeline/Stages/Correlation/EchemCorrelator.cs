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
            // Offline the log is a finished file, read whole and strictly (a bad row is an error naming its line);
            // live it is still being written, so a header-only file is fine and a half-written row waits. Either way
            // an unusable log stops the run before the first frame (exit 2), not in the middle of it.
            try
            {
                voltageLog = VoltageLog.Open(path, new VoltageLogOptions { Format = e.Format, AllowEmpty = options.Follow, Strict = !options.Follow });
            }
            catch (VoltageLogException x)
            {
                throw new PipelineConfigException(x.Message, x);
            }

            log.LogInformation("voltage log: {Path}: {Format}, {Rows} rows; {Mapping}", path, VoltageLogFormatNames.Name(voltageLog.Format), voltageLog.Count, voltageLog.Mapping?.Describe());
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

    /// <summary>
    /// Null when the log covers the frames from <paramref name="firstFrameStart"/> to <paramref name="lastFrameEnd"/>
    /// (seconds since 1970 UTC) or there is no log; else the warning of <see cref="EchemOverlap.Describe"/>.
    /// </summary>
    public string? Overlap(double firstFrameStart, double lastFrameEnd) =>
        _log is { Count: > 0 } voltageLog ? EchemOverlap.Describe(voltageLog, firstFrameStart, lastFrameEnd, _sync.ClockOffsetSeconds) : null;

    /// <summary>Reads rows appended to the log since it was opened or last refreshed.</summary>
    public void Refresh() => _log?.Refresh();
}
