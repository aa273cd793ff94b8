using System.Globalization;
using OperandoXrd.Crystallography.Cells;
using OperandoXrd.Crystallography.Cif;
using OperandoXrd.Crystallography.Reflections;
using OperandoXrd.Crystallography.Symmetry;

namespace OperandoXrd.Crystallography.Tests;

public class ReflectionTests
{
    private static SpaceGroup G(string symbol) => SpaceGroup.FromSymbol(symbol)!;

    [Theory]
    // F: h, k, l all even or all odd.
    [InlineData("Fm-3m", 1, 0, 0, true)]
    [InlineData("Fm-3m", 1, 1, 0, true)]
    [InlineData("Fm-3m", 1, 1, 1, false)]
    [InlineData("Fm-3m", 2, 0, 0, false)]
    [InlineData("Fm-3m", 2, 1, 0, true)]
    [InlineData("F-43m", 3, 1, 1, false)]
    [InlineData("F-43m", 2, 1, 1, true)]
    // R obverse (hexagonal axes): −h + k + l = 3n.
    [InlineData("R-3m", 0, 0, 3, false)]
    [InlineData("R-3m", 0, 0, 1, true)]
    [InlineData("R-3m", 1, 0, 1, false)]
    [InlineData("R-3m", 0, 1, 1, true)]
    [InlineData("R-3m", 1, 0, 4, false)]
    [InlineData("R-3m", 0, 1, 2, false)]
    [InlineData("R-3m", 1, 0, 2, true)]
    // C: h + k = 2n.
    [InlineData("C2/m", 1, 0, 0, true)]
    [InlineData("C2/m", 1, 1, 0, false)]
    [InlineData("C2/m", 0, 1, 1, true)]
    [InlineData("C2/m", 2, 0, -1, false)]
    // I: h + k + l = 2n.
    [InlineData("I4/mmm", 1, 0, 0, true)]
    [InlineData("I4/mmm", 1, 0, 1, false)]
    [InlineData("I4/mmm", 0, 0, 1, true)]
    [InlineData("I4/mmm", 0, 0, 2, false)]
    // P2_1/c: 0k0 k = 2n (2_1 screw), h0l l = 2n (c glide).
    [InlineData("P2_1/c", 0, 1, 0, true)]
    [InlineData("P2_1/c", 0, 2, 0, false)]
    [InlineData("P2_1/c", 1, 0, 1, true)]
    [InlineData("P2_1/c", 1, 0, 2, false)]
    [InlineData("P2_1/c", 1, 1, 1, false)]
    // Pnma: 0kl k + l = 2n (n glide), hk0 h = 2n (a glide).
    [InlineData("Pnma", 0, 1, 2, true)]
    [InlineData("Pnma", 0, 1, 1, false)]
    [InlineData("Pnma", 1, 1, 0, true)]
    [InlineData("Pnma", 2, 1, 0, false)]
    [InlineData("Pnma", 1, 1, 1, false)]
    // Fd-3m (d glide): hk0 needs h + k = 4n, so 200 and 420 are absent; 220, 311, 400 present. 222 is allowed by
    // the space group (diamond's 222 vanishes only because the atoms sit on 8a: a structure-factor zero).
    [InlineData("Fd-3m", 2, 0, 0, true)]
    [InlineData("Fd-3m", 2, 2, 2, false)]
    [InlineData("Fd-3m", 2, 2, 0, false)]
    [InlineData("Fd-3m", 3, 1, 1, false)]
    [InlineData("Fd-3m", 4, 0, 0, false)]
    [InlineData("Fd-3m", 4, 2, 0, true)]
    // P6_3/mmc: 00l l = 2n.
    [InlineData("P6_3/mmc", 0, 0, 1, true)]
    [InlineData("P6_3/mmc", 0, 0, 2, false)]
    // Pbcn: 0kl k = 2n, h0l l = 2n, hk0 h + k = 2n.
    [InlineData("Pbcn", 0, 1, 1, true)]
    [InlineData("Pbcn", 1, 0, 1, true)]
    [InlineData("Pbcn", 1, 0, 0, true)]
    [InlineData("Pbcn", 1, 1, 0, false)]
    [InlineData("Pbcn", 2, 0, 0, false)]
    public void Systematic_absences_follow_from_the_operators(string symbol, int h, int k, int l, bool absent)
    {
        Assert.Equal(absent, G(symbol).IsSystematicallyAbsent(h, k, l));
    }

    [Theory]
    [InlineData("Fm-3m", 1, 0, 0, 6)]
    [InlineData("Fm-3m", 1, 1, 0, 12)]
    [InlineData("Fm-3m", 1, 1, 1, 8)]
    [InlineData("Fm-3m", 2, 1, 0, 24)]
    [InlineData("Fm-3m", 2, 1, 1, 24)]
    [InlineData("Fm-3m", 3, 2, 1, 48)]
    [InlineData("F-43m", 3, 2, 1, 48)] // Friedel: Laue class m-3m
    [InlineData("R-3m", 0, 0, 3, 2)]
    [InlineData("R-3m", 1, 0, 1, 6)]
    [InlineData("R-3m", 1, 1, 0, 6)]
    [InlineData("R-3m", 1, 1, 3, 12)]
    [InlineData("R-3m", 2, 1, 1, 12)]
    [InlineData("C2/m", 0, 2, 0, 2)]
    [InlineData("C2/m", 0, 0, 1, 2)]
    [InlineData("C2/m", 2, 0, -1, 2)]
    [InlineData("C2/m", 1, 1, 0, 4)]
    [InlineData("C2/m", 1, 1, -1, 4)]
    [InlineData("I4/mmm", 1, 0, 1, 8)]
    [InlineData("I4/mmm", 1, 1, 0, 4)]
    [InlineData("Pnma", 1, 1, 1, 8)]
    public void Multiplicities_are_the_Laue_class_orbit_sizes(string symbol, int h, int k, int l, int m)
    {
        Assert.Equal(m, G(symbol).Multiplicity(h, k, l));
    }

    [Fact]
    public void NCA_reflections_are_the_familiar_layered_oxide_list()
    {
        var cell = new UnitCell(2.865, 2.865, 14.18, 90, 90, 120);
        var list = ReflectionGenerator.Generate(cell, G("R-3m"), 1.3);
        var names = list.Select(r => $"{r.H}{r.K}{r.L}").ToArray();
        Assert.Equal(["003", "101", "006", "012", "104", "015", "009", "107", "018", "110", "113"], names);
        Assert.Equal([2, 6, 2, 6, 6, 6, 2, 6, 6, 6, 12], list.Select(r => r.Multiplicity).ToArray());
        Assert.Equal(4.726666666666667, list[0].D, 12);
    }

    [Fact]
    public void LIC_lists_11_minus_1_separately_from_111()
    {
        var cell = new UnitCell(6.44, 11.12, 6.39, 90, 109.8, 90);
        var list = ReflectionGenerator.Generate(cell, G("C2/m"), 3.0);
        var names = list.Select(r => (r.H, r.K, r.L)).ToList();
        Assert.Contains((1, 1, -1), names);
        Assert.Contains((1, 1, 1), names);
        Assert.Contains((0, 0, 1), names);
        Assert.Contains((0, 2, 0), names);
        Assert.DoesNotContain((1, 0, 0), names);
        Assert.Equal((0, 0, 1), names[0]);
        Assert.True(list.Zip(list.Skip(1)).All(p => p.First.D >= p.Second.D), "sorted by d descending");
    }

    [Fact]
    public void Every_library_phase_matches_the_independent_reflection_list()
    {
        // Reference/phase_reflections.tsv: gemmi 0.5.7 absences and d-spacings, orbits from its rotation matrices,
        // for every CIF in calibration/phases down to d = 1.0 Å. Keyed by the smallest member of each orbit.
        var reference = RepoPaths.ReadTsv("phase_reflections.tsv").GroupBy(r => r[0]);
        var phases = 0;
        foreach (var group in reference)
        {
            var phase = CifPhaseReader.ReadFile(RepoPaths.Phase(group.Key));
            Assert.Equal(int.Parse(group.First()[1], CultureInfo.InvariantCulture), phase.SpaceGroup.Operators.Count);
            var expected = group.ToDictionary(
                r => (int.Parse(r[2], CultureInfo.InvariantCulture), int.Parse(r[3], CultureInfo.InvariantCulture), int.Parse(r[4], CultureInfo.InvariantCulture)),
                r => (Multiplicity: int.Parse(r[5], CultureInfo.InvariantCulture), D: double.Parse(r[6], CultureInfo.InvariantCulture)));
            var ours = ReflectionGenerator.Generate(phase.Cell, phase.SpaceGroup, 1.0);
            Assert.Equal(expected.Count, ours.Length);
            var orbit = new (int H, int K, int L)[96];
            foreach (var r in ours)
            {
                var n = phase.SpaceGroup.Orbit(r.H, r.K, r.L, orbit);
                var key = orbit[..n].Min();
                Assert.True(expected.TryGetValue(key, out var e), $"{group.Key}: {r} not in the reference");
                Assert.Equal(e.Multiplicity, r.Multiplicity);
                Assert.True(Math.Abs(e.D - r.D) < 2e-9, $"{group.Key}: {r} d differs from {e.D}");
            }

            phases++;
        }

        Assert.True(phases >= 12, $"only {phases} phases in the reference");
    }

    [Fact]
    public void Two_theta_limits_use_Bragg_law()
    {
        var cell = new UnitCell(5.43102, 5.43102, 5.43102, 90, 90, 90);
        var list = ReflectionGenerator.GenerateForTwoTheta(cell, G("Fd-3m"), 1.5406, 50);
        Assert.Equal(["111", "220"], list.Select(r => $"{r.H}{r.K}{r.L}").ToArray());
        // 2·asin(1.5406 / (2 · 3.1356008589742417)) evaluated by hand: Si 111 with Cu Kα1.
        Assert.Equal(28.441994693414, Bragg.TwoTheta(list[0].D, 1.5406), 9);
        Assert.Equal(2 * Math.PI / list[0].D, Bragg.QFromTwoTheta(Bragg.TwoTheta(list[0].D, 0.24486), 0.24486), 12);
    }
}
