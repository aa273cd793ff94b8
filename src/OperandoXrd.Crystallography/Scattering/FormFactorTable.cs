using System.Globalization;

namespace OperandoXrd.Crystallography.Scattering;

/// <summary>
/// X-ray atomic form factor f0(s) = Σ a_i exp(−b_i s²) + c with s = sinθ/λ (Å⁻¹), from the Cromer–Mann
/// coefficients of International Tables for Crystallography Vol. C (1992), Table 6.1.1.4, valid for s &lt; 2 Å⁻¹.
/// </summary>
public sealed record FormFactor(string Symbol, int Z, int Charge, double A1, double A2, double A3, double A4, double B1, double B2, double B3, double B4, double C)
{
    /// <summary>f0 at s = sinθ/λ (Å⁻¹).</summary>
    public double Evaluate(double s)
    {
        var s2 = s * s;
        return A1 * Math.Exp(-B1 * s2) + A2 * Math.Exp(-B2 * s2) + A3 * Math.Exp(-B3 * s2) + A4 * Math.Exp(-B4 * s2) + C;
    }
}

/// <summary>
/// Lookup of <see cref="FormFactor"/> by CIF type symbol: "Ni", "Ni3+", "Ni+3", "Li1+", "Cl-", "O2-".
/// ITC Table 6.1.1.4 has no O2− or S2− (free doubly charged anions are unbound); those map, as is common in
/// Rietveld programs, to O1− and neutral S respectively (<see cref="Substitutions"/>).
/// </summary>
public static partial class FormFactorTable
{
    // Built on first use: static initializers in the two halves of this partial class run in no guaranteed order.
    private static Dictionary<(string, int), FormFactor>? s_byKey;

    private static Dictionary<(string, int), FormFactor> ByKey => s_byKey ??= Itc92.ToDictionary(
        e => (e.Element, e.Charge),
        e => new FormFactor(Key(e.Element, e.Charge), e.Z, e.Charge, e.A1, e.A2, e.A3, e.A4, e.B1, e.B2, e.B3, e.B4, e.C));

    /// <summary>Every tabulated entry (neutral atoms and ions).</summary>
    public static IEnumerable<FormFactor> All => ByKey.Values;

    /// <summary>Ions not in ITC Table 6.1.1.4 and the entry used for them.</summary>
    public static IReadOnlyDictionary<string, string> Substitutions { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["O2-"] = "O1-",
        ["S2-"] = "S",
        ["Se2-"] = "Se",
    };

    /// <summary>The form factor for a type symbol; throws <see cref="KeyNotFoundException"/> naming the symbol when unknown.</summary>
    public static FormFactor Get(string typeSymbol) =>
        TryGet(typeSymbol, out var f) ? f : throw new KeyNotFoundException($"no X-ray form factor for atom type '{typeSymbol}'");

    /// <summary>Looks up a type symbol; false when the element or ion is not tabulated.</summary>
    public static bool TryGet(string typeSymbol, out FormFactor formFactor)
    {
        ArgumentNullException.ThrowIfNull(typeSymbol);
        formFactor = null!;
        if (!TryParseSymbol(typeSymbol, out var element, out var charge))
        {
            return false;
        }

        var key = Key(element, charge);
        if (Substitutions.TryGetValue(key, out var substitute))
        {
            if (!TryParseSymbol(substitute, out element, out charge))
            {
                return false;
            }
        }

        if (ByKey.TryGetValue((element, charge), out var f))
        {
            formFactor = f;
            return true;
        }

        return false;
    }

    /// <summary>Splits "Ni3+", "Ni+3", "Cl-", "Li1+" or "Fe" into element and signed charge.</summary>
    public static bool TryParseSymbol(string symbol, out string element, out int charge)
    {
        ArgumentNullException.ThrowIfNull(symbol);
        element = "";
        charge = 0;
        var s = symbol.Trim();
        if (s.Length == 0 || !char.IsAsciiLetter(s[0]))
        {
            return false;
        }

        var n = s.Length > 1 && char.IsAsciiLetterLower(s[1]) ? 2 : 1;
        element = char.ToUpperInvariant(s[0]) + (n == 2 ? s[1..2] : "");
        var rest = s[n..];
        if (rest.Length == 0)
        {
            return true;
        }

        // Accept digits+sign ("3+"), sign+digits ("+3") or a bare sign ("-").
        var sign = rest.Contains('-', StringComparison.Ordinal) ? -1 : rest.Contains('+', StringComparison.Ordinal) ? 1 : 0;
        var digits = new string(rest.Where(char.IsAsciiDigit).ToArray());
        if (sign == 0)
        {
            // "Ni1", "O2a": a site label rather than an ion; treat as the neutral element.
            return true;
        }

        if (rest.Any(c => !char.IsAsciiDigit(c) && c != '+' && c != '-'))
        {
            return false;
        }

        charge = sign * (digits.Length == 0 ? 1 : int.Parse(digits, CultureInfo.InvariantCulture));
        return true;
    }

    private static string Key(string element, int charge) => charge switch
    {
        0 => element,
        > 0 => element + charge.ToString(CultureInfo.InvariantCulture) + "+",
        < 0 => element + (-charge).ToString(CultureInfo.InvariantCulture) + "-",
    };
}
