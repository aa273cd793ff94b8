using OperandoXrd.Fitting.Configuration;
using OperandoXrd.Fitting.Peek;

namespace OperandoXrd.Fitting.Tests.Peek;

public class PeekModelTests
{
    [Fact]
    public void Empty_cell_peaks_are_found_and_fitted_back_to_the_simulated_truth()
    {
        var truth = TestData.Peek();
        var x = TestData.Grid(1.5, 11.5, 3334);
        var clean = new double[x.Length];
        truth.AddTo(x, clean);
        var (y, sigma) = OperandoSimulation.Noisy(clean, new Random(3));

        var model = PeekModel.FitFromPattern(x, y, sigma, peakCount: 12);

        Assert.True(model.Peaks.Count == 12, "found " + string.Join(", ", model.Peaks.Select(p => $"{p.Position:F4}/{p.Area:F1}")));
        // Each true peak is found where it is; areas and widths to what the noise allows (weak peaks, with a few
        // hundred counts on a 400-count floor, trade Gaussian for Lorentzian width and carry 20–30 % area esds).
        foreach (var expected in truth.Peaks)
        {
            var found = model.Peaks.MinBy(p => Math.Abs(p.Position - expected.Position));
            var strong = expected.Area >= 12;
            // Position esd ≈ FWHM / (2.35 · area/σ_area): ~1e-4° for the strong peaks, ~3e-3° for the weakest.
            var fwhm = PeekModel.ShapeOf(found, found.Position).Fwhm;
            var fwhmTruth = PeekModel.ShapeOf(expected, expected.Position).Fwhm;
            Assert.True(Math.Abs(found.Position - expected.Position) < (strong ? 1e-3 : 0.15 * fwhmTruth), $"peak at {expected.Position:F4}: found {found.Position:F4}");
            Assert.True(Math.Abs(found.Area - expected.Area) < (strong ? 0.08 : 0.4) * expected.Area, $"peak at {expected.Position:F4}: area {found.Area:F2} vs {expected.Area:F2}");
            Assert.True(Math.Abs(fwhm - fwhmTruth) < (strong ? 0.1 : 0.3) * fwhmTruth, $"peak at {expected.Position:F4}: FWHM {fwhm:F4} vs {fwhmTruth:F4}");
        }

        // As a whole the model reproduces the noise-free pattern to well within the noise.
        var fitted = new double[x.Length];
        model.AddTo(x, fitted);
        var rms = Math.Sqrt(Enumerable.Range(0, x.Length).Average(i => Math.Pow((fitted[i] - clean[i]) / sigma[i], 2)));
        Assert.True(rms < 0.3, $"model vs truth: rms {rms:F3} σ");

        // The smooth hump: model background within 2 % of the truth everywhere in the range.
        for (var i = 0; i < x.Length; i += 50)
        {
            Assert.True(Math.Abs(model.BackgroundAt(x[i]) - truth.BackgroundAt(x[i])) < 0.02 * truth.BackgroundAt(x[i]) + 5, $"background at {x[i]:F3}");
        }
    }

    [Fact]
    public void Save_and_load_round_trip_exactly()
    {
        var model = TestData.Peek();
        var path = Path.Combine(Path.GetTempPath(), $"oxrd-peek-{Guid.NewGuid():N}.json");
        try
        {
            model.Save(path);
            var text = File.ReadAllText(path);
            Assert.Contains("\"format\": \"oxrd-peek-model\"", text, StringComparison.Ordinal);
            var back = PeekModel.Load(path);
            Assert.Equal(model.Peaks, back.Peaks);
            Assert.Equal(model.Background, back.Background);
            Assert.Equal(model.RangeMin, back.RangeMin);
            Assert.Equal(model.RangeMax, back.RangeMax);
            Assert.Equal(model.Wavelength, back.Wavelength);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_file_that_is_not_a_peek_model_is_refused_with_its_name()
    {
        var path = Path.Combine(Path.GetTempPath(), $"oxrd-peek-{Guid.NewGuid():N}.json");
        try
        {
            File.WriteAllText(path, """{ "format": "something-else", "peaks": [] }""");
            var e = Assert.Throws<FitConfigurationException>(() => PeekModel.Load(path));
            Assert.Contains(path, e.Message, StringComparison.Ordinal);
            Assert.Contains("format", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void An_empty_pattern_is_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => PeekModel.FitFromPattern([], [], []));
        Assert.Contains("no points", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Pure_noise_has_no_peaks_to_model()
    {
        var x = TestData.Grid(2, 11, 1000);
        var (y, s) = OperandoSimulation.Noisy(x.Select(_ => 500.0).ToArray(), new Random(1));
        var e = Assert.Throws<ArgumentException>(() => PeekModel.FitFromPattern(x, y, s));
        Assert.Contains("No peak", e.Message, StringComparison.Ordinal);
    }
}
