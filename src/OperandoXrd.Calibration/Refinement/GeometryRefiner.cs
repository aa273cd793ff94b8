using OperandoXrd.Calibration.Calibrants;
using OperandoXrd.Core.Geometry;
using OperandoXrd.Fitting.Optimization;
using OperandoXrd.Fitting.Parameters;

namespace OperandoXrd.Calibration.Refinement;

/// <summary>A point on a ring: sub-pixel position (pixel-centre units) and the ring it belongs to.</summary>
public readonly record struct ControlPoint(int Ring, double Row, double Column);

/// <summary>The geometry parameters a calibration refines, in pyFAI's units (metres, radians, wavelength in metres).</summary>
public enum GeometryParameter
{
    Distance,
    Poni1,
    Poni2,
    Rot1,
    Rot2,
    Rot3,
    Wavelength,
}

/// <summary>Outcome of one least-squares refinement of the geometry.</summary>
/// <param name="Poni">Refined geometry.</param>
/// <param name="Esd">Esd of each <see cref="GeometryParameter"/> (0 when fixed), from the covariance scaled by the reduced χ².</param>
/// <param name="Residuals">2θ(point) − 2θ(ring), radians, one per point.</param>
/// <param name="RmsRadians">Root mean square of <paramref name="Residuals"/>.</param>
public sealed record GeometryFit(Poni Poni, double[] Esd, double[] Residuals, double RmsRadians, bool Converged);

/// <summary>
/// Least squares of Σ(2θ_point(dist, poni1, poni2, rot1, rot2[, rot3, λ]) − 2θ_ring(λ))² with the project's
/// Levenberg–Marquardt, the geometry evaluated by <see cref="DetectorProjection"/> (pyFAI's conventions), and
/// central-difference derivatives (seven parameters and a few thousand points: analytic derivatives would save
/// nothing that matters).
/// </summary>
public static class GeometryRefiner
{
    // Residuals are expressed in units of 10 µrad so that χ² is of order the number of points and the optimizer's
    // absolute χ² tolerance means something; esds are scaled by the reduced χ², so this unit cancels out of them.
    private const double ResidualUnit = 1e-5;

    private static readonly string[] Names = ["dist", "poni1", "poni2", "rot1", "rot2", "rot3", "wavelength"];

    /// <summary>Refines <paramref name="start"/> against <paramref name="points"/> of <paramref name="calibrant"/>.</summary>
    public static GeometryFit Refine(Poni start, Calibrant calibrant, IReadOnlyList<ControlPoint> points, IReadOnlySet<GeometryParameter> free)
    {
        ArgumentNullException.ThrowIfNull(start);
        ArgumentNullException.ThrowIfNull(calibrant);
        ArgumentNullException.ThrowIfNull(points);
        ArgumentNullException.ThrowIfNull(free);
        var parameters = new ParameterSet();
        double[] values = [start.Distance, start.Poni1, start.Poni2, start.Rot1, start.Rot2, start.Rot3, start.Wavelength];
        for (var j = 0; j < values.Length; j++)
        {
            var (lower, upper) = j switch
            {
                0 => (1e-4, double.PositiveInfinity),
                3 or 4 or 5 => (-Math.PI, Math.PI),
                6 => (values[6] * 0.5, values[6] * 2),
                _ => (double.NegativeInfinity, double.PositiveInfinity),
            };
            parameters.Add(Names[j], values[j], free.Contains((GeometryParameter)j), lower, upper);
        }

        var model = new RingModel(start.Detector, calibrant, points);
        var y = new double[points.Count];
        var sigma = new double[points.Count];
        Array.Fill(sigma, 1.0);
        var optimizer = new LevenbergMarquardt(new LevenbergMarquardtOptions
        {
            MaxIterations = 200,
            RelativeChiSquaredTolerance = 1e-10,
            AbsoluteChiSquaredTolerance = 1e-8,
        });
        var result = optimizer.Fit(model, y, sigma, parameters);
        var p = result.Values;
        var poni = new Poni
        {
            Distance = p[0],
            Poni1 = p[1],
            Poni2 = p[2],
            Rot1 = p[3],
            Rot2 = p[4],
            Rot3 = p[5],
            Wavelength = p[6],
            Detector = start.Detector,
        };
        var esd = new double[values.Length];
        for (var j = 0; j < esd.Length; j++)
        {
            esd[j] = result.Esd(j);
        }

        var residuals = Residuals(poni, calibrant, points);
        return new GeometryFit(poni, esd, residuals, Rms(residuals), result.Converged);
    }

    /// <summary>2θ(point) − 2θ(ring) in radians for every point.</summary>
    public static double[] Residuals(Poni poni, Calibrant calibrant, IReadOnlyList<ControlPoint> points)
    {
        ArgumentNullException.ThrowIfNull(poni);
        ArgumentNullException.ThrowIfNull(calibrant);
        ArgumentNullException.ThrowIfNull(points);
        var projection = new DetectorProjection(poni);
        var lambda = poni.Wavelength * 1e10;
        var result = new double[points.Count];
        for (var i = 0; i < result.Length; i++)
        {
            var point = points[i];
            result[i] = projection.TwoTheta(point.Row, point.Column) - calibrant.Rings[point.Ring].TwoTheta(lambda);
        }

        return result;
    }

    public static double Rms(ReadOnlySpan<double> values)
    {
        if (values.IsEmpty)
        {
            return double.NaN;
        }

        var sum = 0.0;
        foreach (var v in values)
        {
            sum += v * v;
        }

        return Math.Sqrt(sum / values.Length);
    }

    private sealed class RingModel(Detector detector, Calibrant calibrant, IReadOnlyList<ControlPoint> points) : ILeastSquaresModel
    {
        // Central-difference steps: about 1e-3 of what a good calibration resolves, far above rounding.
        private static readonly double[] Steps = [1e-7, 1e-8, 1e-8, 1e-7, 1e-7, 1e-7, 0];

        private readonly double[] _trial = new double[7];
        private readonly double[] _plus = new double[points.Count];

        public int PointCount => points.Count;

        public int ParameterCount => 7;

        public void Evaluate(ReadOnlySpan<double> parameters, Span<double> values, Jacobian? jacobian)
        {
            Compute(parameters, values);
            if (jacobian is null)
            {
                return;
            }

            for (var j = 0; j < 7; j++)
            {
                if (!jacobian.IsActive(j))
                {
                    continue;
                }

                var h = j == 6 ? parameters[6] * 1e-7 : Steps[j];
                parameters.CopyTo(_trial);
                _trial[j] = parameters[j] + h;
                Compute(_trial, _plus);
                var column = jacobian.Column(j);
                _trial[j] = parameters[j] - h;
                Compute(_trial, column);
                for (var i = 0; i < column.Length; i++)
                {
                    column[i] = (_plus[i] - column[i]) / (2 * h);
                }

                jacobian.Touch(j, 0, column.Length);
            }
        }

        private void Compute(ReadOnlySpan<double> p, Span<double> values)
        {
            var projection = new DetectorProjection(detector, p[0], p[1], p[2], p[3], p[4], p[5]);
            var lambda = p[6] * 1e10;
            for (var i = 0; i < values.Length; i++)
            {
                var point = points[i];
                values[i] = (projection.TwoTheta(point.Row, point.Column) - calibrant.Rings[point.Ring].TwoTheta(lambda)) / ResidualUnit;
            }
        }
    }
}
