using OperandoXrd.Crystallography.Cif;
using OperandoXrd.Crystallography.Scattering;
using OperandoXrd.Crystallography.Symmetry;

namespace OperandoXrd.Crystallography.Tests;

public class CifTests
{
    [Theory]
    [InlineData("NCA", 36, LatticeSystemKind.Hexagonal, 2.865, 14.18)]
    [InlineData("NCM85", 36, LatticeSystemKind.Hexagonal, 2.872, 14.19)]
    [InlineData("NCM622", 36, LatticeSystemKind.Hexagonal, 2.868, 14.22)]
    [InlineData("LCO", 36, LatticeSystemKind.Hexagonal, 2.8156, 14.0542)]
    [InlineData("LPSCl", 96, LatticeSystemKind.Cubic, 9.85, 9.85)]
    [InlineData("LIC", 8, LatticeSystemKind.MonoclinicUniqueB, 6.44, 6.39)]
    [InlineData("LISC", 192, LatticeSystemKind.Cubic, 10.42, 10.42)]
    [InlineData("LiIn", 192, LatticeSystemKind.Cubic, 6.786, 6.786)]
    [InlineData("In", 32, LatticeSystemKind.Tetragonal, 3.2523, 4.9461)]
    [InlineData("Ni3S4", 192, LatticeSystemKind.Cubic, 9.48, 9.48)]
    [InlineData("Li3PO4", 4, LatticeSystemKind.Orthorhombic, 6.115, 4.855)]
    [InlineData("PEEK", 8, LatticeSystemKind.Orthorhombic, 7.75, 10.0)]
    public void Every_library_CIF_loads_with_its_space_group(string name, int operators, LatticeSystemKind system, double a, double c)
    {
        var phase = CifPhaseReader.ReadFile(RepoPaths.Phase(name));
        Assert.Equal(name, phase.Name);
        Assert.Equal(operators, phase.SpaceGroup.Operators.Count);
        Assert.Equal(system, phase.LatticeSystem.Kind);
        Assert.Equal(a, phase.Cell.A, 6);
        Assert.Equal(c, phase.Cell.C, 6);
        // The listed operators must agree with the built-in group of the file's own H-M symbol.
        var builtIn = SpaceGroup.FromSymbol(phase.SpaceGroup.Symbol!);
        Assert.NotNull(builtIn);
        Assert.True(builtIn.Operators.ToHashSet().SetEquals(phase.SpaceGroup.Operators), $"{name}: operators differ from {builtIn.Symbol}");
    }

    [Theory]
    // Unit-cell contents = Z × formula: checks sites, Wyckoff multiplicities and occupancies together.
    [InlineData("NCA", "Li1+", 3 * 0.985, "O2-", 6.0)]
    [InlineData("LPSCl", "Li1+", 24.0, "S", 20.0)]
    [InlineData("LIC", "Li1+", 6.0, "Cl1-", 12.0)]
    [InlineData("LISC", "Li1+", 16.0, "Cl1-", 32.0)]
    [InlineData("LiIn", "Li", 8.0, "In", 8.0)]
    [InlineData("Ni3S4", "Ni", 24.0, "S", 32.0)]
    [InlineData("Li3PO4", "Li1+", 6.0, "O1-", 8.0)]
    [InlineData("In", "In", 2.0, "In", 2.0)]
    public void Library_cell_contents_match_the_formula(string name, string type1, double n1, string type2, double n2)
    {
        var contents = new StructureFactorCalculator(CifPhaseReader.ReadFile(RepoPaths.Phase(name))).CellContents();
        Assert.Equal(n1, contents[FormFactorTable.Get(type1).Symbol], 6);
        Assert.Equal(n2, contents[FormFactorTable.Get(type2).Symbol], 6);
    }

    [Fact]
    public void Reads_esds_quotes_text_fields_comments_and_symbol_only_groups()
    {
        const string text = """
            # a comment
            data_test
            _publ_section_title
            ;
            A multi-line title with 'quotes' and _fake_tag values
            loop_ inside text
            ;
            _cell_length_a 5.6402(3)
            _cell_length_b 5.6402(3)
            _cell_length_c 5.6402(3)   # trailing comment
            _cell_angle_alpha 90
            _cell_angle_beta 90.0
            _cell_angle_gamma 90.
            _chemical_name_mineral "O'Neil's salt"
            _symmetry_space_group_name_H-M 'F m -3 m'
            loop_
            _atom_site_label
            _atom_site_type_symbol
            _atom_site_fract_x
            _atom_site_fract_y
            _atom_site_fract_z
            _atom_site_U_iso_or_equiv
            _atom_site_occupancy
            Na1 Na+ 0 0 0 0.0200(5) ?
            Cl1 Cl- 0.5 0.5 0.5 0.0150 1.0
            """;
        var phase = CifPhaseReader.Parse(text, "NaCl.cif");
        Assert.Equal(5.6402, phase.Cell.A, 10);
        Assert.Equal(192, phase.SpaceGroup.Operators.Count);
        Assert.Equal(2, phase.Atoms.Count);
        Assert.Equal("Na+", phase.Atoms[0].TypeSymbol);
        Assert.Equal(8 * Math.PI * Math.PI * 0.02, phase.Atoms[0].BIso, 12);
        Assert.Equal(1.0, phase.Atoms[0].Occupancy);
        var doc = CifReader.Parse(text, "NaCl.cif");
        Assert.Equal("O'Neil's salt", doc.Blocks[0].Item("_chemical_name_mineral")!.Text);
        Assert.StartsWith("\nA multi-line title", doc.Blocks[0].Item("_publ_section_title")!.Text, StringComparison.Ordinal);
        Assert.True(doc.Blocks[0].Item("_cell_length_a")!.TryNumber(out var a, out var esd));
        Assert.Equal(5.6402, a);
        Assert.Equal(3e-4, esd, 15);
    }

    [Theory]
    [InlineData("1.234(5)", 1.234, 0.005)]
    [InlineData("12(3)", 12, 3)]
    [InlineData("0.25", 0.25, 0)]
    [InlineData("-1.5e-3(2)", -1.5e-3, 2e-4)]
    public void Numbers_with_esd_parse(string text, double value, double esd)
    {
        Assert.True(new CifValue(text, 1, false).TryNumber(out var v, out var e));
        Assert.Equal(value, v, 15);
        Assert.Equal(esd, e, 15);
    }

    private const string Good = """
        data_x
        _cell_length_a 4.0
        _cell_length_b 4.0
        _cell_length_c 4.0
        _cell_angle_alpha 90
        _cell_angle_beta 90
        _cell_angle_gamma 90
        _space_group_name_H-M_alt 'P m -3 m'
        loop_
        _atom_site_label
        _atom_site_fract_x
        _atom_site_fract_y
        _atom_site_fract_z
        Ni1 0 0 0
        """;

    [Fact]
    public void A_good_minimal_CIF_loads_and_takes_the_element_from_the_label()
    {
        var phase = CifPhaseReader.Parse(Good, "x.cif");
        Assert.Equal("Ni", phase.Atoms[0].TypeSymbol);
        Assert.Equal(48, phase.SpaceGroup.Operators.Count);
    }

    [Theory]
    [InlineData("_cell_length_b 4.0\n", "", 1, "_cell_length_b")]                         // missing cell → data block line
    [InlineData("_cell_length_c 4.0", "_cell_length_c 4.O", 4, "not a number")]          // bad number → its line
    [InlineData("'P m -3 m'", "'X 9 9'", 8, "not in the built-in table")]                // unknown symbol, no operators
    [InlineData("Ni1 0 0 0", "Ni1 0 0", 14, "not a multiple")]                           // loop value count
    [InlineData("Ni1 0 0 0", "Ni1 0 zero 0", 14, "fract_y")]                             // bad coordinate
    [InlineData("_cell_angle_gamma 90", "_cell_angle_gamma 190", 2, "do not make a cell")] // impossible angle
    public void Bad_CIFs_fail_with_file_and_line(string replace, string with, int line, string message)
    {
        var text = Good.Replace(replace, with, StringComparison.Ordinal);
        var e = Assert.Throws<CifFormatException>(() => CifPhaseReader.Parse(text, "bad.cif"));
        Assert.Equal("bad.cif", e.File);
        Assert.Equal(line, e.Line);
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
        Assert.StartsWith($"bad.cif:{line}:", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unclosed_text_field_and_unclosed_quote_name_their_line()
    {
        var e1 = Assert.Throws<CifFormatException>(() => CifReader.Parse("data_x\n_title\n;\nnever closed\n", "t.cif"));
        Assert.Equal(3, e1.Line);
        var e2 = Assert.Throws<CifFormatException>(() => CifReader.Parse("data_x\n_title 'open\n", "t.cif"));
        Assert.Equal(2, e2.Line);
    }

    [Fact]
    public void A_bad_symmetry_operator_names_its_line()
    {
        var text = Good.Replace("_space_group_name_H-M_alt 'P m -3 m'", "loop_\n_space_group_symop_operation_xyz\n'x,y,z'\n'-x,y,w'", StringComparison.Ordinal);
        var e = Assert.Throws<CifFormatException>(() => CifPhaseReader.Parse(text, "ops.cif"));
        Assert.Equal(11, e.Line);
        Assert.Contains("-x,y,w", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_file_is_reported_as_a_CIF_error()
    {
        var e = Assert.Throws<CifFormatException>(() => CifPhaseReader.ReadFile("/nonexistent/none.cif"));
        Assert.Contains("none.cif", e.Message, StringComparison.Ordinal);
    }
}

public class CifSymmetryConsistencyTests
{
    [Fact]
    public void A_cell_that_breaks_the_symmetry_is_rejected_at_the_cell_line()
    {
        const string text = """
            data_bad
            _cell_length_a 2.865
            _cell_length_b 2.865
            _cell_length_c 14.18
            _cell_angle_alpha 90
            _cell_angle_beta 90
            _cell_angle_gamma 90
            _space_group_name_H-M_alt 'R -3 m'
            """;
        var e = Assert.Throws<CifFormatException>(() => CifPhaseReader.Parse(text, "hex.cif"));
        Assert.Equal(2, e.Line);
        Assert.Contains("Hexagonal", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Operators_of_another_setting_keep_the_files_symbol()
    {
        // Fd-3m origin choice 1 operators under the bare symbol (which the table reads as origin choice 2).
        var ops = SpaceGroup.FromSymbol("Fd-3m:1")!.Operators.Select(o => $"'{o}'");
        var text = "data_o1\n_cell_length_a 5.43\n_cell_length_b 5.43\n_cell_length_c 5.43\n_cell_angle_alpha 90\n_cell_angle_beta 90\n" +
                   "_cell_angle_gamma 90\n_space_group_name_H-M_alt 'F d -3 m'\nloop_\n_space_group_symop_operation_xyz\n" + string.Join("\n", ops) + "\n";
        var phase = CifPhaseReader.Parse(text, "o1.cif");
        Assert.Equal(192, phase.SpaceGroup.Operators.Count);
        Assert.Equal("F d -3 m", phase.SpaceGroup.Symbol);
        Assert.True(phase.SpaceGroup.Operators.ToHashSet().SetEquals(SpaceGroup.FromSymbol("Fd-3m:1")!.Operators));
    }

    [Theory]
    [InlineData(9.85, 9.85, 9.85, 90, 90, 90, LatticeSystemKind.Cubic)]
    [InlineData(2.865, 2.865, 14.18, 90, 90, 120, LatticeSystemKind.Hexagonal)]
    [InlineData(3.2523, 3.2523, 4.9461, 90, 90, 90, LatticeSystemKind.Tetragonal)]
    [InlineData(6.115, 5.239, 4.855, 90, 90, 90, LatticeSystemKind.Orthorhombic)]
    [InlineData(6.44, 11.12, 6.39, 90, 109.8, 90, LatticeSystemKind.MonoclinicUniqueB)]
    [InlineData(5.0, 5.0, 5.0, 60, 60, 60, LatticeSystemKind.Rhombohedral)]
    [InlineData(5.1, 6.2, 7.3, 81, 97, 104, LatticeSystemKind.Triclinic)]
    public void Lattice_system_from_the_cell_metric(double a, double b, double c, double al, double be, double ga, LatticeSystemKind kind)
    {
        var cell = new Cells.UnitCell(a, b, c, al, be, ga);
        var system = LatticeSystem.FromCell(cell);
        Assert.Equal(kind, system.Kind);
        Assert.True(system.IsSatisfiedBy(cell));
        Assert.True(LatticeSystem.Triclinic.IsSatisfiedBy(cell));
    }
}

public class CifIncompleteOperatorTests
{
    [Fact]
    public void Operators_without_centring_are_completed_from_the_symbol()
    {
        // The 48 point operators of Fm-3m without the F centring vectors, as some older files list them.
        var ops = SpaceGroup.FromSymbol("Pm-3m")!.Operators.Select(o => $"'{o}'");
        var text = "data_nacl\n_cell_length_a 5.64\n_cell_length_b 5.64\n_cell_length_c 5.64\n_cell_angle_alpha 90\n_cell_angle_beta 90\n" +
                   "_cell_angle_gamma 90\n_symmetry_space_group_name_H-M 'F m -3 m'\nloop_\n_symmetry_equiv_pos_as_xyz\n" + string.Join("\n", ops) + "\n";
        var phase = CifPhaseReader.Parse(text, "nacl.cif");
        Assert.Equal(192, phase.SpaceGroup.Operators.Count);
        Assert.Equal('F', phase.SpaceGroup.Centring);
        Assert.True(phase.SpaceGroup.IsSystematicallyAbsent(1, 0, 0));
    }
}
