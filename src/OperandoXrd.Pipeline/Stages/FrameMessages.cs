using OperandoXrd.Core.Frames;
using OperandoXrd.Core.Integration;
using OperandoXrd.Fitting.Sequential;
using OperandoXrd.Pipeline.Outputs;

namespace OperandoXrd.Pipeline.Stages;

/// <summary>
/// A frame on its way from the source to the integrator: pixels in a pooled buffer that the integrator returns to
/// the pool, or the reason it could not be read (the frame then flows on as a failed row; nothing is lost).
/// </summary>
public sealed record RawFrame(int Index, FrameTiming Timing, int[]? Pixels, string? Error);

/// <summary>
/// An integrated pattern on the run's radial grid (a pooled <see cref="Pattern1D"/> that travels on to the sink,
/// which returns it), or why there is none.
/// </summary>
public sealed record IntegratedFrame(int Index, FrameTiming Timing, Pattern1D? Pattern, string? Error);

/// <summary>
/// A frame after the fitter, in frame order: the fit's summary (null when the frame had no pattern) and the fitted
/// curve with the reflection positions as one spool record (<see cref="FitCurveLayout"/>; pooled, null without a fit).
/// </summary>
public sealed record FittedFrame(IntegratedFrame Frame, FrameFit? Fit, double[]? Curve);

/// <summary>A frame ready to be written: its row (fit and electrochemistry) and the buffers the sink writes and returns.</summary>
public sealed record CompletedFrame(FrameRow Row, Pattern1D? Pattern, double[]? Curve);
