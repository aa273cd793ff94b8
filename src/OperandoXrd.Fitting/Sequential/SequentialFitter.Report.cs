using System.Globalization;
using OperandoXrd.Fitting.Optimization;
using OperandoXrd.Fitting.Parameters;

namespace OperandoXrd.Fitting.Sequential;

/// <summary>What a fit says about a frame: why it failed, what it could not determine, and the <see cref="FrameFit"/> reported.</summary>
public sealed partial class SequentialFitter
{
    private string? FailureReason(LeastSquaresResult result)
    {
        if (!double.IsFinite(result.ChiSquared))
        {
            return "diverged (χ² not finite)";
        }

        if (!result.Converged)
        {
            return $"did not converge ({result.Message})";
        }

        var parameters = _model.Parameters;
        foreach (var j in result.AtBounds)
        {
            // Positivity floors of widths, intensities and the PEEK scale are physics, not failure; a cell term or a
            // phase scale on its bound means the fit ran away (or the phase vanished).
            var name = parameters.Name(j);
            if (IsCritical(j))
            {
                return string.Create(CultureInfo.InvariantCulture, $"{name} hit its bound ({result.Values[j]:G6})");
            }
        }

        // A cell term, phase scale, zero or displacement the data do not determine makes the frame's numbers
        // meaningless; an undetermined width, background term, PEEK term or intensity does not (it is noted).
        var critical = result.Undetermined.Where(IsCritical).Select(parameters.Name).ToList();
        if (critical.Count > 0)
        {
            return $"{string.Join(", ", critical)} {(critical.Count == 1 ? "is" : "are")} undetermined (singular normal matrix)";
        }

        return null;
    }

    // The parameters that are free but undetermined without making the frame fail (widths, background, ...).
    private string Undetermined(LeastSquaresResult result)
    {
        if (result.Undetermined.Length == 0)
        {
            return "";
        }

        var parameters = _model.Parameters;
        var names = result.Undetermined.Where(j => !IsCritical(j)).Select(parameters.Name).ToList();
        return names.Count == 0 ? "" : $"{string.Join(", ", names)} undetermined (no esd)";
    }

    private static string Masked(int masked) => string.Create(CultureInfo.InvariantCulture, $"{masked} zinger point{(masked == 1 ? "" : "s")} masked");

    private static string Join(string reason, int masked) =>
        masked == 0 ? reason : reason.Length == 0 ? Masked(masked) : $"{reason}; {Masked(masked)}";

    private static string Join(string first, string second) =>
        first.Length == 0 ? second : second.Length == 0 ? first : $"{first}; {second}";

    private FrameFit Report(int frame, LeastSquaresResult result, FrameStatus status, string reason, int iterations, string startedFrom, bool retried, int masked)
    {
        var parameters = _model.Parameters;
        var n = parameters.Count;
        // The optimizer's covariance is (JᵀWJ)⁻¹ scaled by χ²ν; the convention's factor over the plain least-squares
        // esd divided by GoF rescales it (docs/uncertainty.md). A perfect fit (GoF 0) keeps the scaled covariance.
        var convention = _settings.Esd;
        var factor = convention.FactorOverLeastSquares(result.GoF, result.SerialCorrelation);
        var rescale = result.GoF > 0 && double.IsFinite(result.GoF) ? factor / result.GoF : 1;
        var esd = new double[n];
        for (var j = 0; j < n; j++)
        {
            esd[j] = result.Esd(j) * rescale;
        }

        var phases = new List<PhaseFit>();
        for (var p = 0; p < _model.PhaseCount; p++)
        {
            var phase = _model.Phase(p);
            var first = _model.CellIndex(p);
            var count = _model.CellTermCount(p);
            var cell = CellDerivation.FromIndependentA(phase.LatticeSystem, result.Values.AsSpan(first, count), (i, j) => result.CovarianceOf(first + i, first + j) * rescale * rescale);
            var s = _model.ScaleIndex(p);
            phases.Add(new PhaseFit(phase.Name, cell, result.Values[s], esd[s]));
        }

        var peek = _model.PeekScaleIndex;
        return new FrameFit
        {
            Frame = frame,
            Status = status,
            Reason = reason,
            Iterations = iterations,
            StartedFrom = startedFrom,
            Retried = retried,
            MaskedPoints = masked,
            Rwp = result.Rwp,
            Rexp = result.Rexp,
            GoF = result.GoF,
            EsdConvention = convention,
            EsdFactor = factor,
            SerialCorrelation = result.SerialCorrelation,
            Phases = phases,
            PeekScale = peek >= 0 ? result.Values[peek] : double.NaN,
            PeekScaleEsd = peek >= 0 ? esd[peek] : double.NaN,
            Zero = result.Values[_model.ZeroIndex],
            ZeroEsd = esd[_model.ZeroIndex],
            Values = result.Values,
            Esd = esd,
            ParameterNames = parameters.Names.ToArray(),
        };
    }
}
