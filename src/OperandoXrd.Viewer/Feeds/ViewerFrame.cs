using OperandoXrd.Fitting.Output;

namespace OperandoXrd.Viewer.Feeds;

/// <summary>Where one phase's reflections fall (2θ, degrees) for that frame's refined cell.</summary>
public sealed record PhaseTicks(string Phase, double[] TwoTheta);

/// <summary>
/// One reduced (and possibly fitted) frame as the viewer shows it. The pipeline host maps its results onto this;
/// the folder feed builds it from <c>reduced.h5</c> and <c>lattice.csv</c>.
/// </summary>
/// <param name="Index">Global frame index (0-based).</param>
/// <param name="StartTime">Frame start, unix seconds.</param>
/// <param name="Radial">Bin centres (2θ in degrees unless <paramref name="RadialUnit"/> says otherwise).</param>
/// <param name="Intensity">Integrated intensity per bin.</param>
/// <param name="Calculated">The fitted model per bin, or null when the frame was not fitted.</param>
/// <param name="Ticks">Per-phase reflection positions, or null.</param>
/// <param name="Lattice">Refined cell parameters with esd (may be empty).</param>
/// <param name="Voltage">Cell voltage at the frame (V), NaN when unknown.</param>
/// <param name="Rwp">Weighted-profile R factor of the fit as a fraction (as the fitter and lattice.csv give it; shown ×100 in %), NaN when not fitted.</param>
/// <param name="RadialUnit">pyFAI unit name of <paramref name="Radial"/>, e.g. <c>2th_deg</c>.</param>
public sealed record ViewerFrame(
    int Index,
    double StartTime,
    double[] Radial,
    double[] Intensity,
    double[]? Calculated,
    IReadOnlyList<PhaseTicks>? Ticks,
    IReadOnlyList<LatticeValue> Lattice,
    double Voltage,
    double Rwp,
    string RadialUnit = "2th_deg");
