using OperandoXrd.Core.Frames;

namespace OperandoXrd.Pipeline.Stages;

/// <summary>
/// A frame on its way from the source to the integrator: pixels in a pooled buffer that the integrator returns to
/// the pool, or the reason it could not be read (the frame then flows on as a failed row; nothing is lost).
/// </summary>
public sealed record RawFrame(int Index, FrameTiming Timing, int[]? Pixels, string? Error);

/// <summary>An integrated pattern (intensity and σ on the run's radial grid), or why there is none.</summary>
public sealed record IntegratedFrame(int Index, FrameTiming Timing, double[]? Intensity, double[]? Sigma, string? Error);
