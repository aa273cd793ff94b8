using OperandoXrd.Crystallography.Cif;
using OperandoXrd.Crystallography.Phases;
using OperandoXrd.Crystallography.Profiles;
using OperandoXrd.Fitting.Peek;

namespace OperandoXrd.Fitting.Tests;

/// <summary>Shared fixtures: the repository's phase CIFs, BM31 wavelength, a synthetic PEEK model.</summary>
internal static class TestData
{
    public const double Wavelength = 0.244860;

    /// <summary>Instrument-like TCH widths: FWHM ≈ 0.024° at 5° 2θ, a little Lorentzian.</summary>
    public static readonly TchParameters Profile = new(0.002, -0.0005, 0.0004, 0.002, 0.008);

    public static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "OperandoXrd.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }

    public static string Cif(string name) => Path.Combine(RepoRoot(), "calibration", "phases", name + ".cif");

    public static CrystalPhase Phase(string name) => CifPhaseReader.ReadFile(Cif(name), name);

    public static double[] Grid(double min, double max, int n) => [.. Enumerable.Range(0, n).Select(i => min + (max - min) * i / (n - 1))];

    /// <summary>
    /// A PEEK-like housing: 12 peaks (one at d ≈ 4.69 Å, PEEK 110, right next to NCA 003) over a broad hump.
    /// Areas in counts·degree at BM31-like exposure.
    /// </summary>
    public static PeekModel Peek()
    {
        // 2θ of PEEK-ish d-spacings at λ = 0.24486 Å: 110 (4.69 Å), 111, 200, 211, ...
        double[] d = [4.69, 4.54, 3.87, 3.48, 3.15, 2.90, 2.45, 2.30, 2.05, 1.92, 1.73, 1.58];
        double[] area = [60, 18, 30, 12, 9, 7, 6, 5, 4, 3.5, 3, 2.5];
        var peaks = d.Select((v, i) => new PeekPeak(2 * Math.Asin(Wavelength / (2 * v)) * 180 / Math.PI, 0.035 + 0.002 * i, 0.01, area[i])).ToList();
        return new PeekModel(peaks, 1.5, 11.5, [400, -150, 60, -20], Wavelength, "synthetic test housing");
    }
}
