using OperandoXrd.Crystallography.Phases;
using OperandoXrd.Crystallography.Profiles;
using OperandoXrd.Crystallography.Reflections;
using OperandoXrd.Crystallography.Scattering;
using OperandoXrd.Crystallography.Symmetry;

namespace OperandoXrd.Crystallography.Patterns;

/// <summary>
/// The refinable state of one phase in a calculated pattern: independent lattice parameters p (the A-terms the
/// lattice system leaves free, 1/d² = Σ c_j p_j), scale, TCH widths and, in Pawley/Le Bail mode, one intensity per
/// reflection. The hkl list is fixed at construction (generated to the pattern's d_min with a margin), so a fit
/// that moves the cell keeps the same reflections and the same Jacobian columns.
/// </summary>
public sealed class PhaseModel
{
    private readonly double[] _structureIntensity;
    private readonly double[] _coefficients;

    /// <summary>
    /// Creates the model for a phase. Reflections with d ≥ <paramref name="dMin"/> are generated from the phase's own
    /// cell: pass a d_min a few per cent below the pattern's so that reflections a shrinking cell pulls into range
    /// are already listed (peaks off the grid cost nothing). When the phase has atoms,
    /// <see cref="StructureIntensities"/> holds m·|F|² from the structure factors at the CIF cell (they are not
    /// recomputed, nor differentiated, as the cell moves: f(sinθ/λ) changes by far less than the LP factor does).
    /// </summary>
    public PhaseModel(CrystalPhase phase, double dMin, TchParameters profile, double scale = 1)
    {
        ArgumentNullException.ThrowIfNull(phase);
        Phase = phase;
        Profile = profile;
        Scale = scale;
        var reflections = ReflectionGenerator.Generate(phase.Cell, phase.SpaceGroup, dMin);
        Reflections = reflections;
        var system = phase.LatticeSystem;
        LatticeParameters = new double[system.ParameterCount];
        system.Reduce(phase.Cell.ToA(), LatticeParameters);
        _coefficients = new double[reflections.Length * system.ParameterCount];
        for (var k = 0; k < reflections.Length; k++)
        {
            var r = reflections[k];
            system.Coefficients(r.H, r.K, r.L, _coefficients.AsSpan(k * system.ParameterCount, system.ParameterCount));
        }

        _structureIntensity = new double[reflections.Length];
        if (phase.Atoms.Count > 0)
        {
            var sf = new StructureFactorCalculator(phase);
            for (var k = 0; k < reflections.Length; k++)
            {
                var r = reflections[k];
                _structureIntensity[k] = r.Multiplicity * sf.IntensitySquared(r.H, r.K, r.L);
            }
        }
    }

    public CrystalPhase Phase { get; }

    public string Name => Phase.Name;

    public LatticeSystem LatticeSystem => Phase.LatticeSystem;

    /// <summary>The fixed reflection list (d from the phase's original cell; current d follows <see cref="LatticeParameters"/>).</summary>
    public IReadOnlyList<Reflection> Reflections { get; }

    /// <summary>Independent A-terms (Å⁻²), editable in place by a fitter.</summary>
    public double[] LatticeParameters { get; }

    public double Scale { get; set; }

    public TchParameters Profile { get; set; }

    /// <summary>
    /// Pawley/Le Bail intensities (peak areas before <see cref="Scale"/>, one per reflection), or null to use the
    /// structure: area = scale · m|F|² · Lorentz-polarization(2θ).
    /// </summary>
    public double[]? Intensities { get; set; }

    /// <summary>Polarization model used with structure intensities.</summary>
    public PolarizationModel Polarization { get; set; } = PolarizationModel.None;

    /// <summary>m·|F|² of each reflection from the CIF structure (zeros if the CIF has no atoms).</summary>
    public ReadOnlySpan<double> StructureIntensities => _structureIntensity;

    /// <summary>c_kj with 1/d_k² = Σ_j c_kj p_j (row k = reflection).</summary>
    public ReadOnlySpan<double> Coefficients(int reflection) =>
        _coefficients.AsSpan(reflection * LatticeSystem.ParameterCount, LatticeSystem.ParameterCount);

    /// <summary>1/d² of reflection k for the current lattice parameters.</summary>
    public double InverseDSquared(int reflection)
    {
        var c = Coefficients(reflection);
        var s = 0.0;
        for (var j = 0; j < c.Length; j++)
        {
            s += c[j] * LatticeParameters[j];
        }

        return s;
    }

    /// <summary>The current cell from the lattice parameters.</summary>
    public Cells.UnitCell CurrentCell()
    {
        Span<double> a = stackalloc double[6];
        LatticeSystem.Expand(LatticeParameters, a);
        return Cells.UnitCell.FromA(a);
    }

    /// <summary>Sets the lattice parameters from a cell (which must obey the phase's lattice system).</summary>
    public void SetCell(Cells.UnitCell cell)
    {
        ArgumentNullException.ThrowIfNull(cell);
        LatticeSystem.Reduce(cell.ToA(), LatticeParameters);
    }

    /// <summary>Starts Pawley intensities from the structure (or 1 per multiplicity when the CIF has no atoms).</summary>
    public double[] InitialPawleyIntensities()
    {
        var result = new double[Reflections.Count];
        for (var k = 0; k < result.Length; k++)
        {
            result[k] = _structureIntensity[k] > 0 ? _structureIntensity[k] : Reflections[k].Multiplicity;
        }

        return result;
    }
}
