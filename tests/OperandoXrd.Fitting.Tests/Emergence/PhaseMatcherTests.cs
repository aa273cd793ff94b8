using OperandoXrd.Crystallography.Reflections;
using OperandoXrd.Fitting.Emergence;

namespace OperandoXrd.Fitting.Tests.Emergence;

public class PhaseMatcherTests
{
    private const double Tolerance = 0.012;

    [Fact]
    public void Library_holds_the_decomposition_products_and_cathodes_but_not_the_model_phases_or_PEEK()
    {
        var skipped = new List<string>();
        var names = EmergenceTestData.Library(skipped).Select(p => p.Name).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(["In", "LCO", "LISC", "Li3PO4", "LiIn", "NCM622", "NCM85", "Ni3S4"], names);
        Assert.Contains(skipped, s => s.Contains("PEEK.cif", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Ni3S4", 0.004)]
    [InlineData("Li3PO4", -0.006)]
    [InlineData("LiIn", 0.0)]
    public void A_phase_is_identified_from_its_strong_reflections_under_a_small_strain(string name, double strain)
    {
        var library = EmergenceTestData.Library();
        var phase = library.Single(p => p.Name == name);
        // What a detector with a limit of 20 % of the strongest would see: every reflection above it, at d(1 + ε),
        // heights ∝ the predicted intensities with ±15 % scatter.
        var peaks = new List<ObservedPeak>();
        var rng = new Random(7);
        for (var k = 0; k < phase.D.Length; k++)
        {
            var tth = Bragg.TwoTheta(phase.D[k] * (1 + strain), TestData.Wavelength);
            if (phase.Intensity[k] >= 0.2 && tth is >= 2 and <= 11)
            {
                peaks.Add(new ObservedPeak(tth, 1000 * phase.Intensity[k] * (0.85 + 0.3 * rng.NextDouble())));
            }
        }

        Assert.True(peaks.Count >= 2, $"{name}: {peaks.Count} peaks");
        var matcher = new PhaseMatcher(library, TestData.Wavelength, 2, 11, new EmergenceOptions());
        var ranking = matcher.Rank(peaks.ToArray(), Tolerance, _ => 180);
        var best = matcher.Identify(ranking);
        Assert.NotNull(best);
        Assert.Equal(name, best.Phase.Name);
        Assert.True(best.Score > 0.8, $"{name}: score {best.Score}");
        Assert.True(Math.Abs(best.Strain - strain) < 0.002, $"{name}: strain {best.Strain} against {strain}");
        Assert.All(best.Matched, Assert.True);
        // The runner-up is well behind.
        Assert.True(ranking[1].Score < 0.6 * best.Score, $"{name}: runner-up {ranking[1].Phase.Name} {ranking[1].Score} against {best.Score}");
    }

    [Fact]
    public void Strong_predicted_reflections_that_are_absent_sink_the_score()
    {
        var library = EmergenceTestData.Library();
        var phase = library.Single(p => p.Name == "Ni3S4");
        var strongest = phase.Strongest.Take(3).Select(k => new ObservedPeak(Bragg.TwoTheta(phase.D[k], TestData.Wavelength), 1000 * phase.Intensity[k])).ToArray();
        var matcher = new PhaseMatcher(library, TestData.Wavelength, 2, 11, new EmergenceOptions());
        // A detector that sees the three strongest reflections (and nothing weaker).
        var limit = 0.99 * strongest.Min(p => p.Height);
        var all = matcher.Rank(strongest, Tolerance, _ => limit).Single(m => m.Phase.Name == "Ni3S4");
        // Only the first two of the three: the third is predicted above the limit and is missing.
        var two = matcher.Rank(strongest[..2], Tolerance, _ => limit).Single(m => m.Phase.Name == "Ni3S4");
        var expected = (strongest[0].Height + strongest[1].Height) / strongest.Sum(p => p.Height);
        Assert.True(all.Score > 0.95, $"three of three: {all.Score}");
        Assert.True(Math.Abs(two.Score - expected) < 0.02, $"two of three: {two.Score}, expected C = {expected}");
    }

    [Fact]
    public void A_cubic_phase_that_is_not_in_the_library_matches_nothing()
    {
        var library = EmergenceTestData.Library();
        var cubic = LibraryPhase.Create("MadeUp", EmergenceTestData.MadeUpCubic(), TestData.Wavelength, 2, 11)!;
        var peaks = Enumerable.Range(0, cubic.D.Length)
            .Select(k => new ObservedPeak(Bragg.TwoTheta(cubic.D[k], TestData.Wavelength), 1000 * cubic.Intensity[k]))
            .Where(p => p.TwoTheta is >= 2 and <= 11 && p.Height >= 150).ToArray();
        Assert.True(peaks.Length >= 4);
        var matcher = new PhaseMatcher(library, TestData.Wavelength, 2, 11, new EmergenceOptions());
        var ranking = matcher.Rank(peaks, Tolerance, _ => 150);
        Assert.Null(matcher.Identify(ranking));
        Assert.True(ranking[0].Score < 0.5, $"{ranking[0].Phase.Name} scores {ranking[0].Score}");
    }
}
