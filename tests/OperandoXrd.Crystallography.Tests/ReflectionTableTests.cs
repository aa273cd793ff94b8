using System.Globalization;
using OperandoXrd.Crystallography.Cif;
using OperandoXrd.Crystallography.Reflections;

namespace OperandoXrd.Crystallography.Tests;

public class ReflectionTableTests
{
    [Fact]
    public void Table_has_header_lines_then_h_k_l_d_2theta_multiplicity_sorted_by_d()
    {
        var phase = CifPhaseReader.ReadFile(RepoPaths.Phase("NCA"));
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        var n = ReflectionTable.Write(writer, phase, 0.24486, Bragg.DFromTwoTheta(12, 0.24486));
        var lines = writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var header = lines.TakeWhile(l => l.StartsWith('#')).Count();
        Assert.True(header >= 1);
        var rows = lines.Skip(header).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToArray();
        Assert.Equal(n, rows.Length);
        Assert.All(rows, r => Assert.Equal(6, r.Length));
        Assert.Equal(["0", "0", "3"], rows[0][..3]);
        // 003 of NCA at λ = 0.24486 Å: d = c/3, 2θ = 2 asin(λ/2d) = 2.96848°, multiplicity 2.
        Assert.Equal(4.72667, double.Parse(rows[0][3], CultureInfo.InvariantCulture), 5);
        Assert.Equal(2.96848, double.Parse(rows[0][4], CultureInfo.InvariantCulture), 5);
        Assert.Equal("2", rows[0][5]);
        var d = rows.Select(r => double.Parse(r[3], CultureInfo.InvariantCulture)).ToArray();
        Assert.True(d.Zip(d.Skip(1)).All(p => p.First >= p.Second));
        Assert.True(rows.All(r => double.Parse(r[4], CultureInfo.InvariantCulture) <= 12.0));
    }
}
