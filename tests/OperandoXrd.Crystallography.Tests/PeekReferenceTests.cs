using OperandoXrd.Core.Geometry;
using OperandoXrd.Crystallography.Cif;
using OperandoXrd.Crystallography.Patterns;
using OperandoXrd.Crystallography.Reflections;

namespace OperandoXrd.Crystallography.Tests;

public class PeekReferenceTests
{
    private static string Json => Path.Combine(RepoPaths.Phases, "PEEK.json");

    [Fact]
    public void PEEK_json_reflections_sit_where_the_PEEK_cif_cell_puts_them()
    {
        var peek = PeekReference.Load(Json);
        var phase = CifPhaseReader.ReadFile(RepoPaths.Phase("PEEK"));
        Assert.Equal(4, peek.Reflections.Count);
        foreach (var r in peek.Reflections)
        {
            Assert.False(phase.SpaceGroup.IsSystematicallyAbsent(r.H, r.K, r.L), $"{r} is absent in Pbcn");
            Assert.True(Math.Abs(2 * Math.PI / phase.Cell.D(r.H, r.K, r.L) - r.Q) < 1e-3, $"{r}: q from the cell {2 * Math.PI / phase.Cell.D(r.H, r.K, r.L)}");
        }
    }

    [Theory]
    [InlineData(RadialUnit.QA)]
    [InlineData(RadialUnit.TwoThetaDeg)]
    public void Total_area_is_the_sum_of_relative_areas_in_either_unit(RadialUnit unit)
    {
        var peek = PeekReference.Load(Json);
        const double lambda = 0.24486;
        var qMin = 0.05;
        var qMax = 12.0;
        const int n = 200001;
        var radial = Enumerable.Range(0, n).Select(i => qMin + (qMax - qMin) * i / (n - 1)).ToArray();
        if (unit == RadialUnit.TwoThetaDeg)
        {
            radial = radial.Select(q => Bragg.TwoThetaFromQ(q, lambda)).ToArray();
        }

        var grid = new PatternGrid(radial, unit, lambda);
        var y = new double[n];
        peek.AddTo(grid, y);
        var area = 0.0;
        for (var i = 1; i < n; i++)
        {
            area += 0.5 * (y[i] + y[i - 1]) * (radial[i] - radial[i - 1]);
        }

        // The Lorentzian part of each peak loses its tails beyond the grid: area·η·[1 − (atan(2Δ₊/h) + atan(2Δ₋/h))/π].
        var h = peek.PeakFwhmQ;
        var expected = peek.HumpArea + peek.Reflections.Sum(r =>
            r.RelativeArea * (1 - peek.PeakEta * (1 - (Math.Atan(2 * (qMax - r.Q) / h) + Math.Atan(2 * (r.Q - qMin) / h)) / Math.PI)));
        Assert.Equal(1, area / expected, 5);
    }

    [Fact]
    public void Missing_keys_name_the_file_and_key()
    {
        var path = Path.Combine(Path.GetTempPath(), $"peek-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, """{ "crystallinePeaks": { "fwhm_q": 0.07, "eta": 0.5, "reflections": [] } }""");
        try
        {
            var e = Assert.Throws<FormatException>(() => PeekReference.Load(path));
            Assert.Contains(path, e.Message, StringComparison.Ordinal);
            Assert.Contains("amorphous", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
