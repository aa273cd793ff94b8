using OperandoXrd.Crystallography.Cif;
using OperandoXrd.Crystallography.Phases;
using OperandoXrd.Fitting.Emergence;

namespace OperandoXrd.Fitting.Tests.Emergence;

internal static class EmergenceTestData
{
    /// <summary>The phases the 1D simulation refines (left out of the library, as the host does).</summary>
    public static readonly (string Name, string Cif)[] ModelPhases = [("NCA", TestData.Cif("NCA")), ("LPSCl", TestData.Cif("LPSCl")), ("LIC", TestData.Cif("LIC"))];

    public static IReadOnlyList<LibraryPhase> Library(List<string>? skipped = null) =>
        PhaseLibrary.Load([Path.GetDirectoryName(TestData.Cif("NCA"))!], [], ModelPhases, TestData.Wavelength, 2, 11, skipped);

    /// <summary>
    /// A made-up primitive cubic phase that is in no library (a = 3.37 Å, one Zr-like atom at the origin): reflections
    /// at d = a/√(h²+k²+l²) — 3.37, 2.383, 1.946, 1.685, 1.507, 1.376 Å in the 2–11° range.
    /// </summary>
    public static CrystalPhase MadeUpCubic() => CifPhaseReader.Parse("""
        data_madeup
        _cell_length_a 3.37
        _cell_length_b 3.37
        _cell_length_c 3.37
        _cell_angle_alpha 90
        _cell_angle_beta 90
        _cell_angle_gamma 90
        _space_group_name_H-M_alt 'P m -3 m'
        _space_group_IT_number 221
        loop_
        _atom_site_label
        _atom_site_type_symbol
        _atom_site_fract_x
        _atom_site_fract_y
        _atom_site_fract_z
        _atom_site_occupancy
        _atom_site_B_iso_or_equiv
        Zr1 Zr 0 0 0 1 0.5
        """, "madeup.cif", "MadeUp");

    public const double MadeUpA = 3.37;
}
