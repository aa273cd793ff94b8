using OperandoXrd.Crystallography.Cells;
using OperandoXrd.Crystallography.Symmetry;

namespace OperandoXrd.Crystallography.Phases;

/// <summary>
/// The NIST standard reference materials used as calibrants, with their certified cells: structure from space group,
/// cell and atom sites (no tabulated d-spacings). One home for the calibrator and the simulator.
/// </summary>
public static class ReferenceMaterials
{
    /// <summary>LaB6, NIST SRM 660c: Pm-3m, a = 4.156826 Å; La at 1a, B at 6f (x, ½, ½) with x = 0.1975.</summary>
    public static CrystalPhase LaB6 { get; } = Cubic("LaB6", "Pm-3m", 4.156826,
        [new AtomSite("La", "La", 0, 0, 0, 1, 0.25), new AtomSite("B", "B", 0.1975, 0.5, 0.5, 1, 0.3)]);

    /// <summary>CeO2, NIST SRM 674b: Fm-3m (fluorite), a = 5.411651 Å; Ce at 4a, O at 8c.</summary>
    public static CrystalPhase CeO2 { get; } = Cubic("CeO2", "Fm-3m", 5.411651,
        [new AtomSite("Ce", "Ce", 0, 0, 0, 1, 0.3), new AtomSite("O", "O", 0.25, 0.25, 0.25, 1, 0.5)]);

    /// <summary>Si, NIST SRM 640e: Fd-3m (diamond, origin choice 2), a = 5.431144 Å; Si at 8a (⅛, ⅛, ⅛).</summary>
    public static CrystalPhase Si { get; } = Cubic("Si", "Fd-3m", 5.431144,
        [new AtomSite("Si", "Si", 0.125, 0.125, 0.125, 1, 0.45)]);

    private static CrystalPhase Cubic(string name, string symbol, double a, AtomSite[] atoms)
    {
        var group = SpaceGroup.FromSymbol(symbol) ?? throw new InvalidOperationException($"space group {symbol} is not in the table");
        return new CrystalPhase(name, new UnitCell(a, a, a, 90, 90, 90), group, atoms, "built-in");
    }
}
