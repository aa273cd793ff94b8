using System.Numerics;
using OperandoXrd.Crystallography.Phases;

namespace OperandoXrd.Crystallography.Scattering;

/// <summary>An atom of the full unit cell after applying the space-group operators to a site.</summary>
public readonly record struct CellAtom(string Label, FormFactor FormFactor, double X, double Y, double Z, double Occupancy, double BIso);

/// <summary>
/// X-ray structure factors F(hkl) = Σ_j occ_j f0_j(s) exp(−B_j s²) exp(2πi h·x_j) over every atom of the unit cell,
/// s = sinθ/λ = 1/(2d). The sites are expanded once with the space-group operators; a site on a special position
/// yields fewer distinct atoms, so its occupancy is not double-counted. Anomalous dispersion (f′, f″) is neglected:
/// at ~50 keV it is below 1 % of f0 for every element in our phases except In (≈ 2 %).
/// </summary>
public sealed class StructureFactorCalculator
{
    private readonly CrystalPhase _phase;
    private readonly CellAtom[] _atoms;

    public StructureFactorCalculator(CrystalPhase phase)
    {
        ArgumentNullException.ThrowIfNull(phase);
        _phase = phase;
        _atoms = Expand(phase);
    }

    /// <summary>Every atom of the unit cell.</summary>
    public IReadOnlyList<CellAtom> Atoms => _atoms;

    /// <summary>F(hkl) in electrons for the phase's cell.</summary>
    public Complex StructureFactor(int h, int k, int l)
    {
        var s = 0.5 / _phase.Cell.D(h, k, l);
        var s2 = s * s;
        double re = 0, im = 0;
        foreach (var atom in _atoms)
        {
            var amplitude = atom.Occupancy * atom.FormFactor.Evaluate(s) * Math.Exp(-atom.BIso * s2);
            var phase = 2 * Math.PI * (h * atom.X + k * atom.Y + l * atom.Z);
            re += amplitude * Math.Cos(phase);
            im += amplitude * Math.Sin(phase);
        }

        return new Complex(re, im);
    }

    /// <summary>|F(hkl)|².</summary>
    public double IntensitySquared(int h, int k, int l)
    {
        var f = StructureFactor(h, k, l);
        return f.Real * f.Real + f.Imaginary * f.Imaginary;
    }

    /// <summary>Number of atoms in the unit cell weighted by occupancy, per type symbol (checks a CIF's stoichiometry).</summary>
    public IReadOnlyDictionary<string, double> CellContents()
    {
        var d = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var atom in _atoms)
        {
            d[atom.FormFactor.Symbol] = d.GetValueOrDefault(atom.FormFactor.Symbol) + atom.Occupancy;
        }

        return d;
    }

    private static CellAtom[] Expand(CrystalPhase phase)
    {
        var result = new List<CellAtom>();
        foreach (var site in phase.Atoms)
        {
            if (!FormFactorTable.TryGet(site.TypeSymbol, out var ff))
            {
                throw new KeyNotFoundException($"{phase.Source ?? phase.Name}: atom {site.Label}: no X-ray form factor for type '{site.TypeSymbol}'");
            }

            var positions = new List<(double X, double Y, double Z)>();
            foreach (var op in phase.SpaceGroup.Operators)
            {
                var p = op.Apply(site.X, site.Y, site.Z);
                p = (Wrap(p.X), Wrap(p.Y), Wrap(p.Z));
                if (!positions.Exists(q => Same(q.X, p.X) && Same(q.Y, p.Y) && Same(q.Z, p.Z)))
                {
                    positions.Add(p);
                }
            }

            foreach (var p in positions)
            {
                result.Add(new CellAtom(site.Label, ff, p.X, p.Y, p.Z, site.Occupancy, site.BIso));
            }
        }

        return [.. result];
    }

    private static double Wrap(double v)
    {
        v -= Math.Floor(v);
        return v >= 1 - 1e-9 ? 0 : v;
    }

    // Periodic comparison with a tolerance loose enough for CIF coordinates written with 4 decimals.
    private static bool Same(double a, double b)
    {
        var d = Math.Abs(a - b);
        return Math.Min(d, 1 - d) < 2e-4;
    }
}
