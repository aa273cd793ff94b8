using OperandoXrd.Fitting.Output;
using OperandoXrd.Viewer.Feeds;

namespace OperandoXrd.Viewer.Tests;

public class LatticeCsvTests
{
    private const string Header = SyntheticRun.LatticeHeader;

    [Fact]
    public void Complete_rows_are_parsed_into_named_values_with_esd()
    {
        var text = Header + "\n" + SyntheticRun.LatticeLine(0) + "\n" + SyntheticRun.LatticeLine(7) + "\n";
        var table = LatticeCsv.Parse(text, "lattice.csv");

        Assert.Equal(2, table.Rows.Count);
        Assert.Empty(table.Rejected);
        var row = table.Rows[1];
        Assert.Equal(7, row.Frame);
        Assert.Equal(420.0, row.Time);
        Assert.Equal(SyntheticRun.Voltage(7), row.Voltage);
        Assert.Equal(1 - 7 * 0.0014, row.XLi);
        Assert.Equal(["NCA_a", "NCA_c", "NCA_V", "LPSCl_a"], row.Lattice.Select(v => v.Name));
        Assert.Equal(SyntheticRun.NcaA(7), row.Lattice[0].Value);
        Assert.Equal(0.0002, row.Lattice[0].Esd);
        Assert.Equal(SyntheticRun.NcaC(7), row.Lattice[1].Value);
        Assert.Equal(0.001, row.Lattice[1].Esd);
        Assert.Equal(["NCA_scale", "LPSCl_scale", "PEEK_scale"], row.Scales.Select(v => v.Name));
        Assert.Equal(0.2, row.Scales[2].Value);
        Assert.Equal(0.0407, row.Rwp, 12);
        Assert.Equal(1.2, row.GoF);
        Assert.Equal("ok", row.Status);
    }

    [Fact]
    public void Columns_a_writer_adds_after_status_are_ignored()
    {
        // The host's lattice.csv appends iterations and a free-text note after the brief's status column.
        var text = Header + ",iterations,note\n" + SyntheticRun.LatticeLine(3) + ",12,reference retry; masked 2 points\n";
        var table = LatticeCsv.Parse(text, "lattice.csv");

        Assert.Empty(table.Rejected);
        var row = Assert.Single(table.Rows);
        Assert.Equal(3, row.Frame);
        Assert.Equal(SyntheticRun.NcaA(3), row.Lattice[0].Value);
        Assert.Equal(["NCA_scale", "LPSCl_scale", "PEEK_scale"], row.Scales.Select(v => v.Name));
        Assert.Equal(1.2, row.GoF);
        Assert.Equal("ok", row.Status);
    }

    [Fact]
    public void A_last_line_without_newline_is_held_back_until_the_file_is_settled()
    {
        var full = SyntheticRun.LatticeLine(2);
        var text = Header + "\n" + SyntheticRun.LatticeLine(0) + "\n" + SyntheticRun.LatticeLine(1) + "\n" + full;

        Assert.Equal([0, 1], LatticeCsv.Parse(text, "lattice.csv").Rows.Select(r => r.Frame));
        Assert.Equal([0, 1, 2], LatticeCsv.Parse(text, "lattice.csv", acceptUnterminatedLastLine: true).Rows.Select(r => r.Frame));
    }

    [Theory]
    [InlineData(10)] // cut inside the lattice values: too few fields
    [InlineData(40)]
    [InlineData(-3)] // cut just after Rwp: GoF and status missing
    public void A_row_cut_anywhere_is_never_data_even_when_terminated(int cut)
    {
        var line = SyntheticRun.LatticeLine(3);
        var partial = cut > 0 ? line[..cut] : line[..(line.Length + cut - 3)];
        var text = Header + "\n" + SyntheticRun.LatticeLine(0) + "\n" + partial + "\n" + SyntheticRun.LatticeLine(4) + "\n";

        var table = LatticeCsv.Parse(text, "run/lattice.csv");

        Assert.Equal([0, 4], table.Rows.Select(r => r.Frame));
        var reason = Assert.Single(table.Rejected);
        Assert.StartsWith("run/lattice.csv: line 3:", reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("NCA_a", "2.86x")]
    [InlineData("NCA_a", "2;86")]
    [InlineData("voltage_V", "3.7V")]
    [InlineData("Rwp", "--")]
    public void A_row_with_an_unparsable_number_is_rejected_naming_the_column(string column, string bad)
    {
        var columns = Header.Split(',');
        var fields = SyntheticRun.LatticeLine(5).Split(',');
        fields[Array.IndexOf(columns, column)] = bad;
        var text = Header + "\n" + string.Join(',', fields) + "\n" + SyntheticRun.LatticeLine(6) + "\n";

        var table = LatticeCsv.Parse(text, "lattice.csv");

        Assert.Equal([6], table.Rows.Select(r => r.Frame));
        Assert.Contains(column, Assert.Single(table.Rejected), StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_frame_index_or_missing_time_rejects_the_row_but_empty_values_are_missing_values()
    {
        var fields = SyntheticRun.LatticeLine(8).Split(',');
        var noFrame = string.Join(',', new[] { "8.5" }.Concat(fields[1..]));
        var noTime = string.Join(',', fields.Select((f, i) => i == 1 ? "" : f));
        var emptyEsd = string.Join(',', fields.Select((f, i) => i == 7 ? "" : f));
        var text = Header + "\n" + noFrame + "\n" + noTime + "\n" + emptyEsd + "\n";

        var table = LatticeCsv.Parse(text, "lattice.csv");

        var row = Assert.Single(table.Rows);
        Assert.Equal(8, row.Frame);
        Assert.True(double.IsNaN(row.Lattice[0].Esd));
        Assert.Equal(SyntheticRun.NcaA(8), row.Lattice[0].Value);
        Assert.Equal(2, table.Rejected.Count);
    }

    [Fact]
    public void A_half_written_header_gives_no_rows_and_a_foreign_header_names_the_column()
    {
        Assert.Empty(LatticeCsv.Parse("", "lattice.csv").Rows);
        Assert.Empty(LatticeCsv.Parse(Header[..30], "lattice.csv").Rows);

        var e = Assert.Throws<FormatException>(() => LatticeCsv.Parse("frame,time,voltage_V,current_mA,capacity_mAh_g,x_Li,Rwp,GoF,status\n", "x/lattice.csv"));
        Assert.Contains("x/lattice.csv", e.Message, StringComparison.Ordinal);
        Assert.Contains("'time'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Windows_line_ends_are_accepted()
    {
        var text = Header + "\r\n" + SyntheticRun.LatticeLine(0) + "\r\n";
        Assert.Equal("ok", Assert.Single(LatticeCsv.Parse(text, "lattice.csv").Rows).Status);
    }
}
