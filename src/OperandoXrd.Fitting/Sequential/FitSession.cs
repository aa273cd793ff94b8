using System.Globalization;
using OperandoXrd.Crystallography.Profiles;
using OperandoXrd.Fitting.Configuration;
using OperandoXrd.Fitting.Model;
using OperandoXrd.Fitting.Model.Instrument;
using OperandoXrd.Fitting.Peek;

namespace OperandoXrd.Fitting.Sequential;

/// <summary>
/// Builds a <see cref="SequentialFitter"/> from the pipeline configuration and the patterns' grid, checking every
/// input before the first frame is fitted: CIFs load, refine names exist for each lattice system, each phase has
/// reflections in the fit range, the pattern is not empty and covers the range.
/// </summary>
public static class FitSession
{
    /// <summary>Default start widths when the pipeline gives none: FWHM ≈ 0.025° at BM31 with a Pilatus2M.</summary>
    public static TchParameters DefaultProfile { get; } = new(0, 0, 0.0005, 0, 0.005);

    /// <param name="configuration">Phases and fit settings.</param>
    /// <param name="twoTheta">The patterns' radial grid, 2θ degrees, ascending.</param>
    /// <param name="wavelength">Å.</param>
    /// <param name="peek">PEEK model, or null to load <see cref="FitSettings.PeekModel"/> (if any).</param>
    /// <param name="profiles">Start TCH parameters per phase; null for each phase's "profile" or else <see cref="DefaultProfile"/>.</param>
    /// <param name="instrument">Instrument function convolved with every reflection (from the integrator's geometry), or
    /// null for the bare TCH.</param>
    /// <exception cref="FitConfigurationException">Anything wrong with the inputs; the message says what and where.</exception>
    public static SequentialFitter Create(FitConfiguration configuration, ReadOnlySpan<double> twoTheta, double wavelength, PeekModel? peek = null,
        IReadOnlyList<TchParameters>? profiles = null, InstrumentFunction? instrument = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var settings = configuration.Fit;
        if (twoTheta.Length == 0)
        {
            throw new FitConfigurationException("The pattern is empty (no radial points).");
        }

        if (!(wavelength > 0) || !double.IsFinite(wavelength))
        {
            throw new FitConfigurationException(string.Create(CultureInfo.InvariantCulture, $"Wavelength {wavelength} Å is not usable."));
        }

        var first = 0;
        while (first < twoTheta.Length && twoTheta[first] < settings.RangeMin)
        {
            first++;
        }

        var end = first;
        while (end < twoTheta.Length && twoTheta[end] <= settings.RangeMax)
        {
            end++;
        }

        if (end - first < 10)
        {
            throw new FitConfigurationException(string.Create(CultureInfo.InvariantCulture,
                $"Only {end - first} pattern points lie in the fit range {settings.RangeMin}–{settings.RangeMax}° 2θ (the pattern covers {twoTheta[0]:0.###}–{twoTheta[^1]:0.###}°)."));
        }

        var phases = configuration.Phases.Select(PhaseDefinition.Load).ToList();
        if (peek is null && settings.PeekModel is not null)
        {
            peek = PeekModel.Load(settings.PeekModel);
        }

        // The calibrant's measured TCH widths (instrument.json) are the floor of every phase's widths; the instrument
        // function (pixel footprint, splitting, bin) is convolved on top of them when the pipeline asks for it.
        var instrumentProfile = configuration.Instrument;
        var starts = profiles ?? configuration.Phases.Select(p => instrumentProfile?.Combine(p.Profile) ?? p.Profile ?? DefaultProfile).ToList();
        var model = new WholePatternModel(twoTheta[first..end], phases, starts, new WholePatternOptions
        {
            Wavelength = wavelength,
            Mode = settings.Mode,
            ChebyshevTerms = settings.ChebyshevTerms,
            Peek = peek,
            Instrument = instrument,
        });
        instrumentProfile?.Constrain(model);
        return new SequentialFitter(model, settings, first, twoTheta.Length);
    }
}
