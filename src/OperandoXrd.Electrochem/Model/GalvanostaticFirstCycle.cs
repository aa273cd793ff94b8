namespace OperandoXrd.Electrochem.Model;

/// <summary>What the cell does during a step.</summary>
public enum CellStepKind
{
    Rest,
    /// <summary>Constant current, delithiating the cathode, until the upper cut-off.</summary>
    Charge,
    /// <summary>Constant current, lithiating the cathode, until the lower cut-off.</summary>
    Discharge,
}

/// <summary>
/// The first cycle of an NCA | LPSCl | Li-In cell under constant current. Voltages are vs Li-In, as the
/// potentiostat measures them (Ewe − E(Li-In), the In/LiIn plateau at 0.62 V vs Li⁺/Li).
/// </summary>
public sealed record GalvanostaticProtocol
{
    /// <summary>Mass of NCA in mg (1.2 mg composite × 0.7).</summary>
    public double ActiveMass_mg { get; init; } = 0.84;

    /// <summary>Capacity for x(Li) 1 → 0 in mAh/g.</summary>
    public double TheoreticalCapacity_mAh_g { get; init; } = 279.0;

    /// <summary>x(Li) of the pristine cathode.</summary>
    public double X0 { get; init; } = 1.0;

    /// <summary>C-rate: current = CRate × mass × <see cref="CRateReference_mAh_g"/> per hour.</summary>
    public double CRate { get; init; } = 0.1;

    /// <summary>Specific capacity that defines 1C; null = the theoretical capacity.</summary>
    public double? CRateReference_mAh_g { get; init; }

    /// <summary>Current magnitude in mA; overrides <see cref="CRate"/> when set.</summary>
    public double? Current_mA { get; init; }

    /// <summary>Open-circuit rest before the charge (s).</summary>
    public double RestBefore_s { get; init; } = 600.0;

    public double RestAfterCharge_s { get; init; } = 1800.0;

    public double RestAfterDischarge_s { get; init; } = 600.0;

    /// <summary>Upper cut-off vs Li-In: 4.2 V vs Li⁺/Li − 0.62 V.</summary>
    public double ChargeCutoff_V { get; init; } = 3.58;

    /// <summary>
    /// Lower cut-off vs Li-In. 2.5 V vs Li-In ≈ 3.12 V vs Li⁺/Li: where NCA's first discharge in sulfide cells
    /// collapses once lithiation stalls, and a common cut-off for Li-In anodes (1.9–2.5 V vs Li-In in the literature).
    /// </summary>
    public double DischargeCutoff_V { get; init; } = 2.5;

    /// <summary>Potential of the counter electrode vs Li⁺/Li (In/LiIn two-phase plateau).</summary>
    public double CounterElectrode_V { get; init; } = 0.62;

    /// <summary>Instantaneous (ohmic) cell resistance in Ω: IR drop appears and vanishes with the current.</summary>
    public double OhmicResistance_ohm { get; init; } = 700.0;

    /// <summary>Polarization resistance in Ω, building up and relaxing with <see cref="PolarizationTimeConstant_s"/>.</summary>
    public double PolarizationResistance_ohm { get; init; } = 1500.0;

    public double PolarizationTimeConstant_s { get; init; } = 300.0;

    /// <summary>
    /// x(Li) near which re-lithiation stalls on discharge (first-cycle irreversible capacity: sluggish Li diffusion
    /// into nearly full NCA). The discharge overpotential grows as <see cref="StallOverpotential_V"/> ×
    /// exp((x − limit)/<see cref="StallWidth"/>), so the cut-off comes at x ≈ limit + 0.025 with the defaults.
    /// </summary>
    public double LithiationLimit { get; init; } = 0.86;

    public double StallOverpotential_V { get; init; } = 0.05;

    public double StallWidth { get; init; } = 0.01;

    /// <summary>A step that has not reached its cut-off after this long (s) is an error in the protocol.</summary>
    public double MaxStep_s { get; init; } = 1000.0 * 3600.0;
}

/// <summary>One step of the protocol as run: times in s from the start of the log, current signed (+ charge).</summary>
public readonly record struct CellStep(CellStepKind Kind, double Start_s, double End_s, double Current_mA, double XStart, double XEnd);

/// <summary>The cell at one instant: true x(Li), Ewe vs Li-In, current (mA, + charge), net charge passed (mA·h).</summary>
public readonly record struct CellState(double Time_s, double XLi, double Ewe_V, double Current_mA, double Charge_mAh, int Step, CellStepKind Kind);

/// <summary>
/// Galvanostatic first cycle of an NCA | LPSCl | Li-In cell: rest, charge at constant current to the upper cut-off,
/// rest, discharge to the lower cut-off, rest. x(Li) follows the charge passed exactly,
/// x = x0 − Q / (m · C_theo); Ewe = OCV(x) − E(Li-In) + I·R_ohm + η_pol(t) − η_stall(x) (the last on discharge
/// only), with η_pol relaxing to I·R_pol with one time constant. Everything is closed-form inside a step, so
/// <see cref="StateAt"/> is a pure function of time and the whole model is deterministic; the cut-off times are found
/// once, by bracketing and bisection, when the model is built.
/// </summary>
public sealed class GalvanostaticFirstCycle
{
    private readonly CellStep[] _steps;
    private readonly double[] _polarizationAtStart;
    private readonly double[] _chargeAtStart;
    private readonly double _capacity_mAh;

    public GalvanostaticFirstCycle(GalvanostaticProtocol? protocol = null)
    {
        Protocol = protocol ??= new GalvanostaticProtocol();
        if (!(protocol.ActiveMass_mg > 0) || !(protocol.TheoreticalCapacity_mAh_g > 0))
        {
            throw new ArgumentException("active mass and theoretical capacity must be positive.", nameof(protocol));
        }

        _capacity_mAh = protocol.ActiveMass_mg * 1e-3 * protocol.TheoreticalCapacity_mAh_g;
        Current_mA = protocol.Current_mA ?? (protocol.CRate * protocol.ActiveMass_mg * 1e-3 * (protocol.CRateReference_mAh_g ?? protocol.TheoreticalCapacity_mAh_g));
        if (!(Current_mA > 0))
        {
            throw new ArgumentException($"the current must be positive (got {Current_mA} mA).", nameof(protocol));
        }

        var steps = new List<CellStep>();
        var pol = new List<double>();
        var charge = new List<double>();
        double t = 0, x = protocol.X0, eta = 0, q = 0;

        void Add(CellStepKind kind, double current, double length)
        {
            var end = t + length;
            var xEnd = x - (current * length / 3600.0 / _capacity_mAh);
            steps.Add(new CellStep(kind, t, end, current, x, xEnd));
            pol.Add(eta);
            charge.Add(q);
            eta = Polarization(current, eta, length);
            q += current * length / 3600.0;
            t = end;
            x = xEnd;
        }

        if (protocol.RestBefore_s > 0)
        {
            Add(CellStepKind.Rest, 0, protocol.RestBefore_s);
        }

        Add(CellStepKind.Charge, Current_mA, TimeToCutoff(CellStepKind.Charge, Current_mA, x, eta, protocol.ChargeCutoff_V));
        if (protocol.RestAfterCharge_s > 0)
        {
            Add(CellStepKind.Rest, 0, protocol.RestAfterCharge_s);
        }

        Add(CellStepKind.Discharge, -Current_mA, TimeToCutoff(CellStepKind.Discharge, -Current_mA, x, eta, protocol.DischargeCutoff_V));
        if (protocol.RestAfterDischarge_s > 0)
        {
            Add(CellStepKind.Rest, 0, protocol.RestAfterDischarge_s);
        }

        _steps = [.. steps];
        _polarizationAtStart = [.. pol];
        _chargeAtStart = [.. charge];
    }

    public GalvanostaticProtocol Protocol { get; }

    /// <summary>Current magnitude of the charge and discharge steps (mA).</summary>
    public double Current_mA { get; }

    /// <summary>The steps as run, with their start and end times and x(Li).</summary>
    public IReadOnlyList<CellStep> Steps => _steps;

    /// <summary>End of the last step (s).</summary>
    public double Duration_s => _steps[^1].End_s;

    /// <summary>
    /// The cell at <paramref name="time_s"/> seconds from the start of the protocol. A step boundary belongs to the
    /// step that starts there. Before 0 the cell is at rest in its initial state; after the end the last rest goes on.
    /// </summary>
    public CellState StateAt(double time_s)
    {
        var i = 0;
        while (i < _steps.Length - 1 && time_s >= _steps[i + 1].Start_s)
        {
            i++;
        }

        return StateInStep(i, Math.Max(time_s, 0.0));
    }

    /// <summary>
    /// Samples as a potentiostat records them: every <paramref name="samplePeriod_s"/> on a grid from 0, plus the last
    /// point of every step at its end time and the first point of the next step 1 ms later (EC-Lab records both), so
    /// the current steps and the IR jumps sit between two rows rather than being smeared over a sampling period.
    /// </summary>
    public IReadOnlyList<CellState> Record(double samplePeriod_s)
    {
        if (!(samplePeriod_s > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(samplePeriod_s), samplePeriod_s, "the sampling period must be positive.");
        }

        const double epsilon = 1e-3;
        var rows = new List<CellState>();
        for (var i = 0; i < _steps.Length; i++)
        {
            var s = _steps[i];
            var first = s.Start_s + (i == 0 ? 0 : epsilon);
            rows.Add(StateInStep(i, first));
            var k = (long)Math.Floor(first / samplePeriod_s) + 1;
            for (; k * samplePeriod_s < s.End_s; k++)
            {
                rows.Add(StateInStep(i, k * samplePeriod_s));
            }

            rows.Add(StateInStep(i, s.End_s));
        }

        return rows;
    }

    private CellState StateInStep(int i, double t)
    {
        var s = _steps[i];
        var dt = t - s.Start_s;
        var x = s.XStart - (s.Current_mA * dt / 3600.0 / _capacity_mAh);
        var eta = Polarization(s.Current_mA, _polarizationAtStart[i], dt);
        return new CellState(t, x, Ewe(s.Kind, s.Current_mA, x, eta), s.Current_mA, _chargeAtStart[i] + (s.Current_mA * dt / 3600.0), i, s.Kind);
    }

    private double Polarization(double current, double etaStart, double dt)
    {
        var target = current * Protocol.PolarizationResistance_ohm * 1e-3;
        return target + ((etaStart - target) * Math.Exp(-dt / Protocol.PolarizationTimeConstant_s));
    }

    private double Ewe(CellStepKind kind, double current, double x, double eta)
    {
        var e = NcaOpenCircuit.VersusLithium(x) - Protocol.CounterElectrode_V + (current * Protocol.OhmicResistance_ohm * 1e-3) + eta;
        if (kind == CellStepKind.Discharge)
        {
            e -= Protocol.StallOverpotential_V * Math.Exp((x - Protocol.LithiationLimit) / Protocol.StallWidth);
        }

        return e;
    }

    /// <summary>Seconds from the step's start until Ewe first crosses the cut-off: march in 1 s steps, then bisect.</summary>
    private double TimeToCutoff(CellStepKind kind, double current, double x0, double eta0, double cutoff)
    {
        var sign = kind == CellStepKind.Charge ? 1.0 : -1.0;
        double Beyond(double dt)
        {
            var x = x0 - (current * dt / 3600.0 / _capacity_mAh);
            return sign * (Ewe(kind, current, x, Polarization(current, eta0, dt)) - cutoff);
        }

        if (Beyond(0) >= 0)
        {
            throw new ArgumentException(
                $"the {kind.ToString().ToLowerInvariant()} starts at {Ewe(kind, current, x0, eta0):F4} V vs Li-In, already past its cut-off of {cutoff} V.");
        }

        double lo = 0, hi = 1.0;
        while (Beyond(hi) < 0)
        {
            lo = hi;
            hi += 1.0;
            if (hi > Protocol.MaxStep_s)
            {
                throw new ArgumentException($"the {kind.ToString().ToLowerInvariant()} does not reach its cut-off of {cutoff} V vs Li-In within {Protocol.MaxStep_s} s.");
            }
        }

        for (var it = 0; it < 60 && hi - lo > 1e-9; it++)
        {
            var mid = 0.5 * (lo + hi);
            if (Beyond(mid) < 0)
            {
                lo = mid;
            }
            else
            {
                hi = mid;
            }
        }

        return hi;
    }
}
