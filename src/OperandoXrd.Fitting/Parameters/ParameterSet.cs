using System.Globalization;

namespace OperandoXrd.Fitting.Parameters;

/// <summary>
/// Named fit parameters with values, free/fixed flags and box bounds. Names are "Phase:Key" for phase parameters
/// (e.g. "NCA:A0", "NCA:scale", "LIC:I(1,1,-1)") and plain for global ones ("zero", "bkg2", "PEEK:scale").
/// </summary>
public sealed class ParameterSet
{
    private readonly List<string> _names = [];
    private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);
    private double[] _values = new double[16];
    private double[] _lower = new double[16];
    private double[] _upper = new double[16];
    private bool[] _free = new bool[16];

    public int Count => _names.Count;

    /// <summary>Adds a parameter and returns its index. Names are unique.</summary>
    public int Add(string name, double value, bool free = false, double lower = double.NegativeInfinity, double upper = double.PositiveInfinity)
    {
        if (_index.ContainsKey(name))
        {
            throw new ArgumentException($"Parameter '{name}' is defined twice.", nameof(name));
        }

        if (lower > upper)
        {
            throw new ArgumentException($"Parameter '{name}': lower bound {lower.ToString(CultureInfo.InvariantCulture)} exceeds upper bound {upper.ToString(CultureInfo.InvariantCulture)}.", nameof(lower));
        }

        var i = _names.Count;
        if (i == _values.Length)
        {
            Array.Resize(ref _values, i * 2);
            Array.Resize(ref _lower, i * 2);
            Array.Resize(ref _upper, i * 2);
            Array.Resize(ref _free, i * 2);
        }

        _names.Add(name);
        _index[name] = i;
        _values[i] = value;
        _lower[i] = lower;
        _upper[i] = upper;
        _free[i] = free;
        return i;
    }

    public string Name(int index) => _names[index];

    public IReadOnlyList<string> Names => _names;

    public int IndexOf(string name) => _index.TryGetValue(name, out var i) ? i : -1;

    public bool Contains(string name) => _index.ContainsKey(name);

    /// <summary>Values of all parameters, fixed included; the span the model evaluates.</summary>
    public Span<double> Values => _values.AsSpan(0, Count);

    public ReadOnlySpan<double> Lower => _lower.AsSpan(0, Count);

    public ReadOnlySpan<double> Upper => _upper.AsSpan(0, Count);

    public double this[int index]
    {
        get => _values[index];
        set => _values[index] = value;
    }

    public double this[string name]
    {
        get => _values[Require(name)];
        set => _values[Require(name)] = value;
    }

    public bool IsFree(int index) => _free[index];

    public void SetFree(int index, bool free) => _free[index] = free;

    public void SetBounds(int index, double lower, double upper)
    {
        _lower[index] = lower;
        _upper[index] = upper;
    }

    public int FreeCount
    {
        get
        {
            var n = 0;
            for (var i = 0; i < Count; i++)
            {
                n += _free[i] ? 1 : 0;
            }

            return n;
        }
    }

    /// <summary>Copies the values (not names or flags) of another set with the same layout.</summary>
    public void CopyValuesFrom(ReadOnlySpan<double> values) => values.CopyTo(_values.AsSpan(0, Count));

    public ParameterSet Clone()
    {
        var copy = new ParameterSet();
        for (var i = 0; i < Count; i++)
        {
            copy.Add(_names[i], _values[i], _free[i], _lower[i], _upper[i]);
        }

        return copy;
    }

    public int Require(string name) =>
        _index.TryGetValue(name, out var i) ? i : throw new KeyNotFoundException($"No fit parameter named '{name}'.");
}
