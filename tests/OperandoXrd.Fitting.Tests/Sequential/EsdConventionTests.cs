using System.Text;
using OperandoXrd.Fitting.Configuration;
using OperandoXrd.Fitting.Optimization;
using OperandoXrd.Fitting.Output;
using OperandoXrd.Fitting.Parameters;
using OperandoXrd.Fitting.Sequential;

namespace OperandoXrd.Fitting.Tests.Sequential;

/// <summary>
/// The three esd conventions (docs/uncertainty.md) against cases whose answer is known: a straight line with
/// independent Gaussian errors (the least-squares covariance is (XᵀWX)⁻¹ in closed form) and with AR(1) errors
/// (the spread of the estimates is the Monte Carlo truth the Bérar–Lelann factor must reach).
/// </summary>
public class EsdConventionTests
{
    /// <summary>f = a + b·x.</summary>
    private sealed class Line(double[] x) : ILeastSquaresModel
    {
        public int PointCount => x.Length;

        public int ParameterCount => 2;

        public void Evaluate(ReadOnlySpan<double> p, Span<double> values, Jacobian? jacobian)
        {
            for (var i = 0; i < x.Length; i++)
            {
                values[i] = p[0] + (p[1] * x[i]);
                if (jacobian is not null)
                {
                    jacobian.Column(0)[i] = 1;
                    jacobian.Column(1)[i] = x[i];
                }
            }

            if (jacobian is not null)
            {
                jacobian.Touch(0, 0, x.Length);
                jacobian.Touch(1, 0, x.Length);
            }
        }
    }

    private const double TrueA = 3.0, TrueB = -0.5;

    private static (double[] X, double[] Sigma) Grid(int n)
    {
        var x = new double[n];
        var sigma = new double[n];
        for (var i = 0; i < n; i++)
        {
            x[i] = -1 + (2.0 * i / (n - 1));
            sigma[i] = 0.5 + (0.5 * i / (n - 1)); // unequal weights, so the covariance is not a textbook special case
        }

        return (x, sigma);
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    private static LeastSquaresResult FitLine(LevenbergMarquardt lm, double[] x, double[] y, double[] sigma)
    {
        var parameters = new ParameterSet();
        parameters.Add("a", 0, free: true);
        parameters.Add("b", 0, free: true);
        return lm.Fit(new Line(x), y, sigma, parameters);
    }

    private static double StandardDeviation(IReadOnlyList<double> values)
    {
        var mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
    }

    [Fact]
    public void Least_squares_esd_is_the_analytic_covariance_and_scaled_multiplies_by_GoF()
    {
        var (x, sigma) = Grid(400);
        // (XᵀWX)⁻¹ of a line in closed form.
        double s0 = 0, s1 = 0, s2 = 0;
        for (var i = 0; i < x.Length; i++)
        {
            var w = 1 / (sigma[i] * sigma[i]);
            s0 += w;
            s1 += w * x[i];
            s2 += w * x[i] * x[i];
        }

        var det = (s0 * s2) - (s1 * s1);
        double varA = s2 / det, varB = s0 / det;

        // The errors are twice the stated σ: the least-squares esd is then 2× too small, the scaled one right.
        var random = new Random(1234);
        var lm = new LevenbergMarquardt();
        var a = new List<double>();
        var b = new List<double>();
        var gof = new List<double>();
        for (var run = 0; run < 400; run++)
        {
            var y = new double[x.Length];
            for (var i = 0; i < x.Length; i++)
            {
                y[i] = TrueA + (TrueB * x[i]) + (2 * sigma[i] * Gaussian(random));
            }

            var r = FitLine(lm, x, y, sigma);
            // The optimizer's covariance is the scaled one: over GoF it is (XᵀWX)⁻¹ to rounding.
            var leastSquaresA = r.Esd(0) / EsdConvention.Scaled.FactorOverLeastSquares(r.GoF, r.SerialCorrelation);
            var leastSquaresB = r.Esd(1) / EsdConvention.Scaled.FactorOverLeastSquares(r.GoF, r.SerialCorrelation);
            Assert.Equal(Math.Sqrt(varA), leastSquaresA, Math.Sqrt(varA) * 1e-9);
            Assert.Equal(Math.Sqrt(varB), leastSquaresB, Math.Sqrt(varB) * 1e-9);
            Assert.Equal(1.0, EsdConvention.LeastSquares.FactorOverLeastSquares(r.GoF, r.SerialCorrelation));
            a.Add(r.Values[0]);
            b.Add(r.Values[1]);
            gof.Add(r.GoF);
        }

        // 400 runs: the sample standard deviation is good to ≈ 3.5 %.
        var meanGoF = gof.Average();
        Assert.InRange(meanGoF, 1.95, 2.05);
        Assert.InRange(StandardDeviation(a) / (Math.Sqrt(varA) * meanGoF), 0.9, 1.1);
        Assert.InRange(StandardDeviation(b) / (Math.Sqrt(varB) * meanGoF), 0.9, 1.1);
        Assert.InRange(StandardDeviation(a) / Math.Sqrt(varA), 1.8, 2.2);
    }

    [Fact]
    public void Berar_Lelann_factor_recovers_the_spread_of_a_fit_to_AR1_residuals()
    {
        // AR(1) errors e_i = ρ e_(i−1) + √(1 − ρ²) σ ξ_i with stationary variance σ²: GoF ≈ 1, so the scaled esd is the
        // least-squares one and misses the (1 + ρ)/(1 − ρ) = 4 variance inflation of ρ = 0.6 (a factor 2 in esd).
        const double rho = 0.6;
        var n = 2000;
        var x = new double[n];
        var sigma = new double[n];
        for (var i = 0; i < n; i++)
        {
            x[i] = -1 + (2.0 * i / (n - 1));
            sigma[i] = 1;
        }

        var random = new Random(99);
        var lm = new LevenbergMarquardt();
        var a = new List<double>();
        var b = new List<double>();
        var scaledA = new List<double>();
        var berarA = new List<double>();
        var berarB = new List<double>();
        var correlation = new List<double>();
        for (var run = 0; run < 300; run++)
        {
            var y = new double[n];
            var e = Gaussian(random);
            for (var i = 0; i < n; i++)
            {
                e = i == 0 ? e : (rho * e) + (Math.Sqrt(1 - (rho * rho)) * Gaussian(random));
                y[i] = TrueA + (TrueB * x[i]) + e;
            }

            var r = FitLine(lm, x, y, sigma);
            var toBerar = EsdConvention.BerarLelann.FactorOverLeastSquares(r.GoF, r.SerialCorrelation) / EsdConvention.Scaled.FactorOverLeastSquares(r.GoF, r.SerialCorrelation);
            a.Add(r.Values[0]);
            b.Add(r.Values[1]);
            scaledA.Add(r.Esd(0));
            berarA.Add(r.Esd(0) * toBerar);
            berarB.Add(r.Esd(1) * toBerar);
            correlation.Add(r.SerialCorrelation);
        }

        Assert.InRange(correlation.Average(), rho - 0.02, rho + 0.01);
        // The scaled esd is about half the true spread; Bérar–Lelann's within the Monte Carlo error (≈ 4 % on 300 runs).
        Assert.InRange(StandardDeviation(a) / scaledA.Average(), 1.8, 2.2);
        Assert.InRange(StandardDeviation(a) / berarA.Average(), 0.9, 1.1);
        Assert.InRange(StandardDeviation(b) / berarB.Average(), 0.88, 1.12);
    }

    [Theory]
    [InlineData(0.6, 2.0)]
    [InlineData(0.0, 1.0)]
    [InlineData(-0.3, 1.0)]
    [InlineData(double.NaN, 1.0)]
    [InlineData(0.8, 3.0)]
    public void Berar_Lelann_factor_is_the_AR1_inflation_and_never_shrinks(double rho, double factor) =>
        Assert.Equal(factor, EsdConventions.BerarLelannFactor(rho), 12);

    [Fact]
    public void Pipeline_key_reads_each_convention_and_names_itself_when_wrong()
    {
        const string phases = """ "phases": [ { "name": "X", "cif": "x.cif" } ] """;
        Assert.Equal(EsdConvention.Scaled, FitConfiguration.Parse($$"""{ {{phases}} }""", "p.json", "/tmp").Fit.Esd);
        foreach (var (name, convention) in new[] { ("scaled", EsdConvention.Scaled), ("least-squares", EsdConvention.LeastSquares), ("berar-lelann", EsdConvention.BerarLelann) })
        {
            Assert.Equal(convention, FitConfiguration.Parse($$"""{ {{phases}}, "fit": { "esd": "{{name}}" } }""", "p.json", "/tmp").Fit.Esd);
        }

        var e = Assert.Throws<FitConfigurationException>(() => FitConfiguration.Parse($$"""{ {{phases}}, "fit": { "esd": "bayesian" } }""", "p.json", "/tmp"));
        Assert.Contains("p.json: fit.esd: 'bayesian' is not one of scaled, least-squares, berar-lelann", e.Message, StringComparison.Ordinal);
    }

    private static FrameFit Frame(int frame, EsdConvention convention, double factor) => new()
    {
        Frame = frame,
        Status = FrameStatus.Ok,
        GoF = 1.5,
        Rwp = 0.1,
        EsdConvention = convention,
        EsdFactor = factor,
        Phases = [new PhaseFit("NCA", [new DerivedQuantity("a", 2.87, 1e-5), new DerivedQuantity("V", 100.1, 1e-3)], 1, 0.01)],
        Values = [],
        Esd = [],
        ParameterNames = [],
    };

    [Theory]
    [InlineData(EsdConvention.Scaled)]
    [InlineData(EsdConvention.LeastSquares)]
    [InlineData(EsdConvention.BerarLelann)]
    public void Lattice_csv_header_names_the_convention_and_reads_back(EsdConvention convention)
    {
        using var stream = new MemoryStream();
        LatticeCsv.WriteTo(stream, [("NCA", ["a", "V"])], hasPeek: false, convention, csv =>
        {
            csv.Write(Frame(0, convention, 1.5), 0, FrameEchem.Unknown);
            csv.Write(Frame(1, convention, 2.25), 60, FrameEchem.Unknown);
            csv.WriteUnfitted(2, 120, FrameEchem.Unknown, "unreadable");
        });
        var text = Encoding.UTF8.GetString(stream.ToArray());
        var header = text[..text.IndexOf('\n', StringComparison.Ordinal)].Split(',');
        Assert.Equal(["status", "iterations", "esd_factor_" + EsdConventions.Names[(int)convention], "note"], header[^4..]);

        var table = LatticeCsv.Parse(text, "lattice.csv");
        Assert.Empty(table.Rejected);
        Assert.Equal(convention, table.EsdConvention);
        Assert.Equal([1.5, 2.25], table.Rows.Take(2).Select(r => r.EsdFactor));
        Assert.True(double.IsNaN(table.Rows[2].EsdFactor));
        Assert.Equal(1e-5, table.Rows[0].Lattice[0].Esd);

        // A frame whose esds follow another convention cannot go under this header.
        var other = (EsdConvention)(((int)convention + 1) % 3);
        using var again = new MemoryStream();
        Assert.Throws<InvalidOperationException>(() => LatticeCsv.WriteTo(again, [("NCA", ["a", "V"])], false, convention, csv => csv.Write(Frame(0, other, 1), 0, FrameEchem.Unknown)));
    }

    [Fact]
    public void Lattice_csv_without_the_esd_column_is_read_as_scaled_and_a_bad_name_is_an_error()
    {
        // As written before the column existed (every fitter so far scaled by √χ²ν).
        const string old = "frame,time_s,voltage_V,current_mA,capacity_mAh_g,x_Li,NCA_a,NCA_a_esd,NCA_scale,PEEK_scale,Rwp,GoF,status,iterations,note\n"
            + "0,0,,,,,2.87,1e-05,1,,0.1,1.5,ok,12,\n";
        var table = LatticeCsv.Parse(old, "old/lattice.csv");
        Assert.Equal(EsdConvention.Scaled, table.EsdConvention);
        Assert.Equal(1e-5, Assert.Single(table.Rows).Lattice[0].Esd);
        Assert.True(double.IsNaN(table.Rows[0].EsdFactor));

        var bad = old.Replace("iterations,note", "iterations,esd_factor_bootstrap,note", StringComparison.Ordinal).Replace(",12,", ",12,1,", StringComparison.Ordinal);
        var e = Assert.Throws<FormatException>(() => LatticeCsv.Parse(bad, "bad/lattice.csv"));
        Assert.Contains("bad/lattice.csv: header column 15 'esd_factor_bootstrap' names no esd convention", e.Message, StringComparison.Ordinal);
    }
}
