using System.Globalization;

namespace OperandoXrd.Core.Integration;

/// <summary>
/// Builds an <see cref="IntegrationMatrix"/> from per-pixel arrays, following pyFAI 0.21's CSR builders
/// (splitBBoxCSR / splitPixelFullCSR) wherever they are right:
/// <list type="bullet">
/// <item>The radial extent is taken over the statically unmasked pixels, lower bounds clamped at 0, and the upper
/// edge pushed up by one float32 epsilon (pyFAI's <c>calc_upper_bound</c>) so the outermost pixel lands inside.</item>
/// <item>Corner positions are rounded to float32 before use, as pyFAI stores its corner arrays in float32: the bbox
/// half-widths, hence the bin edges, then agree with pyFAI to the last bit instead of to ~1e-7.</item>
/// <item>Where pyFAI is wrong at an explicit range's lower edge (truncation instead of floor lets a pixel below the range
/// into bin 0, and a bbox pixel straddling the edge gets a weight above 1) we clip: only the part of a pixel inside
/// the range counts.</item>
/// </list>
/// </summary>
public static class MatrixBuilder
{
    private const double Float32Epsilon = 1.1920928955078125e-07;

    public static IntegrationMatrix Build(MatrixInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        Validate(input);
        var rows = input.Rows;
        var columns = input.Columns;
        var pixels = rows * columns;
        var npt = input.Npt;

        // Pass 1: each pixel's radial extent, and the extent of the unmasked ones.
        var extentLo = new double[pixels];
        var extentHi = new double[pixels];
        var chiLocal = input.Split == PixelSplit.Full ? new float[pixels * 4] : null;
        var radialLocal = input.Split == PixelSplit.Full ? new float[pixels * 4] : null;
        var partMin = new double[rows];
        var partMax = new double[rows];
        Parallel.For(0, rows, i =>
        {
            var min = double.PositiveInfinity;
            var max = double.NegativeInfinity;
            for (var j = 0; j < columns; j++)
            {
                var p = i * columns + j;
                PixelExtent(input, i, j, p, radialLocal, chiLocal, out var lo, out var hi);
                extentLo[p] = lo;
                extentHi[p] = hi;
                if (input.Mask is { } m && m[p] != 0)
                {
                    continue;
                }

                if (lo < min)
                {
                    min = lo;
                }

                if (hi > max)
                {
                    max = hi;
                }
            }

            partMin[i] = min;
            partMax[i] = max;
        });

        var dataMin = partMin.Min();
        var dataMax = partMax.Max();
        if (!double.IsFinite(dataMin) || !double.IsFinite(dataMax))
        {
            throw new ArgumentException($"{input.Source}: no unmasked pixel has a finite radial position; check the mask and the geometry");
        }

        double pos0Min, pos0MaxIn;
        if (input.RadialRange is { } range)
        {
            pos0Min = range.Min;
            pos0MaxIn = range.Max;
            if (range.Max <= dataMin || range.Min >= dataMax)
            {
                var s = input.RadialScale;
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                    $"{input.Source}: radial range [{range.Min * s:G6}, {range.Max * s:G6}] lies outside the detector's coverage [{dataMin * s:G6}, {dataMax * s:G6}]"));
            }
        }
        else
        {
            pos0Min = dataMin;
            pos0MaxIn = dataMax;
        }

        if (!input.AllowNegativeRadial && pos0Min < 0)
        {
            pos0Min = 0;
        }

        var pos0Max = pos0MaxIn > 0 ? pos0MaxIn * (1 + Float32Epsilon) : pos0MaxIn * (1 - Float32Epsilon);
        var binWidth = (pos0Max - pos0Min) / npt;

        // Which pixels may contribute at all: unmasked, inside the sector, with a usable normalization.
        var pixelNorm = new float[pixels];
        Parallel.For(0, rows, i =>
        {
            for (var p = i * columns; p < (i + 1) * columns; p++)
            {
                var n = input.Normalization is { } norm ? (float)norm[p] : 1f;
                var use = (input.Mask is null || input.Mask[p] == 0) && float.IsFinite(n) && n != 0f
                    && double.IsFinite(extentLo[p]) && double.IsFinite(extentHi[p]);
                if (use && input.AzimuthRange is { } sector)
                {
                    var chi = input.ChiCenters![p];
                    use = chi >= sector.Min && chi < sector.Max;
                }

                pixelNorm[p] = use ? n : 0f;
            }
        });

        var matrix = input.Split switch
        {
            PixelSplit.None => BuildNone(input, extentLo, pixelNorm, pos0Min, pos0Max, binWidth),
            PixelSplit.BBox => BuildBBox(input, extentLo, extentHi, pixelNorm, pos0Min, pos0Max, binWidth),
            _ => BuildFull(input, extentLo, extentHi, radialLocal!, chiLocal!, pixelNorm, pos0Min, pos0Max, binWidth),
        };
        FillStaticSums(matrix);
        return matrix;
    }

    private static void Validate(MatrixInput input)
    {
        if (input.Rows <= 0 || input.Columns <= 0)
        {
            throw new ArgumentException($"{input.Source}: detector shape {input.Rows}x{input.Columns} is empty");
        }

        if (input.Npt <= 0 || input.Npt > IntegrationMatrix.MaxNpt)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"{input.Source}: npt must be between 1 and {IntegrationMatrix.MaxNpt}, got {input.Npt}"));
        }

        var pixels = input.Rows * input.Columns;
        var corners = (input.Rows + 1) * (input.Columns + 1);
        CheckLength(input, input.RadialCenters, pixels, "radial centres");
        CheckLength(input, input.Mask, pixels, "mask");
        CheckLength(input, input.Normalization, pixels, "normalization");
        CheckLength(input, input.ChiCenters, pixels, "chi centres");
        CheckLength(input, input.RadialCorners, corners, "radial corners");
        CheckLength(input, input.ChiCorners, corners, "chi corners");
        if (input.Split != PixelSplit.None && input.RadialCorners is null)
        {
            throw new ArgumentException($"{input.Source}: {PixelSplits.Name(input.Split)} splitting needs the radial corner array");
        }

        if (input.Split == PixelSplit.Full && input.ChiCorners is null)
        {
            throw new ArgumentException($"{input.Source}: full splitting needs the chi corner array");
        }

        if (input.AzimuthRange is { } sector)
        {
            if (input.ChiCenters is null)
            {
                throw new ArgumentException($"{input.Source}: an azimuthal sector needs the chi centre array");
            }

            if (!(sector.Min < sector.Max) || !double.IsFinite(sector.Min) || !double.IsFinite(sector.Max))
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                    $"{input.Source}: azimuthal range [{sector.Min}, {sector.Max}] must be finite with min < max"));
            }
        }

        if (input.RadialRange is { } range && (!(range.Min < range.Max) || !double.IsFinite(range.Min) || !double.IsFinite(range.Max)))
        {
            var s = input.RadialScale;
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"{input.Source}: radial range [{range.Min * s}, {range.Max * s}] must be finite with min < max"));
        }
    }

    private static void CheckLength<T>(MatrixInput input, T[]? array, int expected, string what)
    {
        if (array is not null && array.Length != expected)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"{input.Source}: {what} array has {array.Length} values, expected {expected} for a {input.Rows}x{input.Columns} detector"));
        }
    }

    /// <summary>The pixel's radial extent [lo, hi]; for full splitting also its four corners (float32, χ unwrapped).</summary>
    private static void PixelExtent(MatrixInput input, int i, int j, int p, float[]? radialLocal, float[]? chiLocal, out double lo, out double hi)
    {
        var c = input.RadialCenters[p];
        if (input.Split == PixelSplit.None)
        {
            lo = hi = c;
            return;
        }

        var grid = input.RadialCorners!;
        var stride = input.Columns + 1;
        var k = i * stride + j;
        // pyFAI's corner order: (i, j), (i+1, j), (i+1, j+1), (i, j+1): a cycle around the pixel.
        var ca = (float)grid[k];
        var cb = (float)grid[k + stride];
        var cc = (float)grid[k + stride + 1];
        var cd = (float)grid[k + 1];
        if (input.Split == PixelSplit.BBox)
        {
            var d = Math.Max(Math.Max(Math.Abs(ca - c), Math.Abs(cb - c)), Math.Max(Math.Abs(cc - c), Math.Abs(cd - c)));
            lo = c - d;
            hi = c + d;
        }
        else
        {
            lo = Math.Min(Math.Min(ca, cb), Math.Min(cc, cd));
            hi = Math.Max(Math.Max(ca, cb), Math.Max(cc, cd));
            radialLocal![4 * p] = ca;
            radialLocal[4 * p + 1] = cb;
            radialLocal[4 * p + 2] = cc;
            radialLocal[4 * p + 3] = cd;
            var chi = input.ChiCorners!;
            var xa = (float)chi[k];
            chiLocal![4 * p] = xa;
            chiLocal[4 * p + 1] = Unwrap((float)chi[k + stride], xa);
            chiLocal[4 * p + 2] = Unwrap((float)chi[k + stride + 1], xa);
            chiLocal[4 * p + 3] = Unwrap((float)chi[k + 1], xa);
        }

        if (!input.AllowNegativeRadial && lo < 0)
        {
            lo = 0;
        }
    }

    /// <summary>A pixel on the χ = ±π cut would otherwise become a polygon 2π tall.</summary>
    private static float Unwrap(float value, float reference)
    {
        var d = value - reference;
        if (d > MathF.PI)
        {
            return value - 2 * MathF.PI;
        }

        return d < -MathF.PI ? value + 2 * MathF.PI : value;
    }

    private static IntegrationMatrix BuildNone(MatrixInput input, double[] extentLo, float[] pixelNorm, double pos0Min, double pos0Max, double binWidth)
    {
        var pixels = pixelNorm.Length;
        var npt = input.Npt;
        var bins = new ushort[pixels];
        Parallel.For(0, input.Rows, i =>
        {
            for (var p = i * input.Columns; p < (i + 1) * input.Columns; p++)
            {
                var b = npt;
                if (pixelNorm[p] != 0f)
                {
                    var f = Math.Floor((extentLo[p] - pos0Min) / binWidth);
                    if (f >= 0 && f < npt)
                    {
                        b = (int)f;
                    }
                }

                if (b == npt)
                {
                    pixelNorm[p] = 0f;
                }

                bins[p] = (ushort)b;
            }
        });
        return new IntegrationMatrix(PixelSplit.None, input.Rows, input.Columns, npt, pos0Min, pos0Max, input.RadialScale, pixelNorm,
            new double[npt], new double[npt])
        { SingleBin = bins };
    }

    private static IntegrationMatrix BuildBBox(MatrixInput input, double[] extentLo, double[] extentHi, float[] pixelNorm, double pos0Min, double pos0Max, double binWidth)
    {
        var pixels = pixelNorm.Length;
        var npt = input.Npt;
        var packed = new uint[pixels];
        var los = new float[pixels];
        var his = new float[pixels];
        var trash = (uint)npt | ((uint)npt << 16);
        Parallel.For(0, input.Rows, i =>
        {
            for (var p = i * input.Columns; p < (i + 1) * input.Columns; p++)
            {
                packed[p] = trash;
                los[p] = 0f;
                his[p] = 1f;
                if (pixelNorm[p] == 0f)
                {
                    continue;
                }

                var fmin = (extentLo[p] - pos0Min) / binWidth;
                var fmax = (extentHi[p] - pos0Min) / binWidth;
                var b0 = Math.Floor(fmin);
                var b1 = Math.Floor(fmax);
                if (b1 < 0 || b0 >= npt || fmax <= 0)
                {
                    pixelNorm[p] = 0f;
                    continue;
                }

                if (b0 == b1)
                {
                    // Wholly inside one bin: weight exactly 1, as pyFAI inserts it.
                    packed[p] = (uint)b0 | ((uint)b0 << 16);
                    continue;
                }

                var first = Math.Max(b0, 0);
                var last = Math.Min(b1, npt - 1);
                packed[p] = (uint)first | ((uint)last << 16);
                los[p] = (float)(fmin - first);
                his[p] = (float)(fmax - last);
            }
        });
        return new IntegrationMatrix(PixelSplit.BBox, input.Rows, input.Columns, npt, pos0Min, pos0Max, input.RadialScale, pixelNorm,
            new double[npt], new double[npt])
        { SpanBins = packed, SpanLo = los, SpanHi = his };
    }

    private static IntegrationMatrix BuildFull(MatrixInput input, double[] extentLo, double[] extentHi, float[] radialLocal, float[] chiLocal,
        float[] pixelNorm, double pos0Min, double pos0Max, double binWidth)
    {
        var pixels = pixelNorm.Length;
        var npt = input.Npt;
        var counts = new int[pixels + 1];
        Parallel.For(0, input.Rows, i =>
        {
            for (var p = i * input.Columns; p < (i + 1) * input.Columns; p++)
            {
                if (pixelNorm[p] == 0f)
                {
                    continue;
                }

                var b0 = Math.Floor((extentLo[p] - pos0Min) / binWidth);
                var b1 = Math.Floor((extentHi[p] - pos0Min) / binWidth);
                if (b1 < 0 || b0 >= npt)
                {
                    pixelNorm[p] = 0f;
                    continue;
                }

                counts[p + 1] = (int)(Math.Min(b1, npt - 1) - Math.Max(b0, 0) + 1);
            }
        });
        for (var p = 0; p < pixels; p++)
        {
            counts[p + 1] += counts[p];
        }

        var total = counts[pixels];
        var entryBin = new ushort[total];
        var entryWeight = new float[total];
        Parallel.For(0, input.Rows, i =>
        {
            Span<double> x = stackalloc double[4];
            Span<double> y = stackalloc double[4];
            for (var p = i * input.Columns; p < (i + 1) * input.Columns; p++)
            {
                var start = counts[p];
                var n = counts[p + 1] - start;
                if (n == 0)
                {
                    continue;
                }

                var binLo = Math.Floor((extentLo[p] - pos0Min) / binWidth);
                var binHi = Math.Floor((extentHi[p] - pos0Min) / binWidth);
                var first = (int)Math.Max(binLo, 0);
                if (binLo == binHi)
                {
                    entryBin[start] = (ushort)first;
                    entryWeight[start] = 1f;
                    continue;
                }

                // Radial in bin units relative to the pixel's first bin keeps the strip arithmetic well conditioned.
                for (var k = 0; k < 4; k++)
                {
                    x[k] = (radialLocal[4 * p + k] - pos0Min) / binWidth - binLo;
                    y[k] = chiLocal[4 * p + k] - chiLocal[4 * p];
                }

                var area = Math.Abs(0.5 * ((x[2] - x[0]) * (y[3] - y[1]) - (x[3] - x[1]) * (y[2] - y[0])));
                for (var e = 0; e < n; e++)
                {
                    var bin = first + e;
                    double w;
                    if (area > 0)
                    {
                        var strip = bin - binLo;
                        w = Math.Abs(StripArea(x, y, strip, strip + 1)) / area;
                    }
                    else
                    {
                        // Degenerate polygon (the pixel under the beam centre): fall back to the radial extent.
                        var lo = (extentLo[p] - pos0Min) / binWidth;
                        var hi = (extentHi[p] - pos0Min) / binWidth;
                        w = (Math.Min(hi, bin + 1) - Math.Max(lo, bin)) / (hi - lo);
                    }

                    entryBin[start + e] = (ushort)bin;
                    entryWeight[start + e] = (float)w;
                }
            }
        });
        return new IntegrationMatrix(PixelSplit.Full, input.Rows, input.Columns, npt, pos0Min, pos0Max, input.RadialScale, pixelNorm,
            new double[npt], new double[npt])
        { EntryStart = counts, EntryBin = entryBin, EntryWeight = entryWeight };
    }

    /// <summary>
    /// Signed area of the quadrilateral (x[k], y[k]) between the vertical lines x = a and x = b: Σ over edges of
    /// ∫ y dx with each edge's x range clipped to [a, b]. Exact for any simple polygon.
    /// </summary>
    internal static double StripArea(ReadOnlySpan<double> x, ReadOnlySpan<double> y, double a, double b)
    {
        var sum = 0.0;
        for (var k = 0; k < 4; k++)
        {
            var x0 = x[k];
            var y0 = y[k];
            var x1 = x[(k + 1) & 3];
            var y1 = y[(k + 1) & 3];
            if (x0 == x1)
            {
                continue;
            }

            var xa = Math.Clamp(x0, a, b);
            var xb = Math.Clamp(x1, a, b);
            if (xa == xb)
            {
                continue;
            }

            var slope = (y1 - y0) / (x1 - x0);
            var ya = y0 + slope * (xa - x0);
            var yb = y0 + slope * (xb - x0);
            sum += 0.5 * (xb - xa) * (ya + yb);
        }

        return sum;
    }

    private static void FillStaticSums(IntegrationMatrix matrix)
    {
        // Bands of rows in parallel, each into its own sums, merged in band order (deterministic).
        var bands = Math.Max(1, Math.Min(matrix.Rows, 4 * Environment.ProcessorCount));
        var norm = new double[bands][];
        var count = new double[bands][];
        var contributing = new int[bands];
        var entries = new long[bands];
        Parallel.For(0, bands, band =>
        {
            var visitor = new StaticSumVisitor { Norm = new double[matrix.Npt], Count = new double[matrix.Npt] };
            var start = (int)((long)matrix.Rows * band / bands) * matrix.Columns;
            var end = (int)((long)matrix.Rows * (band + 1) / bands) * matrix.Columns;
            for (var p = start; p < end; p++)
            {
                var n = matrix.PixelNorm[p];
                if (n == 0f)
                {
                    continue;
                }

                visitor.PixelNorm = n;
                visitor.Entries = 0;
                matrix.ForEachEntry(p, ref visitor);
                if (visitor.Entries > 0)
                {
                    contributing[band]++;
                    entries[band] += visitor.Entries;
                }
            }

            norm[band] = visitor.Norm;
            count[band] = visitor.Count;
        });

        for (var band = 0; band < bands; band++)
        {
            for (var b = 0; b < matrix.Npt; b++)
            {
                matrix.NormSum[b] += norm[band][b];
                matrix.CountSum[b] += count[band][b];
            }
        }

        matrix.ContributingPixels = contributing.Sum();
        matrix.EntryCount = entries.Sum();
    }

    private struct StaticSumVisitor : IEntryVisitor
    {
        public double[] Norm;
        public double[] Count;
        public double PixelNorm;
        public int Entries;

        public void Visit(int bin, double coefficient)
        {
            if (coefficient == 0)
            {
                return;
            }

            Norm[bin] += coefficient * PixelNorm;
            Count[bin] += coefficient;
            Entries++;
        }
    }
}
