using System.Globalization;
using OperandoXrd.Crystallography.Cif;
using OperandoXrd.Crystallography.Phases;
using OperandoXrd.Crystallography.Reflections;
using OperandoXrd.Crystallography.Scattering;
using OperandoXrd.Crystallography.Symmetry;
using OperandoXrd.Fitting.Configuration;
using OperandoXrd.Fitting.Parameters;

namespace OperandoXrd.Fitting.Model;

/// <summary>
/// Reflections that coincide for every cell the lattice system allows (same 1/d² coefficients, e.g. cubic 333 and
/// 511, hexagonal 2-10-ish equivalents the point group does not merge): one profile and, in Pawley, one intensity.
/// Two Pawley intensities on the same position would make the normal matrix singular.
/// </summary>
/// <param name="Label">hkl of the first member, e.g. "1,1,-1".</param>
/// <param name="Coefficients">c_j with 1/d² = Σ c_j p_j over the lattice system's independent A-terms.</param>
/// <param name="Multiplicity">Sum of the members' multiplicities.</param>
/// <param name="StructureIntensity">Σ m |F|² of the members (electrons²), for the Rietveld mode; 0 without atoms.</param>
public sealed record PeakGroup(string Label, int H, int K, int L, double[] Coefficients, int Multiplicity, double StructureIntensity);

/// <summary>
/// One crystalline phase as the fitter sees it: the crystallography API's <see cref="CrystalPhase"/>, which of its
/// parameters are refined, and its reflections within the fit range grouped into <see cref="PeakGroup"/>s.
/// </summary>
public sealed class PhaseDefinition
{
    private static readonly string[] WidthNames = Enum.GetNames<TchWidth>();

    private PhaseDefinition(string name, CrystalPhase phase, IReadOnlyList<string> refine)
    {
        Name = name;
        Phase = phase;
        Refine = refine;
    }

    public string Name { get; }

    public CrystalPhase Phase { get; }

    public LatticeSystem LatticeSystem => Phase.LatticeSystem;

    public IReadOnlyList<string> Refine { get; }

    /// <summary>Indices j of the independent A-terms p_j that are refined.</summary>
    public IReadOnlyList<int> RefinedCellTerms { get; private set; } = [];

    /// <summary>TCH terms refined (subset of U, V, W, X, Y, Z).</summary>
    public IReadOnlyList<TchWidth> RefinedWidths { get; private set; } = [];

    public bool RefineScale { get; private set; }

    /// <summary>Reads the CIF and checks the refine list against the lattice system.</summary>
    /// <exception cref="FitConfigurationException">The CIF does not load or a refined name does not exist for this phase.</exception>
    public static PhaseDefinition Load(PhaseConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        CrystalPhase phase;
        try
        {
            phase = CifPhaseReader.ReadFile(configuration.Cif, configuration.Name);
        }
        catch (Exception e) when (e is CifFormatException or IOException or UnauthorizedAccessException or NotSupportedException or InvalidOperationException)
        {
            throw new FitConfigurationException($"phase '{configuration.Name}': CIF {configuration.Cif} does not load: {e.Message}", e);
        }

        return Create(configuration.Name, phase, configuration.Refine);
    }

    /// <summary>A phase from an already-built <see cref="CrystalPhase"/> (tests, simulations).</summary>
    public static PhaseDefinition Create(string name, CrystalPhase phase, IReadOnlyList<string> refine)
    {
        ArgumentNullException.ThrowIfNull(phase);
        ArgumentNullException.ThrowIfNull(refine);
        var definition = new PhaseDefinition(name, phase, refine);
        var system = phase.LatticeSystem;
        var cellTerms = new SortedSet<int>();
        var widths = new List<TchWidth>();
        foreach (var item in refine)
        {
            if (item == "cell")
            {
                for (var j = 0; j < system.ParameterCount; j++)
                {
                    cellTerms.Add(j);
                }
            }
            else if (item == "scale")
            {
                definition.RefineScale = true;
            }
            else if (Array.IndexOf(WidthNames, item) >= 0)
            {
                widths.Add(Enum.Parse<TchWidth>(item));
            }
            else if (system.CellParameters.Contains(item))
            {
                cellTerms.Add(CellTermOf(name, system, item));
            }
            else
            {
                throw new FitConfigurationException(
                    $"phase '{name}': cannot refine '{item}': the {system} lattice of {phase.SpaceGroup.Symbol ?? "this space group"} has cell parameters " +
                    $"{string.Join(", ", system.CellParameters)}; allowed are cell, scale, {string.Join(", ", WidthNames)}" +
                    (system.CellParameters.Count > 0 ? $", {string.Join(", ", system.CellParameters)}" : "") + ".");
            }
        }

        definition.RefinedCellTerms = [.. cellTerms];
        definition.RefinedWidths = widths;
        return definition;
    }

    // A single cell name may be refined alone only where one independent A-term carries it and nothing else:
    // cubic a; tetragonal and hexagonal a, c; orthorhombic a, b, c; monoclinic the unique-axis length. Oblique
    // axes (monoclinic a and c, triclinic, rhombohedral) mix lengths and angles, so only "cell" makes sense there.
    private static int CellTermOf(string phase, LatticeSystem system, string cellName)
    {
        var position = system.CellParameters.ToList().IndexOf(cellName);
        var term = system.Kind switch
        {
            LatticeSystemKind.Cubic or LatticeSystemKind.Tetragonal or LatticeSystemKind.Hexagonal or LatticeSystemKind.Orthorhombic => position,
            LatticeSystemKind.MonoclinicUniqueA when cellName == "a" => 0,
            LatticeSystemKind.MonoclinicUniqueB when cellName == "b" => 1,
            LatticeSystemKind.MonoclinicUniqueC when cellName == "c" => 2,
            _ => -1,
        };
        return term >= 0
            ? term
            : throw new FitConfigurationException($"phase '{phase}': '{cellName}' cannot be refined on its own in a {system} lattice; refine \"cell\".");
    }

    /// <summary>
    /// Peak groups of the reflections whose 2θ at the CIF cell lies within [min, max] (degrees) at λ, sorted by 2θ.
    /// </summary>
    public PeakGroup[] PeakGroups(double wavelength, double twoThetaMin, double twoThetaMax, bool withStructureFactors)
    {
        var reflections = ReflectionGenerator.GenerateForTwoTheta(Phase.Cell, Phase.SpaceGroup, wavelength, twoThetaMax, Math.Max(twoThetaMin, 1e-3));
        var system = LatticeSystem;
        var n = system.ParameterCount;
        var sf = withStructureFactors && Phase.Atoms.Count > 0 ? new StructureFactorCalculator(Phase) : null;
        var groups = new List<PeakGroup>();
        var byKey = new Dictionary<string, int>(StringComparer.Ordinal);
        Span<double> c = stackalloc double[6];
        foreach (var r in reflections)
        {
            system.Coefficients(r.H, r.K, r.L, c);
            var key = string.Join(";", c[..n].ToArray().Select(v => v.ToString("R", CultureInfo.InvariantCulture)));
            var intensity = sf is null ? 0 : r.Multiplicity * sf.IntensitySquared(r.H, r.K, r.L);
            if (byKey.TryGetValue(key, out var i))
            {
                var g = groups[i];
                groups[i] = g with { Multiplicity = g.Multiplicity + r.Multiplicity, StructureIntensity = g.StructureIntensity + intensity };
            }
            else
            {
                byKey[key] = groups.Count;
                groups.Add(new PeakGroup(string.Create(CultureInfo.InvariantCulture, $"{r.H},{r.K},{r.L}"), r.H, r.K, r.L, c[..n].ToArray(), r.Multiplicity, intensity));
            }
        }

        return [.. groups];
    }
}
