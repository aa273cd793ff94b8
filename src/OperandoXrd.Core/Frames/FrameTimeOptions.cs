namespace OperandoXrd.Core.Frames;

/// <summary>Rule 4 of the frame-time rules: what the command line or pipeline config says (<c>--start-time</c>, <c>--frame-period</c>).</summary>
public sealed record FrameTimeOptions
{
    public DateTimeOffset? StartTime { get; init; }

    public double? FramePeriodSeconds { get; init; }

    /// <summary>Exposure to report when the files do not say.</summary>
    public double? ExposureSeconds { get; init; }
}
