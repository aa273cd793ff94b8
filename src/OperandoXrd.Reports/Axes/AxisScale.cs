using System.Globalization;

namespace OperandoXrd.Reports.Axes;

/// <summary>One tick on an axis: its data value, its label (empty for minor ticks) and whether it is major.</summary>
public readonly record struct Tick(double Value, string Label, bool Major);

/// <summary>Maps data values on an axis to [0, 1] and places ticks; linear or logarithmic.</summary>
public abstract class AxisScale
{
    protected AxisScale(double min, double max)
    {
        if (!double.IsFinite(min) || !double.IsFinite(max) || !(max > min))
        {
            throw new ArgumentException($"axis range [{min.ToString(CultureInfo.InvariantCulture)}, {max.ToString(CultureInfo.InvariantCulture)}] is empty or not finite");
        }

        Min = min;
        Max = max;
    }

    public double Min { get; }

    public double Max { get; }

    /// <summary>0 at <see cref="Min"/>, 1 at <see cref="Max"/>; NaN for values the scale cannot show.</summary>
    public abstract double Normalize(double value);

    /// <summary>Ticks inside [Min, Max], at most about <paramref name="maxMajor"/> of them labelled.</summary>
    public abstract IReadOnlyList<Tick> Ticks(int maxMajor);
}

/// <summary>A linear axis with "nice" ticks at 1, 2, 2.5 or 5 × 10^k.</summary>
public sealed class LinearScale(double min, double max) : AxisScale(min, max)
{
    public override double Normalize(double value) => (value - Min) / (Max - Min);

    public override IReadOnlyList<Tick> Ticks(int maxMajor) => NiceTicks.Linear(Min, Max, maxMajor);
}

/// <summary>A base-10 logarithmic axis (positive values only): decades labelled, 2..9 minor ticks.</summary>
public sealed class LogScale : AxisScale
{
    public LogScale(double min, double max)
        : base(min, max)
    {
        if (!(min > 0))
        {
            throw new ArgumentException($"a log axis needs a positive minimum, got {min.ToString(CultureInfo.InvariantCulture)}");
        }
    }

    public override double Normalize(double value) =>
        value > 0 ? (Math.Log10(value) - Math.Log10(Min)) / (Math.Log10(Max) - Math.Log10(Min)) : double.NaN;

    public override IReadOnlyList<Tick> Ticks(int maxMajor) => NiceTicks.Log(Min, Max, maxMajor);
}

/// <summary>Tick placement (Heckbert's "nice numbers", as in matplotlib's MaxNLocator with steps 1, 2, 2.5, 5, 10).</summary>
public static class NiceTicks
{
    private static readonly double[] Steps = [1, 2, 2.5, 5, 10];

    /// <summary>The smallest nice step that needs at most <paramref name="maxMajor"/> ticks over [min, max].</summary>
    public static double Step(double min, double max, int maxMajor)
    {
        maxMajor = Math.Max(1, maxMajor);
        var raw = (max - min) / maxMajor;
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        foreach (var s in Steps)
        {
            var step = s * magnitude;
            if (CountTicks(min, max, step) <= maxMajor)
            {
                return step;
            }
        }
        return 10 * magnitude;
    }

    /// <summary>Major ticks at multiples of <see cref="Step"/> inside [min, max], labelled with just enough decimals.</summary>
    public static IReadOnlyList<Tick> Linear(double min, double max, int maxMajor)
    {
        var step = Step(min, max, maxMajor);
        var decimals = Decimals(step);
        var ticks = new List<Tick>();
        var first = Math.Ceiling(min / step - 1e-9);
        for (var k = first; k * step <= max + step * 1e-9; k++)
        {
            var v = k * step;
            if (Math.Abs(v) < step * 1e-9)
            {
                v = 0; // no "-0"
            }

            ticks.Add(new Tick(v, Format(v, decimals, step), true));
        }
        return ticks;
    }

    /// <summary>Decades labelled (every n-th if there are many), 2..9 × 10^k minor; under one decade, linear ticks.</summary>
    public static IReadOnlyList<Tick> Log(double min, double max, int maxMajor)
    {
        int lo = (int)Math.Ceiling(Math.Log10(min) - 1e-9), hi = (int)Math.Floor(Math.Log10(max) + 1e-9);
        if (hi < lo)
        {
            return Linear(min, max, maxMajor); // less than one decade: a decade tick would not even show
        }

        var every = Math.Max(1, (int)Math.Ceiling((hi - lo + 1) / (double)Math.Max(1, maxMajor)));
        var plain = lo >= -3 && hi <= 4;
        var ticks = new List<Tick>();
        for (var e = lo - 1; e <= hi; e++)
        {
            var decade = Math.Pow(10, e);
            if (e >= lo && (e - lo) % every == 0)
            {
                ticks.Add(new Tick(decade, plain ? Format(decade, Math.Max(0, -e), decade) : PowerOfTen(e), true));
            }

            for (var m = 2; m <= 9; m++)
            {
                var v = m * decade;
                if (v >= min * (1 - 1e-12) && v <= max * (1 + 1e-12))
                {
                    ticks.Add(new Tick(v, "", false));
                }
            }
        }
        ticks.Sort((a, b) => a.Value.CompareTo(b.Value));
        if (plain && ticks.Count(t => t.Major) < 3)
        {
            // Under about two decades the decades alone say too little: label the 2s and 5s as well.
            for (var i = 0; i < ticks.Count; i++)
            {
                var mantissa = ticks[i].Value / Math.Pow(10, Math.Floor(Math.Log10(ticks[i].Value) + 1e-9));
                if (!ticks[i].Major && (Math.Abs(mantissa - 2) < 1e-6 || Math.Abs(mantissa - 5) < 1e-6))
                {
                    var e = (int)Math.Floor(Math.Log10(ticks[i].Value) + 1e-9);
                    ticks[i] = new Tick(ticks[i].Value, Format(ticks[i].Value, Math.Max(0, -e), ticks[i].Value), true);
                }
            }
        }
        return ticks;
    }

    private static int CountTicks(double min, double max, double step) =>
        (int)(Math.Floor(max / step + 1e-9) - Math.Ceiling(min / step - 1e-9)) + 1;

    /// <summary>The fewest decimals that show <paramref name="step"/> exactly (0 for 5, 1 for 0.5 or 2.5, 2 for 0.25).</summary>
    public static int Decimals(double step)
    {
        for (var d = 0; d < 12; d++)
        {
            var scaled = step * Math.Pow(10, d);
            if (Math.Abs(scaled - Math.Round(scaled)) < 1e-6 * Math.Max(1, scaled))
            {
                return d;
            }
        }
        return 12;
    }

    private static string Format(double value, int decimals, double step)
    {
        var magnitude = Math.Max(Math.Abs(value), step);
        if (magnitude >= 1e6 || step < 1e-5)
        {
            return value.ToString("0.###e0", CultureInfo.InvariantCulture);
        }

        return value.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
    }

    private static string PowerOfTen(int exponent)
    {
        const string superscripts = "⁰¹²³⁴⁵⁶⁷⁸⁹";
        var text = new System.Text.StringBuilder("10");
        if (exponent < 0)
        {
            text.Append('⁻');
        }

        foreach (var c in Math.Abs(exponent).ToString(CultureInfo.InvariantCulture))
        {
            text.Append(superscripts[c - '0']);
        }

        return text.ToString();
    }
}
