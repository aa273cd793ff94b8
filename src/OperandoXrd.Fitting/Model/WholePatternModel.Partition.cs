using OperandoXrd.Crystallography.Profiles;
using OperandoXrd.Crystallography.Scattering;

namespace OperandoXrd.Fitting.Model;

/// <summary>Le Bail partitioning of the Pawley/Le Bail intensities against an observed pattern.</summary>
public sealed partial class WholePatternModel
{
    /// <summary>
    /// Le Bail partition: each peak group's intensity becomes its share of the observed counts above background,
    /// I_k ← Σ_i Δx_i (y_i − b_i) · scale·I_k·L_k·P_ik / (y_calc,i − b_i) / (scale · L_k · Σ_i Δx_i P_ik), with
    /// b = background + PEEK and L_k the Lorentz factor. Points of zero weight (<paramref name="weight"/> = 0) do not vote. Pawley/Le Bail mode only.
    /// </summary>
    /// <remarks>
    /// Only groups centred inside the fit range (<see cref="PeakInRange"/>) are partitioned; the others keep their
    /// value. A share is proportional to the current intensity, so a zero would stay zero for ever — a reflection that
    /// enters the range during the run (held at zero until then) or one the reference found empty could never come
    /// back. Such intensities are first raised to a seed of <see cref="PartitionSeed"/> × the phase's largest
    /// intensity: next to a strong overlapping peak the seed keeps a negligible share, alone it takes what is there.
    /// </remarks>
    /// <param name="p">Parameters; the partitioned intensities are written into it.</param>
    /// <param name="y">Observed pattern on the fit range.</param>
    /// <param name="weight">1/σ² per point.</param>
    /// <param name="calculated">The model at <paramref name="p"/> as already evaluated (the optimizer's last step), or
    /// empty: it saves one evaluation unless a seed changes <paramref name="p"/>.</param>
    public void PartitionIntensities(Span<double> p, ReadOnlySpan<double> y, ReadOnlySpan<double> weight, ReadOnlySpan<double> calculated = default)
    {
        var n = _x.Length;
        var calc = _partitionCalc;
        var nonPhase = _partitionNonPhase;
        var seeded = false;
        for (var k = 0; k < _phases.Length; k++)
        {
            var phase = _phases[k];
            if (phase.Intensity < 0)
            {
                continue;
            }

            var largest = 0.0;
            for (var g = 0; g < phase.Groups.Length; g++)
            {
                largest = Math.Max(largest, p[phase.Intensity + g]);
            }

            var seed = PartitionSeed * largest;
            for (var g = 0; g < phase.Groups.Length; g++)
            {
                if (p[phase.Intensity + g] < seed && PeakInRange(k, g, p))
                {
                    p[phase.Intensity + g] = seed;
                    seeded = true;
                }
            }
        }

        if (seeded || calculated.Length != n)
        {
            Evaluate(p, calc, null);
        }
        else
        {
            calculated.CopyTo(calc);
        }

        EvaluateNonPhase(p, nonPhase);
        var lambda = Options.Wavelength;
        double lo = _x[0], hi = _x[^1];
        foreach (var phase in _phases)
        {
            if (phase.Intensity < 0)
            {
                continue;
            }

            var scale = p[phase.Scale];
            if (!(scale > 0))
            {
                continue;
            }

            var tch = new TchParameters(p[phase.Width], p[phase.Width + 1], p[phase.Width + 2], p[phase.Width + 3], p[phase.Width + 4], p[phase.Width + 5]);
            for (var g = 0; g < phase.Groups.Length; g++)
            {
                var pos = phase.Position(g, p, lambda, p[_zero], p[_displacement], out var twoTheta, out _, out _);
                if (double.IsNaN(pos))
                {
                    continue;
                }

                var lorentz = LorentzPolarization.Lorentz(twoTheta);
                var shape = TchPseudoVoigt.Shape(tch, pos);

                var taps = phase.Taps[g];
                var (start, count) = _convolved.Window(shape, taps, WindowOf(shape, widthDerivatives: false));
                if (count == 0)
                {
                    continue;
                }

                var v = _tmp.AsSpan(0, count);
                v.Clear();
                _convolved.Add(start, count, v, 1, shape, taps);
                var current = p[phase.Intensity + g];
                double observed = 0, norm = 0;
                for (var i = 0; i < count; i++)
                {
                    var k = start + i;
                    var dx = Step(k);
                    norm += v[i] * dx;
                    var phaseCalc = calc[k] - nonPhase[k];
                    if (weight[k] <= 0 || !(phaseCalc > 0))
                    {
                        continue;
                    }

                    observed += dx * (y[k] - nonPhase[k]) * scale * current * lorentz * v[i] / phaseCalc;
                }

                if (norm >= MinPeakFraction && current > 0)
                {
                    p[phase.Intensity + g] = Math.Max(observed / (scale * lorentz * norm), 0);
                }
            }
        }
    }

    /// <summary>Seed of a zero intensity before a partition, relative to the phase's largest (see <see cref="PartitionIntensities"/>).</summary>
    public const double PartitionSeed = 1e-4;
}
