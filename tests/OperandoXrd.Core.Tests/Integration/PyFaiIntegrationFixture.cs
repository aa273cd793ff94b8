using System.Globalization;
using OperandoXrd.Core.Geometry;
using OperandoXrd.Core.Integration;
using OperandoXrd.Core.Tests.Reference;

namespace OperandoXrd.Core.Tests.Integration;

/// <summary>One integration case compared with pyFAI: unit, npt, split and an optional radial range (in the unit).</summary>
public sealed record IntegrationCase(string Name, string Unit, int Npt, string Split, double? RangeMin = null, double? RangeMax = null, double? ChiMin = null, double? ChiMax = null);

/// <summary>
/// One pyFAI 0.21.3 run per geometry: it generates a frame (Poisson rings on a background, int32, with Pilatus -1/-2
/// markers), a dark, a flat and a user mask from a fixed seed, integrates every case with
/// <c>integrate1d(method=(split, "csr", "cython"), error_model="poisson")</c>, solid angle, polarization 0.99,
/// dummy -1.5 ± 0.75, and saves inputs and results for the C# side to reproduce.
/// </summary>
public abstract class PyFaiIntegrationFixture : IDisposable
{
    private const string Script = """
        import json
        import numpy as np
        from pyFAI.azimuthalIntegrator import AzimuthalIntegrator
        from pyFAI import detectors

        name = ARGS[0]
        dist, poni1, poni2, rot1, rot2, rot3, wl = (float(a) for a in ARGS[1:8])
        cases = json.loads(ARGS[8])
        det = detectors.detector_factory(name)
        ai = AzimuthalIntegrator(dist=dist, poni1=poni1, poni2=poni2, rot1=rot1, rot2=rot2, rot3=rot3,
                                 detector=det, wavelength=wl)
        shape = det.max_shape
        rng = np.random.default_rng(20261122)
        tth = np.degrees(ai.twoThetaArray())
        lam = 50.0 + 5.0 * tth
        for center, height, width in ((3.0, 4000.0, 0.05), (5.5, 2500.0, 0.08), (8.0, 1500.0, 0.1), (10.5, 900.0, 0.12)):
            lam = lam + height * np.exp(-0.5 * ((tth - center) / width) ** 2)
        frame = rng.poisson(lam).astype(np.int32)
        bad = rng.random(shape) < 0.002
        frame[bad] = -2
        frame[det.mask.astype(bool)] = -1
        dark = rng.uniform(0.0, 4.0, shape).astype(np.float32)
        flat = rng.uniform(0.9, 1.1, shape).astype(np.float32)
        user = np.zeros(shape, np.uint8)
        user[rng.random(shape) < 0.003] = 1
        user[100:130, 200:260] = 1
        mask = (det.mask.astype(bool) | user.astype(bool)).astype(np.int8)
        save_i32("frame", frame)
        save_f32("dark", dark)
        save_f32("flat", flat)
        save_u8("user_mask", user)
        for case in cases:
            rng_ = None if case["min"] is None else (case["min"], case["max"])
            azim = None if case["chimin"] is None else (case["chimin"], case["chimax"])
            r = ai.integrate1d(frame, case["npt"], unit=case["unit"], method=(case["split"], "csr", "cython"),
                               error_model="poisson", mask=mask, dark=dark, flat=flat, polarization_factor=0.99,
                               correctSolidAngle=True, dummy=-1.5, delta_dummy=0.75, radial_range=rng_, azimuth_range=azim)
            n = case["name"]
            save_f64(n + "_radial", r.radial)
            save_f64(n + "_intensity", r.intensity)
            save_f64(n + "_sigma", r.sigma)
            save_f64(n + "_count", r.count)
            save_f64(n + "_signal", r.sum_signal)
            save_f64(n + "_norm", r.sum_normalization)
        """;

    private readonly Lazy<ReferenceRun> _run;

    protected PyFaiIntegrationFixture(Poni poni, IReadOnlyList<IntegrationCase> cases)
    {
        Poni = poni;
        Cases = cases;
        _run = new Lazy<ReferenceRun>(() =>
        {
            var json = "[" + string.Join(",", cases.Select(c => string.Create(CultureInfo.InvariantCulture,
                $"{{\"name\":\"{c.Name}\",\"unit\":\"{c.Unit}\",\"npt\":{c.Npt},\"split\":\"{c.Split}\",\"min\":{Json(c.RangeMin)},\"max\":{Json(c.RangeMax)},\"chimin\":{Json(c.ChiMin)},\"chimax\":{Json(c.ChiMax)}}}"))) + "]";
            return PythonReference.Run(Script,
            [
                poni.Detector.Name,
                F(poni.Distance), F(poni.Poni1), F(poni.Poni2), F(poni.Rot1), F(poni.Rot2), F(poni.Rot3), F(poni.Wavelength),
                json,
            ], PythonReference.DefaultTimeout);
        });
    }

    public Poni Poni { get; }

    public IReadOnlyList<IntegrationCase> Cases { get; }

    public ReferenceRun Reference => _run.Value;

    public int[] Frame => _frame ??= Reference.I32("frame");

    public float[] Dark => _dark ??= Reference.F32("dark");

    public float[] Flat => _flat ??= Reference.F32("flat");

    public byte[] UserMask => _mask ??= Reference.U8("user_mask");

    private int[]? _frame;
    private float[]? _dark;
    private float[]? _flat;
    private byte[]? _mask;

    public IntegrationCase Case(string name) => Cases.Single(c => c.Name == name);

    /// <summary>Our integrator for a case, with the same corrections as the pyFAI run.</summary>
    public AzimuthalIntegrator Create(IntegrationCase c, int threads = 0) => AzimuthalIntegrator.Create(new PixelGeometry(Poni), new IntegrationOptions
    {
        Npt = c.Npt,
        Unit = RadialUnits.Parse(c.Unit),
        Split = PixelSplits.Parse(c.Split),
        RadialRange = c.RangeMin is { } lo ? (lo, c.RangeMax!.Value) : null,
        AzimuthRangeDegrees = c.ChiMin is { } chiLo ? (chiLo, c.ChiMax!.Value) : null,
        PolarizationFactor = 0.99,
        Mask = UserMask,
        Flat = Flat,
        Dummy = -1.5,
        DeltaDummy = 0.75,
        Threads = threads,
    });

    public void Dispose()
    {
        if (_run.IsValueCreated)
        {
            _run.Value.Dispose();
        }

        GC.SuppressFinalize(this);
    }

    private static string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    private static string Json(double? v) => v is { } x ? F(x) : "null";
}

/// <summary>Pilatus300K, beam near the detector centre, no tilt.</summary>
public sealed class UntiltedPilatus300KIntegration : PyFaiIntegrationFixture
{
    public static readonly IntegrationCase[] All =
    [
        new("none_2th_1000", "2th_deg", 1000, "no"),
        new("bbox_2th_1000", "2th_deg", 1000, "bbox"),
        new("bbox_q_500", "q_A^-1", 500, "bbox"),
        new("bbox_2th_3000_range", "2th_deg", 3000, "bbox", 2.0, 9.0),
        new("none_q_2000", "q_A^-1", 2000, "no"),
        new("full_2th_800", "2th_deg", 800, "full"),
    ];

    public UntiltedPilatus300KIntegration()
        : base(new Poni { Distance = 0.25, Poni1 = 0.053, Poni2 = 0.041, Wavelength = 0.24486e-10, Detector = Detector.Pilatus300K }, All)
    {
    }
}

/// <summary>Pilatus300K, beam off the detector corner, all three rotations non-zero.</summary>
public sealed class TiltedPilatus300KIntegration : PyFaiIntegrationFixture
{
    public static readonly IntegrationCase[] All =
    [
        new("none_2th_1500", "2th_deg", 1500, "no"),
        new("bbox_2th_1500", "2th_deg", 1500, "bbox"),
        new("bbox_q_700", "q_A^-1", 700, "bbox"),
        new("full_q_600", "q_A^-1", 600, "full"),
        new("none_2th_800_sector", "2th_deg", 800, "no", ChiMin: -60.0, ChiMax: 30.0),
    ];

    public TiltedPilatus300KIntegration()
        : base(new Poni { Distance = 0.18, Poni1 = -0.012, Poni2 = 0.021, Rot1 = 0.12, Rot2 = -0.08, Rot3 = 0.3, Wavelength = 0.24486e-10, Detector = Detector.Pilatus300K }, All)
    {
    }
}

/// <summary>The real detector once: Pilatus2M, BM31-like distance, small tilts, the benchmark's 3000 bins.</summary>
public sealed class Pilatus2MIntegration : PyFaiIntegrationFixture
{
    public static readonly IntegrationCase[] All =
    [
        new("bbox_2th_3000", "2th_deg", 3000, "bbox"),
    ];

    public Pilatus2MIntegration()
        : base(new Poni { Distance = 0.35, Poni1 = 0.118, Poni2 = 0.124, Rot1 = 0.011, Rot2 = -0.007, Rot3 = 0.0, Wavelength = 0.24486e-10, Detector = Detector.Pilatus2M }, All)
    {
    }
}
