using OperandoXrd.Core.Geometry;
using OperandoXrd.Pipeline.Configuration;

namespace OperandoXrd.Pipeline.Tests;

/// <summary>The pipeline file through its source-generated reader: defaults, nulls, and errors that name file and key.</summary>
public sealed class PipelineConfigTests
{
    private const string Phases = """ "phases": [ { "name": "NCA", "cif": "nca.cif" } ] """;

    private static PipelineConfig Parse(string body) => PipelineConfig.Parse("{" + Phases + (body.Length > 0 ? ", " + body : "") + "}", "/data/p.json", "/data");

    [Fact]
    public void Absent_sections_take_their_defaults_and_paths_resolve_against_the_file()
    {
        var config = Parse("\"poni\": \"geo/ceo2.poni\", \"input\": [\"scan_0001.h5\", \"/abs/scan_0002.h5\"], // a comment\n"
            + "\"echem\": { \"file\": \"cell.mpt\", \"x0\": 0.95 }, ");
        Assert.Equal("p", config.Name);
        Assert.Equal("/data/geo/ceo2.poni", config.Poni);
        Assert.Equal(["/data/scan_0001.h5", "/abs/scan_0002.h5"], config.Inputs);
        Assert.Equal(3000, config.Integration.Npt);
        Assert.Equal(RadialUnit.TwoThetaDeg, config.Integration.Unit);
        Assert.Equal(0.99, config.Integration.Polarization);
        Assert.Equal("/data/cell.mpt", config.Echem.File);
        Assert.Equal(0.95, config.Echem.X0);
        Assert.Equal(0.84, config.Echem.ActiveMass_mg);
    }

    [Fact]
    public void A_null_polarization_switches_the_correction_off_and_a_range_is_read_as_min_max()
    {
        var config = Parse(""" "integration": { "npt": 1500, "unit": "q_A^-1", "range": [1.5, 9], "polarization": null } """);
        Assert.Null(config.Integration.Polarization);
        Assert.Equal(1500, config.Integration.Npt);
        Assert.Equal(RadialUnit.QA, config.Integration.Unit);
        Assert.Equal((1.5, 9.0), config.Integration.Range);
    }

    [Theory]
    [InlineData(""" "integration": { "nptt": 100 } """, "p.json: integration: unknown key 'nptt'")]
    [InlineData(""" "maks": "m.edf" """, "p.json: unknown key 'maks'")]
    [InlineData(""" "echem": { "file": "c.mpt", "activeMass": 1 } """, "p.json: echem: unknown key 'activeMass'")]
    [InlineData(""" "integration": { "npt": "many" } """, "p.json: integration.npt: expected a whole number")]
    [InlineData(""" "integration": { "npt": -5 } """, "integration.npt: -5 bins")]
    [InlineData(""" "integration": { "range": [9, 1.5] } """, "integration.range: min 9 is not below max 1.5")]
    [InlineData(""" "integration": { "polarization": 1.5 } """, "integration.polarization: 1.5 is outside [-1, 1]")]
    [InlineData(""" "echem": { "activeMass_mg": 0 } """, "echem.activeMass_mg: 0 must be positive")]
    [InlineData(""" "name": 12 """, "p.json: name: expected a string")]
    [InlineData(""" "integration": { "nptt": 100 } """, "unknown key 'nptt'; known: npt, unit, range, split, polarization, flip")]
    [InlineData(""" "fit": { "maxIteration": 5 } """, "p.json: fit: unknown key 'maxIteration'")]
    [InlineData(""" "fit": { "maxIterations": "many" } """, "p.json: fit.maxIterations: expected a whole number")]
    [InlineData(""" "background": { "chebyshev": 30 } """, "p.json: background.chebyshev: 30 terms is outside 0..24")]
    [InlineData(""" "emergence": { "treshold": 5 } """, "p.json: emergence: unknown key 'treshold'")]
    [InlineData(""" "emergence": { "persistence": 2.5 } """, "p.json: emergence.persistence: expected a whole number")]
    [InlineData(""" "emergence": { "library": 3 } """, "p.json: emergence.library: expected a path or a list of paths")]
    [InlineData(""" "input": [ "a.h5", 3 ] """, "p.json: input: expected a string, found Number")]
    public void A_bad_file_is_refused_naming_file_and_key(string body, string expected)
    {
        var e = Assert.Throws<PipelineConfigException>(() => Parse(body));
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_emergence_section_is_typed_with_its_defaults_and_paths()
    {
        var folder = Directory.CreateTempSubdirectory("oxrd-emergence-config-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(folder, "Ni3S4.cif"), "data_x\n");
            var config = PipelineConfig.Parse("{" + Phases + """, "emergence": { "threshold": 4, "persistence": 3, "library": ".", "candidates": "Ni3S4.cif" } }""",
                Path.Combine(folder, "p.json"), folder);
            var defaults = new Fitting.Emergence.EmergenceOptions();
            Assert.True(config.Emergence.Enabled);
            Assert.Equal(4, config.Emergence.Options.Threshold);
            Assert.Equal(Math.Min(defaults.CompanionThreshold, 4), config.Emergence.Options.CompanionThreshold);
            Assert.Equal(3, config.Emergence.Options.Persistence);
            Assert.Equal(defaults.MaxStrain, config.Emergence.Options.MaxStrain);
            Assert.Equal([folder], config.Emergence.Library);
            Assert.Equal([Path.Combine(folder, "Ni3S4.cif")], config.Emergence.Candidates);
        }
        finally
        {
            Directory.Delete(folder, true);
        }
    }

    [Fact]
    public void Emergence_auto_add_is_off_unless_the_pipeline_asks_and_must_be_true_or_false()
    {
        var library = System.Text.Json.JsonSerializer.Serialize(Path.GetTempPath());
        Assert.False(Parse("").Emergence.AutoAdd);
        Assert.False(Parse($$""" "emergence": { "library": {{library}} } """).Emergence.AutoAdd);
        Assert.True(Parse($$""" "emergence": { "library": {{library}}, "autoAdd": true } """).Emergence.AutoAdd);
        var e = Assert.Throws<PipelineConfigException>(() => Parse($$""" "emergence": { "library": {{library}}, "autoAdd": "yes" } """));
        Assert.Contains("p.json: emergence.autoAdd: expected", e.Message, StringComparison.Ordinal);
    }
}
