using OperandoXrd.Reports.Axes;

namespace OperandoXrd.Reports.Plotting;

public enum ScaleKind
{
    Linear,
    Log,
}

/// <summary>One axis of a panel: label, scale kind and range (automatic from the data unless set).</summary>
public sealed class Axis
{
    public string Label { get; set; } = "";

    public ScaleKind Scale { get; set; } = ScaleKind.Linear;

    /// <summary>Fixed lower end; null takes it from the data.</summary>
    public double? Min { get; set; }

    /// <summary>Fixed upper end; null takes it from the data.</summary>
    public double? Max { get; set; }

    /// <summary>Fraction of the data span added on each side of an automatic range (in log space for log axes).</summary>
    public double Padding { get; set; } = 0.04;

    public bool ShowTickLabels { get; set; } = true;

    /// <summary>No ticks, labels or title at all (a colour bar's x axis).</summary>
    public bool Hidden { get; set; }

    /// <summary>For a y axis: ticks and labels on the right-hand side.</summary>
    public bool OnRight { get; set; }

    /// <summary>Copies range, scale and padding from <paramref name="other"/> (for panels that share the axis).</summary>
    public void ShareWith(Axis other)
    {
        ArgumentNullException.ThrowIfNull(other);
        Scale = other.Scale;
        Min = other.Min;
        Max = other.Max;
        Padding = other.Padding;
    }

    internal AxisScale Resolve(IEnumerable<double> data)
    {
        double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
        if (Min is null || Max is null)
        {
            foreach (double v in data)
            {
                if (!double.IsFinite(v) || (Scale == ScaleKind.Log && v <= 0))
                    continue;
                lo = Math.Min(lo, v);
                hi = Math.Max(hi, v);
            }
        }

        if (Scale == ScaleKind.Log)
        {
            double lmin = Min is { } a ? Math.Log10(a) : Math.Log10(lo), lmax = Max is { } b ? Math.Log10(b) : Math.Log10(hi);
            (lmin, lmax) = Pad(lmin, lmax, Min is null, Max is null);
            if (!double.IsFinite(lmin) || !double.IsFinite(lmax))
                (lmin, lmax) = (0, 1);
            return new LogScale(Math.Pow(10, lmin), Math.Pow(10, lmax));
        }

        double min = Min ?? lo, max = Max ?? hi;
        (min, max) = Pad(min, max, Min is null, Max is null);
        if (!double.IsFinite(min) || !double.IsFinite(max))
            (min, max) = (0, 1);
        return new LinearScale(min, max);
    }

    private (double, double) Pad(double min, double max, bool padMin, bool padMax)
    {
        if (!double.IsFinite(min) || !double.IsFinite(max))
            return (min, max);
        if (max <= min)
        {
            // A constant series: open a window around it so it sits in the middle.
            double half = Math.Abs(min) > 0 ? Math.Abs(min) * 0.05 : 0.5;
            return (min - half, max + half);
        }
        double span = max - min;
        return (padMin ? min - Padding * span : min, padMax ? max + Padding * span : max);
    }
}
