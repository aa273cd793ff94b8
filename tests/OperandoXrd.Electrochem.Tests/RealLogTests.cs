using OperandoXrd.Core.Tests.Reference;
using OperandoXrd.Electrochem.Logs;
using OperandoXrd.TestSupport;

namespace OperandoXrd.Electrochem.Tests;

/// <summary>
/// The EC-Lab and Neware exports in ../shared/realdata, read as `oxrd echem`, `fit` and an offline `reduce` read them
/// (strict, the unterminated last row included), against an independent parser written here in Python, row by row,
/// and against the first/last/min/max values the realdata README gives.
/// </summary>
public sealed class RealLogTests
{
    /// <summary>
    /// EC-Lab: line 2 gives N, line N names the columns (tab-separated, a trailing tab), rows follow; Windows-1252;
    /// decimal comma or point. Columns by meaning; (Q-Qo)/C converted to mA·h by 1/3.6. Start: MM/DD/YYYY, UTC.
    /// </summary>
    private const string MptReference = """
        import datetime
        raw = open(ARGS[0], 'rb').read().decode('cp1252')
        lines = raw.split('\n')
        assert lines[0].startswith('EC-Lab ASCII FILE')
        n = int(lines[1].split(':')[1])
        names = lines[n - 1].rstrip('\r').split('\t')
        while names and names[-1].strip() == '':
            names.pop()
        def col(cands):
            for c in cands:
                if c in names:
                    return names.index(c), c
            return None, None
        it, _ = col(['time/s'])
        iv, _ = col(['Ewe/V', '<Ewe/V>', '<Ewe>/V'])
        ii, _ = col(['<I>/mA', 'I/mA'])
        iq, qname = col(['(Q-Qo)/mA.h', '(Q-Qo)/C'])
        ic, _ = col(['cycle number'])
        start = None
        for l in lines[:n]:
            if l.startswith('Acquisition started on'):
                v = l.split(':', 1)[1].strip()
                start = datetime.datetime.strptime(v, '%m/%d/%Y %H:%M:%S.%f').replace(tzinfo=datetime.timezone.utc).timestamp()
        num = lambda s: float(s.replace(',', '.'))
        nan = float('nan')
        out = {k: [] for k in ['t', 'v', 'i', 'q', 'c', 'line']}
        for k in range(n, len(lines)):
            l = lines[k].rstrip('\r')
            if l.strip() == '':
                continue
            f = l.split('\t')
            out['t'].append(num(f[it]))
            out['v'].append(num(f[iv]) if iv is not None else nan)
            out['i'].append(num(f[ii]) if ii is not None else nan)
            q = num(f[iq]) if iq is not None else nan
            out['q'].append(q / 3.6 if qname == '(Q-Qo)/C' else q)
            out['c'].append(num(f[ic]) if ic is not None else -1)
            out['line'].append(k + 1)
        for k in ['t', 'v', 'i', 'q', 'c']:
            save_f64(k, out[k])
        save_i32('line', out['line'])
        save_f64('start', [start if start is not None else nan])
        """;

    /// <summary>
    /// Neware nested export: the level of a line is its number of leading empty fields (0 cycle, 1 step, 2 record);
    /// line 4 carries cycle 1 and step 1. Record: Total Time h:mm:ss, Current(A), Voltage(V), Capacity(Ah) per step,
    /// Date. Charge: the signed sum over steps (CC DChg negative). Saved for every record, with its line.
    /// </summary>
    private const string NewareReference = """
        import datetime
        lines = open(ARGS[0], encoding='ascii').read().split('\n')
        cyc_h = lines[0].split(','); step_h = lines[1].split(','); rec_h = lines[2].split(',')
        it, iv, ii, iq, idate = (rec_h.index(x) for x in ['Total Time', 'Voltage(V)', 'Current(A)', 'Capacity(Ah)', 'Date'])
        ist = step_h.index('Step Type')
        def secs(s):
            h, m, x = s.split(':')
            return int(h) * 3600 + int(m) * 60 + float(x)
        out = {k: [] for k in ['t', 'v', 'i', 'q', 'c', 'line', 'date']}
        cycle = None; stype = None; before = 0.0; this = 0.0
        def new_step(t):
            global stype, before, this
            stype = t; before += this; this = 0.0
        for k in range(3, len(lines)):
            f = lines[k].split(',')
            if lines[k] == '':
                continue
            if f[0] != '':
                cycle = int(f[0])
                if len(f) > len(cyc_h):
                    new_step(f[len(cyc_h) - 1 + ist])
            elif f[1] != '':
                new_step(f[ist])
            else:
                sign = -1.0 if 'DChg' in stype else (1.0 if 'Chg' in stype else 0.0)
                this = sign * abs(float(f[iq])) * 1000
                out['t'].append(secs(f[it])); out['v'].append(float(f[iv])); out['i'].append(float(f[ii]) * 1000)
                out['q'].append(before + this); out['c'].append(cycle); out['line'].append(k + 1)
                out['date'].append(datetime.datetime.strptime(f[idate], '%Y-%m-%d %H:%M:%S').replace(tzinfo=datetime.timezone.utc).timestamp())
        for k in ['t', 'v', 'i', 'q', 'c', 'date']:
            save_f64(k, out[k])
        save_i32('line', out['line'])
        """;

    private static VoltageLog OpenFinished(string path) =>
        VoltageLog.Open(path, new VoltageLogOptions { Strict = true, ReadUnterminatedLastLine = true });

    // file, rows, first/last time, first/last voltage, first/last current (mA), first/last charge (mA·h), cycles min/max
    public static IEnumerable<object[]> EcLabFiles =>
    [
        ["gcpl.issue_149.mpt", 132, 30.15299923827115, 659.9857963771647, 3.4228721, 3.4320145, 0.0, -0.02999591381717431, 6.092006547583474e-10, 2.84932594642871e-08, 0, 3],
        ["cp.issue_149.mpt", 44, 10.99979972212168, 619.8849973901961, 3.424458, 3.444937, 0.020003509, 0.020008853, 1.8956864e-05 / 3.6, 0.00020008533 / 3.6, 0, 3],
        ["ocv.issue_149.mpt", 43, 0.9999999747378752, 609.8325976441411, 3.4206879, 3.4408994, double.NaN, double.NaN, double.NaN, double.NaN, -1, -1],
        ["peis.issue_149.mpt", 84, 80.34147426584968, 694.5446237785654, 3.4222958, 3.4402316, 0.025175875, 0.0088834791, 1.199941809582136e-05, 7.716985867357066e-05, 1, 4],
        ["mb.issue_95.de.mpt", 33, 0.0, 30.00019924211665, 2.3278546, 2.3260789, 0.0, -64.980278, 0.0, 0.09731169646453858, 0, 0],
    ];

    [Theory]
    [MemberData(nameof(EcLabFiles))]
    public void Every_EcLab_export_agrees_row_by_row_with_an_independent_parser_and_with_the_readme(
        string name, int rows, double t0, double t1, double v0, double v1, double i0, double i1, double q0, double q1, int cycleMin, int cycleMax)
    {
        var path = RealData.File("ec-lab", name);
        var log = OpenFinished(path);
        using var reference = PythonReference.Run(MptReference, path);

        // Every row, the unterminated last one included; nothing skipped, nothing to warn about but the absent columns.
        Assert.Equal(rows, log.Count);
        Assert.Equal(reference.I32("line"), log.SourceLines.ToArray());
        AssertSame(reference.F64("t"), log.TimeSeconds, "time");
        AssertSame(reference.F64("v"), log.VoltageV, "voltage");
        AssertSame(reference.F64("i"), log.CurrentmA, "current");
        AssertSame(reference.F64("q"), log.ChargemAh, "charge");
        Assert.Equal(reference.F64("c").Select(c => (int)c), log.CycleNumber.ToArray());
        // 'Acquisition started on' as MM/DD/YYYY in UTC, to the millisecond.
        Assert.Equal(reference.F64("start")[0], log.StartUnixSeconds, 1e-6);

        // The README's first and last values.
        Assert.Equal(t0, log.TimeSeconds[0]);
        Assert.Equal(t1, log.TimeSeconds[^1]);
        Assert.Equal(v0, log.VoltageV[0]);
        Assert.Equal(v1, log.VoltageV[^1]);
        AssertClose(i0, log.CurrentmA[0]);
        AssertClose(i1, log.CurrentmA[^1]);
        AssertClose(q0, log.ChargemAh[0]);
        AssertClose(q1, log.ChargemAh[^1]);
        Assert.Equal(cycleMin, log.CycleNumber.ToArray().Min());
        Assert.Equal(cycleMax, log.CycleNumber.ToArray().Max());
    }

    [Fact]
    public void EcLab_voltage_ranges_are_the_readmes()
    {
        Assert.Equal((3.4137828, 3.4466355), Range(OpenFinished(RealData.File("ec-lab", "gcpl.issue_149.mpt")).VoltageV));
        Assert.Equal((3.420665, 3.4460111), Range(OpenFinished(RealData.File("ec-lab", "ocv.issue_149.mpt")).VoltageV));
        Assert.Equal((-64.990448, 100.01924), Range(OpenFinished(RealData.File("ec-lab", "mb.issue_95.de.mpt")).CurrentmA));
    }

    [Fact]
    public void The_OCV_export_maps_its_averaged_voltage_and_says_so()
    {
        var log = OpenFinished(RealData.File("ec-lab", "ocv.issue_149.mpt"));

        Assert.True(log.HasVoltage);
        Assert.False(log.HasCurrent);
        Assert.Equal("time ← 'time/s'; voltage ← '<Ewe/V>'; current ← none; charge ← none; cycle ← none", log.Mapping!.Describe());
        // Acquisition started on : 01/10/2024 11:02:29.886 — 10 January (month first), taken as UTC.
        Assert.Equal(new DateTimeOffset(2024, 1, 10, 11, 2, 29, 886, TimeSpan.Zero), log.Start);
    }

    [Fact]
    public void The_CP_export_converts_coulombs_and_names_the_columns()
    {
        var log = OpenFinished(RealData.File("ec-lab", "cp.issue_149.mpt"));

        Assert.StartsWith("time ← 'time/s'; voltage ← '<Ewe/V>'; current ← 'I/mA'; charge ← '(Q-Qo)/C' × 0.277778", log.Mapping!.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_nested_Neware_export_agrees_row_by_row_with_an_independent_parser_and_with_the_readme()
    {
        var path = RealData.File("neware", "nw_regular_export_ife_example.csv");
        var log = OpenFinished(path);
        using var reference = PythonReference.Run(NewareReference, path);
        var lines = reference.I32("line");
        var t = reference.F64("t");
        var v = reference.F64("v");
        var i = reference.F64("i");
        var q = reference.F64("q");
        var c = reference.F64("c");
        var date = reference.F64("date");

        // The README: 9295 records, voltage 3.8999–4.7001 V, current −0.5 to 0.5 A, cycles 1–20.
        Assert.Equal(9295, lines.Length);
        Assert.Equal((3.8999, 4.7001), (v.Min(), v.Max()));
        Assert.Equal((-500.0, 500.0), (i.Min(), i.Max()));
        Assert.Equal((1.0, 20.0), (c.Min(), c.Max()));

        // Every record is a row, except those whose Total Time repeats the record before (each step's first record
        // is written at the previous step's last second): skipped with a warning naming the line.
        var repeats = Enumerable.Range(1, t.Length - 1).Where(k => t[k] == t[k - 1]).Select(k => lines[k]).ToArray();
        Assert.Equal(lines.Length - repeats.Length, log.Count);
        Assert.Equal(repeats, log.Warnings.Where(w => w.Message.Contains("repeats", StringComparison.Ordinal)).Select(w => w.Line).ToArray());
        var at = new Dictionary<int, int>();
        for (var k = 0; k < lines.Length; k++)
        {
            at[lines[k]] = k;
        }

        for (var r = 0; r < log.Count; r++)
        {
            var k = at[log.SourceLines[r]];
            Assert.Equal(t[k] - t[0], log.TimeSeconds[r] - log.TimeSeconds[0]);
            Assert.Equal(v[k], log.VoltageV[r]);
            Assert.Equal(i[k], log.CurrentmA[r], 1e-9);
            Assert.Equal(q[k], log.ChargemAh[r], 1e-9);
            Assert.Equal((int)c[k], log.CycleNumber[r]);
        }

        // Absolute time: the first record's Date, then Total Time (the Date column drifts 5 s behind it over 28 h).
        Assert.Equal(date[0], log.StartUnixSeconds + log.TimeSeconds[0]);
        Assert.Equal(new DateTimeOffset(2026, 3, 6, 12, 37, 25, TimeSpan.Zero), log.Start!.Value.AddSeconds(log.TimeSeconds[0]));
        Assert.Equal(date[^1] + 5, log.StartUnixSeconds + log.TimeSeconds[^1]);
        Assert.Contains("charge ← 'Capacity(Ah)' × 1000 (per step, signed by the step type and summed); cycle ← 'Cycle Index (cycle lines)'", log.Mapping!.Describe(), StringComparison.Ordinal);
    }

    private static (double, double) Range(ReadOnlySpan<double> values) => (values.ToArray().Min(), values.ToArray().Max());

    private static void AssertClose(double expected, double actual)
    {
        if (double.IsNaN(expected))
        {
            Assert.True(double.IsNaN(actual), $"expected NaN, got {actual}");
            return;
        }

        Assert.Equal(expected, actual, Math.Abs(expected) * 1e-14);
    }

    private static void AssertSame(double[] expected, ReadOnlySpan<double> actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var k = 0; k < expected.Length; k++)
        {
            if (double.IsNaN(expected[k]))
            {
                Assert.True(double.IsNaN(actual[k]), $"{what} row {k}: expected NaN, got {actual[k]}");
            }
            else if (Math.Abs(expected[k] - actual[k]) > Math.Abs(expected[k]) * 1e-15)
            {
                Assert.Fail($"{what} row {k}: expected {expected[k]:R}, got {actual[k]:R}");
            }
        }
    }
}
