using System.Globalization;
using OperandoXrd.Crystallography.Cif;
using OperandoXrd.Crystallography.Phases;
using OperandoXrd.Crystallography.Reflections;
using OperandoXrd.Crystallography.Scattering;

namespace OperandoXrd.Calibration.Calibrants;

/// <summary>One Debye–Scherrer ring: every reflection at one d-spacing (e.g. cubic 511 and 333 together).</summary>
/// <param name="Hkl">Miller indices of the members, "511/333".</param>
/// <param name="D">Spacing, Å.</param>
/// <param name="Multiplicity">Sum of the members' multiplicities.</param>
/// <param name="Strength">Σ m |F|² of the members (electrons²); 0 when the phase has no atoms.</param>
public sealed record CalibrantRing(string Hkl, double D, int Multiplicity, double Strength)
{
    /// <summary>2θ in radians at wavelength λ (Å); NaN when the ring cannot be reached.</summary>
    public double TwoTheta(double wavelength)
    {
        var s = wavelength / (2 * D);
        return s is > 1 or <= 0 ? double.NaN : 2 * Math.Asin(s);
    }
}

/// <summary>
/// A calibrant: a phase whose rings come from its own space group, cell, absences and multiplicities (no tabulated
/// d-spacings). Built in: the NIST standard reference materials LaB6 (SRM 660c), CeO2 (SRM 674b) and Si (SRM 640e)
/// with their certified cells; any CIF otherwise. Rings whose structure factor vanishes by the atoms' special
/// positions (Si 222, 442) are left out as well as the space group's absences, since they carry no intensity.
/// </summary>
public sealed class Calibrant
{
    private Calibrant(CrystalPhase phase, IReadOnlyList<CalibrantRing> rings)
    {
        Phase = phase;
        Rings = rings;
    }

    public string Name => Phase.Name;

    public CrystalPhase Phase { get; }

    /// <summary>Rings down to d = 0.5 Å, sorted by d descending (2θ ascending).</summary>
    public IReadOnlyList<CalibrantRing> Rings { get; }

    /// <summary>The built-in names, for messages.</summary>
    public static IReadOnlyList<string> BuiltInNames { get; } = ["LaB6", "CeO2", "Si"];

    /// <summary>LaB6, NIST SRM 660c (a = 4.156826 Å).</summary>
    public static Calibrant LaB6 { get; } = FromPhase(ReferenceMaterials.LaB6);

    /// <summary>CeO2, NIST SRM 674b (a = 5.411651 Å).</summary>
    public static Calibrant CeO2 { get; } = FromPhase(ReferenceMaterials.CeO2);

    /// <summary>Si, NIST SRM 640e (a = 5.431144 Å).</summary>
    public static Calibrant Si { get; } = FromPhase(ReferenceMaterials.Si);

    /// <summary>A built-in name (case-insensitive) or a CIF file.</summary>
    /// <exception cref="ArgumentException">Neither a known name nor a readable CIF; the message says which.</exception>
    public static Calibrant Resolve(string nameOrCif)
    {
        ArgumentNullException.ThrowIfNull(nameOrCif);
        foreach (var builtIn in new[] { LaB6, CeO2, Si })
        {
            if (string.Equals(builtIn.Name, nameOrCif, StringComparison.OrdinalIgnoreCase))
            {
                return builtIn;
            }
        }

        if (!File.Exists(nameOrCif))
        {
            throw new ArgumentException($"calibrant '{nameOrCif}' is neither {string.Join(", ", BuiltInNames)} nor an existing CIF file");
        }

        try
        {
            return FromPhase(CifPhaseReader.ReadFile(nameOrCif, Path.GetFileNameWithoutExtension(nameOrCif)));
        }
        catch (Exception e) when (e is CifFormatException or IOException or UnauthorizedAccessException or InvalidOperationException or NotSupportedException)
        {
            throw new ArgumentException($"calibrant CIF {nameOrCif} does not load: {e.Message}", e);
        }
    }

    /// <summary>A calibrant from any phase (a CIF): rings from its symmetry; structure factors when it has atoms.</summary>
    public static Calibrant FromPhase(CrystalPhase phase)
    {
        ArgumentNullException.ThrowIfNull(phase);
        var reflections = ReflectionGenerator.Generate(phase.Cell, phase.SpaceGroup, 0.5);
        var structure = phase.Atoms.Count > 0 ? new StructureFactorCalculator(phase) : null;
        var rings = new List<CalibrantRing>();
        var strongest = 0.0;
        var strengths = reflections.Select(r => structure is null ? 0 : r.Multiplicity * structure.IntensitySquared(r.H, r.K, r.L)).ToArray();
        if (strengths.Length > 0)
        {
            strongest = strengths.Max();
        }

        var i = 0;
        while (i < reflections.Length)
        {
            // Reflections at the same d within 1e-9 relative form one ring (cubic 511/333, 600/442).
            var j = i;
            var labels = new List<string>();
            var multiplicity = 0;
            var strength = 0.0;
            while (j < reflections.Length && Math.Abs(reflections[j].D - reflections[i].D) <= 1e-9 * reflections[i].D)
            {
                // A reflection whose |F|² vanishes by the atoms' positions (Si 222) is no ring.
                if (structure is null || strengths[j] > 1e-8 * strongest)
                {
                    labels.Add(Label(reflections[j]));
                    multiplicity += reflections[j].Multiplicity;
                    strength += strengths[j];
                }

                j++;
            }

            if (labels.Count > 0)
            {
                rings.Add(new CalibrantRing(string.Join('/', labels), reflections[i].D, multiplicity, strength));
            }

            i = j;
        }

        if (rings.Count == 0)
        {
            throw new ArgumentException($"calibrant {phase.Name} has no reflections with d ≥ 0.5 Å");
        }

        return new Calibrant(phase, rings);
    }

    /// <summary>The rings reachable at λ (Å) with 2θ in [min, max] radians.</summary>
    public IEnumerable<(int Index, double TwoTheta)> RingsBetween(double wavelength, double min, double max)
    {
        for (var k = 0; k < Rings.Count; k++)
        {
            var t = Rings[k].TwoTheta(wavelength);
            if (t >= min && t <= max)
            {
                yield return (k, t);
            }
        }
    }

    private static string Label(Reflection r) =>
        Math.Abs(r.H) < 10 && Math.Abs(r.K) < 10 && Math.Abs(r.L) < 10 && r.H >= 0 && r.K >= 0 && r.L >= 0
            ? string.Create(CultureInfo.InvariantCulture, $"{r.H}{r.K}{r.L}")
            : string.Create(CultureInfo.InvariantCulture, $"{r.H},{r.K},{r.L}");
}
