using OperandoXrd.Reports.Png;

namespace OperandoXrd.Reports.Plotting;

/// <summary>Something drawn inside a panel's plot area in data coordinates.</summary>
public abstract class Series
{
    /// <summary>The legend entry; null keeps the series out of the legend.</summary>
    public string? Label { get; init; }

    public Rgba Color { get; init; } = Palette.Blue;

    internal abstract IEnumerable<(double X, double Y)> Extent();
}

/// <summary>A polyline; NaN values break it.</summary>
public sealed class LineSeries(double[] x, double[] y) : Series
{
    public double[] X { get; } = CheckSameLength(x, y);

    public double[] Y { get; } = y;

    public double Width { get; init; } = 1.5;

    /// <summary>SVG-style dash pattern in px (null = solid).</summary>
    public double[]? Dash { get; init; }

    internal override IEnumerable<(double X, double Y)> Extent() => X.Zip(Y);

    internal static double[] CheckSameLength(double[] x, double[] y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.Length != y.Length)
            throw new ArgumentException($"x has {x.Length} values, y has {y.Length}");
        return x;
    }
}

/// <summary>Markers, optionally with symmetric vertical error bars (± <see cref="YError"/>).</summary>
public sealed class ScatterSeries(double[] x, double[] y, double[]? yError = null) : Series
{
    public double[] X { get; } = LineSeries.CheckSameLength(x, y);

    public double[] Y { get; } = y;

    public double[]? YError { get; } = yError is null || yError.Length == y.Length
        ? yError
        : throw new ArgumentException($"y has {y.Length} values, its errors {yError.Length}");

    /// <summary>Marker size (diameter) in px.</summary>
    public double MarkerSize { get; init; } = 5;

    internal MarkerShape Shape { get; init; } = MarkerShape.Circle;

    /// <summary>Draw markers hollow (white fill), as for observed data under a calculated line.</summary>
    public bool Hollow { get; init; }

    internal override IEnumerable<(double X, double Y)> Extent()
    {
        for (int i = 0; i < X.Length; i++)
        {
            double e = YError is null || !double.IsFinite(YError[i]) ? 0 : Math.Abs(YError[i]);
            yield return (X[i], Y[i] - e);
            yield return (X[i], Y[i] + e);
        }
    }
}

/// <summary>Vertical bars from <see cref="Bottom"/> to <see cref="Top"/> at each x: reflection tick marks.</summary>
public sealed class TickMarkSeries(double[] positions, double bottom, double top) : Series
{
    public double[] Positions { get; } = positions ?? throw new ArgumentNullException(nameof(positions));

    public double Bottom { get; } = bottom;

    public double Top { get; } = top;

    internal override IEnumerable<(double X, double Y)> Extent() =>
        Positions.SelectMany(p => new[] { (p, Bottom), (p, Top) });
}

/// <summary>An image stretched over a data rectangle (row 0 at <see cref="YTop"/>).</summary>
public sealed class ImageSeries(RgbaImage image, double xLeft, double xRight, double yBottom, double yTop) : Series
{
    public RgbaImage Image { get; } = image ?? throw new ArgumentNullException(nameof(image));

    public double XLeft { get; } = xLeft;

    public double XRight { get; } = xRight;

    public double YBottom { get; } = yBottom;

    public double YTop { get; } = yTop;

    internal override IEnumerable<(double X, double Y)> Extent() => [(XLeft, YBottom), (XRight, YTop)];
}

/// <summary>Colours for series: matplotlib's "tab10" cycle, which stays distinguishable for most viewers.</summary>
public static class Palette
{
    public static Rgba Blue => new(0x1f, 0x77, 0xb4);

    public static Rgba Orange => new(0xff, 0x7f, 0x0e);

    public static Rgba Green => new(0x2c, 0xa0, 0x2c);

    public static Rgba Red => new(0xd6, 0x27, 0x28);

    public static Rgba Purple => new(0x94, 0x67, 0xbd);

    public static Rgba Brown => new(0x8c, 0x56, 0x4b);

    public static Rgba Grey => new(0x7f, 0x7f, 0x7f);

    public static Rgba Black => new(0, 0, 0);

    /// <summary>The i-th colour of the cycle.</summary>
    public static Rgba Cycle(int i) => (i % 7) switch
    {
        0 => Blue,
        1 => Orange,
        2 => Green,
        3 => Red,
        4 => Purple,
        5 => Brown,
        _ => Grey,
    };
}
