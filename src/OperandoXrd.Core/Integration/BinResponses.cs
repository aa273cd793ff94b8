using OperandoXrd.Core.Geometry;

namespace OperandoXrd.Core.Integration;

/// <summary>
/// How each bin of an integration sees the 1D pattern f(2θ): bin i's value is Σ_p W_ip·⟨f⟩_p / Σ_p W_ip (W_ip the
/// matrix's coefficient times the pixel's normalisation, ⟨f⟩_p the mean of f over pixel p's footprint, a box of
/// half-width a convolved with one of half-width b around its centre), i.e. ∫K_i(x)·f(x) dx with K_i a mixture of the
/// footprints of the pixels the bin reaches. Projected once per geometry onto the linear-interpolation hats of the
/// pattern's own grid x_j (plus a curvature term, below), that is a short list of taps per bin:
/// value_i = Σ_j T_ij·f(x_j). It is the forward model of the integration matrix itself, as numbers the fitter can use
/// without knowing detectors (docs/instrument-profile.md).
/// </summary>
/// <remarks>
/// With f replaced by its linear interpolant the error is −½f''(x)(x − x_j)(x_{j+1} − x) in each cell, which averages to
/// −(Δ²/12)·f'' (a few 10⁻³ of a sharp peak's height on 0.0037° bins, many σ of a bin that averages hundreds of
/// pixels). The taps therefore also carry q_cell = ½∫K_i(x)(x − x_j)(x_{j+1} − x) dx times f'' taken from second
/// differences: exact for cubics, so what remains is O(Δ⁴f''''). Every expectation over a pixel's trapezoid is exact:
/// E[(X − t)₊ⁿ] is a second difference of (·)₊ⁿ⁺²/((n+1)(n+2)) over the corners of the two boxes.
/// </remarks>
public sealed class BinResponses
{
    private BinResponses(double[] grid, int[] first, int[] offsets, double[] taps)
    {
        Grid = grid;
        First = first;
        Offsets = offsets;
        Taps = taps;
    }

    /// <summary>The pattern's grid, 2θ degrees (every bin, ascending).</summary>
    public double[] Grid { get; }

    /// <summary>Grid index of bin i's first tap.</summary>
    public int[] First { get; }

    /// <summary>Bin i's taps are <see cref="Taps"/>[Offsets[i]..Offsets[i + 1]), at grid indices First[i], First[i] + 1, ….
    /// Bins outside the range asked for have the single tap 1 on themselves.</summary>
    public int[] Offsets { get; }

    public double[] Taps { get; }

    /// <summary>
    /// The responses of the bins whose centre lies in [<paramref name="minDeg"/>, <paramref name="maxDeg"/>] (2θ degrees)
    /// of <paramref name="matrix"/>, built on <paramref name="geometry"/>; <paramref name="twoThetaDeg"/> is the matrix's
    /// bin centres in 2θ degrees (ascending).
    /// </summary>
    public static BinResponses Compute(IntegrationMatrix matrix, PixelGeometry geometry, double[] twoThetaDeg, double minDeg, double maxDeg)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        ArgumentNullException.ThrowIfNull(geometry);
        ArgumentNullException.ThrowIfNull(twoThetaDeg);
        var npt = matrix.Npt;
        if (twoThetaDeg.Length != npt || geometry.Rows != matrix.Rows || geometry.Columns != matrix.Columns)
        {
            throw new ArgumentException($"the grid ({twoThetaDeg.Length} points) or detector ({geometry.Rows}×{geometry.Columns}) does not match the matrix ({npt} bins, {matrix.Rows}×{matrix.Columns})");
        }

        var lo = Array.FindIndex(twoThetaDeg, t => t >= minDeg);
        var hi = Array.FindLastIndex(twoThetaDeg, t => t <= maxDeg);
        if (lo < 0 || hi < lo)
        {
            throw new ArgumentException($"no bin lies between 2θ {minDeg} and {maxDeg}°");
        }

        var rows = geometry.Rows;
        var columns = geometry.Columns;
        var centres = geometry.RadialCenters(RadialUnit.TwoThetaDeg);
        var corners = geometry.RadialCorners(RadialUnit.TwoThetaDeg);
        var stride = columns + 1;

        // Band half-width (in grid steps) that holds every tap of every bin: a bin reaches pixels whose centres are
        // within their own spreading of it, and each of those sees the pattern over its footprint again.
        var minStep = double.PositiveInfinity;
        for (var j = Math.Max(lo - 1, 0); j < Math.Min(hi + 1, npt - 1); j++)
        {
            minStep = Math.Min(minStep, twoThetaDeg[j + 1] - twoThetaDeg[j]);
        }

        var widest = 0.0;
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < columns; c++)
            {
                var (a, b) = RadialFootprints.HalfWidths(corners, stride, r, c);
                widest = Math.Max(widest, a + b);
            }
        }

        var reach = (int)Math.Ceiling(((4 * widest) + (2 * minStep)) / minStep) + 4;
        var width = (2 * reach) + 1;
        var binCount = hi - lo + 1;
        var band = new double[binCount * width];
        var sums = new double[binCount];
        var gate = new object();
        Parallel.For(0, rows, () => (Band: new double[binCount * width], Sums: new double[binCount], Taps: new double[width], Scratch: new double[width]), (r, _, local) =>
        {
            var visitor = new Accumulator(local.Band, local.Sums, local.Taps, lo, hi, width, reach);
            for (var c = 0; c < columns; c++)
            {
                var p = (r * columns) + c;
                var norm = matrix.PixelNorm[p];
                if (norm == 0f)
                {
                    continue;
                }

                var (a, b) = RadialFootprints.HalfWidths(corners, stride, r, c);
                var centre = centres[p];
                if (centre + a + b < twoThetaDeg[lo] - (reach * minStep) || centre - a - b > twoThetaDeg[hi] + (reach * minStep))
                {
                    continue;
                }

                var first = PixelTaps(twoThetaDeg, centre, a, b, local.Taps, local.Scratch, out var count);
                visitor.Pixel(norm, first, count);
                matrix.ForEachEntry(p, ref visitor);
            }

            return local;
        }, local =>
        {
            lock (gate)
            {
                for (var i = 0; i < band.Length; i++)
                {
                    band[i] += local.Band[i];
                }

                for (var i = 0; i < sums.Length; i++)
                {
                    sums[i] += local.Sums[i];
                }
            }
        });

        var firsts = new int[npt];
        var offsets = new int[npt + 1];
        var taps = new List<double>(binCount * width / 2);
        for (var i = 0; i < npt; i++)
        {
            offsets[i] = taps.Count;
            var k = i - lo;
            if (k < 0 || k >= binCount || !(sums[k] > 0))
            {
                firsts[i] = i;
                taps.Add(1);
                continue;
            }

            var row = band.AsSpan(k * width, width);
            var total = 0.0;
            foreach (var v in row)
            {
                total += Math.Abs(v);
            }

            int s = 0, e = width - 1;
            while (s < e && Math.Abs(row[s]) < 1e-12 * total)
            {
                s++;
            }

            while (e > s && Math.Abs(row[e]) < 1e-12 * total)
            {
                e--;
            }

            firsts[i] = i - reach + s;
            for (var m = s; m <= e; m++)
            {
                taps.Add(row[m] / sums[k]);
            }
        }

        offsets[npt] = taps.Count;
        return new BinResponses((double[])twoThetaDeg.Clone(), firsts, offsets, [.. taps]);
    }

    /// <summary>
    /// The taps of one pixel: E[hat_j(X)] minus the curvature term, for X = centre + U(−a, a) + U(−b, b), at grid indices
    /// first, first + 1, … (count of them; the grid extended beyond its ends by its end steps, so indices may fall
    /// outside it); see the remarks of the type.
    /// </summary>
    internal static int PixelTaps(double[] grid, double centre, double a, double b, Span<double> taps, Span<double> scratch, out int count)
    {
        var spread = a + b;
        // Nodes whose hats or cells meet the footprint; one more each side for the second differences.
        var j0 = LowerIndex(grid, centre - spread);
        var j1 = LowerIndex(grid, centre + spread) + 1;
        var first = j0 - 1;
        count = j1 - j0 + 3;
        if (count > taps.Length)
        {
            throw new InvalidOperationException($"a pixel footprint spans {count} grid points, more than the {taps.Length} the band holds");
        }

        var t = taps[..count];
        t.Clear();
        var moments = new Footprint(centre, a, b);
        var m1 = scratch[..count];
        for (var j = first; j <= first + count - 1; j++)
        {
            m1[j - first] = moments.Ramp(Node(grid, j), 1);
        }

        // Hat j: (x − x_{j−1})₊/h_l − (x − x_j)₊(1/h_l + 1/h_r) + (x − x_{j+1})₊/h_r.
        for (var j = j0; j <= j1; j++)
        {
            var hl = Node(grid, j) - Node(grid, j - 1);
            var hr = Node(grid, j + 1) - Node(grid, j);
            var k = j - first;
            t[k] += ((m1[k - 1] - m1[k]) / hl) - ((m1[k] - m1[k + 1]) / hr);
        }

        // Curvature: for each cell [x_j, x_{j+1}] the footprint meets, q = E[½(X − x_j)(x_{j+1} − X); cell] times f'' of
        // the cell (the mean of the second differences at its two nodes), subtracted.
        for (var j = j0; j < j1; j++)
        {
            var xj = Node(grid, j);
            var xk = Node(grid, j + 1);
            var h = xk - xj;
            var k = j - first;
            var q = 0.5 * (moments.Ramp(xk, 2) - moments.Ramp(xj, 2) + (h * (m1[k] + m1[k + 1])));
            SecondDifference(grid, j, -0.5 * q, t, first);
            SecondDifference(grid, j + 1, -0.5 * q, t, first);
        }

        return first;
    }

    // t += scale·(f''_j as a combination of f_{j−1}, f_j, f_{j+1}).
    private static void SecondDifference(double[] grid, int j, double scale, Span<double> t, int first)
    {
        var hl = Node(grid, j) - Node(grid, j - 1);
        var hr = Node(grid, j + 1) - Node(grid, j);
        var s = 2 / (hl + hr);
        t[j - 1 - first] += scale * s / hl;
        t[j - first] -= scale * s * ((1 / hl) + (1 / hr));
        t[j + 1 - first] += scale * s / hr;
    }

    // Grid point j, the grid extended beyond its ends by its end steps (as the fitter pads it).
    private static double Node(double[] grid, int j) =>
        j < 0 ? grid[0] + (j * (grid[1] - grid[0]))
        : j >= grid.Length ? grid[^1] + ((j - grid.Length + 1) * (grid[^1] - grid[^2]))
        : grid[j];

    // Largest j with Node(j) ≤ x.
    private static int LowerIndex(double[] grid, double x)
    {
        if (x < grid[0])
        {
            return (int)Math.Floor((x - grid[0]) / (grid[1] - grid[0]));
        }

        if (x >= grid[^1])
        {
            return grid.Length - 1 + (int)Math.Floor((x - grid[^1]) / (grid[^1] - grid[^2]));
        }

        var k = Array.BinarySearch(grid, x);
        return k >= 0 ? k : ~k - 1;
    }

    /// <summary>X = c + U(−a, a) + U(−b, b): E[(X − t)₊ⁿ] for n = 1, 2, and P(X &lt; t), exactly.</summary>
    private readonly struct Footprint
    {
        private readonly double _c, _a, _b, _variance;
        private readonly int _boxes;

        public Footprint(double c, double a, double b)
        {
            _c = c;
            var major = Math.Max(a, b);
            var minor = Math.Min(a, b);
            // A box narrower than 10⁻⁴ of the other changes the moments by (b/a)² ≈ 10⁻⁸ and would cost its digits in
            // the division by 4ab: leave it out.
            _boxes = major < 1e-12 ? 0 : minor < 1e-4 * major ? 1 : 2;
            _a = major;
            _b = _boxes == 2 ? minor : 0;
            _variance = ((_a * _a) + (_b * _b)) / 3;
        }

        /// <summary>E[(X − t)₊ⁿ], n = 1 or 2.</summary>
        public double Ramp(double t, int n)
        {
            var z = _c - t;
            var spread = _a + _b;
            if (z >= spread)
            {
                return n == 1 ? z : (z * z) + _variance;
            }

            if (z <= -spread)
            {
                return 0;
            }

            return _boxes switch
            {
                0 => Math.Pow(Math.Max(z, 0), n),
                1 => (Power(z + _a, n + 1) - Power(z - _a, n + 1)) / ((n + 1) * 2 * _a),
                _ => (Power(z + _a + _b, n + 2) - Power(z + _a - _b, n + 2) - Power(z - _a + _b, n + 2) + Power(z - _a - _b, n + 2))
                    / ((n + 1) * (n + 2) * 4 * _a * _b),
            };
        }

        private static double Power(double z, int n)
        {
            if (z <= 0)
            {
                return 0;
            }

            var p = z;
            for (var k = 1; k < n; k++)
            {
                p *= z;
            }

            return p;
        }
    }

    /// <summary>Adds one pixel's taps, times W_ip, to the rows of the bins the matrix sends it to.</summary>
    private struct Accumulator(double[] band, double[] sums, double[] taps, int lo, int hi, int width, int reach) : IEntryVisitor
    {
        private double _norm;
        private int _first;
        private int _count;

        public void Pixel(double norm, int first, int count)
        {
            _norm = norm;
            _first = first;
            _count = count;
        }

        public readonly void Visit(int bin, double coefficient)
        {
            if (bin < lo || bin > hi)
            {
                return;
            }

            var w = coefficient * _norm;
            var k = bin - lo;
            sums[k] += w;
            // Band column of grid index j in the bin's row: j − bin + reach.
            var column = _first - bin + reach;
            if (column < 0 || column + _count > width)
            {
                throw new InvalidOperationException($"bin {bin}: a pixel's taps fall outside the band of ±{reach} grid points");
            }

            var row = band.AsSpan((k * width) + column, _count);
            for (var m = 0; m < _count; m++)
            {
                row[m] += w * taps[m];
            }
        }
    }
}
