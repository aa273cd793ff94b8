using OperandoXrd.Reports.Color;
using OperandoXrd.Reports.Plotting;

namespace OperandoXrd.Reports.Figures;

/// <summary>What the contour figure plots against, vertically.</summary>
public enum ContourAxis
{
    /// <summary>Time since the first frame, in hours.</summary>
    Time,
    /// <summary>Lithium content x(Li) (must be monotonic over the frames shown).</summary>
    XLi,
}

/// <summary>Data for the contour figure: integrated patterns per frame with their times and the cell's voltage.</summary>
public sealed class ContourData
{
    /// <summary>Radial bin centres (2θ in degrees, or q), ascending.</summary>
    public required double[] Radial { get; init; }

    /// <summary>intensity[frame, bin].</summary>
    public required float[,] Intensity { get; init; }

    /// <summary>Mid-exposure time of each frame in seconds (any origin; the figure shows hours from the first frame).</summary>
    public required double[] TimeSeconds { get; init; }

    /// <summary>x(Li) at each frame, for <see cref="ContourAxis.XLi"/>.</summary>
    public double[]? XLi { get; init; }

    /// <summary>The voltage curve for the side panel: times (same origin as <see cref="TimeSeconds"/>) and volts.</summary>
    public double[]? VoltageTimeSeconds { get; init; }

    public double[]? Voltage { get; init; }

    public string RadialLabel { get; init; } = "2θ (°)";

    public string IntensityLabel { get; init; } = "Intensity (counts)";

    public string VoltageLabel { get; init; } = "Voltage (V)";
}

/// <summary>How the contour figure is drawn.</summary>
public sealed class ContourOptions
{
    public ContourAxis Vertical { get; init; } = ContourAxis.Time;

    /// <summary>The 2θ range of interest; null shows every bin.</summary>
    public double? RadialMin { get; init; }

    public double? RadialMax { get; init; }

    public ScaleKind IntensityScale { get; init; } = ScaleKind.Linear;

    /// <summary>Colour limits; null takes the data's minimum/maximum in the range shown (for log, the smallest positive value).</summary>
    public double? IntensityMin { get; init; }

    public double? IntensityMax { get; init; }

    public ColorMap ColorMap { get; init; } = ColorMap.Viridis;

    /// <summary>
    /// For difference maps (e.g. each frame minus the first) with <see cref="ColorMap.CoolWarm"/>: colour limits
    /// ±max|value| so that zero sits on the neutral middle colour. Linear scale only.
    /// </summary>
    public bool SymmetricLimits { get; init; }

    public double Width { get; init; } = 1000;

    public double Height { get; init; } = 700;

    public string? Title { get; init; }
}

/// <summary>One refined quantity per frame with its estimated standard deviation, e.g. NCA a.</summary>
public sealed record ParameterSeries(string Phase, string Name, string Unit, double[] Values, double[] Esd);

/// <summary>Reflection positions of one phase for the tick-mark row under a pattern.</summary>
public sealed record PhaseTicks(string Phase, double[] Positions);
