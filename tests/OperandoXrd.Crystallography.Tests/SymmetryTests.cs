using System.Globalization;
using OperandoXrd.Crystallography.Symmetry;

namespace OperandoXrd.Crystallography.Tests;

public class SymmetryTests
{
    [Theory]
    [InlineData("x,y,z", "x,y,z")]
    [InlineData("-x+1/2,y,-z+3/4", "-x+1/2,y,-z+3/4")]
    [InlineData("x-y,x,z", "x-y,x,z")]
    [InlineData("1/2+X, 0.25-Y ,Z", "x+1/2,-y+1/4,z")]
    [InlineData("'-y+2/3,x-y+1/3,z+1/3'", "-y+2/3,x-y+1/3,z+1/3")]
    [InlineData("x,y,z+1", "x,y,z")]
    [InlineData("-x-1/4,y,z", "-x+3/4,y,z")]
    public void Operators_parse_and_print_in_CIF_form(string text, string expected)
    {
        Assert.Equal(expected, SymmetryOperator.Parse(text).ToString());
    }

    [Theory]
    [InlineData("x,y")]
    [InlineData("x,y,q")]
    [InlineData("x,y,z+1/7")]
    [InlineData("x,x,z")]
    [InlineData("2x,y,z")]
    [InlineData("x,y,")]
    public void Bad_operators_are_rejected(string text)
    {
        Assert.Throws<FormatException>(() => SymmetryOperator.Parse(text));
    }

    [Fact]
    public void Composition_applies_the_right_operator_first()
    {
        var a = SymmetryOperator.Parse("-y,x-y,z");     // 3-fold along c
        var b = SymmetryOperator.Parse("x+2/3,y+1/3,z+1/3");
        var ab = a.Compose(b);
        // a(b(x)) = a(x+2/3, y+1/3, z+1/3) = (-(y+1/3), (x+2/3)-(y+1/3), z+1/3)
        Assert.Equal("-y+2/3,x-y+1/3,z+1/3", ab.ToString());
        var p = ab.Apply(0.1, 0.2, 0.3);
        Assert.Equal(-0.2 + 2.0 / 3.0, p.X, 12);
        Assert.Equal(0.1 - 0.2 + 1.0 / 3.0, p.Y, 12);
        Assert.Equal(0.3 + 1.0 / 3.0, p.Z, 12);
        // Miller indices transform with the rotation only: (1 0 4) under the 3-fold → (0 -1 4).
        Assert.Equal((0, -1, 4), a.ApplyToHkl(1, 0, 4));
    }

    [Fact]
    public void Every_built_in_group_equals_the_independent_table_operator_for_operator()
    {
        // Reference: gemmi 0.5.7's space-group table (Reference/space_groups.tsv, make_references.py).
        var rows = RepoPaths.ReadTsv("space_groups.tsv").ToList();
        Assert.Equal(SpaceGroupTable.Symbols.Count(), rows.Count);
        foreach (var row in rows)
        {
            var group = SpaceGroupTable.TryCreate(row[0]);
            Assert.NotNull(group);
            Assert.Equal(int.Parse(row[1], CultureInfo.InvariantCulture), SpaceGroupTable.Number(row[0]));
            var expected = row[3].Split(';').Select(SymmetryOperator.Parse).ToHashSet();
            Assert.Equal(int.Parse(row[2], CultureInfo.InvariantCulture), group.Operators.Count);
            Assert.True(expected.SetEquals(group.Operators), $"{row[0]}: operator sets differ");
        }
    }

    [Theory]
    [InlineData("F m -3 m", 192, LatticeSystemKind.Cubic, 'F', true)]
    [InlineData("F -4 3 m", 96, LatticeSystemKind.Cubic, 'F', false)]
    [InlineData("Fd-3m", 192, LatticeSystemKind.Cubic, 'F', true)]
    [InlineData("R -3 m", 36, LatticeSystemKind.Hexagonal, 'R', true)]
    [InlineData("R-3m:R", 12, LatticeSystemKind.Rhombohedral, 'P', true)]
    [InlineData("P -3 m 1", 12, LatticeSystemKind.Hexagonal, 'P', true)]
    [InlineData("P 63/m m c", 24, LatticeSystemKind.Hexagonal, 'P', true)]
    [InlineData("C 1 2/m 1", 8, LatticeSystemKind.MonoclinicUniqueB, 'C', true)]
    [InlineData("P 21/c", 4, LatticeSystemKind.MonoclinicUniqueB, 'P', true)]
    [InlineData("I 4/m m m", 32, LatticeSystemKind.Tetragonal, 'I', true)]
    [InlineData("P n m a", 8, LatticeSystemKind.Orthorhombic, 'P', true)]
    [InlineData("P m n 21", 4, LatticeSystemKind.Orthorhombic, 'P', false)]
    [InlineData("P b c n", 8, LatticeSystemKind.Orthorhombic, 'P', true)]
    [InlineData("P -1", 2, LatticeSystemKind.Triclinic, 'P', true)]
    [InlineData("P1", 1, LatticeSystemKind.Triclinic, 'P', false)]
    public void Groups_know_their_order_lattice_system_centring_and_inversion(string symbol, int order, LatticeSystemKind system, char centring, bool centro)
    {
        var g = SpaceGroup.FromSymbol(symbol)!;
        Assert.Equal(order, g.Operators.Count);
        Assert.Equal(system, g.LatticeSystem.Kind);
        Assert.Equal(centring, g.Centring);
        Assert.Equal(centro, g.IsCentrosymmetric);
    }

    [Fact]
    public void Generators_alone_are_completed_by_closure()
    {
        // Fm-3m from 3 generators + 2 centrings: closure must give all 192 and match the table.
        var ops = new[] { "z,x,y", "-y,x,z", "-x,-y,-z", "x,y+1/2,z+1/2", "x+1/2,y,z+1/2" }.Select(SymmetryOperator.Parse);
        var g = SpaceGroup.FromOperators(ops);
        Assert.Equal(192, g.Operators.Count);
        Assert.True(g.Operators.ToHashSet().SetEquals(SpaceGroup.FromSymbol("Fm-3m")!.Operators));
    }

    [Fact]
    public void Operators_that_are_not_a_group_are_rejected()
    {
        // A hexagonal 3-fold and a square 4-fold about the same axis generate a group of infinite order.
        var ops = new[] { "-y,x-y,z", "-y,x,z" }.Select(SymmetryOperator.Parse);
        Assert.Throws<InvalidOperationException>(() => SpaceGroup.FromOperators(ops));
    }

    [Theory]
    [InlineData("C2/m", 4)]
    [InlineData("R-3m", 2)]
    [InlineData("Fm-3m", 1)]
    [InlineData("P-1", 6)]
    [InlineData("Pnma", 3)]
    [InlineData("I4/mmm", 2)]
    [InlineData("R-3m:R", 2)]
    public void Lattice_systems_leave_the_expected_number_of_A_terms(string symbol, int parameters)
    {
        Assert.Equal(parameters, SpaceGroup.FromSymbol(symbol)!.LatticeSystem.ParameterCount);
    }
}
