using OperandoXrd.Fitting.Configuration;
using OperandoXrd.Fitting.Sequential;

namespace OperandoXrd.Fitting.Tests.Sequential;

/// <summary>Every bad input is refused before the first frame is fitted, with a message that says what and where.</summary>
public class BadInputTests
{
    private static readonly double[] Grid = TestData.Grid(1.5, 11.5, 1000);

    private static FitConfiguration With(params PhaseConfiguration[] phases) => new()
    {
        Phases = phases,
        Fit = new FitSettings { RangeMin = 2, RangeMax = 11 },
    };

    [Fact]
    public void A_cif_that_fails_to_load_names_the_phase_and_the_file()
    {
        var path = Path.Combine(Path.GetTempPath(), $"oxrd-broken-{Guid.NewGuid():N}.cif");
        File.WriteAllText(path, "data_broken\n_cell_length_a 5.0\n_cell_length_b five\n");
        try
        {
            var e = Assert.Throws<FitConfigurationException>(() => FitSession.Create(With(new PhaseConfiguration("Broken", path, ["cell"])), Grid, TestData.Wavelength));
            Assert.Contains("Broken", e.Message, StringComparison.Ordinal);
            Assert.Contains(path, e.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_missing_cif_is_refused()
    {
        var e = Assert.Throws<FitConfigurationException>(() => FitSession.Create(With(new PhaseConfiguration("Ghost", "/nonexistent/ghost.cif", ["cell"])), Grid, TestData.Wavelength));
        Assert.Contains("ghost.cif", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("LPSCl", "c", "cubic")]
    [InlineData("LPSCl", "beta", "Cubic")]
    [InlineData("NCA", "b", "Hexagonal")]
    [InlineData("LIC", "a", "refine \"cell\"")]
    [InlineData("NCA", "strain", "cannot refine 'strain'")]
    public void A_refined_name_the_lattice_system_does_not_have_is_refused(string phase, string name, string expected)
    {
        var e = Assert.Throws<FitConfigurationException>(() => FitSession.Create(With(new PhaseConfiguration(phase, TestData.Cif(phase), ["scale", name])), Grid, TestData.Wavelength));
        Assert.Contains($"'{phase}'", e.Message, StringComparison.Ordinal);
        Assert.Contains(expected, e.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Single_cell_names_that_map_to_one_term_are_accepted()
    {
        var fitter = FitSession.Create(With(new PhaseConfiguration("NCA", TestData.Cif("NCA"), ["c", "scale"]), new PhaseConfiguration("LIC", TestData.Cif("LIC"), ["b"])), Grid, TestData.Wavelength);
        Assert.NotNull(fitter);
    }

    [Fact]
    public void An_empty_pattern_is_refused()
    {
        var e = Assert.Throws<FitConfigurationException>(() => FitSession.Create(With(new PhaseConfiguration("NCA", TestData.Cif("NCA"), ["cell"])), [], TestData.Wavelength));
        Assert.Contains("empty", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_pattern_that_misses_the_fit_range_is_refused()
    {
        var e = Assert.Throws<FitConfigurationException>(() => FitSession.Create(With(new PhaseConfiguration("NCA", TestData.Cif("NCA"), ["cell"])), TestData.Grid(12, 20, 500), TestData.Wavelength));
        Assert.Contains("fit range", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_phase_with_no_reflection_in_the_fit_range_is_refused()
    {
        var configuration = new FitConfiguration
        {
            Phases = [new PhaseConfiguration("LPSCl", TestData.Cif("LPSCl"), ["cell"])],
            Fit = new FitSettings { RangeMin = 1.0, RangeMax = 2.2 },
        };
        var e = Assert.Throws<FitConfigurationException>(() => FitSession.Create(configuration, TestData.Grid(0.5, 3, 800), TestData.Wavelength));
        Assert.Contains("none of its reflections", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_frame_of_the_wrong_length_is_a_caller_error_naming_the_frame()
    {
        var fitter = FitSession.Create(With(new PhaseConfiguration("NCA", TestData.Cif("NCA"), ["cell"])), Grid, TestData.Wavelength);
        var e = Assert.Throws<ArgumentException>(() => fitter.Fit(42, new double[10], new double[10]));
        Assert.Contains("frame 42", e.Message, StringComparison.Ordinal);
    }
}
