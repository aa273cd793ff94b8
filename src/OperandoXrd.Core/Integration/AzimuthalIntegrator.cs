using System.Diagnostics;
using System.Globalization;
using OperandoXrd.Core.Geometry;

namespace OperandoXrd.Core.Integration;

/// <summary>
/// 1D azimuthal integration of detector frames, pyFAI-exact (0.21 <c>integrate1d</c> with a CSR method and
/// <c>error_model="poisson"</c>). Joins the geometry (pixel → radial, χ, solid angle, polarization) to the
/// array-level <see cref="IntegrationEngine"/>: the sparse matrix is built once (or loaded from the disk cache) and
/// every frame then costs one streaming pass.
/// </summary>
/// <example>
/// <code>
/// using var ai = AzimuthalIntegrator.Create(new PixelGeometry(Poni.Load("bm31.poni")),
///     new IntegrationOptions { Npt = 3000, PolarizationFactor = 0.99 }, cacheFolder: ".oxrd-cache");
/// var pattern = ai.CreatePattern();
/// ai.Integrate(frame, pattern);   // pattern.Radial, .Intensity, .Sigma, .Count
/// </code>
/// </example>
public sealed class AzimuthalIntegrator : IDisposable
{
    private readonly IntegrationEngine _engine;

    private AzimuthalIntegrator(IntegrationEngine engine, IntegrationOptions options, Detector detector, string source, bool fromCache, TimeSpan buildTime)
    {
        _engine = engine;
        Options = options;
        Detector = detector;
        Source = source;
        LoadedFromCache = fromCache;
        BuildTime = buildTime;
    }

    public IntegrationOptions Options { get; }

    public Detector Detector { get; }

    /// <summary>Where the geometry came from, for messages.</summary>
    public string Source { get; }

    public IntegrationMatrix Matrix => _engine.Matrix;

    /// <summary>Bin centres in <see cref="IntegrationOptions.Unit"/>.</summary>
    public ReadOnlySpan<double> Radial => _engine.Matrix.Radial;

    public int Npt => _engine.Matrix.Npt;

    /// <summary>True if the matrix came from the disk cache.</summary>
    public bool LoadedFromCache { get; }

    /// <summary>Why the matrix could not be cached, or null.</summary>
    public string? CacheWarning { get; private init; }

    /// <summary>Time to build (or load) the matrix, including the geometry arrays.</summary>
    public TimeSpan BuildTime { get; }

    /// <summary>
    /// Builds (or loads from <paramref name="cacheFolder"/>) the integrator for a geometry. Throws
    /// <see cref="ArgumentException"/> naming the source (<paramref name="sourceName"/>, e.g. the PONI file) and the
    /// offending option for a bad npt, range, mask or flat.
    /// </summary>
    public static AzimuthalIntegrator Create(PixelGeometry geometry, IntegrationOptions options, string? cacheFolder = null, string? sourceName = null)
    {
        ArgumentNullException.ThrowIfNull(geometry);
        ArgumentNullException.ThrowIfNull(options);
        var clock = Stopwatch.StartNew();
        var detector = geometry.Detector;
        var source = sourceName ?? geometry.Poni.ToString();
        Validate(options, detector, source);

        var mask = CombinedMask(options, detector);
        var (baseUnit, scale) = BaseUnit(options.Unit);
        byte[]? key = null;
        IntegrationMatrix? matrix = null;
        if (cacheFolder is not null)
        {
            key = Key(geometry, options, mask);
            matrix = MatrixCache.TryLoad(cacheFolder, key);
        }

        var fromCache = matrix is not null;
        string? cacheWarning = null;
        if (matrix is null)
        {
            var needCorners = options.Split != PixelSplit.None;
            var needChi = options.Split == PixelSplit.Full || options.AzimuthRangeDegrees is not null;
            var input = new MatrixInput
            {
                Rows = detector.Rows,
                Columns = detector.Columns,
                RadialCenters = geometry.RadialCenters(baseUnit),
                RadialCorners = needCorners ? geometry.RadialCorners(baseUnit) : null,
                ChiCenters = options.AzimuthRangeDegrees is not null ? geometry.ChiCenters() : null,
                ChiCorners = options.Split == PixelSplit.Full && needChi ? geometry.ChiCorners() : null,
                Mask = mask,
                Normalization = Normalization(geometry, options),
                Npt = options.Npt,
                Split = options.Split,
                RadialRange = options.RadialRange is { } r ? (r.Min / scale, r.Max / scale) : null,
                AzimuthRange = options.AzimuthRangeDegrees is { } a ? (a.Min * Math.PI / 180.0, a.Max * Math.PI / 180.0) : null,
                RadialScale = scale,
                Source = source,
            };
            matrix = MatrixBuilder.Build(input);
            if (cacheFolder is not null)
            {
                try
                {
                    MatrixCache.Save(cacheFolder, key!, matrix);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // A cache that cannot be written only costs the next run a rebuild.
                    cacheWarning = $"matrix cache not written to {cacheFolder}: {e.Message}";
                }
            }
        }

        var engine = new IntegrationEngine(matrix, options.Dummy, options.DeltaDummy, options.Threads);
        return new AzimuthalIntegrator(engine, options, detector, source, fromCache, clock.Elapsed) { CacheWarning = cacheWarning };
    }

    /// <summary>A result buffer with the bin centres filled in; reuse it for every frame.</summary>
    public Pattern1D CreatePattern() => _engine.CreatePattern();

    /// <summary>Integrates one frame of counts (Rows × Columns, row-major), subtracting <paramref name="dark"/> if given.</summary>
    public void Integrate(ReadOnlySpan<int> frame, Pattern1D result, ReadOnlySpan<float> dark = default) => _engine.Integrate(frame, result, dark);

    /// <summary>Integrates one float32 frame; NaN/∞ pixels are dropped for that frame.</summary>
    public void Integrate(ReadOnlySpan<float> frame, Pattern1D result, ReadOnlySpan<float> dark = default) => _engine.Integrate(frame, result, dark);

    public void Dispose() => _engine.Dispose();

    /// <summary>The unit the bins are laid out in, as pyFAI does (2θ in rad, q in nm⁻¹), and the scale to the output unit.</summary>
    internal static (RadialUnit Base, double Scale) BaseUnit(RadialUnit unit) => unit switch
    {
        RadialUnit.TwoThetaDeg => (RadialUnit.TwoThetaRad, RadialUnits.DegreesPerRadian),
        RadialUnit.QA => (RadialUnit.QNm, 0.1),
        _ => (unit, 1.0),
    };

    private static void Validate(IntegrationOptions o, Detector detector, string source)
    {
        if (o.Npt <= 0 || o.Npt > IntegrationMatrix.MaxNpt)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"{source}: npt must be between 1 and {IntegrationMatrix.MaxNpt}, got {o.Npt}"));
        }

        if (o.Mask is { } m && m.Length != detector.PixelCount)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"{source}: mask has {m.Length} pixels, the {detector.Name} detector has {detector.Rows}x{detector.Columns} = {detector.PixelCount}"));
        }

        if (o.Flat is { } f && f.Length != detector.PixelCount)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"{source}: flat has {f.Length} pixels, the {detector.Name} detector has {detector.Rows}x{detector.Columns} = {detector.PixelCount}"));
        }

        if (o.PolarizationFactor is { } p && !(p >= -1 && p <= 1))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{source}: polarization factor must be in [-1, 1], got {p}"));
        }
    }

    private static byte[]? CombinedMask(IntegrationOptions o, Detector detector)
    {
        var mask = o.UseDetectorMask ? detector.CreateStaticMask() : null;
        if (o.Mask is { } user)
        {
            mask ??= new byte[detector.PixelCount];
            for (var i = 0; i < mask.Length; i++)
            {
                mask[i] = (byte)(mask[i] | (user[i] != 0 ? 1 : 0));
            }
        }

        return mask;
    }

    private static double[]? Normalization(PixelGeometry geometry, IntegrationOptions o)
    {
        double[]? norm = null;
        if (o.CorrectSolidAngle)
        {
            norm = geometry.SolidAngle();
        }

        if (o.PolarizationFactor is { } f)
        {
            var pol = geometry.Polarization(f);
            if (norm is null)
            {
                norm = pol;
            }
            else
            {
                for (var i = 0; i < norm.Length; i++)
                {
                    norm[i] *= pol[i];
                }
            }
        }

        if (o.Flat is { } flat)
        {
            norm ??= Enumerable.Repeat(1.0, flat.Length).ToArray();
            for (var i = 0; i < norm.Length; i++)
            {
                norm[i] *= flat[i];
            }
        }

        return norm;
    }

    private static byte[] Key(PixelGeometry g, IntegrationOptions o, byte[]? mask)
    {
        using var k = new MatrixCache.KeyBuilder();
        var p = g.Poni;
        var d = g.Detector;
        k.Add("oxrd-integration-matrix").Add(2)
            .Add(p.Distance).Add(p.Poni1).Add(p.Poni2).Add(p.Rot1).Add(p.Rot2).Add(p.Rot3).Add(p.Wavelength)
            .Add(d.Name).Add(d.Rows).Add(d.Columns).Add(d.PixelSize1).Add(d.PixelSize2).Add((int)d.Orientation).Add((int)g.Precision)
            .Add((int)o.Unit).Add(o.Npt).Add((int)o.Split)
            .Add(o.RadialRange is { } r ? 1 : 0).Add(o.RadialRange?.Min ?? 0).Add(o.RadialRange?.Max ?? 0)
            .Add(o.AzimuthRangeDegrees is { } a ? 1 : 0).Add(o.AzimuthRangeDegrees?.Min ?? 0).Add(o.AzimuthRangeDegrees?.Max ?? 0)
            .Add(o.PolarizationFactor.HasValue ? 1 : 0).Add(o.PolarizationFactor ?? 0)
            .Add(o.CorrectSolidAngle ? 1 : 0)
            .Add(mask).Add(o.Flat);
        return k.Finish();
    }
}
