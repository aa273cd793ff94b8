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
    /// bin centres in 2θ degrees (ascending). A sample of <paramref name="thickness_mm"/> along the beam (attenuation
    /// <paramref name="attenuation_per_mm"/>) widens every pixel's footprint by its parallax: a scatterer at depth s (from
    /// the sample centre towards the detector) is seen by a pixel at 2θ = c at atan(tan c·D/(D − s)), so over the slab the
    /// pixel's centre spreads over a box (one per slice of the slab, weighted by exp(μ·s·(1/cos c − 1)): deeper
    /// scatterers lose less on the way out).
    /// </summary>
    public static BinResponses Compute(IntegrationMatrix matrix, PixelGeometry geometry, double[] twoThetaDeg, double minDeg, double maxDeg,
        double thickness_mm = 0, double attenuation_per_mm = 0)
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

        if (!(thickness_mm >= 0) || !(attenuation_per_mm >= 0) || !(thickness_mm < geometry.Poni.Distance * 1e3))
        {
            throw new ArgumentException($"sample thickness {thickness_mm} mm and attenuation {attenuation_per_mm}/mm are not usable");
        }

        var slab = new Slab(thickness_mm, attenuation_per_mm, geometry.Poni.Distance * 1e3);
        var widest = 0.0;
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < columns; c++)
            {
                var (a, b) = RadialFootprints.HalfWidths(corners, stride, r, c);
                widest = Math.Max(widest, a + b + slab.Reach);
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
                if (centre + a + b + slab.Reach < twoThetaDeg[lo] - (reach * minStep) || centre - a - b - slab.Reach > twoThetaDeg[hi] + (reach * minStep))
                {
                    continue;
                }

                var first = slab.PixelTaps(twoThetaDeg, centre, a, b, local.Taps, local.Scratch, out var count);
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
    /// Adds <paramref name="weight"/> × the taps of a footprint X = centre + U(−a, a) + U(−b, b) + U(−h, h) to
    /// <paramref name="taps"/> (grid indices first, first + 1, …; the grid extended beyond its ends by its end steps):
    /// E[hat_j(X)] minus the curvature term (see the remarks of the type). The span must reach one grid point beyond
    /// the nodes whose hats meet the footprint.
    /// </summary>
    internal static void AddTaps(double[] grid, double centre, double a, double b, double h, double weight, Span<double> taps, int first, Span<double> scratch)
    {
        var spread = a + b + h;
        // Nodes whose hats or cells meet the footprint; one more each side (in the span) for the second differences.
        var j0 = LowerIndex(grid, centre - spread);
        var j1 = LowerIndex(grid, centre + spread) + 1;
        if (j0 - 1 < first || j1 + 1 - first >= taps.Length)
        {
            throw new InvalidOperationException($"a pixel footprint spans grid points {j0 - 1}–{j1 + 1}, beyond the {taps.Length} from {first} the band holds");
        }

        var moments = new Footprint(centre, a, b, h);
        var m1 = scratch;
        for (var j = j0 - 1; j <= j1 + 1; j++)
        {
            m1[j - first] = moments.Ramp(Node(grid, j), 1);
        }

        // Hat j: (x − x_{j−1})₊/h_l − (x − x_j)₊(1/h_l + 1/h_r) + (x − x_{j+1})₊/h_r.
        for (var j = j0; j <= j1; j++)
        {
            var hl = Node(grid, j) - Node(grid, j - 1);
            var hr = Node(grid, j + 1) - Node(grid, j);
            var k = j - first;
            taps[k] += weight * (((m1[k - 1] - m1[k]) / hl) - ((m1[k] - m1[k + 1]) / hr));
        }

        // Curvature: for each cell [x_j, x_{j+1}] the footprint meets, q = E[½(X − x_j)(x_{j+1} − X); cell] times f'' of
        // the cell (the mean of the second differences at its two nodes), subtracted.
        for (var j = j0; j < j1; j++)
        {
            var xj = Node(grid, j);
            var xk = Node(grid, j + 1);
            var k = j - first;
            var q = 0.5 * (moments.Ramp(xk, 2) - moments.Ramp(xj, 2) + ((xk - xj) * (m1[k] + m1[k + 1])));
            SecondDifference(grid, j, -0.5 * q * weight, taps, first);
            SecondDifference(grid, j + 1, -0.5 * q * weight, taps, first);
        }
    }

    /// <summary>The sample's slab seen from the detector: each pixel's centre spread by the parallax, slice by slice.</summary>
    internal readonly struct Slab
    {
        private const double Deg = Math.PI / 180;
        private readonly double _thickness, _attenuation, _distance;
        private readonly int _slices;

        public Slab(double thickness_mm, double attenuation_per_mm, double distance_mm)
        {
            _thickness = thickness_mm;
            _attenuation = attenuation_per_mm;
            _distance = distance_mm;
            // One box for an even slab; with attenuation the weight tilts across it: four slices, each a box of its
            // own weight (the tilt within a slice, (μt/4)·(1/cos2θ − 1), changes its moments at second order).
            _slices = thickness_mm > 0 ? (attenuation_per_mm > 0 ? 4 : 1) : 0;
            Reach = thickness_mm > 0 ? thickness_mm / distance_mm / Deg : 0; // ≥ the largest shift (sin·cos ≤ ½, ×2 margin)
        }

        /// <summary>Bound on the parallax shift, degrees.</summary>
        public double Reach { get; }

        /// <summary>The taps of pixel (centre, a, b) over the slab into <paramref name="taps"/> (cleared first); returns the first grid index.</summary>
        public int PixelTaps(double[] grid, double centre, double a, double b, Span<double> taps, Span<double> scratch, out int count)
        {
            var spread = a + b + Reach;
            var first = LowerIndex(grid, centre - spread) - 1;
            count = LowerIndex(grid, centre + spread) + 3 - first;
            if (count > taps.Length)
            {
                throw new InvalidOperationException($"a pixel footprint spans {count} grid points, more than the {taps.Length} the band holds");
            }

            taps[..count].Clear();
            if (_slices == 0)
            {
                AddTaps(grid, centre, a, b, 0, 1, taps, first, scratch);
                return first;
            }

            var c = centre * Deg;
            var kappa = _attenuation * ((1 / Math.Cos(c)) - 1);
            Span<double> weights = stackalloc double[_slices];
            var total = 0.0;
            for (var k = 0; k < _slices; k++)
            {
                var s0 = _thickness * (((double)k / _slices) - 0.5);
                var s1 = _thickness * (((k + 1.0) / _slices) - 0.5);
                weights[k] = kappa * _thickness > 1e-9 ? (Math.Exp(kappa * s1) - Math.Exp(kappa * s0)) / kappa : s1 - s0;
                total += weights[k];
            }

            for (var k = 0; k < _slices; k++)
            {
                var d0 = Shift(c, _thickness * (((double)k / _slices) - 0.5));
                var d1 = Shift(c, _thickness * (((k + 1.0) / _slices) - 0.5));
                AddTaps(grid, centre + (0.5 * (d0 + d1)), a, b, 0.5 * Math.Abs(d1 - d0), weights[k] / total, taps, first, scratch);
            }

            return first;
        }

        // Degrees: where a pixel at 2θ = c (radians) sees a scatterer s mm along the beam from the sample centre.
        private double Shift(double c, double s) => (Math.Atan(Math.Tan(c) * _distance / (_distance - s)) - c) / Deg;
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

    /// <summary>X = c + U(−w₁, w₁) + … (up to three boxes): E[(X − t)₊ⁿ] for n = 1, 2, exactly.</summary>
    private readonly struct Footprint
    {
        private readonly double _c, _w0, _w1, _w2, _spread, _variance, _norm;
        private readonly int _boxes;

        public Footprint(double c, double a, double b, double h)
        {
            _c = c;
            // Widest first; a box narrower than 10⁻⁴ of the widest changes the moments by ≈ 10⁻⁸ and would cost its
            // digits in the division by the product of the widths: leave it out.
            var major = Math.Max(a, Math.Max(b, h));
            var minor = Math.Min(a, Math.Min(b, h));
            var middle = a + b + h - major - minor;
            var keep = 1e-4 * major;
            _boxes = major <= 1e-12 ? 0 : middle < keep ? 1 : minor < keep ? 2 : 3;
            _w0 = _boxes > 0 ? major : 0;
            _w1 = _boxes > 1 ? middle : 0;
            _w2 = _boxes > 2 ? minor : 0;
            _spread = _w0 + _w1 + _w2;
            _variance = ((_w0 * _w0) + (_w1 * _w1) + (_w2 * _w2)) / 3;
            _norm = Math.Pow(2, _boxes) * (_boxes > 0 ? _w0 : 1) * (_boxes > 1 ? _w1 : 1) * (_boxes > 2 ? _w2 : 1);
        }

        /// <summary>E[(X − t)₊ⁿ], n = 1 or 2: a finite difference of z₊ⁿ⁺ᴺ·n!/(n + N)! over the boxes' corners.</summary>
        public double Ramp(double t, int n)
        {
            var z = _c - t;
            if (z >= _spread)
            {
                return n == 1 ? z : (z * z) + _variance;
            }

            if (z <= -_spread)
            {
                return 0;
            }

            var power = n + _boxes;
            double sum;
            switch (_boxes)
            {
                case 0:
                    return Power(z, n);
                case 1:
                    sum = Power(z + _w0, power) - Power(z - _w0, power);
                    break;
                case 2:
                    sum = Power(z + _w0 + _w1, power) - Power(z + _w0 - _w1, power) - Power(z - _w0 + _w1, power) + Power(z - _w0 - _w1, power);
                    break;
                default:
                    sum = Power(z + _w0 + _w1 + _w2, power) - Power(z + _w0 + _w1 - _w2, power) - Power(z + _w0 - _w1 + _w2, power) + Power(z + _w0 - _w1 - _w2, power)
                        - Power(z - _w0 + _w1 + _w2, power) + Power(z - _w0 + _w1 - _w2, power) + Power(z - _w0 - _w1 + _w2, power) - Power(z - _w0 - _w1 - _w2, power);
                    break;
            }

            // n!/(n + N)!: 1/(n + 1)…(n + N).
            var factorial = 1.0;
            for (var k = n + 1; k <= power; k++)
            {
                factorial *= k;
            }

            return sum / (factorial * _norm);
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
