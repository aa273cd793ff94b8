using System.Runtime.CompilerServices;
using OperandoXrd.Fitting.Model;

namespace OperandoXrd.Fitting.Emergence;

/// <summary>A local maximum of the filtered residual (see <see cref="ResidualScanner"/>).</summary>
/// <param name="Index">Grid point of the maximum.</param>
/// <param name="TwoTheta">Position, degrees 2θ (parabola through the maximum and its neighbours).</param>
/// <param name="Significance">Filtered residual over its robust noise.</param>
/// <param name="Height">Estimated height above the model, in intensity units.</param>
/// <param name="ModelPeak">Height of the model's own Bragg peaks nearby above the model's floor there, in intensity units.</param>
public readonly record struct ResidualPeak(int Index, double TwoTheta, double Significance, double Height, double ModelPeak);

/// <summary>
/// Scans one frame's normalised residual r = (obs − calc)/σ for peaks. r is band-pass filtered with a
/// difference of Gaussians: a Gaussian of the expected peak width (the matched filter of a new peak) minus one three
/// times as wide, both of unit sum, so the kernel sums to zero and a smooth misfit of the background, the PEEK hump or
/// a Chebyshev term gives no response while a peak of the expected width gives the most. The filtered values are
/// divided by their own robust noise (RMS clipped at 3, twice), which also absorbs the correlation that pixel
/// splitting puts between neighbouring bins. Local maxima above a threshold are returned with their height and the
/// height of the model's own Bragg peaks within a few FWHM, so the caller can tell misfit at a strong reflection (a
/// fraction of that reflection) from something new (where the model has next to nothing): <see cref="IsMisfit(in ResidualPeak)"/>.
/// </summary>
/// <remarks>
/// The filter runs as one y += a·x per tap over the whole grid (SIMD, ~60–150 taps), which is cheaper than a dot
/// product per point; the buffers are the scanner's own, so a frame allocates nothing. Not thread-safe.
/// </remarks>
[SkipLocalsInit]
public sealed class ResidualScanner
{
    private readonly double[] _x;
    private readonly double[] _kernel;
    private readonly double[] _r;
    private readonly double[] _d;
    private readonly double[] _f;
    private readonly double[] _sigma;
    private readonly ResidualPeak[] _peaks;
    private readonly int _half;
    private readonly int _first;
    private readonly int _last;
    private readonly int _neighbourhood;
    private readonly double _misfitFraction;
    private readonly int _near;
    private int _count;
    private double _noise = double.NaN;

    /// <param name="twoTheta">The fit-range grid, degrees, ascending.</param>
    /// <param name="fwhm">Expected FWHM of a new peak, degrees.</param>
    /// <param name="options">Neighbourhood, misfit fraction, edges.</param>
    /// <param name="capacity">Most peaks kept per frame (the most significant).</param>
    public ResidualScanner(ReadOnlySpan<double> twoTheta, double fwhm, EmergenceOptions options, int capacity = 64)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (twoTheta.Length < 16)
        {
            throw new ArgumentException("the grid is too short to scan", nameof(twoTheta));
        }

        if (!(fwhm > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(fwhm), "the expected peak width must be positive");
        }

        _x = twoTheta.ToArray();
        var n = _x.Length;
        Step = (_x[^1] - _x[0]) / (n - 1);
        Fwhm = fwhm;
        FwhmPoints = fwhm / Step;
        var s1 = Math.Max(FwhmPoints / (2 * Math.Sqrt(2 * Math.Log(2))), 0.7);
        var s2 = 3 * s1;
        _half = (int)Math.Ceiling(3 * s2);
        if (2 * _half + 8 > n)
        {
            throw new ArgumentException($"a {fwhm}° peak needs a filter of {2 * _half + 1} points; the grid has {n}", nameof(fwhm));
        }

        _kernel = new double[2 * _half + 1];
        double sum1 = 0, sum2 = 0;
        for (var j = -_half; j <= _half; j++)
        {
            sum1 += Math.Exp(-j * j / (2 * s1 * s1));
            sum2 += Math.Exp(-j * j / (2 * s2 * s2));
        }

        double gain = 0, norm = 0;
        for (var j = -_half; j <= _half; j++)
        {
            var g = Math.Exp(-j * j / (2 * s1 * s1));
            var k = g / sum1 - Math.Exp(-j * j / (2 * s2 * s2)) / sum2;
            _kernel[j + _half] = k;
            gain += k * g;
            norm += k * k;
        }

        // Response to a unit-height peak of the expected width, and the white-noise RMS of the filter.
        Gain = gain;
        WhiteNoise = Math.Sqrt(norm);
        _r = new double[n];
        _d = new double[n];
        _f = new double[n];
        _sigma = new double[n];
        _peaks = new ResidualPeak[capacity];
        var edge = (int)Math.Ceiling(options.EdgeFwhm * FwhmPoints);
        _first = Math.Max(_half, edge) + 1;
        _last = n - Math.Max(_half, edge) - 1;
        _neighbourhood = (int)Math.Ceiling(options.NeighbourhoodFwhm * FwhmPoints);
        _misfitFraction = options.MisfitFraction;
        _near = (int)Math.Ceiling(FwhmPoints);
    }

    /// <summary>Mean grid step, degrees.</summary>
    public double Step { get; }

    /// <summary>Expected peak FWHM, degrees.</summary>
    public double Fwhm { get; }

    public double FwhmPoints { get; }

    /// <summary>Filter response to a unit-height peak of the expected width.</summary>
    public double Gain { get; }

    /// <summary>RMS of the filter on unit white noise.</summary>
    public double WhiteNoise { get; }

    /// <summary>Robust RMS of the filtered normalised residual in the last frame (≈ <see cref="WhiteNoise"/> for a perfect fit).</summary>
    public double Noise => _noise;

    /// <summary>The scanned part of the grid: [First, Last).</summary>
    public int First => _first;

    public int Last => _last;

    public ReadOnlySpan<double> TwoTheta => _x;

    /// <summary>Peaks found by the last <see cref="Scan"/>, most significant first.</summary>
    public ReadOnlySpan<ResidualPeak> Peaks => _peaks.AsSpan(0, _count);

    /// <summary>obs − calc of the last frame.</summary>
    public ReadOnlySpan<double> Difference => _d;

    /// <summary>
    /// Filters the frame and collects local maxima at or above <paramref name="threshold"/> (in noise units). Returns
    /// false if the frame has too few usable points to say anything.
    /// </summary>
    public bool Scan(ReadOnlySpan<double> observed, ReadOnlySpan<double> calculated, ReadOnlySpan<double> sigma, double threshold)
    {
        var n = _x.Length;
        if (observed.Length != n || calculated.Length != n || sigma.Length != n)
        {
            throw new ArgumentException($"the frame has {observed.Length}/{calculated.Length}/{sigma.Length} points, the grid {n}");
        }

        _count = 0;
        var usable = 0;
        for (var i = 0; i < n; i++)
        {
            double o = observed[i], c = calculated[i], s = sigma[i];
            if (double.IsFinite(o) && double.IsFinite(c) && s > 0 && double.IsFinite(s))
            {
                _d[i] = o - c;
                _r[i] = (o - c) / s;
                _sigma[i] = s;
                usable++;
            }
            else
            {
                _d[i] = 0;
                _r[i] = 0;
                _sigma[i] = double.PositiveInfinity;
            }
        }

        if (usable < n / 2)
        {
            _noise = double.NaN;
            return false;
        }

        Filter(_r, _f);
        _noise = RobustRms(_f.AsSpan(_first, _last - _first));
        if (!(_noise > 0))
        {
            return false;
        }

        var cut = threshold * _noise;
        for (var i = _first; i < _last; i++)
        {
            var v = _f[i];
            if (v < cut || v < _f[i - 1] || v <= _f[i + 1])
            {
                continue;
            }

            Add(i, calculated);
        }

        return true;
    }

    /// <summary>
    /// The smallest height (intensity units) a new peak at each grid point would need to be reported with
    /// significance <paramref name="threshold"/> and not be taken for misfit of the model: the larger of the noise
    /// limit and the misfit fraction of the model's Bragg peaks nearby. For the library match (absent reflections
    /// that could not have been seen are not held against a phase). Uses the last frame scanned.
    /// </summary>
    public void DetectionLimits(ReadOnlySpan<double> calculated, double threshold, Span<double> limit)
    {
        var n = _x.Length;
        limit[..n].Fill(double.PositiveInfinity);
        for (var i = _first; i < _last; i++)
        {
            // Within two FWHM of a modelled reflection a new peak is absorbed by it (its intensity is re-partitioned
            // each frame) unless it outgrows it; further out, up to the neighbourhood, it must clear the misfit zone.
            var near = ModelPeak(calculated, i, 2 * _near);
            var around = ModelPeak(calculated, i, _neighbourhood);
            limit[i] = Math.Max(threshold * _noise * _sigma[i] / Gain, Math.Max(near, _misfitFraction * around));
        }
    }

    /// <summary>
    /// FWHM (degrees) of the residual peak at grid point <paramref name="index"/> in the last frame: where the lightly
    /// smoothed obs − calc falls to half its top on either side, the smoothing taken out in quadrature. NaN if it does
    /// not fall to half within three expected widths.
    /// </summary>
    public double Width(int index)
    {
        var n = _x.Length;
        var reach = (int)Math.Ceiling(3 * FwhmPoints) + 2;
        var top = Smoothed(index);
        if (!(top > 0))
        {
            return double.NaN;
        }

        double left = double.NaN, right = double.NaN;
        var previous = top;
        for (var i = index - 1; i >= Math.Max(1, index - reach); i--)
        {
            var v = Smoothed(i);
            if (v <= top / 2)
            {
                left = _x[i] + (_x[i + 1] - _x[i]) * (top / 2 - v) / (previous - v);
                break;
            }

            previous = v;
        }

        previous = top;
        for (var i = index + 1; i <= Math.Min(n - 2, index + reach); i++)
        {
            var v = Smoothed(i);
            if (v <= top / 2)
            {
                right = _x[i] - (_x[i] - _x[i - 1]) * (top / 2 - v) / (previous - v);
                break;
            }

            previous = v;
        }

        var width = right - left;
        var smoothing = Step * 2 * Math.Sqrt(2 * Math.Log(2));
        return width > smoothing ? Math.Sqrt(width * width - smoothing * smoothing) : double.NaN;
    }

    // obs − calc at i smoothed with a Gaussian of one grid step.
    private double Smoothed(int i)
    {
        var n = _x.Length;
        double sum = 0, weight = 0;
        for (var j = -3; j <= 3; j++)
        {
            var k = i + j;
            if (k >= 0 && k < n && double.IsFinite(_sigma[k]))
            {
                var w = Math.Exp(-0.5 * j * j);
                sum += w * _d[k];
                weight += w;
            }
        }

        return weight > 0 ? sum / weight : double.NaN;
    }

    private void Add(int i, ReadOnlySpan<double> calculated)
    {
        // Sub-bin position from the parabola through the maximum and its neighbours.
        double a = _f[i - 1], b = _f[i], c = _f[i + 1];
        var den = a - 2 * b + c;
        var shift = den < 0 ? Math.Clamp(0.5 * (a - c) / den, -0.5, 0.5) : 0;
        var position = shift >= 0 ? _x[i] + shift * (_x[i + 1] - _x[i]) : _x[i] + shift * (_x[i] - _x[i - 1]);
        var height = Dot(_d, i) / Gain;
        var model = ModelPeak(calculated, i, _neighbourhood);
        var peak = new ResidualPeak(i, position, b / _noise, height, model);
        // Keep the most significant when there are more than the capacity (a very bad frame).
        if (_count < _peaks.Length)
        {
            _peaks[_count++] = peak;
        }
        else
        {
            var weakest = 0;
            for (var k = 1; k < _count; k++)
            {
                if (_peaks[k].Significance < _peaks[weakest].Significance)
                {
                    weakest = k;
                }
            }

            if (peak.Significance > _peaks[weakest].Significance)
            {
                _peaks[weakest] = peak;
            }
        }
    }

    /// <summary>Whether a peak is misfit of a modelled reflection: no higher than the misfit fraction of the model's peak nearby.</summary>
    public bool IsMisfit(in ResidualPeak peak) => IsMisfit(peak, peak.ModelPeak);

    /// <summary>
    /// The same against a given model peak height: a tracked peak is judged against the model as it was when the
    /// track began, since a growing new peak next to a modelled reflection is partly absorbed by that reflection's
    /// re-partitioned intensity, and the model peak there grows with it.
    /// </summary>
    public bool IsMisfit(in ResidualPeak peak, double modelPeak) => peak.Height <= _misfitFraction * modelPeak;

    // Height of the model's Bragg peaks within ±reach of i above the model's floor within ±(reach + 3 FWHM): the
    // background, PEEK hump and far tails are the floor, so what remains is the peaks' own height.
    private double ModelPeak(ReadOnlySpan<double> calculated, int i, int reach)
    {
        var n = _x.Length;
        var top = double.NegativeInfinity;
        for (var m = Math.Max(0, i - reach); m <= Math.Min(n - 1, i + reach); m++)
        {
            top = Math.Max(top, calculated[m]);
        }

        var wide = reach + (3 * _near);
        var floor = double.PositiveInfinity;
        for (var m = Math.Max(0, i - wide); m <= Math.Min(n - 1, i + wide); m++)
        {
            floor = Math.Min(floor, calculated[m]);
        }

        return Math.Max(top - floor, 0);
    }

    // The filter at one point: Σ_j k_j v[i − half + j].
    private double Dot(ReadOnlySpan<double> v, int i)
    {
        var s = 0.0;
        var window = v.Slice(i - _half, _kernel.Length);
        for (var j = 0; j < _kernel.Length; j++)
        {
            s += _kernel[j] * window[j];
        }

        return s;
    }

    // f[half .. n−half) = Σ_j k_j v[· − half + j]; f is left 0 outside.
    private void Filter(ReadOnlySpan<double> v, Span<double> f)
    {
        var n = _x.Length;
        var inner = n - 2 * _half;
        f.Clear();
        var target = f.Slice(_half, inner);
        for (var j = 0; j < _kernel.Length; j++)
        {
            SpanMath.AddScaled(target, v.Slice(j, inner), _kernel[j]);
        }
    }

    private static double RobustRms(ReadOnlySpan<double> f)
    {
        var cut = double.PositiveInfinity;
        var rms = 0.0;
        for (var pass = 0; pass < 3; pass++)
        {
            double sum = 0;
            var count = 0;
            foreach (var v in f)
            {
                if (Math.Abs(v) < cut)
                {
                    sum += v * v;
                    count++;
                }
            }

            if (count == 0)
            {
                return double.NaN;
            }

            // A Gaussian clipped at ±3σ keeps 97.3 % of its variance: undo that on the clipped passes.
            rms = Math.Sqrt(sum / count / (pass == 0 ? 1 : 0.9733));
            cut = 3 * rms;
        }

        return rms;
    }
}
