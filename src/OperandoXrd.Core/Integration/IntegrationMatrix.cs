using System.Runtime.CompilerServices;

namespace OperandoXrd.Core.Integration;

/// <summary>
/// The frame-independent part of an integration: which pixel feeds which bin with what fraction, with solid angle,
/// polarization, flat and the static mask folded in. Built once per geometry/mask/unit/range/npt/split (or loaded
/// from the disk cache) and shared read-only by every frame and every worker.
/// </summary>
/// <remarks>
/// Layout is pixel-ordered, not CSR-by-bin: the kernel streams the frame and the matrix once, front to back, and
/// scatters into small per-thread histograms that live in L1/L2 (docs/performance.md explains why, with numbers).
/// Bin indices are 16-bit; bin <see cref="Npt"/> is a "trash" bin that receives excluded pixels so the hot loop has
/// no branch for them.
/// <list type="bullet">
/// <item><b>none</b>: one <c>ushort</c> bin per pixel.</item>
/// <item><b>bbox</b>: per pixel the first and last bin packed in a <c>uint</c> and the fractional bin positions
/// <c>lo</c>, <c>hi</c> of the pixel's edges relative to them. A pixel spreads uniformly, so its weights are
/// a·(1−lo) in the first bin, a = 1/span in every interior bin and a·hi in the last: the kernel recomputes them
/// (one division per pixel) instead of reading 5–8 stored coefficients per pixel, and adds the interior run as a
/// difference (+a at the start, −a after the end) so the work per pixel is constant, whatever its span.</item>
/// <item><b>full</b>: CSR by pixel (start offsets, <c>ushort</c> bins, <c>float</c> weights), since polygon
/// fractions have no such structure.</item>
/// </list>
/// </remarks>
public sealed class IntegrationMatrix
{
    /// <summary>Largest npt: bins are 16-bit and bin npt is the trash bin.</summary>
    public const int MaxNpt = ushort.MaxValue;

    internal IntegrationMatrix(PixelSplit split, int rows, int columns, int npt, double pos0Min, double pos0Max,
        double radialScale, float[] pixelNorm, double[] normSum, double[] countSum)
    {
        Split = split;
        Rows = rows;
        Columns = columns;
        Npt = npt;
        Pos0Min = pos0Min;
        Pos0Max = pos0Max;
        RadialScale = radialScale;
        BinWidth = (pos0Max - pos0Min) / npt;
        PixelNorm = pixelNorm;
        NormSum = normSum;
        CountSum = countSum;
        Radial = new double[npt];
        for (var i = 0; i < npt; i++)
        {
            Radial[i] = (pos0Min + (i + 0.5) * BinWidth) * radialScale;
        }
    }

    public PixelSplit Split { get; }

    public int Rows { get; }

    public int Columns { get; }

    public int PixelCount => Rows * Columns;

    public int Npt { get; }

    /// <summary>Lower edge of bin 0 in the base unit.</summary>
    public double Pos0Min { get; }

    /// <summary>Upper edge of the last bin in the base unit.</summary>
    public double Pos0Max { get; }

    /// <summary>Bin width in the base unit.</summary>
    public double BinWidth { get; }

    public double RadialScale { get; }

    /// <summary>Bin centres in the output unit.</summary>
    public double[] Radial { get; }

    /// <summary>Pixels that feed at least one bin (unmasked, inside range and sector, finite non-zero normalization).</summary>
    public int ContributingPixels { get; internal set; }

    /// <summary>Non-zero (pixel, bin) pairs: the size pyFAI's CSR would have.</summary>
    public long EntryCount { get; internal set; }

    /// <summary>
    /// Bytes of this matrix the kernel streams per frame (the frame's own bytes come on top): 2 per pixel for none,
    /// 12 per pixel for bbox (packed first/last bin + two float edges), CSR-by-pixel for full; plus the one-bit-per-pixel
    /// map of contributing pixels. <c>oxrd bench integrate</c> prints it next to the size pyFAI's CSR would have.
    /// </summary>
    public long StreamedBytes =>
        (SingleBin?.LongLength ?? 0) * sizeof(ushort)
        + (SpanBins?.LongLength ?? 0) * (sizeof(uint) + 2 * sizeof(float))
        + (EntryStart?.LongLength ?? 0) * sizeof(int) + (EntryBin?.LongLength ?? 0) * (sizeof(ushort) + sizeof(float))
        + (PixelCount + 63) / 64 * sizeof(ulong);

    /// <summary>Bytes of the same matrix as pyFAI's CSR by bin (int32 column index + float32 coefficient per pair, int32 row starts).</summary>
    public long CsrBytes => EntryCount * (sizeof(int) + sizeof(float)) + (Npt + 1L) * sizeof(int);

    // none
    internal ushort[]? SingleBin { get; init; }

    // bbox
    internal uint[]? SpanBins { get; init; }
    internal float[]? SpanLo { get; init; }
    internal float[]? SpanHi { get; init; }

    // full
    internal int[]? EntryStart { get; init; }
    internal ushort[]? EntryBin { get; init; }
    internal float[]? EntryWeight { get; init; }

    /// <summary>Per-pixel normalization (solid angle × polarization × flat) as float, 0 for excluded pixels.</summary>
    internal float[] PixelNorm { get; }

    /// <summary>Σ c·norm per bin with every contributing pixel valid; frames subtract their dropped pixels.</summary>
    internal double[] NormSum { get; }

    /// <summary>Σ c per bin with every contributing pixel valid.</summary>
    internal double[] CountSum { get; }

    /// <summary>
    /// The bbox weights of one pixel in double, as the SIMD kernel computes them, so that corrections for dropped
    /// pixels cancel what the static sums hold.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void BBoxWeights(uint bins, float lo, float hi, out double a, out double first, out double last)
    {
        var b0 = (int)(bins & 0xFFFF);
        var b1 = (int)(bins >> 16);
        var span = (double)(b1 - b0) + hi - lo;
        a = 1.0 / span;
        first = a * (1.0 - Math.Max(lo, 0.0));
        last = a * Math.Min(hi, 1.0);
    }

    /// <summary>The same weights in float32, as the kernel's SIMD stage computes them (its scalar tail must match).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void BBoxWeightsSingle(uint bins, float lo, float hi, out float a, out float first, out float last)
    {
        var b0 = (int)(bins & 0xFFFF);
        var b1 = (int)(bins >> 16);
        var span = (float)(b1 - b0) + hi - lo;
        a = 1f / span;
        first = a * (1f - Math.Max(lo, 0f));
        last = a * Math.Min(hi, 1f);
    }

    /// <summary>Calls <paramref name="visit"/> for every (bin, coefficient) of <paramref name="pixel"/> (build, cache and tests; not the hot path).</summary>
    internal void ForEachEntry<TVisitor>(int pixel, ref TVisitor visit) where TVisitor : struct, IEntryVisitor
    {
        switch (Split)
        {
            case PixelSplit.None:
                {
                    int b = SingleBin![pixel];
                    if (b < Npt)
                    {
                        visit.Visit(b, 1.0);
                    }

                    break;
                }

            case PixelSplit.BBox:
                {
                    var bins = SpanBins![pixel];
                    var b0 = (int)(bins & 0xFFFF);
                    var b1 = (int)(bins >> 16);
                    if (b0 >= Npt)
                    {
                        break;
                    }

                    BBoxWeights(bins, SpanLo![pixel], SpanHi![pixel], out var a, out var first, out var last);
                    if (b0 == b1)
                    {
                        // Same arithmetic as the kernel's difference updates: first + last - a.
                        visit.Visit(b0, first + last - a);
                        break;
                    }

                    visit.Visit(b0, first);
                    for (var b = b0 + 1; b < b1; b++)
                    {
                        visit.Visit(b, a);
                    }

                    visit.Visit(b1, last);
                    break;
                }

            default:
                {
                    for (var e = EntryStart![pixel]; e < EntryStart[pixel + 1]; e++)
                    {
                        visit.Visit(EntryBin![e], EntryWeight![e]);
                    }

                    break;
                }
        }
    }
}

/// <summary>Receives the (bin, coefficient) pairs of one pixel.</summary>
internal interface IEntryVisitor
{
    void Visit(int bin, double coefficient);
}
