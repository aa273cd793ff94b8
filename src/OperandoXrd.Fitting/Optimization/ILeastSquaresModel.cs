namespace OperandoXrd.Fitting.Optimization;

/// <summary>
/// A model f(x; p) sampled at fixed points: what <see cref="LevenbergMarquardt"/> fits. The optimizer owns weights,
/// damping, bounds and statistics; the model only computes values and derivatives.
/// </summary>
public interface ILeastSquaresModel
{
    /// <summary>Number of sample points (rows).</summary>
    int PointCount { get; }

    /// <summary>Number of parameters, free and fixed (columns).</summary>
    int ParameterCount { get; }

    /// <summary>
    /// Writes f(x_i; p) into <paramref name="values"/> and, when <paramref name="jacobian"/> is not null, ∂f/∂p_j
    /// for every active column (the Jacobian arrives cleared). Must not allocate: it runs every iteration.
    /// </summary>
    void Evaluate(ReadOnlySpan<double> parameters, Span<double> values, Jacobian? jacobian);
}
