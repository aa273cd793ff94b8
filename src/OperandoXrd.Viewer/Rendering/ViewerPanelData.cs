using OperandoXrd.Reports.Axes;
using OperandoXrd.Reports.Color;

namespace OperandoXrd.Viewer.Rendering;

/// <summary>What the panels plot, from the state: phase colours, the lattice parameters shown, the time axis, padded ranges.</summary>
internal static class ViewerPanelData
{
    // matplotlib's tab10 after blue and red, for phase ticks and lattice series.
    private static readonly Rgba[] Phases = [new(44, 160, 44), new(148, 103, 189), new(140, 86, 75), new(227, 119, 194), new(188, 189, 34), new(23, 190, 207)];

    /// <summary>
    /// One colour per phase, the same for its tick marks and its lattice parameters: phases in the order of the current
    /// frame's tick sets, then of the lattice names.
    /// </summary>
    public static Rgba PhaseColor(ViewerState state, string phase)
    {
        var order = new List<string>();
        foreach (var t in state.Current?.Ticks ?? [])
        {
            order.Add(t.Phase);
        }

        foreach (var v in state.Current?.Lattice ?? [])
        {
            var p = PhaseOf(v.Name);
            if (!order.Contains(p))
            {
                order.Add(p);
            }
        }

        var i = order.IndexOf(phase);
        return Phases[(i < 0 ? order.Count : i) % Phases.Length];
    }

    public static string PhaseOf(string parameter) =>
        parameter.LastIndexOf('_') is var i && i > 0 ? parameter[..i] : parameter;

    /// <summary>Up to four refined parameters to plot: cell lengths and angles in the order of the file, volumes left out.</summary>
    public static List<string> LatticeNames(ViewerState state)
    {
        var names = new List<string>();
        for (var i = state.Frames.Count - 1; i >= 0 && names.Count == 0; i--)
        {
            foreach (var v in state.Frames[i].Lattice)
            {
                if (!v.Name.EndsWith("_V", StringComparison.Ordinal) && names.Count < 4)
                {
                    names.Add(v.Name);
                }
            }
        }

        return names;
    }

    public readonly record struct TimeAxisInfo((double Min, double Max) Range, string Label, double Origin, double Unit, bool ByIndex);

    /// <summary>Time since the first frame in minutes (hours past two hours); frame index when frames carry no time.</summary>
    public static TimeAxisInfo TimeAxis(ViewerState state)
    {
        var frames = state.Frames;
        if (frames.Count == 0)
        {
            return new((0, 1), "time (min)", 0, 60, false);
        }

        if (frames.Any(f => !double.IsFinite(f.StartTime)))
        {
            return new((frames[0].Index - 0.5, frames[^1].Index + 0.5), "frame", 0, 1, true);
        }

        double t0 = frames[0].StartTime, span = frames[^1].StartTime - t0;
        double unit = span > 7200 ? 3600 : 60;
        var max = Math.Max(span / unit, 1e-6);
        return new((-0.02 * max, max * 1.02), unit == 3600 ? "time (h)" : "time (min)", t0, unit, false);
    }

    public static LinearScale PaddedScale(double[] values, double[] esd)
    {
        double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
        for (var i = 0; i < values.Length; i++)
        {
            if (double.IsFinite(values[i]))
            {
                var e = double.IsFinite(esd[i]) ? Math.Abs(esd[i]) : 0;
                lo = Math.Min(lo, values[i] - e);
                hi = Math.Max(hi, values[i] + e);
            }
        }

        var pad = Math.Max((hi - lo) * 0.08, Math.Max(Math.Abs(hi), 1e-9) * 1e-6);
        return new LinearScale(lo - pad, hi + pad);
    }


    public static string RadialLabel(ViewerState state) => state.Current?.RadialUnit switch
    {
        "q_A^-1" => "q (Å⁻¹)",
        "q_nm^-1" => "q (nm⁻¹)",
        "r_mm" => "r (mm)",
        _ => "2θ (°)",
    };
}
