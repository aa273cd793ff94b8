using OperandoXrd.Core.Frames;
using OperandoXrd.Fitting.Sequential;

namespace OperandoXrd.Pipeline.Outputs;

/// <summary>Electrochemistry at one frame (NaN where the log has nothing), with the synchronizer's status word.</summary>
public readonly record struct EchemValues(double Voltage_V, double Current_mA, double Capacity_mAh_g, double XLi, string Status)
{
    public static EchemValues None { get; } = new(double.NaN, double.NaN, double.NaN, double.NaN, "no-log");
}

/// <summary>Everything the outputs need to know about one frame, in frame order.</summary>
public sealed record FrameRow(int Index, FrameTiming Timing, string? Error, FrameFit? Fit, EchemValues Echem)
{
    /// <summary>The status word of lattice.csv: ok, gated, failed (fit) or read-error/integration-error.</summary>
    public string Status => Error is not null ? FrameStatuses.Failed : Fit is { } fit ? fit.Status.Name() : FrameStatuses.NotFitted;

    public string Reason => Error ?? Fit?.Reason ?? "";
}
