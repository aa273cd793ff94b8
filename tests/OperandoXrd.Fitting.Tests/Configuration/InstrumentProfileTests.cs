using OperandoXrd.Crystallography.Profiles;
using OperandoXrd.Fitting.Configuration;
using OperandoXrd.Fitting.Sequential;

namespace OperandoXrd.Fitting.Tests.Configuration;

/// <summary>A pipeline's <c>"instrument": "FILE"</c>: read with the fit configuration, added to every phase's start
/// widths and held as floors in every frame's fit.</summary>
public sealed class InstrumentProfileTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "oxrd-instrument-" + Guid.NewGuid().ToString("N"));

    public InstrumentProfileTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Pipeline(string instrumentKey) =>
        $$"""{ {{instrumentKey}} "phases": [ { "name": "NCA", "cif": "{{TestData.Cif("NCA")}}", "refine": ["cell", "scale", "U", "W", "X", "Y"], "profile": { "W": 0.0002, "Y": 0.003 } } ], "fit": { "range": [2, 11] } }""";

    [Fact]
    public void Pipeline_instrument_sets_start_widths_and_floors()
    {
        var instrument = new InstrumentProfile { Profile = new TchParameters(0.001, -0.0002, 0.0003, 0.002, 0.004), Esd = [1e-5, 1e-5, 1e-6, 1e-4, 1e-4, 0], Calibrant = "LaB6" };
        instrument.Save(Path.Combine(_folder, "instrument.json"));
        var config = FitConfiguration.Parse(Pipeline("\"instrument\": \"instrument.json\","), "p.json", _folder);
        Assert.NotNull(config.Instrument);
        Assert.Equal(instrument.Profile, config.Instrument!.Profile);

        var grid = TestData.Grid(2, 11, 1500);
        var fitter = FitSession.Create(config, grid, 0.24486, TestData.Peek());
        var model = fitter.Model;
        var w = model.WidthIndex(0);
        var p = model.Parameters;
        // Start: instrument + the phase's own profile.
        Assert.Equal(0.001, p[w], 12);
        Assert.Equal(0.0005, p[w + 2], 12);
        Assert.Equal(0.007, p[w + 4], 12);
        // Floors at the instrument's terms; V pinned.
        Assert.Equal(0.001, p.Lower[w], 12);
        Assert.Equal(0.0003, p.Lower[w + 2], 12);
        Assert.Equal(0.002, p.Lower[w + 3], 12);
        Assert.Equal(0.004, p.Lower[w + 4], 12);
        Assert.Equal(p.Lower[w + 1], p.Upper[w + 1]);

        // Without the key nothing changes.
        var plain = FitSession.Create(FitConfiguration.Parse(Pipeline(""), "p.json", _folder), grid, 0.24486, TestData.Peek()).Model;
        Assert.Equal(0.0002, plain.Parameters[plain.WidthIndex(0) + 2], 12);
        Assert.Equal(0, plain.Parameters.Lower[plain.WidthIndex(0) + 2]);
    }

    [Theory]
    [InlineData("""{ "format": "something-else", "version": 1, "profile": {} }""", "not an instrument file")]
    [InlineData("""{ "format": "oxrd-instrument", "version": 2, "profile": {} }""", "version 2 is newer")]
    [InlineData("""{ "format": "oxrd-instrument", "version": 1, "profile": { "U": 0, "V": 0, "W": 0, "X": 0 } }""", "profile.Y is missing")]
    [InlineData("""{ "format": "oxrd-instrument", "version": 1, "profile": { "U": 0, "V": 0, "W": "a", "X": 0, "Y": 0 } }""", "profile.W: expected a finite number")]
    public void Bad_instrument_file_names_file_and_key(string json, string expected)
    {
        var path = Path.Combine(_folder, "bad.json");
        File.WriteAllText(path, json);
        var e = Assert.Throws<FitConfigurationException>(() => FitConfiguration.Parse(Pipeline("\"instrument\": \"bad.json\","), "p.json", _folder));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_keys_are_kept_for_later_terms_and_ignored_otherwise()
    {
        var path = Path.Combine(_folder, "future.json");
        File.WriteAllText(path, """{ "format": "oxrd-instrument", "version": 1, "profile": { "U": 0.001, "V": 0, "W": 0.0003, "X": 0, "Y": 0.004 }, "terms": { "pixelFootprint_deg": 0.028 }, "parallax": { "thickness_mm": 3 } }""");
        var read = InstrumentProfile.Load(path);
        Assert.Equal(0.028, read.Terms["pixelFootprint_deg"]);
        Assert.Equal(0.0003, read.Profile.W);
    }
}
