namespace OperandoXrd.Crystallography.Symmetry;

/// <summary>The seven lattice systems as far as cell refinement cares (monoclinic split by unique axis).</summary>
public enum LatticeSystemKind
{
    Triclinic,
    MonoclinicUniqueA,
    MonoclinicUniqueB,
    MonoclinicUniqueC,
    Orthorhombic,
    Tetragonal,
    /// <summary>Hexagonal and trigonal lattices, including R groups in the hexagonal (obverse) setting.</summary>
    Hexagonal,
    /// <summary>R groups on rhombohedral axes (a = b = c, α = β = γ).</summary>
    Rhombohedral,
    Cubic,
}

/// <summary>
/// How the symmetry ties the six reciprocal-metric terms A0..A5 (GSAS-II's
/// 1/d² = A0h² + A1k² + A2l² + A3hk + A4hl + A5kl) to a few independent parameters p: A = M·p with a constant
/// matrix M. A fitter refines p; 1/d² is then linear in p, which is what keeps the normal equations well
/// conditioned, and d(1/d²)/dp_j is simply <see cref="Coefficients"/>.
/// </summary>
public sealed class LatticeSystem
{
    // Rows: A0..A5; columns: independent parameters.
    private readonly double[,] _m;

    private LatticeSystem(LatticeSystemKind kind, double[,] m, string[] cellParameters)
    {
        Kind = kind;
        _m = m;
        CellParameters = cellParameters;
    }

    public LatticeSystemKind Kind { get; }

    /// <summary>Number of independent A-terms: cubic 1, tetragonal/hexagonal/rhombohedral 2, orthorhombic 3, monoclinic 4, triclinic 6.</summary>
    public int ParameterCount => _m.GetLength(1);

    /// <summary>
    /// The free direct-cell parameters this system reports (names as in lattice.csv: a, b, c, alpha, beta, gamma);
    /// V is always derived in addition.
    /// </summary>
    public IReadOnlyList<string> CellParameters { get; }

    public static LatticeSystem Triclinic { get; } = new(LatticeSystemKind.Triclinic, Identity6(), ["a", "b", "c", "alpha", "beta", "gamma"]);

    public static LatticeSystem MonoclinicUniqueA { get; } = new(LatticeSystemKind.MonoclinicUniqueA, Pick(0, 1, 2, 5), ["a", "b", "c", "alpha"]);

    public static LatticeSystem MonoclinicUniqueB { get; } = new(LatticeSystemKind.MonoclinicUniqueB, Pick(0, 1, 2, 4), ["a", "b", "c", "beta"]);

    public static LatticeSystem MonoclinicUniqueC { get; } = new(LatticeSystemKind.MonoclinicUniqueC, Pick(0, 1, 2, 3), ["a", "b", "c", "gamma"]);

    public static LatticeSystem Orthorhombic { get; } = new(LatticeSystemKind.Orthorhombic, Pick(0, 1, 2), ["a", "b", "c"]);

    public static LatticeSystem Tetragonal { get; } = new(LatticeSystemKind.Tetragonal, new double[,] { { 1, 0 }, { 1, 0 }, { 0, 1 }, { 0, 0 }, { 0, 0 }, { 0, 0 } }, ["a", "c"]);

    public static LatticeSystem Hexagonal { get; } = new(LatticeSystemKind.Hexagonal, new double[,] { { 1, 0 }, { 1, 0 }, { 0, 1 }, { 1, 0 }, { 0, 0 }, { 0, 0 } }, ["a", "c"]);

    public static LatticeSystem Rhombohedral { get; } = new(LatticeSystemKind.Rhombohedral, new double[,] { { 1, 0 }, { 1, 0 }, { 1, 0 }, { 0, 1 }, { 0, 1 }, { 0, 1 } }, ["a", "alpha"]);

    public static LatticeSystem Cubic { get; } = new(LatticeSystemKind.Cubic, new double[,] { { 1 }, { 1 }, { 1 }, { 0 }, { 0 }, { 0 } }, ["a"]);

    /// <summary>dA_i/dp_j (constant).</summary>
    public double ConstraintMatrix(int aTerm, int parameter) => _m[aTerm, parameter];

    /// <summary>A = M·p.</summary>
    public void Expand(ReadOnlySpan<double> p, Span<double> a)
    {
        for (var i = 0; i < 6; i++)
        {
            var s = 0.0;
            for (var j = 0; j < ParameterCount; j++)
            {
                s += _m[i, j] * p[j];
            }

            a[i] = s;
        }
    }

    /// <summary>
    /// The independent parameters of a cell that already obeys this system: p_j is the first A-term that depends on
    /// p_j alone (M has exactly one 1 per row, so this is exact for a symmetric cell).
    /// </summary>
    public void Reduce(ReadOnlySpan<double> a, Span<double> p)
    {
        for (var j = 0; j < ParameterCount; j++)
        {
            for (var i = 0; i < 6; i++)
            {
                if (_m[i, j] != 0)
                {
                    p[j] = a[i];
                    break;
                }
            }
        }
    }

    /// <summary>Coefficients c_j with 1/d² = Σ c_j p_j for reflection hkl; also d(1/d²)/dp_j.</summary>
    public void Coefficients(int h, int k, int l, Span<double> c)
    {
        ReadOnlySpan<double> hklTerms = [h * h, k * k, l * l, h * k, h * l, k * l];
        for (var j = 0; j < ParameterCount; j++)
        {
            var s = 0.0;
            for (var i = 0; i < 6; i++)
            {
                s += _m[i, j] * hklTerms[i];
            }

            c[j] = s;
        }
    }

    /// <summary>
    /// Cell (a, b, c, α, β, γ, V) and esds from the independent parameters and their covariance:
    /// cov(A) = M·cov(p)·Mᵀ, then <see cref="Cells.UnitCell.PropagateFromA"/>.
    /// </summary>
    public (Cells.UnitCell Cell, double[] Values, double[] Esd) PropagateEsd(ReadOnlySpan<double> p, double[,] covarianceP)
    {
        ArgumentNullException.ThrowIfNull(covarianceP);
        var n = ParameterCount;
        if (p.Length != n || covarianceP.GetLength(0) != n || covarianceP.GetLength(1) != n)
        {
            throw new ArgumentException($"{Kind} needs {n} parameters and an {n}×{n} covariance");
        }

        Span<double> a = stackalloc double[6];
        Expand(p, a);
        var covA = new double[6, 6];
        for (var i = 0; i < 6; i++)
        {
            for (var k = 0; k < 6; k++)
            {
                var s = 0.0;
                for (var x = 0; x < n; x++)
                {
                    for (var y = 0; y < n; y++)
                    {
                        s += _m[i, x] * covarianceP[x, y] * _m[k, y];
                    }
                }

                covA[i, k] = s;
            }
        }

        return Cells.UnitCell.PropagateFromA(a, covA);
    }

    /// <summary>
    /// True when the cell obeys this system's constraints (its A-terms equal their own projection M·p), to a
    /// relative tolerance; a hexagonal group with γ = 90° or a cubic group with a ≠ c fails.
    /// </summary>
    public bool IsSatisfiedBy(Cells.UnitCell cell, double tolerance = 1e-5)
    {
        ArgumentNullException.ThrowIfNull(cell);
        var a = cell.ToA();
        Span<double> p = stackalloc double[6];
        Span<double> back = stackalloc double[6];
        Reduce(a, p[..ParameterCount]);
        Expand(p[..ParameterCount], back);
        var scale = Math.Max(Math.Max(a[0], a[1]), a[2]);
        for (var i = 0; i < 6; i++)
        {
            if (Math.Abs(back[i] - a[i]) > tolerance * scale)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// The most symmetric lattice system the cell metric allows (lengths equal to a relative
    /// <paramref name="lengthTolerance"/>, angles to <paramref name="angleTolerance"/> degrees), for a cell known
    /// without its space group. Metric symmetry can exceed the true symmetry; prefer <see cref="FromOperators"/>.
    /// </summary>
    public static LatticeSystem FromCell(Cells.UnitCell cell, double lengthTolerance = 1e-4, double angleTolerance = 1e-3)
    {
        ArgumentNullException.ThrowIfNull(cell);
        bool Eq(double x, double y) => Math.Abs(x - y) <= lengthTolerance * Math.Max(x, y);
        bool Deg(double x, double y) => Math.Abs(x - y) <= angleTolerance;
        bool al = Deg(cell.Alpha, 90), be = Deg(cell.Beta, 90), ga = Deg(cell.Gamma, 90);
        if (al && be && ga)
        {
            if (Eq(cell.A, cell.B) && Eq(cell.B, cell.C))
            {
                return Cubic;
            }

            return Eq(cell.A, cell.B) ? Tetragonal : Orthorhombic;
        }

        if (al && be && Deg(cell.Gamma, 120) && Eq(cell.A, cell.B))
        {
            return Hexagonal;
        }

        if (Eq(cell.A, cell.B) && Eq(cell.B, cell.C) && Deg(cell.Alpha, cell.Beta) && Deg(cell.Beta, cell.Gamma))
        {
            return Rhombohedral;
        }

        if (al && ga)
        {
            return MonoclinicUniqueB;
        }

        if (al && be)
        {
            return MonoclinicUniqueC;
        }

        return be && ga ? MonoclinicUniqueA : Triclinic;
    }

    public override string ToString() => Kind.ToString();

    /// <summary>
    /// The lattice system implied by a set of space-group operators: counts the rotation axes of the point group
    /// (4 three-folds → cubic, a 4-fold → tetragonal, a 3- or 6-fold along c → hexagonal or along [111] →
    /// rhombohedral axes, three 2-folds → orthorhombic, one → monoclinic with that unique axis, none → triclinic).
    /// </summary>
    public static LatticeSystem FromOperators(IEnumerable<SymmetryOperator> operators)
    {
        ArgumentNullException.ThrowIfNull(operators);
        var threeFold = new HashSet<(int, int, int)>();
        var fourFold = new HashSet<(int, int, int)>();
        var sixOrThree = new HashSet<(int, int, int)>();
        var twoFold = new HashSet<(int, int, int)>();
        foreach (var op in operators)
        {
            // Proper part: a mirror acts like the 2-fold along its normal for the lattice metric.
            var det = op.Determinant;
            var trace = det * op.Trace;
            var order = trace switch { 3 => 1, -1 => 2, 0 => 3, 1 => 4, 2 => 6, _ => 0 };
            if (order <= 1)
            {
                continue;
            }

            var axis = Axis(op, det, order);
            switch (order)
            {
                case 2: twoFold.Add(axis); break;
                case 3: threeFold.Add(axis); sixOrThree.Add(axis); break;
                case 4: fourFold.Add(axis); break;
                case 6: sixOrThree.Add(axis); break;
            }
        }

        if (threeFold.Count >= 4)
        {
            return Cubic;
        }

        if (fourFold.Count > 0)
        {
            if (!fourFold.Contains((0, 0, 1)))
            {
                throw new NotSupportedException("tetragonal setting with the 4-fold axis not along c is not supported");
            }

            return Tetragonal;
        }

        if (sixOrThree.Count > 0)
        {
            if (sixOrThree.Contains((0, 0, 1)))
            {
                return Hexagonal;
            }

            if (sixOrThree.Contains((1, 1, 1)))
            {
                return Rhombohedral;
            }

            throw new NotSupportedException("trigonal setting with the 3-fold axis neither along c nor along [111] is not supported");
        }

        if (twoFold.Count >= 3)
        {
            return Orthorhombic;
        }

        if (twoFold.Count == 1)
        {
            return twoFold.First() switch
            {
                (0, 1, 0) => MonoclinicUniqueB,
                (0, 0, 1) => MonoclinicUniqueC,
                (1, 0, 0) => MonoclinicUniqueA,
                _ => throw new NotSupportedException("monoclinic setting with the unique axis not along a, b or c is not supported"),
            };
        }

        return Triclinic;
    }

    // The rotation axis of det·R: a non-zero column of I + P + P² + ... + P^(n-1), normalised in sign and by gcd.
    private static (int, int, int) Axis(SymmetryOperator op, int det, int order)
    {
        Span<int> p = stackalloc int[9];
        Span<int> power = stackalloc int[9];
        Span<int> sum = stackalloc int[9];
        Span<int> next = stackalloc int[9];
        for (var i = 0; i < 3; i++)
        {
            for (var j = 0; j < 3; j++)
            {
                p[i * 3 + j] = det * op.R(i, j);
                power[i * 3 + j] = i == j ? 1 : 0;
                sum[i * 3 + j] = power[i * 3 + j];
            }
        }

        for (var n = 1; n < order; n++)
        {
            for (var i = 0; i < 3; i++)
            {
                for (var j = 0; j < 3; j++)
                {
                    next[i * 3 + j] = p[i * 3] * power[j] + p[i * 3 + 1] * power[3 + j] + p[i * 3 + 2] * power[6 + j];
                }
            }

            next.CopyTo(power);
            for (var k = 0; k < 9; k++)
            {
                sum[k] += power[k];
            }
        }

        for (var col = 0; col < 3; col++)
        {
            int x = sum[col], y = sum[3 + col], z = sum[6 + col];
            if (x == 0 && y == 0 && z == 0)
            {
                continue;
            }

            var g = Gcd(Gcd(Math.Abs(x), Math.Abs(y)), Math.Abs(z));
            x /= g; y /= g; z /= g;
            // Sign convention: first non-zero component positive.
            if (x < 0 || (x == 0 && (y < 0 || (y == 0 && z < 0))))
            {
                x = -x; y = -y; z = -z;
            }

            return (x, y, z);
        }

        return (0, 0, 0);
    }

    private static int Gcd(int a, int b) => b == 0 ? a : Gcd(b, a % b);

    private static double[,] Identity6()
    {
        var m = new double[6, 6];
        for (var i = 0; i < 6; i++)
        {
            m[i, i] = 1;
        }

        return m;
    }

    private static double[,] Pick(params int[] terms)
    {
        var m = new double[6, terms.Length];
        for (var j = 0; j < terms.Length; j++)
        {
            m[terms[j], j] = 1;
        }

        return m;
    }
}
