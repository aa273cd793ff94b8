using MathNet.Numerics.LinearAlgebra;
using OperandoXrd.Fitting.Optimization;
using OperandoXrd.Fitting.Parameters;

namespace OperandoXrd.Fitting.Tests.Optimization;

/// <summary>
/// A singular normal matrix must cost only the parameters that are actually undetermined their esds, and say which
/// ones they are; the determined parameters keep the esds they would have without the redundant ones.
/// </summary>
public class UndeterminedParameterTests
{
    /// <summary>f = Σ_k p_k · column_k(x), fixed columns (a linear model).</summary>
    private sealed class Linear(double[] x, Func<double, double>[] columns) : ILeastSquaresModel
    {
        public int PointCount => x.Length;

        public int ParameterCount => columns.Length;

        public void Evaluate(ReadOnlySpan<double> p, Span<double> values, Jacobian? jacobian)
        {
            for (var i = 0; i < x.Length; i++)
            {
                var v = 0.0;
                for (var k = 0; k < columns.Length; k++)
                {
                    var c = columns[k](x[i]);
                    v += p[k] * c;
                    if (jacobian is not null && jacobian.IsActive(k))
                    {
                        jacobian.Column(k)[i] = c;
                    }
                }

                values[i] = v;
            }

            for (var k = 0; jacobian is not null && k < columns.Length; k++)
            {
                jacobian.Touch(k, 0, x.Length);
            }
        }
    }

    private static (double[] X, double[] Y, double[] Sigma) Data()
    {
        var rng = new Random(7);
        var x = TestData.Grid(-1, 1, 200);
        var y = x.Select(t => 3 + 2 * t - 0.5 * t * t + 0.05 * (rng.NextDouble() - 0.5)).ToArray();
        return (x, y, x.Select(_ => 0.05).ToArray());
    }

    // Covariance of the model with columns 1, x, x² (no redundancy), scaled by the reduced χ² of the fit.
    private static Matrix<double> ReducedCovariance(double[] x, double[] sigma, double reducedChi2)
    {
        var j = Matrix<double>.Build.Dense(x.Length, 3, (i, k) => Math.Pow(x[i], k) / sigma[i]);
        return (j.TransposeThisAndMultiply(j)).Inverse() * reducedChi2;
    }

    [Fact]
    public void Two_identical_columns_are_named_and_the_others_keep_their_esds()
    {
        var (x, y, sigma) = Data();
        // "slope" and "slope2" are the same column: only their sum is determined.
        var model = new Linear(x, [_ => 1, t => t, t => t, t => t * t]);
        var parameters = new ParameterSet();
        parameters.Add("offset", 0, free: true);
        parameters.Add("slope", 0, free: true);
        parameters.Add("slope2", 0, free: true);
        parameters.Add("curvature", 0, free: true);

        var result = new LevenbergMarquardt().Fit(model, y, sigma, parameters);

        Assert.True(result.Converged, result.Message);
        Assert.Equal(["slope", "slope2"], result.Undetermined.Select(parameters.Name));
        Assert.True(double.IsNaN(result.Esd(1)) && double.IsNaN(result.Esd(2)));
        Assert.Equal(2, result.Values[1] + result.Values[2], 0.02);
        var cov = ReducedCovariance(x, sigma, result.ChiSquared / (x.Length - 4));
        Assert.Equal(Math.Sqrt(cov[0, 0]), result.Esd(0), 1e-6 * Math.Sqrt(cov[0, 0]));
        Assert.Equal(Math.Sqrt(cov[2, 2]), result.Esd(3), 1e-6 * Math.Sqrt(cov[2, 2]));
        Assert.Equal(cov[0, 2], result.CovarianceOf(0, 3), 1e-6 * Math.Abs(cov[0, 2]));
    }

    [Fact]
    public void A_parameter_the_data_do_not_see_is_undetermined_not_exact()
    {
        var (x, y, sigma) = Data();
        var model = new Linear(x, [_ => 1, t => t, t => t * t, _ => 0]);
        var parameters = new ParameterSet();
        parameters.Add("offset", 0, free: true);
        parameters.Add("slope", 0, free: true);
        parameters.Add("curvature", 0, free: true);
        parameters.Add("unseen", 1, free: true);

        var result = new LevenbergMarquardt().Fit(model, y, sigma, parameters);

        Assert.Equal(["unseen"], result.Undetermined.Select(parameters.Name));
        Assert.True(double.IsNaN(result.Esd(3)), $"esd of a parameter with a zero column: {result.Esd(3)}");
        var cov = ReducedCovariance(x, sigma, result.ChiSquared / (x.Length - 4));
        Assert.Equal(Math.Sqrt(cov[1, 1]), result.Esd(1), 1e-6 * Math.Sqrt(cov[1, 1]));
    }
}
