using OperandoXrd.Crystallography.Cells;
using OperandoXrd.Crystallography.Phases;
using OperandoXrd.Crystallography.Symmetry;

namespace OperandoXrd.Crystallography.Cif;

/// <summary>
/// Turns a CIF into a <see cref="CrystalPhase"/>: the cell (_cell_length_*, _cell_angle_*), the symmetry
/// (operator loop, else the H-M symbol through <see cref="SpaceGroupTable"/>) and the _atom_site_ loop.
/// Every problem is a <see cref="CifFormatException"/> naming file and line.
/// </summary>
public static class CifPhaseReader
{
    private static readonly string[] OperatorTags =
        ["_space_group_symop_operation_xyz", "_symmetry_equiv_pos_as_xyz", "_space_group_symop_operation_xyz"];

    private static readonly string[] SymbolTags =
        ["_space_group_name_h-m_alt", "_symmetry_space_group_name_h-m", "_space_group_name_h-m"];

    /// <summary>Reads the first data block that has a cell. The phase name defaults to the file name without extension.</summary>
    public static CrystalPhase ReadFile(string path, string? name = null)
    {
        var doc = CifReader.ReadFile(path);
        return FromDocument(doc, name ?? Path.GetFileNameWithoutExtension(path));
    }

    /// <summary>Parses CIF text (for tests and embedded phases).</summary>
    public static CrystalPhase Parse(string text, string file, string? name = null) =>
        FromDocument(CifReader.Parse(text, file), name ?? Path.GetFileNameWithoutExtension(file));

    /// <summary>Builds the phase from a parsed document.</summary>
    public static CrystalPhase FromDocument(CifDocument doc, string name)
    {
        ArgumentNullException.ThrowIfNull(doc);
        var block = doc.Blocks.FirstOrDefault(b => b.Item("_cell_length_a") is not null) ?? doc.Blocks[0];
        var file = doc.File;
        var cell = ReadCell(block, file);
        var group = ReadSymmetry(block, file);
        if (!group.LatticeSystem.IsSatisfiedBy(cell, 1e-4))
        {
            throw new CifFormatException(file, block.Item("_cell_length_a")!.Line,
                $"the cell (a={cell.A}, b={cell.B}, c={cell.C}, α={cell.Alpha}, β={cell.Beta}, γ={cell.Gamma}) does not fit the {group.LatticeSystem.Kind} symmetry of {group.Symbol ?? "the listed operators"}");
        }

        var atoms = ReadAtoms(block, file);
        return new CrystalPhase(name, cell, group, atoms, file);
    }

    private static UnitCell ReadCell(CifBlock block, string file)
    {
        double Length(string tag) => Number(block, tag, file, required: true, fallback: 0);
        double Angle(string tag) => Number(block, tag, file, required: true, fallback: 90);
        var cell = new UnitCell(Length("_cell_length_a"), Length("_cell_length_b"), Length("_cell_length_c"),
            Angle("_cell_angle_alpha"), Angle("_cell_angle_beta"), Angle("_cell_angle_gamma"));
        try
        {
            return cell.Validate();
        }
        catch (ArgumentException e)
        {
            throw new CifFormatException(file, block.Item("_cell_length_a")!.Line, e.Message, e);
        }
    }

    private static double Number(CifBlock block, string tag, string file, bool required, double fallback)
    {
        var v = block.Item(tag);
        if (v is null || v.IsMissing)
        {
            if (required)
            {
                throw new CifFormatException(file, v?.Line ?? block.Line, $"data block '{block.Name}' has no {tag} (the unit cell is incomplete)");
            }

            return fallback;
        }

        if (!v.TryNumber(out var value, out _))
        {
            throw new CifFormatException(file, v.Line, $"{tag}: '{v.Text}' is not a number");
        }

        return value;
    }

    private static SpaceGroup ReadSymmetry(CifBlock block, string file)
    {
        var symbolValue = block.Item(SymbolTags);
        var symbol = symbolValue is { IsMissing: false } ? symbolValue.Text.Trim() : null;
        var loop = block.Loop(OperatorTags);
        if (loop is not null)
        {
            var column = loop.Column(OperatorTags);
            var ops = new List<SymmetryOperator>();
            foreach (var row in loop.Rows)
            {
                try
                {
                    ops.Add(SymmetryOperator.Parse(row[column].Text));
                }
                catch (FormatException e)
                {
                    throw new CifFormatException(file, row[column].Line, e.Message, e);
                }
            }

            try
            {
                var group = SpaceGroup.FromOperators(ops, symbol);
                var builtIn = symbol is null ? null : SpaceGroupTable.TryCreate(symbol);
                if (builtIn is null)
                {
                    return group;
                }

                // Name the group by the table's symbol only if the operators really are that setting (an origin-1
                // Fd-3m listed under the bare symbol "F d -3 m" keeps the file's own text). A file that lists a
                // proper subset of its symbol's operators (typically without the centring vectors, SHELX style)
                // is completed from the symbol.
                var table = builtIn.Operators.ToHashSet();
                return table.IsSupersetOf(group.Operators) ? builtIn : group;
            }
            catch (Exception e) when (e is InvalidOperationException or NotSupportedException)
            {
                throw new CifFormatException(file, loop.Line, e.Message, e);
            }
        }

        if (symbol is null)
        {
            throw new CifFormatException(file, block.Line,
                $"data block '{block.Name}' has neither symmetry operators (_space_group_symop_operation_xyz) nor a space-group symbol");
        }

        return SpaceGroupTable.TryCreate(symbol) ?? throw new CifFormatException(file, symbolValue!.Line,
            $"space group '{symbol}' is not in the built-in table and the CIF lists no symmetry operators; add a _space_group_symop_operation_xyz loop");
    }

    private static List<AtomSite> ReadAtoms(CifBlock block, string file)
    {
        var atoms = new List<AtomSite>();
        var loop = block.Loop("_atom_site_fract_x");
        if (loop is null)
        {
            return atoms;
        }

        int label = loop.Column("_atom_site_label"), type = loop.Column("_atom_site_type_symbol");
        int x = loop.Column("_atom_site_fract_x"), y = loop.Column("_atom_site_fract_y"), z = loop.Column("_atom_site_fract_z");
        var occ = loop.Column("_atom_site_occupancy");
        int u = loop.Column("_atom_site_u_iso_or_equiv"), b = loop.Column("_atom_site_b_iso_or_equiv");
        if (y < 0 || z < 0)
        {
            throw new CifFormatException(file, loop.Line, "the _atom_site_ loop needs _atom_site_fract_x, _y and _z");
        }

        if (label < 0 && type < 0)
        {
            throw new CifFormatException(file, loop.Line, "the _atom_site_ loop needs _atom_site_label or _atom_site_type_symbol");
        }

        foreach (var row in loop.Rows)
        {
            var lbl = label >= 0 ? row[label].Text : row[type].Text;
            var typeSymbol = type >= 0 && !row[type].IsMissing ? row[type].Text : ElementFromLabel(lbl);
            double Get(int column, double fallback, string what)
            {
                if (column < 0 || row[column].IsMissing)
                {
                    return fallback;
                }

                if (!row[column].TryNumber(out var v, out _))
                {
                    throw new CifFormatException(file, row[column].Line, $"atom {lbl}: {what} '{row[column].Text}' is not a number");
                }

                return v;
            }

            var bIso = b >= 0 && !row[b].IsMissing ? Get(b, 0, "B_iso") : 8 * Math.PI * Math.PI * Get(u, 0, "U_iso");
            atoms.Add(new AtomSite(lbl, typeSymbol,
                Get(x, double.NaN, "fract_x"), Get(y, double.NaN, "fract_y"), Get(z, double.NaN, "fract_z"),
                Get(occ, 1.0, "occupancy"), bIso));
            if (double.IsNaN(atoms[^1].X) || double.IsNaN(atoms[^1].Y) || double.IsNaN(atoms[^1].Z))
            {
                throw new CifFormatException(file, row[x].Line, $"atom {lbl} has a missing coordinate");
            }
        }

        return atoms;
    }

    // "Ni1" → "Ni", "O2a" → "O": leading letters, second one only if lower case.
    private static string ElementFromLabel(string label)
    {
        if (label.Length == 0 || !char.IsAsciiLetter(label[0]))
        {
            return label;
        }

        return label.Length > 1 && char.IsAsciiLetterLower(label[1]) ? label[..2] : label[..1];
    }
}
