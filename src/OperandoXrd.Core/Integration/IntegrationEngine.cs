using System.Globalization;
using OperandoXrd.Core.Integration.Kernels;

namespace OperandoXrd.Core.Integration;

/// <summary>
/// Runs an <see cref="IntegrationMatrix"/> over frames: the array-level engine under <see cref="AzimuthalIntegrator"/>.
/// It knows nothing of geometry, units or files. One instance integrates one frame at a time (its histograms and
/// worker threads are its own); pipelines that integrate several frames at once create one engine per worker over
/// the same shared matrix.
/// </summary>
public sealed unsafe class IntegrationEngine : IDisposable
{
    private readonly PartitionRunner _runner;
    private readonly double[][] _histograms;
    private readonly double[][] _dropped;
    private readonly IntegrationKernel<int, Int32Pixels> _intKernel;
    private readonly IntegrationKernel<float, Float32Pixels> _floatKernel;
    private readonly FrameValidity _validity;

    /// <param name="matrix">The frame-independent part, shared read-only.</param>
    /// <param name="dummy">Raw values within <paramref name="deltaDummy"/> of this are dropped per frame (pyFAI's dummy); null: only non-finite values are.</param>
    /// <param name="deltaDummy">Tolerance of the dummy test (|raw − dummy| ≤ delta).</param>
    /// <param name="threads">Threads per frame; 0 = all cores.</param>
    public IntegrationEngine(IntegrationMatrix matrix, double? dummy = null, double deltaDummy = 0, int threads = 0)
        : this(matrix, dummy, deltaDummy, threads, KernelPaths.MaxVectorBits)
    {
    }

    /// <summary>As above with the widest SIMD path limited to <paramref name="vectorBits"/> (512, 256, 128, 0 = scalar): tests force each path.</summary>
    internal IntegrationEngine(IntegrationMatrix matrix, double? dummy, double deltaDummy, int threads, int vectorBits)
    {
        ArgumentNullException.ThrowIfNull(matrix);
        Matrix = matrix;
        var workers = threads > 0 ? threads : Environment.ProcessorCount;
        workers = Math.Clamp(workers, 1, Math.Max(1, matrix.Rows));
        _runner = new PartitionRunner(workers);
        _histograms = new double[workers][];
        _dropped = new double[workers][];
        for (var w = 0; w < workers; w++)
        {
            // +2 bins: the trash bin npt and the difference array's end marker at last bin + 1.
            _histograms[w] = new double[KernelPaths.Copies * IntegrationKernel<int, Int32Pixels>.BinStride * (matrix.Npt + 2)];
            _dropped[w] = new double[2 * (matrix.Npt + 2)];
        }

        _validity = new FrameValidity(dummy.HasValue, (float)(dummy ?? 0), (float)deltaDummy);
        // One bit per pixel the matrix uses, so that frames' gap markers (−1 in every Pilatus frame, already masked)
        // skip the dropped-pixel path.
        var contributes = new ulong[(matrix.PixelCount + 63) / 64 + 1];
        for (var p = 0; p < matrix.PixelCount; p++)
        {
            if (matrix.PixelNorm[p] != 0f)
            {
                contributes[p >> 6] |= 1UL << (p & 63);
            }
        }

        _intKernel = new IntegrationKernel<int, Int32Pixels>(matrix, _histograms, _dropped, contributes, vectorBits);
        _floatKernel = new IntegrationKernel<float, Float32Pixels>(matrix, _histograms, _dropped, contributes, vectorBits);
    }

    public IntegrationMatrix Matrix { get; }

    public int Threads => _runner.Workers;

    /// <summary>A result buffer of the right size with the bin centres filled in.</summary>
    public Pattern1D CreatePattern()
    {
        var pattern = new Pattern1D(Matrix.Npt);
        Matrix.Radial.CopyTo(pattern.Radial, 0);
        return pattern;
    }

    /// <summary>Integrates one frame of counts. <paramref name="dark"/>, if given, is subtracted pixel by pixel.</summary>
    public void Integrate(ReadOnlySpan<int> frame, Pattern1D result, ReadOnlySpan<float> dark = default)
    {
        Check(frame.Length, result, dark.Length);
        fixed (int* f = frame)
        fixed (float* d = dark)
        {
            _intKernel.SetFrame(f, dark.IsEmpty ? null : d, _validity);
            _runner.Run(_intKernel);
            _intKernel.SetFrame(null, null, _validity);
        }

        Finish(result);
    }

    /// <summary>Integrates one float32 frame. NaN and ±∞ pixels are dropped for this frame.</summary>
    public void Integrate(ReadOnlySpan<float> frame, Pattern1D result, ReadOnlySpan<float> dark = default)
    {
        Check(frame.Length, result, dark.Length);
        fixed (float* f = frame)
        fixed (float* d = dark)
        {
            _floatKernel.SetFrame(f, dark.IsEmpty ? null : d, _validity);
            _runner.Run(_floatKernel);
            _floatKernel.SetFrame(null, null, _validity);
        }

        Finish(result);
    }

    private void Check(int frameLength, Pattern1D result, int darkLength)
    {
        ArgumentNullException.ThrowIfNull(result);
        var m = Matrix;
        if (frameLength != m.PixelCount)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"frame has {frameLength} pixels but the detector is {m.Rows}x{m.Columns} = {m.PixelCount} pixels"), "frame");
        }

        if (darkLength != 0 && darkLength != m.PixelCount)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"dark has {darkLength} pixels but the detector is {m.Rows}x{m.Columns} = {m.PixelCount} pixels"), "dark");
        }

        if (result.Npt != m.Npt)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"result buffer has {result.Npt} bins but the integrator makes {m.Npt}"), nameof(result));
        }
    }

    /// <summary>Merges the partitions' histograms (prefix-summing bbox's differences) and forms I and σ.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private void Finish(Pattern1D result)
    {
        var m = Matrix;
        var workers = _histograms.Length;
        const int stride = IntegrationKernel<int, Int32Pixels>.BinStride;
        double runSignal = 0, runVariance = 0;
        for (var b = 0; b < m.Npt; b++)
        {
            double signal = 0, variance = 0, droppedNorm = 0, droppedCount = 0;
            for (var w = 0; w < workers; w++)
            {
                // Bin layout [ΔS, ΔV, S, V]: bbox's uniform runs are differences, everything else is direct.
                var h = _histograms[w];
                runSignal += h[stride * b];
                runVariance += h[stride * b + 1];
                signal += h[stride * b + 2];
                variance += h[stride * b + 3];
                var d = _dropped[w];
                droppedNorm += d[2 * b];
                droppedCount += d[2 * b + 1];
            }

            signal += runSignal;
            variance += runVariance;

            var staticNorm = m.NormSum[b];
            var norm = staticNorm - droppedNorm;
            var count = m.CountSum[b] - droppedCount;
            // A bin whose pixels were all dropped keeps only rounding residue: treat it as empty, as pyFAI does.
            var empty = !(norm > staticNorm * 1e-9);
            result.SumSignal[b] = empty ? 0 : signal;
            result.SumVariance[b] = empty ? 0 : Math.Max(variance, 0);
            result.SumNormalization[b] = empty ? 0 : norm;
            result.Count[b] = empty ? 0 : count;
            result.Intensity[b] = empty ? 0 : signal / norm;
            result.Sigma[b] = empty ? 0 : Math.Sqrt(Math.Max(variance, 0)) / norm;
            result.Radial[b] = m.Radial[b];
        }
    }

    public void Dispose() => _runner.Dispose();
}
