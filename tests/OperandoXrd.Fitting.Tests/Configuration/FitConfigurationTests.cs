using OperandoXrd.Fitting.Configuration;

namespace OperandoXrd.Fitting.Tests.Configuration;

public class FitConfigurationTests
{
    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "OperandoXrd.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("repository root not found");
    }

    [Fact]
    public void Reference_pipeline_reads_with_resolved_paths()
    {
        var path = Path.Combine(RepoRoot(), "pipelines", "nca-lpscl-lic.json");
        var config = FitConfiguration.Load(path);

        Assert.Equal(["NCA", "LPSCl", "LIC"], config.Phases.Select(p => p.Name));
        Assert.Equal(Path.Combine(RepoRoot(), "calibration", "phases", "NCA.cif"), config.Phases[0].Cif);
        Assert.Equal(["cell", "scale", "U", "W", "X", "Y"], config.Phases[0].Refine);
        Assert.Equal(FitMode.Pawley, config.Fit.Mode);
        Assert.Equal(2.0, config.Fit.RangeMin);
        Assert.Equal(11.0, config.Fit.RangeMax);
        Assert.Equal(4, config.Fit.ChebyshevTerms);
        Assert.Equal(Path.Combine(RepoRoot(), "calibration", "peek-model.json"), config.Fit.PeekModel);
        Assert.Equal(FitOrder.Forward, config.Fit.Order);
    }

    [Theory]
    [InlineData("""{ "phases": [ { "name": "X", "cif": "x.cif", "refin": ["cell"] } ] }""", "phases[0]: unknown key 'refin'")]
    [InlineData("""{ "phases": [ { "name": "X", "cif": "x.cif" } ], "fit": { "mode": "pawley", "ragne": [1, 2] } }""", "fit: unknown key 'ragne'")]
    [InlineData("""{ "phases": [ { "name": "X", "cif": "x.cif" } ], "fit": { "mode": "pauley" } }""", "fit.mode: 'pauley'")]
    [InlineData("""{ "phases": [ { "name": "X", "cif": "x.cif" } ], "fit": { "range": [11, 2] } }""", "fit.range: max 2 is not above min 11")]
    [InlineData("""{ "phases": [] }""", "\"phases\" must be a non-empty array")]
    [InlineData("""{ "phases": [ { "name": "X", "cif": "x.cif" }, { "name": "X", "cif": "y.cif" } ] }""", "phase name 'X' is used twice")]
    [InlineData("""{ "phases": [ { "name": "X", "cif": "x.cif" } ], "background": { "chebychev": 4 } }""", "background: unknown key 'chebychev'")]
    [InlineData("""{ "phases": [ { "name": "X", "cif": "x.cif", "profile": { "U": 1, "Q": 2 } } ] }""", "phases[0].profile: unknown key 'Q'")]
    [InlineData("""{ "phases": [ { "name": "X", "cif": "x.cif" }, { "name": 5, "cif": "y.cif" } ] }""", "phases[1].name: expected a string")]
    [InlineData("""{ "phases": [ { "name": "X" } ] }""", "phases[0]: missing \"cif\"")]
    [InlineData("""{ "phases": [ { "name": "X", "cif": "x.cif" } ], "fit": { "exclude": [[3, 4, 5]] } }""", "fit.exclude[0]: expected [min, max]")]
    public void Bad_configuration_names_file_and_key(string json, string expected)
    {
        var e = Assert.Throws<FitConfigurationException>(() => FitConfiguration.Parse(json, "p.json", "/tmp"));
        Assert.Contains("p.json", e.Message, StringComparison.Ordinal);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_fitter_alone_skips_the_sections_of_other_stages_and_reads_its_own()
    {
        var config = FitConfiguration.Parse("""
            { "integration": { "anything": 1 }, "phases": [ { "name": "X", "cif": "x.cif", "profile": { "W": 0.001 } } ],
              "fit": { "mode": "lebail", "exclude": [[5, 5.5]], "maxIterations": 0 }, "background": { "peek": null, "chebyshev": 6 } }
            """, "p.json", "/tmp");
        Assert.Equal("/tmp/x.cif", config.Phases[0].Cif);
        Assert.Equal(["cell", "scale"], config.Phases[0].Refine);
        Assert.Equal(0.001, config.Phases[0].Profile!.Value.W);
        Assert.Equal(0, config.Phases[0].Profile!.Value.U);
        Assert.Equal(FitMode.LeBail, config.Fit.Mode);
        Assert.Equal([(5.0, 5.5)], config.Fit.Exclude);
        Assert.Equal(1, config.Fit.MaxIterations);
        Assert.Equal(6, config.Fit.ChebyshevTerms);
        Assert.Null(config.Fit.PeekModel);
    }
}
