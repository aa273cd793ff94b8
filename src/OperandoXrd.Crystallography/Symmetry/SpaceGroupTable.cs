namespace OperandoXrd.Crystallography.Symmetry;

/// <summary>
/// Generators (International Tables Vol. A, standard settings) of the space groups our phases and their usual
/// neighbours use, so that a CIF carrying only a Hermann–Mauguin symbol still loads. The full groups come from
/// closing the generators (<see cref="SpaceGroup.FromOperators"/>), so a typo here shows up as a wrong group order
/// in the tests, which compare every entry with an independent space-group library.
/// Ambiguous symbols resolve to the setting modern CIFs use: R groups in the hexagonal (obverse) setting unless
/// ":R"/"R" is appended; Fd-3m, Fd-3 and I4_1/amd to origin choice 2 unless ":1" or "S" is appended.
/// </summary>
public static class SpaceGroupTable
{
    private const string F1 = "x,y+1/2,z+1/2";
    private const string F2 = "x+1/2,y,z+1/2";
    private const string I = "x+1/2,y+1/2,z+1/2";
    private const string C = "x+1/2,y+1/2,z";
    private const string Inv = "-x,-y,-z";

    private static readonly (string Symbol, int Number, string[] Generators, string[] Aliases)[] Entries =
    [
        ("P1", 1, [], []),
        ("P-1", 2, [Inv], []),
        ("P2_1/m", 11, ["-x,y+1/2,-z", Inv], ["P121/m1"]),
        ("C2/m", 12, ["-x,y,-z", Inv, C], ["C12/m1"]),
        ("P2_1/c", 14, ["-x,y+1/2,-z+1/2", Inv], ["P121/c1"]),
        ("P2_1/n", 14, ["-x+1/2,y+1/2,-z+1/2", Inv], ["P121/n1"]),
        ("C2/c", 15, ["-x,y,-z+1/2", Inv, C], ["C12/c1"]),
        ("P2_12_12_1", 19, ["-x+1/2,-y,z+1/2", "-x,y+1/2,-z+1/2"], []),
        ("Pmn2_1", 31, ["-x+1/2,-y,z+1/2", "-x,y,z"], []),
        ("Pbcn", 60, ["-x+1/2,-y+1/2,z+1/2", "-x,y,-z+1/2", Inv], ["P2/b2/c21/n"]),
        ("Pbca", 61, ["-x+1/2,-y,z+1/2", "-x,y+1/2,-z+1/2", Inv], []),
        ("Pnma", 62, ["-x+1/2,-y,z+1/2", "-x,y+1/2,-z", Inv], ["P21/n21/m21/a"]),
        ("Cmcm", 63, ["-x,-y,z+1/2", "-x,y,-z+1/2", Inv, C], []),
        ("P4/mmm", 123, ["-x,-y,z", "-y,x,z", "-x,y,-z", Inv], []),
        ("P4_2/mnm", 136, ["-x,-y,z", "-y+1/2,x+1/2,z+1/2", "-x+1/2,y+1/2,-z+1/2", Inv], []),
        ("I4/mmm", 139, ["-x,-y,z", "-y,x,z", "-x,y,-z", Inv, I], []),
        ("I4_1/amd", 141, ["-x+1/2,-y,z+1/2", "-y+1/4,x+3/4,z+1/4", "-x+1/2,y,-z+1/2", Inv, I], ["I41/amd:2", "I41/amdZ"]),
        ("I4_1/amd:1", 141, ["-x,-y,z", "-y,x+1/2,z+1/4", "-x+1/2,y,-z+3/4", "-x,-y+1/2,-z+1/4", I], ["I41/amdS"]),
        ("P-3m1", 164, ["-y,x-y,z", "y,x,-z", Inv], []),
        ("P-31m", 162, ["-y,x-y,z", "-y,-x,-z", Inv], []),
        ("R-3m", 166, ["-y,x-y,z", "y,x,-z", Inv, "x+2/3,y+1/3,z+1/3"], ["R-3m:H", "R-3mH", "R-32/m", "R-32/m:H"]),
        ("R-3m:R", 166, ["z,x,y", "-y,-x,-z", Inv], ["R-3mR"]),
        ("R-3c", 167, ["-y,x-y,z", "y,x,-z+1/2", Inv, "x+2/3,y+1/3,z+1/3"], ["R-3c:H", "R-3cH"]),
        ("P6/mmm", 191, ["-y,x-y,z", "-x,-y,z", "y,x,-z", Inv], []),
        ("P6_3/mmc", 194, ["-y,x-y,z", "-x,-y,z+1/2", "y,x,-z", Inv], []),
        ("Pa-3", 205, ["-x+1/2,-y,z+1/2", "-x,y+1/2,-z+1/2", "z,x,y", Inv], []),
        ("F-43m", 216, ["-x,-y,z", "-x,y,-z", "z,x,y", "y,x,z", F1, F2], []),
        ("Pm-3m", 221, ["-x,-y,z", "-x,y,-z", "z,x,y", "y,x,-z", Inv], []),
        ("Fm-3m", 225, ["-x,-y,z", "-x,y,-z", "z,x,y", "y,x,-z", Inv, F1, F2], []),
        ("Fd-3m", 227, ["-x+3/4,-y+1/4,z+1/2", "-x+1/4,y+1/2,-z+3/4", "z,x,y", "y+3/4,x+1/4,-z+1/2", Inv, F1, F2], ["Fd-3m:2", "Fd-3mZ"]),
        ("Fd-3m:1", 227, ["-x,-y+1/2,z+1/2", "-x+1/2,y+1/2,-z", "z,x,y", "y+3/4,x+1/4,-z+3/4", "-x+1/4,-y+1/4,-z+1/4", F1, F2], ["Fd-3mS"]),
        ("Im-3m", 229, ["-x,-y,z", "-x,y,-z", "z,x,y", "y,x,-z", Inv, I], []),
    ];

    private static readonly Dictionary<string, int> Index = BuildIndex();

    /// <summary>The symbols of the built-in table (one per group/setting, in table order).</summary>
    public static IEnumerable<string> Symbols => Entries.Select(e => e.Symbol);

    /// <summary>International Tables number of a built-in symbol, or null.</summary>
    public static int? Number(string symbol) => Index.TryGetValue(Normalize(symbol), out var i) ? Entries[i].Number : null;

    /// <summary>The built-in group for an H-M symbol (spaces, underscores and case ignored), or null if unknown.</summary>
    public static SpaceGroup? TryCreate(string symbol)
    {
        ArgumentNullException.ThrowIfNull(symbol);
        if (!Index.TryGetValue(Normalize(symbol), out var i))
        {
            return null;
        }

        var entry = Entries[i];
        return SpaceGroup.FromOperators(entry.Generators.Select(SymmetryOperator.Parse), entry.Symbol);
    }

    /// <summary>"P 21/c", "P2_1/c" and "p21/C" all normalise to "P21/C".</summary>
    public static string Normalize(string symbol)
    {
        ArgumentNullException.ThrowIfNull(symbol);
        var chars = symbol.Where(c => !char.IsWhiteSpace(c) && c != '_' && c != '\'' && c != '"').ToArray();
        return new string(chars).ToUpperInvariant();
    }

    private static Dictionary<string, int> BuildIndex()
    {
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < Entries.Length; i++)
        {
            index[Normalize(Entries[i].Symbol)] = i;
            foreach (var alias in Entries[i].Aliases)
            {
                index[Normalize(alias)] = i;
            }
        }

        return index;
    }
}
