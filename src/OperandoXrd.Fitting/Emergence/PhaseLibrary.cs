using System.Globalization;
using OperandoXrd.Crystallography.Cif;
using OperandoXrd.Crystallography.Phases;
using OperandoXrd.Crystallography.Reflections;
using OperandoXrd.Crystallography.Scattering;
using OperandoXrd.Fitting.Model;

namespace OperandoXrd.Fitting.Emergence;

/// <summary>
/// One phase of the library as the matcher sees it: its reflection groups (reflections that coincide for every cell
/// of the lattice system merged, as in the fitter) with d at the CIF cell and a relative peak intensity
/// m|F|²·L(2θ) (structure factors and Lorentz factor from our crystallography, normalised to 1 for the strongest in
/// the range), sorted by d descending.
/// </summary>
public sealed class LibraryPhase
{
    internal LibraryPhase(string name, string? cif, double[] d, double[] intensity)
    {
        Name = name;
        Cif = cif;
        D = d;
        Intensity = intensity;
        Strongest = [.. Enumerable.Range(0, d.Length).OrderByDescending(k => intensity[k])];
    }

    public string Name { get; }

    /// <summary>The CIF it was read from (null for a phase built in memory).</summary>
    public string? Cif { get; }

    /// <summary>d of each reflection group, Å, descending.</summary>
    public double[] D { get; }

    /// <summary>Relative intensity of each group (strongest = 1).</summary>
    public double[] Intensity { get; }

    /// <summary>Group indices by decreasing intensity.</summary>
    public int[] Strongest { get; }

    /// <summary>
    /// The library entry of a phase for patterns at λ within [twoThetaMin, twoThetaMax] (degrees; reflections a
    /// strain of a few per cent could pull in are kept too). Null if the phase has no atoms (nothing to predict
    /// intensities from) or no reflection in the range.
    /// </summary>
    public static LibraryPhase? Create(string name, CrystalPhase phase, double wavelength, double twoThetaMin, double twoThetaMax, string? cif = null)
    {
        ArgumentNullException.ThrowIfNull(phase);
        if (phase.Atoms.Count == 0)
        {
            return null;
        }

        var definition = PhaseDefinition.Create(name, phase, []);
        var groups = definition.PeakGroups(wavelength, Math.Max(0.9 * twoThetaMin, 0.05), 1.1 * twoThetaMax, withStructureFactors: true);
        var d = new List<double>();
        var intensity = new List<double>();
        Span<double> p = stackalloc double[6];
        var system = phase.LatticeSystem;
        system.Reduce(phase.Cell.ToA(), p);
        foreach (var g in groups)
        {
            var s = 0.0;
            for (var j = 0; j < g.Coefficients.Length; j++)
            {
                s += g.Coefficients[j] * p[j];
            }

            var dk = 1 / Math.Sqrt(s);
            var tth = Bragg.TwoTheta(dk, wavelength);
            if (double.IsNaN(tth) || g.StructureIntensity <= 0)
            {
                continue;
            }

            d.Add(dk);
            intensity.Add(g.StructureIntensity * LorentzPolarization.Lorentz(tth));
        }

        if (d.Count == 0)
        {
            return null;
        }

        var order = Enumerable.Range(0, d.Count).OrderByDescending(k => d[k]).ToArray();
        var dd = order.Select(k => d[k]).ToArray();
        var ii = order.Select(k => intensity[k]).ToArray();
        var max = 0.0;
        for (var k = 0; k < dd.Length; k++)
        {
            var t = Bragg.TwoTheta(dd[k], wavelength);
            if (t >= twoThetaMin && t <= twoThetaMax)
            {
                max = Math.Max(max, ii[k]);
            }
        }

        if (!(max > 0))
        {
            return null;
        }

        for (var k = 0; k < ii.Length; k++)
        {
            ii[k] /= max;
        }

        return new LibraryPhase(name, cif, dd, ii);
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Name} ({D.Length} reflection groups)");
}

/// <summary>
/// The phase library the emergence detector matches against: every CIF of the library folders (by default the
/// folders holding the pipeline's own CIFs, i.e. calibration/phases) plus the pipeline's candidate CIFs, minus the
/// phases already in the model and files without atoms (PEEK.cif).
/// </summary>
public static class PhaseLibrary
{
    /// <summary>Loads the library. <paramref name="skipped"/> gets one line per file left out and why.</summary>
    /// <param name="folders">Folders whose *.cif files belong to the library.</param>
    /// <param name="candidates">Further CIF files (name = file stem).</param>
    /// <param name="modelPhases">Names and CIF paths of the phases already refined (left out).</param>
    public static IReadOnlyList<LibraryPhase> Load(IEnumerable<string> folders, IEnumerable<string> candidates, IReadOnlyCollection<(string Name, string Cif)> modelPhases,
        double wavelength, double twoThetaMin, double twoThetaMax, List<string>? skipped = null)
    {
        ArgumentNullException.ThrowIfNull(folders);
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentNullException.ThrowIfNull(modelPhases);
        var files = new List<string>();
        foreach (var folder in folders.Distinct(StringComparer.Ordinal))
        {
            if (Directory.Exists(folder))
            {
                files.AddRange(Directory.GetFiles(folder, "*.cif").Order(StringComparer.Ordinal));
            }
        }

        files.AddRange(candidates);
        var modelNames = modelPhases.Select(m => m.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var modelFiles = modelPhases.Select(m => Path.GetFullPath(m.Cif)).ToHashSet(StringComparer.Ordinal);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<LibraryPhase>();
        foreach (var file in files.Select(Path.GetFullPath))
        {
            var name = Path.GetFileNameWithoutExtension(file);
            if (!seen.Add(file) || modelFiles.Contains(file) || modelNames.Contains(name))
            {
                continue;
            }

            try
            {
                var phase = CifPhaseReader.ReadFile(file, name);
                var entry = LibraryPhase.Create(name, phase, wavelength, twoThetaMin, twoThetaMax, file);
                if (entry is null)
                {
                    skipped?.Add($"{file}: no atoms or no reflection in range, left out of the phase library");
                }
                else if (result.Any(r => string.Equals(r.Name, name, StringComparison.OrdinalIgnoreCase)))
                {
                    skipped?.Add($"{file}: a phase named {name} is already in the library, left out");
                }
                else
                {
                    result.Add(entry);
                }
            }
            catch (Exception e) when (e is CifFormatException or IOException or UnauthorizedAccessException or NotSupportedException or InvalidOperationException or ArgumentException)
            {
                skipped?.Add($"{file}: does not load ({e.Message}), left out of the phase library");
            }
        }

        return result;
    }
}
