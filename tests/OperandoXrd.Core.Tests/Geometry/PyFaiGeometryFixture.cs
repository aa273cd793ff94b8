using System.Globalization;
using OperandoXrd.Core.Geometry;
using OperandoXrd.Core.Tests.Reference;

namespace OperandoXrd.Core.Tests.Geometry;

/// <summary>
/// One pyFAI 0.21.3 run per geometry, shared by a test class: every per-pixel array pyFAI gives for that PONI,
/// plus the double-precision values inside its corner computation and its functions fed with float64 indices.
/// </summary>
public abstract class PyFaiGeometryFixture : IDisposable
{
    private const string Script = """
        import numpy as np
        from pyFAI.azimuthalIntegrator import AzimuthalIntegrator
        from pyFAI import detectors, utils
        from pyFAI.ext import _geometry

        name = ARGS[0]
        dist, poni1, poni2, rot1, rot2, rot3, wl = (float(a) for a in ARGS[1:8])
        full = ARGS[8] == "full"
        det = detectors.detector_factory(name)
        ai = AzimuthalIntegrator(dist=dist, poni1=poni1, poni2=poni2, rot1=rot1, rot2=rot2, rot3=rot3,
                                 detector=det, wavelength=wl)
        shape = det.max_shape
        save_text("shape", "%d %d" % tuple(shape))

        # pyFAI's public centre arrays (float32 pixel coordinates inside, float64 results).
        tth = ai.twoThetaArray()
        chi = ai.chiArray()
        save_f64("tth", tth)
        save_f64("chi", chi)
        save_f64("q_nm", ai.qArray())
        save_f64("r_m", ai.rArray())
        save_f64("solid_angle", ai.solidAngleArray())
        save_f32("polarization_f32", ai.polarization(factor=0.99))
        # pyFAI's own expression in Geometry.polarization, before it casts the array to float32.
        cos2 = np.cos(tth) ** 2
        save_f64("polarization", 0.5 * (1.0 + cos2 - 0.99 * np.cos(2.0 * (chi + 0.0)) * (1.0 - cos2)))
        save_f64("d_A", wl * 1e10 / (2.0 * np.sin(tth / 2.0)))

        # Corners: pyFAI's corner_array feeds float64 corner coordinates to calc_rad_azim, which computes in double
        # but returns float32. Its double-returning siblings on the same coordinates give the double values.
        d1 = utils.expand2d(np.arange(shape[0] + 1.0), shape[1] + 1.0, False)
        d2 = utils.expand2d(np.arange(shape[1] + 1.0), shape[0] + 1.0, True)
        p1, p2, p3 = det.calc_cartesian_positions(d1, d2, center=False, use_cython=True)
        c1 = np.ascontiguousarray(p1 - poni1)
        c2 = np.ascontiguousarray(p2 - poni2)
        save_f64("corner_2th", _geometry.calc_tth(ai.dist, ai.rot1, ai.rot2, ai.rot3, c1, c2))
        save_f64("corner_chi", _geometry.calc_chi(ai.dist, ai.rot1, ai.rot2, ai.rot3, c1, c2))
        if full:
            save_f64("corner_q", _geometry.calc_q(ai.dist, ai.rot1, ai.rot2, ai.rot3, c1, c2, wavelength=ai.wavelength))
            save_f64("corner_r", _geometry.calc_r(ai.dist, ai.rot1, ai.rot2, ai.rot3, c1, c2))
            rad_azim = _geometry.calc_rad_azim(ai.dist, ai.poni1, ai.poni2, ai.rot1, ai.rot2, ai.rot3,
                                               p1, p2, p3, "2th", ai.wavelength, chi_discontinuity_at_pi=True)
            save_f32("corner_rad_azim_2th", rad_azim[..., 0])
            save_f32("corner_rad_azim_chi", rad_azim[..., 1])

        # pyFAI's functions with float64 pixel indices: its formulas without the float32 coordinates.
        e1, e2 = np.meshgrid(np.arange(shape[0], dtype=np.float64), np.arange(shape[1], dtype=np.float64), indexing="ij")
        save_f64("tth_double", ai.tth(e1, e2))
        if full:
            save_f64("chi_double", ai.chi(e1, e2))
            save_f64("q_double", ai.qFunction(e1, e2))
            save_f64("solid_angle_double", ai.cos_incidence(e1, e2) ** 3)

        if full:
            save_f64("tth_deg", ai.array_from_unit(typ="center", unit="2th_deg"))
            save_f64("q_A", ai.array_from_unit(typ="center", unit="q_A^-1"))
            save_f64("r_mm", ai.array_from_unit(typ="center", unit="r_mm"))
            save_f32("corner_array_2th_deg", ai.array_from_unit(typ="corner", unit="2th_deg"))
        save_u8("mask", det.mask)
        """;

    private readonly Lazy<ReferenceRun> _run;
    private readonly Dictionary<string, double[]> _f64 = new(StringComparer.Ordinal);

    protected PyFaiGeometryFixture(Poni poni, bool full)
    {
        Poni = poni;
        Full = full;
        _run = new Lazy<ReferenceRun>(() => PythonReference.Run(
            Script,
            [
                poni.Detector.Name,
                F(poni.Distance), F(poni.Poni1), F(poni.Poni2), F(poni.Rot1), F(poni.Rot2), F(poni.Rot3), F(poni.Wavelength),
                full ? "full" : "lite",
            ],
            PythonReference.DefaultTimeout));
    }

    public Poni Poni { get; }

    /// <summary>True when the run saved everything; the Pilatus2M runs save the 2θ/χ essentials only, to keep the
    /// test run short (each Pilatus2M array is 20 MB), and the Pilatus300K runs cover the rest.</summary>
    public bool Full { get; }

    public ReferenceRun Run => _run.Value;

    /// <summary>A float64 reference array, read once.</summary>
    public double[] F64(string name)
    {
        lock (_f64)
        {
            if (!_f64.TryGetValue(name, out var values))
            {
                values = Run.F64(name);
                _f64[name] = values;
            }

            return values;
        }
    }

    public void Dispose()
    {
        if (_run.IsValueCreated)
        {
            _run.Value.Dispose();
        }

        GC.SuppressFinalize(this);
    }

    private static string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}

/// <summary>Reference PONIs for the agreement tests.</summary>
public static class TestGeometries
{
    /// <summary>λ = 0.24486 Å, the reference experiment's wavelength.</summary>
    public const double Wavelength = 2.4486e-11;

    /// <summary>Pilatus300K, untilted, beam on the detector near its centre.</summary>
    public static Poni Pilatus300KUntilted => new()
    {
        Detector = Detector.Pilatus300K,
        Distance = 0.25,
        Poni1 = 0.0532,
        Poni2 = 0.0419,
        Wavelength = Wavelength,
    };

    /// <summary>Pilatus300K with all three rotations and the PONI off the detector's centre (beam still on it).</summary>
    public static Poni Pilatus300KTilted => new()
    {
        Detector = Detector.Pilatus300K,
        Distance = 0.1873,
        Poni1 = 0.0712,
        Poni2 = 0.0251,
        Rot1 = 0.0731,
        Rot2 = -0.0517,
        Rot3 = 0.3139,
        Wavelength = Wavelength,
    };

    /// <summary>Pilatus2M, untilted, PONI at the BM31 beam centre.</summary>
    public static Poni Pilatus2MUntilted => new()
    {
        Detector = Detector.Pilatus2M,
        Distance = 0.35,
        Poni1 = 0.14512,
        Poni2 = 0.12608,
        Wavelength = Wavelength,
    };

    /// <summary>Pilatus2M, strongly tilted (rot1, rot2, rot3 ≠ 0), PONI far from the centre.</summary>
    public static Poni Pilatus2MTilted => new()
    {
        Detector = Detector.Pilatus2M,
        Distance = 0.3123,
        Poni1 = 0.0914,
        Poni2 = 0.1832,
        Rot1 = -0.1212,
        Rot2 = 0.0876,
        Rot3 = -1.234,
        Wavelength = Wavelength,
    };
}

public sealed class Pilatus300KUntiltedFixture() : PyFaiGeometryFixture(TestGeometries.Pilatus300KUntilted, full: true);

public sealed class Pilatus300KTiltedFixture() : PyFaiGeometryFixture(TestGeometries.Pilatus300KTilted, full: true);

public sealed class Pilatus2MUntiltedFixture() : PyFaiGeometryFixture(TestGeometries.Pilatus2MUntilted, full: false);

public sealed class Pilatus2MTiltedFixture() : PyFaiGeometryFixture(TestGeometries.Pilatus2MTilted, full: false);
