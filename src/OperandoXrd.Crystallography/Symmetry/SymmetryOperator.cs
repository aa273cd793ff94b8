using System.Globalization;
using System.Text;

namespace OperandoXrd.Crystallography.Symmetry;

/// <summary>
/// One space-group operator x' = R·x + t in fractional coordinates. R is an integer matrix; t is kept exactly as an
/// integer number of 1/24ths (every translation of the 230 groups in standard settings is a multiple of 1/24), so
/// group closure, equality and the absence test exp(2πi h·t) = 1 are exact integer arithmetic, never a tolerance.
/// </summary>
public readonly struct SymmetryOperator : IEquatable<SymmetryOperator>
{
    /// <summary>Translations are stored in units of 1/<see cref="TranslationDenominator"/>.</summary>
    public const int TranslationDenominator = 24;

    private readonly int _r00, _r01, _r02, _r10, _r11, _r12, _r20, _r21, _r22;
    private readonly int _t0, _t1, _t2;

    /// <summary>Creates an operator from a row-major rotation and translations in 1/24ths (reduced modulo 1).</summary>
    public SymmetryOperator(ReadOnlySpan<int> rotation, ReadOnlySpan<int> translation24)
    {
        if (rotation.Length != 9 || translation24.Length != 3)
        {
            throw new ArgumentException("rotation needs 9 and translation 3 elements");
        }

        _r00 = rotation[0]; _r01 = rotation[1]; _r02 = rotation[2];
        _r10 = rotation[3]; _r11 = rotation[4]; _r12 = rotation[5];
        _r20 = rotation[6]; _r21 = rotation[7]; _r22 = rotation[8];
        _t0 = Mod24(translation24[0]); _t1 = Mod24(translation24[1]); _t2 = Mod24(translation24[2]);
    }

    /// <summary>x, y, z.</summary>
    public static SymmetryOperator Identity { get; } = new([1, 0, 0, 0, 1, 0, 0, 0, 1], [0, 0, 0]);

    /// <summary>Rotation element R[row, col].</summary>
    public int R(int row, int col) => (row * 3 + col) switch
    {
        0 => _r00,
        1 => _r01,
        2 => _r02,
        3 => _r10,
        4 => _r11,
        5 => _r12,
        6 => _r20,
        7 => _r21,
        8 => _r22,
        _ => throw new ArgumentOutOfRangeException(nameof(row)),
    };

    /// <summary>Translation component i in 1/24ths, in [0, 24).</summary>
    public int T24(int i) => i switch { 0 => _t0, 1 => _t1, 2 => _t2, _ => throw new ArgumentOutOfRangeException(nameof(i)) };

    /// <summary>True when R is the identity (pure translation: identity or a centring vector).</summary>
    public bool IsPureTranslation => _r00 == 1 && _r11 == 1 && _r22 == 1 && _r01 == 0 && _r02 == 0 && _r10 == 0 && _r12 == 0 && _r20 == 0 && _r21 == 0;

    /// <summary>Determinant of R (+1 proper rotation, −1 improper).</summary>
    public int Determinant =>
        _r00 * (_r11 * _r22 - _r12 * _r21) - _r01 * (_r10 * _r22 - _r12 * _r20) + _r02 * (_r10 * _r21 - _r11 * _r20);

    /// <summary>Trace of R, which identifies the rotation order.</summary>
    public int Trace => _r00 + _r11 + _r22;

    /// <summary>this ∘ other: first <paramref name="other"/>, then this.</summary>
    public SymmetryOperator Compose(SymmetryOperator other)
    {
        Span<int> r = stackalloc int[9];
        Span<int> t = stackalloc int[3];
        for (var i = 0; i < 3; i++)
        {
            for (var j = 0; j < 3; j++)
            {
                r[i * 3 + j] = R(i, 0) * other.R(0, j) + R(i, 1) * other.R(1, j) + R(i, 2) * other.R(2, j);
            }

            t[i] = R(i, 0) * other._t0 + R(i, 1) * other._t1 + R(i, 2) * other._t2 + T24(i);
        }

        return new SymmetryOperator(r, t);
    }

    /// <summary>Applies the operator to a fractional position (result not wrapped into the unit cell).</summary>
    public (double X, double Y, double Z) Apply(double x, double y, double z) => (
        _r00 * x + _r01 * y + _r02 * z + _t0 / (double)TranslationDenominator,
        _r10 * x + _r11 * y + _r12 * z + _t1 / (double)TranslationDenominator,
        _r20 * x + _r21 * y + _r22 * z + _t2 / (double)TranslationDenominator);

    /// <summary>Miller indices transform as a row vector: h' = h·R.</summary>
    public (int H, int K, int L) ApplyToHkl(int h, int k, int l) => (
        h * _r00 + k * _r10 + l * _r20,
        h * _r01 + k * _r11 + l * _r21,
        h * _r02 + k * _r12 + l * _r22);

    /// <summary>h·t in 1/24ths modulo 24: the phase shift 2π(h·t) of this operator for reflection h.</summary>
    public int PhaseShift24(int h, int k, int l) => Mod24(h * _t0 + k * _t1 + l * _t2);

    /// <summary>
    /// Parses a CIF operator such as "x,y,z", "-x+1/2,y,-z+3/4", "x-y,x,z", "1/2+X,0.25-Y,Z".
    /// Throws <see cref="FormatException"/> with a message naming what is wrong.
    /// </summary>
    public static SymmetryOperator Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Replace(" ", "", StringComparison.Ordinal).Replace("'", "", StringComparison.Ordinal)
            .Replace("\"", "", StringComparison.Ordinal).Split(',');
        if (parts.Length != 3)
        {
            throw new FormatException($"symmetry operator '{text}' does not have three comma-separated components");
        }

        Span<int> r = stackalloc int[9];
        Span<int> t = stackalloc int[3];
        for (var row = 0; row < 3; row++)
        {
            ParseComponent(text, parts[row], r.Slice(row * 3, 3), out t[row]);
        }

        var op = new SymmetryOperator(r, t);
        if (Math.Abs(op.Determinant) != 1)
        {
            throw new FormatException($"symmetry operator '{text}' has determinant {op.Determinant}, not ±1");
        }

        return op;
    }

    private static void ParseComponent(string whole, string s, Span<int> row, out int t24)
    {
        t24 = 0;
        if (s.Length == 0)
        {
            throw new FormatException($"symmetry operator '{whole}' has an empty component");
        }

        var i = 0;
        var any = false;
        while (i < s.Length)
        {
            var sign = 1;
            if (s[i] is '+' or '-')
            {
                sign = s[i] == '-' ? -1 : 1;
                i++;
            }

            if (i >= s.Length)
            {
                throw new FormatException($"symmetry operator '{whole}': component '{s}' ends with a sign");
            }

            var c = char.ToLowerInvariant(s[i]);
            if (c is 'x' or 'y' or 'z')
            {
                row[c - 'x'] += sign;
                i++;
            }
            else if (char.IsAsciiDigit(c) || c == '.')
            {
                var start = i;
                while (i < s.Length && (char.IsAsciiDigit(s[i]) || s[i] == '.' || s[i] == '/'))
                {
                    i++;
                }

                var number = s[start..i];
                double value;
                var slash = number.IndexOf('/', StringComparison.Ordinal);
                if (slash >= 0)
                {
                    if (!double.TryParse(number[..slash], NumberStyles.Float, CultureInfo.InvariantCulture, out var num) ||
                        !double.TryParse(number[(slash + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var den) || den == 0)
                    {
                        throw new FormatException($"symmetry operator '{whole}': bad fraction '{number}'");
                    }

                    value = num / den;
                }
                else if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out value))
                {
                    throw new FormatException($"symmetry operator '{whole}': bad number '{number}'");
                }

                // A coefficient times a coordinate ("2x") never occurs in space-group operators; reject it.
                if (i < s.Length && char.ToLowerInvariant(s[i]) is 'x' or 'y' or 'z')
                {
                    throw new FormatException($"symmetry operator '{whole}': coefficients other than ±1 are not supported");
                }

                var scaled = value * TranslationDenominator;
                var rounded = Math.Round(scaled);
                if (Math.Abs(scaled - rounded) > 1e-3)
                {
                    throw new FormatException($"symmetry operator '{whole}': translation {number} is not a multiple of 1/24");
                }

                t24 += sign * (int)rounded;
            }
            else
            {
                throw new FormatException($"symmetry operator '{whole}': unexpected character '{s[i]}'");
            }

            any = true;
        }

        if (!any)
        {
            throw new FormatException($"symmetry operator '{whole}' has an empty component");
        }
    }

    private static int Mod24(int v)
    {
        var m = v % TranslationDenominator;
        return m < 0 ? m + TranslationDenominator : m;
    }

    /// <summary>CIF form, e.g. "-x+1/2,y,-z+3/4".</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        for (var row = 0; row < 3; row++)
        {
            if (row > 0)
            {
                sb.Append(',');
            }

            var first = true;
            for (var col = 0; col < 3; col++)
            {
                var v = R(row, col);
                if (v == 0)
                {
                    continue;
                }

                if (v < 0)
                {
                    sb.Append('-');
                }
                else if (!first)
                {
                    sb.Append('+');
                }

                if (Math.Abs(v) != 1)
                {
                    sb.Append(Math.Abs(v).ToString(CultureInfo.InvariantCulture));
                }

                sb.Append((char)('x' + col));
                first = false;
            }

            var t = T24(row);
            if (t != 0)
            {
                var g = Gcd(t, TranslationDenominator);
                sb.Append(first ? "" : "+").Append((t / g).ToString(CultureInfo.InvariantCulture)).Append('/')
                    .Append((TranslationDenominator / g).ToString(CultureInfo.InvariantCulture));
            }
        }

        return sb.ToString();
    }

    private static int Gcd(int a, int b) => b == 0 ? a : Gcd(b, a % b);

    public bool Equals(SymmetryOperator other) =>
        _r00 == other._r00 && _r01 == other._r01 && _r02 == other._r02 && _r10 == other._r10 && _r11 == other._r11 &&
        _r12 == other._r12 && _r20 == other._r20 && _r21 == other._r21 && _r22 == other._r22 &&
        _t0 == other._t0 && _t1 == other._t1 && _t2 == other._t2;

    public override bool Equals(object? obj) => obj is SymmetryOperator other && Equals(other);

    public override int GetHashCode()
    {
        var h = new HashCode();
        h.Add(_r00); h.Add(_r01); h.Add(_r02); h.Add(_r10); h.Add(_r11); h.Add(_r12); h.Add(_r20); h.Add(_r21); h.Add(_r22);
        h.Add(_t0); h.Add(_t1); h.Add(_t2);
        return h.ToHashCode();
    }

    public static bool operator ==(SymmetryOperator left, SymmetryOperator right) => left.Equals(right);

    public static bool operator !=(SymmetryOperator left, SymmetryOperator right) => !left.Equals(right);
}
