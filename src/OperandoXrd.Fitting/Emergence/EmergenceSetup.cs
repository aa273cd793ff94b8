using OperandoXrd.Crystallography.Profiles;
using OperandoXrd.Fitting.Model;

namespace OperandoXrd.Fitting.Emergence;

/// <summary>What the detector takes from the fitted model once the reference frame is fitted.</summary>
public static class EmergenceSetup
{
    /// <summary>
    /// The width a new peak is expected to have: the median over the refined phases of their fitted FWHM in the middle
    /// of the fit range (degrees). A new phase's crystallites may be broader; the matched filter then loses a little
    /// sensitivity, no more.
    /// </summary>
    public static double TypicalFwhm(WholePatternModel model, ReadOnlySpan<double> values)
    {
        ArgumentNullException.ThrowIfNull(model);
        var x = model.X;
        var middle = 0.5 * (x[0] + x[^1]);
        var widths = new List<double>();
        for (var p = 0; p < model.PhaseCount; p++)
        {
            var w = model.WidthIndex(p);
            var shape = TchPseudoVoigt.Shape(new TchParameters(values[w], values[w + 1], values[w + 2], values[w + 3], values[w + 4], values[w + 5]), middle);
            if (shape.Fwhm > 0 && double.IsFinite(shape.Fwhm))
            {
                widths.Add(shape.Fwhm);
            }
        }

        if (widths.Count == 0)
        {
            return 10 * (x[^1] - x[0]) / (x.Length - 1);
        }

        widths.Sort();
        return widths[widths.Count / 2];
    }
}
