using OperandoXrd.Crystallography.Cells;
using OperandoXrd.Crystallography.Symmetry;

namespace OperandoXrd.Crystallography.Phases;

/// <summary>
/// One atom site of the asymmetric unit: fractional coordinates, occupancy and isotropic displacement B (Å²,
/// B = 8π²·Uiso). <see cref="TypeSymbol"/> is the scattering type ("Ni", "Ni3+", "O2-").
/// </summary>
public sealed record AtomSite(string Label, string TypeSymbol, double X, double Y, double Z, double Occupancy, double BIso);

/// <summary>
/// A crystalline phase as read from a CIF: name, cell, space group and atom sites (the sites may be empty for a
/// phase used only in Pawley / Le Bail mode).
/// </summary>
public sealed record CrystalPhase(string Name, UnitCell Cell, SpaceGroup SpaceGroup, IReadOnlyList<AtomSite> Atoms, string? Source = null)
{
    /// <summary>The lattice system of the space group (which A-terms a fit may refine).</summary>
    public LatticeSystem LatticeSystem => SpaceGroup.LatticeSystem;

    /// <summary>The same phase with another cell (the symmetry and atoms unchanged).</summary>
    public CrystalPhase WithCell(UnitCell cell) => this with { Cell = cell };
}
