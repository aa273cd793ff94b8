using System.Globalization;
using System.Runtime.CompilerServices;
using OperandoXrd.Crystallography.Profiles;
using OperandoXrd.Crystallography.Symmetry;
using OperandoXrd.Fitting.Configuration;
using OperandoXrd.Fitting.Model.Instrument;
using OperandoXrd.Fitting.Parameters;

namespace OperandoXrd.Fitting.Model;

/// <summary>One phase's slice of the parameter vector and its peak groups.</summary>
internal sealed class PhaseBlock
{
    private const double Deg = Math.PI / 180;

    /// <param name="index">The phase's position in the model (its parameters are laid out under it).</param>
    public PhaseBlock(int index, PhaseDefinition definition, TchParameters profile, WholePatternOptions options, double[] grid, ParameterSet set, ParameterLayout layout, InstrumentTaps? binTaps = null)
    {
        double min = grid[0], max = grid[^1];
        Definition = definition;
        var rietveld = options.Mode == FitMode.Rietveld;
        // Reflections up to 1° beyond the range: their 15-FWHM windows (~0.4°) reach in, and a cell that shrinks
        // by a few % during the run brings more in; the hkl list is fixed for the run.
        // Structure intensities always (when the CIF has atoms): Rietveld uses them, Pawley and Le Bail start from them.
        Groups = definition.PeakGroups(options.Wavelength, Math.Max(min - 1.0, 0.05), max + 1.0, withStructureFactors: true);
        var inside = Groups.Count(g => Bragg2Theta(g, definition, options.Wavelength) is var t && t >= min && t <= max);
        if (inside == 0)
        {
            throw new FitConfigurationException(
                string.Create(CultureInfo.InvariantCulture, $"phase '{definition.Name}': none of its reflections falls inside the fit range {min:0.###}–{max:0.###}° 2θ at λ = {options.Wavelength:0.######} Å."));
        }

        if (rietveld && Groups.All(g => g.StructureIntensity == 0))
        {
            throw new FitConfigurationException($"phase '{definition.Name}': Rietveld mode needs atoms in the CIF, which has none.");
        }

        // The instrument function of each reflection at its start position: the footprint and parallax change by far
        // less than the kernel's accuracy over the few tenths of a degree a peak moves in a run. With the integrator's
        // per-bin responses every reflection shares one kernel that follows the bins.
        Taps = new InstrumentTaps[Groups.Length];
        for (var g = 0; g < Groups.Length; g++)
        {
            var t = Bragg2Theta(Groups[g], definition, options.Wavelength);
            Taps[g] = double.IsNaN(t) ? InstrumentTaps.Identity : binTaps ?? InstrumentKernel.Taps(options.Instrument, t, LocalStep(grid, t));
        }

        var name = definition.Name;
        Scale = layout.Add(set, ParameterRole.Scale, index, 0, $"{name}:scale", 1, lower: 0);
        var system = definition.LatticeSystem;
        CellCount = system.ParameterCount;
        Span<double> pCell = stackalloc double[6];
        system.Reduce(definition.Phase.Cell.ToA(), pCell);
        var largest = 0.0;
        for (var j = 0; j < CellCount; j++)
        {
            largest = Math.Max(largest, Math.Abs(pCell[j]));
        }

        Cell = set.Count;
        for (var j = 0; j < CellCount; j++)
        {
            // ±8 % on an A-term is ±4 % on a length: far beyond any operando change, near enough to stop a
            // runaway fit before the reflection list stops making sense.
            var span = 0.08 * Math.Max(Math.Abs(pCell[j]), 0.1 * largest);
            layout.Add(set, ParameterRole.Cell, index, j, $"{name}:{ATermName(system, j)}", pCell[j], lower: pCell[j] - span, upper: pCell[j] + span);
        }

        // U (strain, ∝ ε²), W, X, Y, Z are non-negative physically; only V may go negative. Without the floor
        // U and X trade off freely at our small tanθ (≤ 0.1) and can drive H_G² below zero at high angle.
        Width = set.Count;
        ReadOnlySpan<double> start = [profile.U, profile.V, profile.W, profile.X, profile.Y, profile.Z];
        foreach (var t in Enum.GetValues<TchWidth>())
        {
            layout.Add(set, ParameterRole.Width, index, (int)t, $"{name}:{t}", start[(int)t], lower: t == TchWidth.V ? double.NegativeInfinity : 0);
        }
        Intensity = -1;
        if (!rietveld)
        {
            Intensity = set.Count;
            for (var g = 0; g < Groups.Length; g++)
            {
                layout.Add(set, ParameterRole.Intensity, index, g, $"{name}:I({Groups[g].Label})", Groups[g].StructureIntensity > 0 ? Groups[g].StructureIntensity : Groups[g].Multiplicity, lower: 0);
            }
        }
    }

    public PhaseDefinition Definition { get; }

    public PeakGroup[] Groups { get; }

    public int Scale { get; }

    public int Cell { get; }

    public int CellCount { get; }

    public int Width { get; }

    public int Intensity { get; }

    public double InverseDSquared(int g, ReadOnlySpan<double> p)
    {
        var c = Groups[g].Coefficients;
        var s = 0.0;
        for (var j = 0; j < c.Length; j++)
        {
            s += c[j] * p[Cell + j];
        }

        return s;
    }

    /// <summary>Instrument-function taps of each peak group.</summary>
    public InstrumentTaps[] Taps { get; }

    /// <summary>Observed position of group g; NaN if unreachable. Also 2θ_calc, d(pos)/d(1/d²) and d(pos)/d(displacement).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double Position(int g, ReadOnlySpan<double> p, double lambda, double zero, double displacement, out double twoTheta, out double dPosDs, out double dPosDDisplacement)
    {
        var s = InverseDSquared(g, p);
        var sinTheta = lambda * Math.Sqrt(s) / 2;
        if (!(s > 0) || sinTheta >= 1)
        {
            twoTheta = dPosDs = dPosDDisplacement = double.NaN;
            return double.NaN;
        }

        var theta = Math.Asin(sinTheta);
        twoTheta = 2 * theta / Deg;
        // A flat detector normal to the beam, the sample moved s = δ·D towards it: a ray at 2θ lands at radius
        // (D − s)·tan2θ, which the calibrated geometry reads as atan((1 − δ)·tan2θ) (docs/instrument-profile.md).
        var tan2t = Math.Tan(2 * theta);
        var q = (1 - displacement) * tan2t;
        var denominator = 1 + (q * q);
        // d2θ/ds = 2·(180/π)·λ/(4√s cosθ); dpos/d2θ = (1 − δ)·sec²2θ/(1 + q²); dpos/dδ = −tan2θ/(1 + q²) (rad → deg).
        var d2tDs = 2 / Deg * lambda / (4 * Math.Sqrt(s) * Math.Cos(theta));
        dPosDs = d2tDs * (1 - displacement) * (1 + (tan2t * tan2t)) / denominator;
        dPosDDisplacement = -tan2t / denominator / Deg;
        return (displacement == 0 ? twoTheta : Math.Atan(q) / Deg) + zero;
    }

    // The grid's step at 2θ (the integration bin width there), the edge steps beyond the grid.
    private static double LocalStep(double[] grid, double twoTheta)
    {
        var i = Array.BinarySearch(grid, twoTheta);
        i = Math.Clamp(i < 0 ? ~i : i, 1, grid.Length - 1);
        return grid[i] - grid[i - 1];
    }

    private static double Bragg2Theta(PeakGroup g, PhaseDefinition definition, double lambda)
    {
        Span<double> p = stackalloc double[6];
        definition.LatticeSystem.Reduce(definition.Phase.Cell.ToA(), p);
        var s = 0.0;
        for (var j = 0; j < g.Coefficients.Length; j++)
        {
            s += g.Coefficients[j] * p[j];
        }

        var sinTheta = lambda * Math.Sqrt(s) / 2;
        return s > 0 && sinTheta < 1 ? 2 * Math.Asin(sinTheta) / Deg : double.NaN;
    }

    // The name of the first A-term carried by independent parameter j (A0..A5 in GSAS-II's numbering).
    private static string ATermName(LatticeSystem system, int j)
    {
        for (var i = 0; i < 6; i++)
        {
            if (system.ConstraintMatrix(i, j) != 0)
            {
                return "A" + i.ToString(CultureInfo.InvariantCulture);
            }
        }

        return "p" + j.ToString(CultureInfo.InvariantCulture);
    }
}
