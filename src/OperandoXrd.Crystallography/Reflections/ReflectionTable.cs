using System.Globalization;
using OperandoXrd.Crystallography.Phases;

namespace OperandoXrd.Crystallography.Reflections;

/// <summary>
/// The text table behind <c>oxrd hkl</c> (and the tick marks a viewer draws): '#' header lines, then one line per
/// symmetry-unique reflection, "h k l d 2θ multiplicity", sorted by d descending.
/// </summary>
public static class ReflectionTable
{
    /// <summary>Writes the reflections of <paramref name="phase"/> with d ≥ <paramref name="dMin"/> at wavelength λ (Å).</summary>
    public static int Write(TextWriter writer, CrystalPhase phase, double wavelength, double dMin)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(phase);
        var inv = CultureInfo.InvariantCulture;
        var cell = phase.Cell;
        var group = phase.SpaceGroup;
        var reflections = ReflectionGenerator.Generate(cell, group, dMin);
        writer.WriteLine(string.Create(inv, $"# phase {phase.Name} from {phase.Source ?? "(memory)"}"));
        writer.WriteLine(string.Create(inv,
            $"# space group {group.Symbol ?? "(from operators)"}: {group.Operators.Count} operators, {group.LatticeSystem.Kind}, centring {group.Centring}"));
        writer.WriteLine(string.Create(inv,
            $"# cell a={cell.A:F5} b={cell.B:F5} c={cell.C:F5} alpha={cell.Alpha:F4} beta={cell.Beta:F4} gamma={cell.Gamma:F4} V={cell.Volume:F3}"));
        writer.WriteLine(string.Create(inv, $"# wavelength {wavelength:F6} A, d >= {dMin:F5} A, {reflections.Length} reflections"));
        writer.WriteLine("#    h    k    l        d_A   2theta_deg  mult");
        foreach (var r in reflections)
        {
            writer.WriteLine(string.Create(inv, $"{r.H,6} {r.K,4} {r.L,4} {r.D,10:F5} {Bragg.TwoTheta(r.D, wavelength),12:F5} {r.Multiplicity,5}"));
        }

        return reflections.Length;
    }
}
