
namespace OperandoXrd.Reports.Figures;

/// <summary>
/// Turns intensity[frame, bin] into the contour's cells: one row per frame and one column per radial bin when
/// the frames and bins are evenly spaced (the usual case), otherwise a finer even grid filled from the nearest
/// frame/bin with gaps (no frame within half a spacing) left transparent.
/// </summary>
public static class HeatMap
{
    private const int MaxResampledCells = 600;

    /// <summary>Normalised colour coordinate of <paramref name="value"/> between the colour limits.</summary>
    public static double Normalize(double value, double low, double high, bool log)
    {
        if (!double.IsFinite(value))
        {
            return double.NaN;
        }

        if (log)
        {
            var v = Math.Max(value, low);
            return (Math.Log10(v) - Math.Log10(low)) / (Math.Log10(high) - Math.Log10(low));
        }
        return (value - low) / (high - low);
    }

    /// <summary>
    /// The colour coordinate (0..1, NaN where no frame or bin is near) of every cell. <paramref name="rowCenters"/>
    /// (frames, ascending) run bottom to top; the result's first row is the top, as ScottPlot's heat map draws it.
    /// Columns cover the bins <paramref name="firstBin"/>..<paramref name="lastBin"/>.
    /// </summary>
    internal static double[,] Render(float[,] intensity, double[] rowCenters, double[] columnCenters, int firstBin, int lastBin,
        double low, double high, bool log, out double yBottom, out double yTop, out double xLeft, out double xRight)
    {
        ArgumentNullException.ThrowIfNull(intensity);
        var rows = Resample(rowCenters, out yBottom, out yTop);
        var columns = columnCenters[firstBin..(lastBin + 1)];
        var cols = Resample(columns, out xLeft, out xRight);
        var cells = new double[rows.Length, cols.Length];
        for (var r = 0; r < rows.Length; r++)
        {
            var frame = rows[rows.Length - 1 - r]; // row 0 is the top of the plot
            for (var c = 0; c < cols.Length; c++)
            {
                cells[r, c] = frame < 0 || cols[c] < 0 ? double.NaN : Normalize(intensity[frame, firstBin + cols[c]], low, high, log);
            }
        }
        return cells;
    }

    /// <summary>
    /// Cell index for each cell of an even grid over the centres' extent; -1 where no centre is within half its
    /// local spacing. Evenly spaced centres map one to one.
    /// </summary>
    internal static int[] Resample(double[] centers, out double start, out double end)
    {
        var n = centers.Length;
        if (n == 0)
        {
            throw new ArgumentException("no cells to draw");
        }

        for (var i = 1; i < n; i++)
        {
            if (!(centers[i] > centers[i - 1]))
            {
                throw new ArgumentException($"cell centres must increase strictly; value {i} ({centers[i]}) follows {centers[i - 1]}");
            }
        }

        if (n == 1)
        {
            start = centers[0] - 0.5;
            end = centers[0] + 0.5;
            return [0];
        }

        double first = centers[1] - centers[0], last = centers[n - 1] - centers[n - 2];
        start = centers[0] - first / 2;
        end = centers[n - 1] + last / 2;
        var even = (end - start) / n;
        var uniform = true;
        for (var i = 1; i < n && uniform; i++)
        {
            uniform = Math.Abs(centers[i] - centers[i - 1] - even) <= 1e-3 * even;
        }

        if (uniform)
        {
            return Enumerable.Range(0, n).ToArray();
        }

        var spacings = new double[n - 1];
        for (var i = 1; i < n; i++)
        {
            spacings[i - 1] = centers[i] - centers[i - 1];
        }

        var minSpacing = spacings.Min();
        var median = spacings.Order().ElementAt(spacings.Length / 2);
        // A spacing well above the usual one is a pause in the measurement (beam dump, stopped acquisition): the
        // frames on either side reach half a usual spacing into it and the rest stays transparent, rather than
        // two frames being smeared over time nobody measured.
        var gap = 2.5 * median;
        // Twice the finest spacing resolves every frame; the cap (about the contour's height in pixels) keeps one
        // closely spaced pair in a long run from making a 4096-row image that the figure shows at 600 pixels, and
        // keeps the heat map's memory (ScottPlot's cells, colours and bitmap, ~30 bytes a cell) the same however
        // long the run.
        var cells = (int)Math.Clamp(Math.Ceiling((end - start) / (minSpacing / 2)), n, Math.Max(n, MaxResampledCells));
        var map = new int[cells];
        var width = (end - start) / cells;
        var j = 0;
        for (var k = 0; k < cells; k++)
        {
            var y = start + (k + 0.5) * width;
            while (j + 1 < n && Math.Abs(centers[j + 1] - y) <= Math.Abs(centers[j] - y))
            {
                j++;
            }

            var toNeighbour = y < centers[j]
                ? (j > 0 ? centers[j] - centers[j - 1] : first)
                : (j + 1 < n ? centers[j + 1] - centers[j] : last);
            var reach = toNeighbour > gap ? median / 2 : toNeighbour / 2;
            map[k] = Math.Abs(y - centers[j]) <= reach + width / 2 ? j : -1;
        }
        return map;
    }
}
