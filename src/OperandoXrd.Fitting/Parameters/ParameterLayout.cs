namespace OperandoXrd.Fitting.Parameters;

/// <summary>What a parameter does in the whole-pattern model.</summary>
public enum ParameterRole
{
    /// <summary>2θ zero shift (deg).</summary>
    Zero,

    /// <summary>Sample displacement (deg, multiplies sin2θ).</summary>
    Displacement,

    /// <summary>A Chebyshev background coefficient (term k).</summary>
    Background,

    /// <summary>Scale of the measured empty-cell (PEEK) pattern.</summary>
    PeekScale,

    /// <summary>2θ shift of the PEEK pattern (deg).</summary>
    PeekShift,

    /// <summary>A phase's scale.</summary>
    Scale,

    /// <summary>A phase's independent A-term (term j of its lattice system).</summary>
    Cell,

    /// <summary>A phase's TCH width term (term t: <see cref="TchWidth"/>).</summary>
    Width,

    /// <summary>A phase's Pawley/Le Bail intensity (term g: its peak group).</summary>
    Intensity,
}

/// <summary>The TCH width terms, in parameter order (H_G² = U tan²θ + V tanθ + W + Z/cos²θ, H_L = X tanθ + Y/cosθ).</summary>
public enum TchWidth
{
    U,
    V,
    W,
    X,
    Y,
    Z,
}

/// <summary>A parameter of the whole pattern that belongs to no phase: its role, its name (in the parameter set and in the fit's refine list), start value and bounds.</summary>
public sealed record GlobalParameter(ParameterRole Role, string Name, double Start, double Lower, double Upper);

/// <summary>
/// The parameter vector's layout: each parameter's role, phase and term, computed once when the model is built, so
/// that the fitter asks "is parameter j a cell term?" by one array look-up instead of scanning phases or matching
/// names. The whole-pattern model adds its parameters through <see cref="Add"/>; the sequential fitter reads roles.
/// </summary>
/// <remarks>
/// A new global parameter (an instrument term such as a thickness or absorption correction) is one row in
/// <see cref="Globals"/>: the model creates it with the others, the fit's refine list accepts its name, and the model
/// reads its value at <see cref="Global"/>(role). A new per-phase term is a new <see cref="ParameterRole"/> added by
/// the phase block with <see cref="Add"/>.
/// </remarks>
public sealed class ParameterLayout
{
    private readonly List<ParameterRole> _roles = [];
    private readonly List<int> _phases = [];
    private readonly List<int> _terms = [];
    private readonly Dictionary<ParameterRole, int> _globals = [];

    /// <summary>The global parameters every model has, in parameter order (first in the vector).</summary>
    public static IReadOnlyList<GlobalParameter> Globals { get; } =
    [
        new(ParameterRole.Zero, "zero", 0, -0.05, 0.05),
        new(ParameterRole.Displacement, "displacement", 0, -0.05, 0.05),
    ];

    /// <summary>The words of the fit section's "refine" list and the role each frees (background and PEEK apply when present).</summary>
    public static IReadOnlyDictionary<string, ParameterRole> RefineKeywords { get; } =
        Globals.Select(g => (g.Name, g.Role))
            .Concat([("background", ParameterRole.Background), ("peekScale", ParameterRole.PeekScale), ("peekShift", ParameterRole.PeekShift)])
            .ToDictionary(p => p.Item1, p => p.Item2, StringComparer.Ordinal);

    public int Count => _roles.Count;

    public ParameterRole Role(int index) => _roles[index];

    /// <summary>The phase a parameter belongs to, or −1 for a global one.</summary>
    public int PhaseOf(int index) => _phases[index];

    /// <summary>The parameter's position within its role: background term k, cell term j, width term t, peak group g.</summary>
    public int Term(int index) => _terms[index];

    /// <summary>Index of a global parameter (<see cref="Globals"/>, background term 0, PEEK scale or shift), or −1 when the model has none.</summary>
    public int Global(ParameterRole role) => _globals.GetValueOrDefault(role, -1);

    /// <summary>Adds a parameter to <paramref name="set"/> and records its role; returns its index.</summary>
    public int Add(ParameterSet set, ParameterRole role, int phase, int term, string name, double value,
        double lower = double.NegativeInfinity, double upper = double.PositiveInfinity)
    {
        ArgumentNullException.ThrowIfNull(set);
        if (set.Count != _roles.Count)
        {
            throw new InvalidOperationException("every parameter of a laid-out set is added through its layout");
        }

        var index = set.Add(name, value, lower: lower, upper: upper);
        _roles.Add(role);
        _phases.Add(phase);
        _terms.Add(term);
        if (phase < 0 && term == 0)
        {
            _globals.TryAdd(role, index);
        }

        return index;
    }

    /// <summary>Adds every parameter of <see cref="Globals"/>.</summary>
    public void AddGlobals(ParameterSet set)
    {
        foreach (var g in Globals)
        {
            Add(set, g.Role, -1, 0, g.Name, g.Start, g.Lower, g.Upper);
        }
    }
}
