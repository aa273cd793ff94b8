using System.Globalization;
using OperandoXrd.Electrochem.Logs;
using OperandoXrd.Electrochem.Model;

namespace OperandoXrd.Electrochem.Tests;

public class CellModelTests
{
    private static readonly GalvanostaticFirstCycle s_model = new();

    [Fact]
    public void Default_current_is_C_over_10_of_the_theoretical_capacity()
    {
        // 0.1 × 0.84 mg × 279 mAh/g = 0.023436 mA; F/(3.6·96.1) from the brief gives the 279.
        Assert.Equal(0.023436, s_model.Current_mA, 15);
        Assert.Equal(0.05, new GalvanostaticFirstCycle(new GalvanostaticProtocol { Current_mA = 0.05 }).Current_mA);
        Assert.Equal(0.1 * 0.84e-3 * 200, new GalvanostaticFirstCycle(new GalvanostaticProtocol { CRateReference_mAh_g = 200 }).Current_mA, 15);
    }

    [Fact]
    public void Open_circuit_curve_has_the_NCA_shape_vs_Li_In()
    {
        // Pristine: 3.62 V vs Li+/Li = 3.00 V vs Li-In (brief: steep start at 3.0–3.1 V vs Li-In).
        Assert.InRange(NcaOpenCircuit.VersusLithium(1.0) - 0.62, 3.0, 3.1);
        // Steep start: the first 2 % of delithiation raise it by more than the next 40 % per unit x.
        var start = (NcaOpenCircuit.VersusLithium(0.98) - NcaOpenCircuit.VersusLithium(1.0)) / 0.02;
        var plateau = (NcaOpenCircuit.VersusLithium(0.5) - NcaOpenCircuit.VersusLithium(0.9)) / 0.4;
        var end = (NcaOpenCircuit.VersusLithium(0.25) - NcaOpenCircuit.VersusLithium(0.3)) / 0.05;
        Assert.InRange(plateau, 0.4, 0.7);
        Assert.True(start > 4 * plateau && end > 4 * plateau, $"start {start}, plateau {plateau}, end {end} V per unit x");
        // Strictly monotonic, so the cut-off search has a single crossing.
        for (var x = 1.05; x > 0.1; x -= 0.001)
        {
            Assert.True(NcaOpenCircuit.VersusLithium(x - 0.001) > NcaOpenCircuit.VersusLithium(x));
        }
    }

    [Fact]
    public void Charge_and_discharge_end_exactly_at_their_cut_offs_with_charge_conserved()
    {
        var steps = s_model.Steps;
        Assert.Equal([CellStepKind.Rest, CellStepKind.Charge, CellStepKind.Rest, CellStepKind.Discharge, CellStepKind.Rest], steps.Select(s => s.Kind));
        CellStep charge = steps[1], discharge = steps[3];
        var capacity = 0.84e-3 * 279;

        Assert.Equal(600.0, charge.Start_s);
        // End of charge: the last instant of the charge step is at 3.58 V vs Li-In (4.2 V vs Li+/Li).
        Assert.Equal(3.58, EweAtEnd(charge), 8);
        Assert.Equal(2.5, EweAtEnd(discharge), 8);
        // x follows the charge passed: Δx = I·Δt / (3600 · m · C_theo).
        Assert.Equal(1.0 - (0.023436 * (charge.End_s - charge.Start_s) / 3600 / capacity), charge.XEnd, 12);
        // A first charge of NCA to 4.2 V vs Li+/Li delivers ≈ 190–215 mAh/g; the discharge stalls at x ≈ 0.85–0.9.
        Assert.InRange((1.0 - charge.XEnd) * 279, 190, 215);
        Assert.InRange(discharge.XEnd, 0.85, 0.9);
        Assert.Equal(s_model.StateAt(s_model.Duration_s).XLi, 1.0 - (s_model.StateAt(s_model.Duration_s).Charge_mAh / capacity), 12);
    }

    [Fact]
    public void Ohmic_jump_at_the_current_step_and_relaxation_towards_open_circuit_at_rest()
    {
        CellStep charge = s_model.Steps[1], rest = s_model.Steps[2];
        var before = s_model.StateAt(charge.Start_s - 1e-9).Ewe_V;
        var after = s_model.StateAt(charge.Start_s).Ewe_V;
        // I · R_ohm = 0.023436 mA × 700 Ω.
        Assert.Equal(0.023436 * 0.7, after - before, 9);

        // 1800 s of rest is 6 time constants: what is left of I·(R_ohm is gone) R_pol·(1 − e^{−t/τ}) decays by e^{−6}.
        var ocv = NcaOpenCircuit.VersusLithium(rest.XStart) - 0.62;
        var left = s_model.StateAt(rest.End_s - 1e-9).Ewe_V - ocv;
        var polarization = 0.023436 * 1.5 * (1 - Math.Exp(-(charge.End_s - charge.Start_s) / 300));
        Assert.Equal(polarization * Math.Exp(-6), left, 9);
    }

    [Fact]
    public void Model_is_deterministic_and_records_every_step_boundary()
    {
        var a = s_model.Record(10.0);
        var b = new GalvanostaticFirstCycle().Record(10.0);

        Assert.Equal(a, b);
        for (var i = 1; i < a.Count; i++)
        {
            Assert.True(a[i].Time_s > a[i - 1].Time_s);
        }

        foreach (var step in s_model.Steps.Skip(1))
        {
            Assert.Contains(a, s => s.Time_s == step.Start_s + 1e-3);
        }
    }

    [Fact]
    public void Cut_off_already_passed_is_an_error_naming_the_voltage()
    {
        var e = Assert.Throws<ArgumentException>(() => new GalvanostaticFirstCycle(new GalvanostaticProtocol { ChargeCutoff_V = 2.9 }));
        Assert.Contains("3.0164 V vs Li-In, already past its cut-off of 2.9 V", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Writer_header_counts_its_own_lines_and_rows_carry_EC_Lab_columns()
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Root, "w.mpt");
        BioLogicMptWriter.Write(path, s_model, 60.0, new MptWriterOptions { DecimalComma = true, AcquisitionStart = new DateTimeOffset(2024, 3, 14, 7, 0, 0, TimeSpan.Zero), WallClockUtcOffset = TimeSpan.FromHours(1) });
        var lines = File.ReadAllLines(path);

        var n = int.Parse(lines[1]["Nb header lines : ".Length..], CultureInfo.InvariantCulture);
        Assert.Equal(BioLogicMptWriter.ColumnLine, lines[n - 1]);
        Assert.Equal("Acquisition started on : 03/14/2024 08:00:00,000", lines[8]);
        var firstCharge = lines.Skip(n).Select(l => l.Split('\t')).First(f => f[0] == "1");
        Assert.Equal("1", firstCharge[1]);                          // ox/red: oxidation
        Assert.Equal("6,000010000000000E+002", firstCharge[7]);     // time/s: 1 ms after the 600 s rest
        Assert.Equal("2,343600000000000E-002", firstCharge[10]);    // <I>/mA

        var log = VoltageLog.Open(path);
        Assert.Equal(lines.Length - n, log.Count);
        Assert.Equal(0, log.CycleNumber[^1]);
        // The last (Q-Qo) is the net charge of the cycle: charge in minus charge out.
        Assert.Equal(s_model.StateAt(s_model.Duration_s).Charge_mAh, log.ChargemAh[^1], 14);
    }

    private static double EweAtEnd(CellStep step)
    {
        // The boundary instant belongs to the next step; a hair before it is this step's last state.
        return s_model.StateAt(step.End_s - 1e-9).Ewe_V;
    }
}
