using System.Globalization;
using OperandoXrd.Fitting.Configuration;

namespace OperandoXrd.Fitting.Model.Instrument;

/// <summary>
/// What each bin of the integrated pattern makes of the 1D pattern, as numbers from the integrator (Core's
/// <c>BinResponses</c>): bin i's value is Σ_j T_ij·f(x_j) over the grid points x_j (2θ degrees, the pattern's own grid),
/// the taps being the integration matrix's weights over the pixels each bin reaches and each pixel's footprint,
/// projected onto the grid (docs/instrument-profile.md).
/// </summary>
public sealed record BinResponse
{
    /// <summary>The grid the taps refer to: every bin of the integrated pattern, 2θ degrees, ascending.</summary>
    public required double[] Grid { get; init; }

    /// <summary>Grid index of bin i's first tap (may lie beyond the grid's ends: the grid continues by its end steps).</summary>
    public required int[] First { get; init; }

    /// <summary>Bin i's taps are <see cref="Taps"/>[Offsets[i]..Offsets[i + 1]).</summary>
    public required int[] Offsets { get; init; }

    public required double[] Taps { get; init; }

    /// <summary>Whether the integrator's responses already hold the sample's thickness parallax (each pixel's footprint
    /// widened by it); the fitter then does not convolve it in again.</summary>
    public bool IncludesParallax { get; init; }
}

/// <summary>
/// The per-bin instrument function on a fit grid: k_{i,m} (m = <see cref="Min"/>…<see cref="Max"/>) such that the observed
/// profile at grid point i is Σ_m k_{i,m}·TCH(x_{i−m}), from the integrator's <see cref="BinResponse"/> of each bin with
/// the sample's thickness parallax convolved in. Stored by tap (one array over the grid per m), so the convolution is a
/// SIMD multiply-add of three spans per tap. The taps depend on no fitted parameter.
/// </summary>
public sealed class BinKernel
{
    private BinKernel(int min, double[][] columns, int[] rowMin, int[] rowMax)
    {
        Min = min;
        Columns = columns;
        RowMin = rowMin;
        RowMax = rowMax;
    }

    /// <summary>Smallest m of any bin (m = i − j: a tap on a grid point above the bin has m &lt; 0).</summary>
    public int Min { get; }

    public int Max => Min + Columns.Length - 1;

    /// <summary>Columns[m − Min][i] = k_{i,m}.</summary>
    internal double[][] Columns { get; }

    /// <summary>Per grid point, the range of m with non-zero taps.</summary>
    internal int[] RowMin { get; }

    internal int[] RowMax { get; }

    /// <summary>Bin i's taps as a dense row over m = Min…Max (for inspection and tests).</summary>
    public double[] Row(int i)
    {
        var row = new double[Columns.Length];
        for (var t = 0; t < row.Length; t++)
        {
            row[t] = Columns[t][i];
        }

        return row;
    }

    /// <summary>The kernel on <paramref name="grid"/> (the fit range: a run of <see cref="BinResponse.Grid"/>).</summary>
    /// <exception cref="FitConfigurationException">The grid is not part of the grid the responses were built on.</exception>
    public static BinKernel Create(InstrumentFunction profile, ReadOnlySpan<double> grid)
    {
        ArgumentNullException.ThrowIfNull(profile);
        var bins = profile.Bins ?? throw new ArgumentException("the instrument function has no bin responses", nameof(profile));
        var n = grid.Length;
        var full = bins.Grid;
        var o = Array.BinarySearch(full, grid[0]);
        o = o >= 0 ? o : Nearest(full, ~o, grid[0]);
        var step = (grid[^1] - grid[0]) / Math.Max(n - 1, 1);
        for (var i = 0; i < n; i++)
        {
            if (o + i >= full.Length || Math.Abs(full[o + i] - grid[i]) > 1e-6 * step)
            {
                throw new FitConfigurationException(string.Create(CultureInfo.InvariantCulture,
                    $"instrument profile: the pattern's point {i} (2θ {grid[i]}) is not a bin of the grid the integrator's responses were built on."));
            }
        }

        // Rows: the integrator's taps (m = i − j), each convolved with the parallax of its 2θ (the sample's depth
        // points projected onto the grid's hats: a point at shift u spreads over l = ⌊u/Δ⌋ and ⌊u/Δ⌋ + 1).
        var rows = new (int Min, double[] Taps)[n];
        var min = int.MaxValue;
        var max = int.MinValue;
        for (var i = 0; i < n; i++)
        {
            var b = o + i;
            var source = bins.Taps.AsSpan(bins.Offsets[b], bins.Offsets[b + 1] - bins.Offsets[b]);
            var local = i == 0 ? grid[1] - grid[0] : i == n - 1 ? grid[^1] - grid[^2] : 0.5 * (grid[i + 1] - grid[i - 1]);
            var (lMin, depth) = bins.IncludesParallax ? (0, [1.0]) : Parallax(profile, grid[i], local);
            // Tap s sits at grid index First + s, m = b − First − s: the largest m is at s = 0.
            var mTop = b - bins.First[b];
            var length = source.Length + depth.Length - 1;
            var row = new double[length];
            // Row index r ↔ m = mTop + lMax − r with lMax = lMin + depth.Length − 1 (m + l adds, reversed order).
            for (var s = 0; s < source.Length; s++)
            {
                for (var l = 0; l < depth.Length; l++)
                {
                    row[s + (depth.Length - 1 - l)] += source[s] * depth[l];
                }
            }

            var rowMax = mTop + lMin + depth.Length - 1;
            var rowMin = rowMax - length + 1;
            Array.Reverse(row); // ascending m
            rows[i] = (rowMin, row);
            min = Math.Min(min, rowMin);
            max = Math.Max(max, rowMax);
        }

        var columns = new double[max - min + 1][];
        for (var t = 0; t < columns.Length; t++)
        {
            columns[t] = new double[n];
        }

        var lows = new int[n];
        var highs = new int[n];
        for (var i = 0; i < n; i++)
        {
            var (rowMin, row) = rows[i];
            lows[i] = rowMin;
            highs[i] = rowMin + row.Length - 1;
            for (var r = 0; r < row.Length; r++)
            {
                columns[rowMin + r - min][i] = row[r];
            }
        }

        return new BinKernel(min, columns, lows, highs);
    }

    private static int Nearest(double[] full, int above, double x) =>
        above <= 0 ? 0 : above >= full.Length ? full.Length - 1 : x - full[above - 1] < full[above] - x ? above - 1 : above;

    // The depth distribution's shifts on the grid: g_j = Σ_l d_l·f_{j−l}. A point at shift u = (k + r)Δ reads f between
    // nodes k and k + 1 (in l): linearly, (1 − r) and r, less the interpolation's own error r(1 − r)Δ²/2·f'' with f''
    // the mean second difference of the two nodes (as the integrator's taps do: exact for cubics). [1] for a thin sample.
    private static (int LMin, double[] D) Parallax(InstrumentFunction profile, double twoTheta, double step)
    {
        if (!(profile.SampleThickness_mm > 0))
        {
            return (0, [1.0]);
        }

        var (points, weights) = InstrumentKernel.Depth(profile, twoTheta);
        var lo = (int)Math.Floor(points.Min() / step) - 1;
        var hi = (int)Math.Floor(points.Max() / step) + 2;
        var d = new double[hi - lo + 1];
        for (var p = 0; p < points.Length; p++)
        {
            var u = points[p] / step;
            var k = (int)Math.Floor(u);
            var r = u - k;
            var w = weights[p];
            var c = -0.25 * r * (1 - r) * w;
            d[k - lo] += ((1 - r) * w) - c;
            d[k + 1 - lo] += (r * w) - c;
            d[k - 1 - lo] += c;
            d[k + 2 - lo] += c;
        }

        return (lo, d);
    }
}
