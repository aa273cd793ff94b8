using System.Globalization;

namespace OperandoXrd.Simulation.Operando;

/// <summary>
/// A phase that appears during a simulated run (<c>oxrd simulate --emerge PHASE@FRACTION[:GROWTH]</c>): from
/// <see cref="Fraction"/> of the run on, its scale grows linearly from zero and reaches full strength (its strongest
/// peak at <see cref="BeamlineDefaults.StrongestPeakCounts"/> counts per pixel) after a further <see cref="Growth"/> of
/// the run (default: at the end of the run). <see cref="Phase"/> is a CIF name in the phase folder (Ni3S4, Li3PO4, …)
/// or a path to a CIF.
/// </summary>
public sealed record EmergingPhase(string Phase, double Fraction, double? Growth = null)
{
    /// <summary>Parses PHASE@FRACTION[:GROWTH], e.g. "Ni3S4@0.6" or "Li3PO4@0.5:0.2".</summary>
    /// <exception cref="FormatException">The text names where it is wrong.</exception>
    public static EmergingPhase Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var at = text.LastIndexOf('@');
        if (at <= 0 || at == text.Length - 1)
        {
            throw new FormatException($"--emerge '{text}': expected PHASE@FRACTION[:GROWTH], e.g. Ni3S4@0.6");
        }

        var phase = text[..at];
        var rest = text[(at + 1)..].Split(':');
        if (rest.Length > 2
            || !double.TryParse(rest[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var fraction) || fraction is < 0 or >= 1)
        {
            throw new FormatException($"--emerge '{text}': FRACTION must be a number in [0, 1)");
        }

        double? growth = null;
        if (rest.Length == 2)
        {
            growth = double.TryParse(rest[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var g) && g > 0 && g <= 1
                ? g
                : throw new FormatException($"--emerge '{text}': GROWTH must be a number in (0, 1]");
        }

        return new EmergingPhase(phase, fraction, growth);
    }

    /// <summary>Its strength (0–1 of full) at run fraction t = frame / frames.</summary>
    public double StrengthAt(double t)
    {
        var growth = Growth ?? Math.Max(1 - Fraction, 1e-9);
        return t <= Fraction ? 0 : Math.Min(1, (t - Fraction) / growth);
    }

    /// <summary>The CIF: a path as given, else NAME.cif in the phase folder.</summary>
    public string CifPath(string phaseFolder) =>
        Phase.EndsWith(".cif", StringComparison.OrdinalIgnoreCase) ? Path.GetFullPath(Phase) : Path.Combine(phaseFolder, Phase + ".cif");

    /// <summary>Its name in the truth file: the CIF's file stem.</summary>
    public string Name => Path.GetFileNameWithoutExtension(Phase);
}
