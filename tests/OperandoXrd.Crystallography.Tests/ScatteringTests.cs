using System.Globalization;
using OperandoXrd.Crystallography.Cif;
using OperandoXrd.Crystallography.Scattering;

namespace OperandoXrd.Crystallography.Tests;

public class ScatteringTests
{
    private static double D(string s) => double.Parse(s, CultureInfo.InvariantCulture);

    [Fact]
    public void Neutral_form_factors_match_gemmi_IT92_evaluation()
    {
        // Reference/form_factors.tsv column 3: gemmi 0.5.7 Element.it92.calculate_sf (same ITC 1992 table, their code).
        var rows = RepoPaths.ReadTsv("form_factors.tsv").Where(r => !double.IsNaN(D(r[2]))).ToList();
        Assert.True(rows.Count >= 80);
        foreach (var r in rows)
        {
            var f = FormFactorTable.Get(r[0]).Evaluate(D(r[1]));
            Assert.True(Math.Abs(f - D(r[2])) < 2e-4, $"{r[0]} at s={r[1]}: {f} vs gemmi {r[2]}");
        }
    }

    [Fact]
    public void Atoms_and_ions_agree_with_the_independent_Waasmaier_Kirfel_fit()
    {
        // Column 4: Waasmaier & Kirfel (1995) five-Gaussian fit to the same Hartree–Fock tables, evaluated by
        // periodictable 1.6. Two fits of one table agree to a few 0.01 e below s = 1.5 Å⁻¹ (H differs more: its WK
        // entry is fitted to a different reference, so it is left out).
        foreach (var r in RepoPaths.ReadTsv("form_factors.tsv").Where(r => r[0] != "H"))
        {
            var f = FormFactorTable.Get(r[0]).Evaluate(D(r[1]));
            Assert.True(Math.Abs(f - D(r[3])) < 0.03, $"{r[0]} at s={r[1]}: {f} vs WK {r[3]}");
        }
    }

    [Fact]
    public void Every_table_entry_counts_its_electrons_at_zero_angle()
    {
        // f0(0) = Σa + c must be Z − charge; ITC's fits honour it to ~0.1 %.
        var n = 0;
        foreach (var f in FormFactorTable.All)
        {
            var expected = f.Z - f.Charge;
            Assert.True(Math.Abs(f.Evaluate(0) - expected) <= 0.002 * f.Z + 0.01, $"{f.Symbol}: f(0) = {f.Evaluate(0)}, expected {expected}");
            n++;
        }

        Assert.True(n > 200, $"{n} entries");
    }

    [Theory]
    [InlineData("Ni3+", "Ni3+")]
    [InlineData("Ni+3", "Ni3+")]
    [InlineData("Li1+", "Li1+")]
    [InlineData("Li+", "Li1+")]
    [InlineData("Cl-", "Cl1-")]
    [InlineData("O2-", "O1-")]
    [InlineData("S2-", "S")]
    [InlineData("Ni1", "Ni")]
    [InlineData("ni", "Ni")]
    public void Type_symbols_resolve_to_table_entries(string type, string symbol)
    {
        Assert.Equal(symbol, FormFactorTable.Get(type).Symbol);
    }

    [Fact]
    public void Unknown_types_are_named()
    {
        var e = Assert.Throws<KeyNotFoundException>(() => FormFactorTable.Get("Xx"));
        Assert.Contains("Xx", e.Message, StringComparison.Ordinal);
        Assert.False(FormFactorTable.TryGet("Ni7+", out _));
    }

    private const string Si = """
        data_Si
        _cell_length_a 5.43102
        _cell_length_b 5.43102
        _cell_length_c 5.43102
        _cell_angle_alpha 90
        _cell_angle_beta 90
        _cell_angle_gamma 90
        _symmetry_space_group_name_H-M 'F d -3 m :2'
        loop_
        _atom_site_label
        _atom_site_type_symbol
        _atom_site_fract_x
        _atom_site_fract_y
        _atom_site_fract_z
        _atom_site_U_iso_or_equiv
        Si1 Si 0.125 0.125 0.125 0.005866
        """;

    private const string NaCl = """
        data_NaCl
        _cell_length_a 5.6402
        _cell_length_b 5.6402
        _cell_length_c 5.6402
        _cell_angle_alpha 90
        _cell_angle_beta 90
        _cell_angle_gamma 90
        _symmetry_space_group_name_H-M 'F m -3 m'
        loop_
        _atom_site_label
        _atom_site_type_symbol
        _atom_site_fract_x
        _atom_site_fract_y
        _atom_site_fract_z
        _atom_site_U_iso_or_equiv
        Na1 Na 0 0 0 0.0200
        Cl1 Cl 0.5 0.5 0.5 0.0150
        """;

    [Fact]
    public void Structure_factors_of_Si_and_NaCl_match_two_independent_calculations()
    {
        // Reference/structure_factors.tsv: |F| from gemmi's StructureFactorCalculatorX (ITC 1992 coefficients) and a
        // direct sum with Waasmaier–Kirfel form factors (periodictable), same structures as above.
        var calculators = new Dictionary<string, StructureFactorCalculator>(StringComparer.Ordinal)
        {
            ["Si"] = new(CifPhaseReader.Parse(Si, "Si.cif")),
            ["NaCl"] = new(CifPhaseReader.Parse(NaCl, "NaCl.cif")),
        };
        Assert.Equal(8, calculators["Si"].Atoms.Count);
        Assert.Equal(8, calculators["NaCl"].Atoms.Count);
        foreach (var r in RepoPaths.ReadTsv("structure_factors.tsv"))
        {
            var f = calculators[r[0]].StructureFactor(int.Parse(r[1], CultureInfo.InvariantCulture),
                int.Parse(r[2], CultureInfo.InvariantCulture), int.Parse(r[3], CultureInfo.InvariantCulture)).Magnitude;
            Assert.True(Math.Abs(f - D(r[4])) <= 2e-5 * Math.Max(1, D(r[4])) + 1e-6, $"{r[0]} {r[1]}{r[2]}{r[3]}: {f} vs gemmi {r[4]}");
            Assert.True(Math.Abs(f - D(r[5])) <= 2e-3 * Math.Max(1, D(r[5])), $"{r[0]} {r[1]}{r[2]}{r[3]}: {f} vs WK {r[5]}");
        }
    }

    [Fact]
    public void Si_and_NaCl_follow_the_textbook_closed_forms()
    {
        var si = new StructureFactorCalculator(CifPhaseReader.Parse(Si, "Si.cif"));
        var fSi = FormFactorTable.Get("Si");
        double T(double b, double s) => Math.Exp(-b * s * s);
        var b = 8 * Math.PI * Math.PI * 0.005866;
        // Diamond: |F(111)| = 4√2 f T, |F(220)| = 8 f T, F(200) = F(222) = 0.
        var s111 = 0.5 * Math.Sqrt(3) / 5.43102;
        Assert.Equal(4 * Math.Sqrt(2) * fSi.Evaluate(s111) * T(b, s111), si.StructureFactor(1, 1, 1).Magnitude, 10);
        var s220 = 0.5 * Math.Sqrt(8) / 5.43102;
        Assert.Equal(8 * fSi.Evaluate(s220) * T(b, s220), si.StructureFactor(2, 2, 0).Magnitude, 10);
        Assert.Equal(0, si.StructureFactor(2, 0, 0).Magnitude, 10);
        Assert.Equal(0, si.StructureFactor(2, 2, 2).Magnitude, 10);
        // Rock salt: F(odd) = 4(f_Na T_Na − f_Cl T_Cl), F(even) = 4(f_Na T_Na + f_Cl T_Cl).
        var nacl = new StructureFactorCalculator(CifPhaseReader.Parse(NaCl, "NaCl.cif"));
        double bNa = 8 * Math.PI * Math.PI * 0.02, bCl = 8 * Math.PI * Math.PI * 0.015;
        var s200 = 0.5 * 2 / 5.6402;
        var na = FormFactorTable.Get("Na").Evaluate(s200) * T(bNa, s200);
        var cl = FormFactorTable.Get("Cl").Evaluate(s200) * T(bCl, s200);
        Assert.Equal(4 * (na + cl), nacl.StructureFactor(2, 0, 0).Real, 10);
        var s111n = 0.5 * Math.Sqrt(3) / 5.6402;
        na = FormFactorTable.Get("Na").Evaluate(s111n) * T(bNa, s111n);
        cl = FormFactorTable.Get("Cl").Evaluate(s111n) * T(bCl, s111n);
        Assert.Equal(4 * (na - cl), nacl.StructureFactor(1, 1, 1).Real, 10);
    }

    [Fact]
    public void Lorentz_polarization_has_its_closed_forms()
    {
        // 2θ = 90°: cos 2θ = 0 → unpolarized 1/2; fully polarized at χ = 0 → cos²2θ = 0; at χ = 90° → 1.
        Assert.Equal(0.5, LorentzPolarization.Polarization(90, PolarizationModel.Unpolarized), 14);
        Assert.Equal(0.0, LorentzPolarization.Polarization(90, PolarizationModel.Synchrotron, 1.0, 0), 14);
        Assert.Equal(1.0, LorentzPolarization.Polarization(90, PolarizationModel.Synchrotron, 1.0, 90), 14);
        Assert.Equal(1.0, LorentzPolarization.Polarization(37, PolarizationModel.None), 14);
        // The ring average of the synchrotron factor over χ is the unpolarized factor.
        var avg = Enumerable.Range(0, 360).Average(chi => LorentzPolarization.Polarization(30, PolarizationModel.Synchrotron, 0.99, chi));
        Assert.Equal(LorentzPolarization.Polarization(30, PolarizationModel.Unpolarized), avg, 12);
        // Lorentz 1/(sin²θ cosθ) at 2θ = 60°: 1/(0.25·cos30°).
        Assert.Equal(1 / (0.25 * Math.Cos(Math.PI / 6)), LorentzPolarization.Lorentz(60), 12);
    }
}
