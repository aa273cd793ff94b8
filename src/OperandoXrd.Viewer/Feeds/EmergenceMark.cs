using System.Globalization;
using OperandoXrd.Fitting.Emergence;

namespace OperandoXrd.Viewer.Feeds;

/// <summary>
/// One emergence event (issue 17) as the viewer shows it: the row of <c>emergence.csv</c> and where its peaks fall on
/// the run's radial axis (empty when the feed cannot say). The contour marks the event's first frame and those
/// positions; the header carries <see cref="StatusLine"/>.
/// </summary>
public sealed record EmergenceMark(EmergenceRow Row, IReadOnlyList<double> Radial)
{
    /// <summary>"Ni3S4 emerging since frame 61, score 0.83"; for unindexed peaks their d-spacings.</summary>
    public string StatusLine => string.Equals(Row.Phase, EmergenceEvent.Unindexed, StringComparison.Ordinal)
        ? string.Create(CultureInfo.InvariantCulture, $"unindexed peaks since frame {Row.FirstFrame} (d {string.Join(", ", Row.PeaksD.Select(d => d.ToString("F3", CultureInfo.InvariantCulture)))} Å)")
        : string.Create(CultureInfo.InvariantCulture, $"{Row.Phase} emerging since frame {Row.FirstFrame}, score {Row.Score:F2}");

    /// <summary>
    /// Peak positions from d-spacings on a q axis (q = 2π/d); on a 2θ axis the caller gives the observed 2θ (a d alone
    /// needs the wavelength). Empty for other units.
    /// </summary>
    public static IReadOnlyList<double> OnQAxis(IReadOnlyList<double> d, string unit) => unit switch
    {
        "q_A^-1" => [.. d.Select(x => 2 * Math.PI / x)],
        "q_nm^-1" => [.. d.Select(x => 20 * Math.PI / x)],
        _ => [],
    };
}
