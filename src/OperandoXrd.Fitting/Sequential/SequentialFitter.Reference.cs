using OperandoXrd.Fitting.Configuration;
using OperandoXrd.Fitting.Optimization;

namespace OperandoXrd.Fitting.Sequential;

/// <summary>
/// The reference frame: background first, then the cell pulled in coarse-to-fine, intensities from the structure or
/// partitioned, Le Bail cycles, and the per-frame parameter set re-fitted for comparable esds.
/// </summary>
public sealed partial class SequentialFitter
{
    private FrameFit FitReference(int frame, int masked)
    {
        var parameters = _model.Parameters;
        var weights = Weights();
        var iterations = 0;

        // 1. Background and PEEK under the peaks with no phase intensity: a floor to partition against.
        var saved = parameters.Values.ToArray();
        for (var p = 0; p < _model.PhaseCount; p++)
        {
            parameters[_model.ScaleIndex(p)] = 0;
        }

        ApplyFree(_referenceFree, except: j => !IsBackgroundOrPeek(j));
        iterations += _referenceLm.Fit(_model, _y, _sigma, parameters).Iterations;
        for (var p = 0; p < _model.PhaseCount; p++)
        {
            parameters[_model.ScaleIndex(p)] = saved[_model.ScaleIndex(p)];
        }

        LeastSquaresResult result;
        if (_settings.Mode == FitMode.Rietveld)
        {
            // Structure intensities: scales first (linear), then everything the reference refines.
            InitialiseRietveldScales(weights);
            ApplyFree(_referenceFree, except: j => !(IsBackgroundOrPeek(j) || IsScale(j)));
            iterations += _referenceLm.Fit(_model, _y, _sigma, parameters).Iterations;
            iterations += CoarseToFine(weights, partition: false, scales: true);
            ApplyFree(_referenceFree);
            result = _referenceLm.Fit(_model, _y, _sigma, parameters);
            iterations += result.Iterations;
        }
        else
        {
            // 2. Start intensities: from the structure when the CIFs have atoms — then the cell can be pulled in
            //    coarse-to-fine against a realistic pattern, with the phase scales free, before any partition (a
            //    partition against a misplaced cell only makes the wrong cell self-consistent). Without atoms:
            //    equal intensities and partitioning all along.
            var values = parameters.Values;
            var fromStructure = _model.HasStructureIntensities;
            if (fromStructure)
            {
                InitialiseRietveldScales(weights);
                iterations += CoarseToFine(weights, partition: false, scales: true);
                FoldScalesIntoIntensities();
            }
            else
            {
                for (var g = 0; g < values.Length; g++)
                {
                    if (IsIntensity(g))
                    {
                        values[g] = 1;
                    }
                }

                iterations += CoarseToFine(weights, partition: true, scales: false);
                // Reflections centred outside the range were not partitioned (nothing measures them): no intensity
                // until they come in, when a per-frame partition seeds them.
                for (var g = 0; g < values.Length; g++)
                {
                    if (IsIntensity(g) && !IntensityInRange(g))
                    {
                        values[g] = 0;
                    }
                }
            }

            // 3. Le Bail cycles: partition intensities, then refine cell, widths, zero and background against them.
            for (var cycle = 0; cycle < 4; cycle++)
            {
                _model.PartitionIntensities(parameters.Values, _y, weights);
                ApplyFree(_referenceFree, except: IsIntensity);
                iterations += _referenceLm.Fit(_model, _y, _sigma, parameters).Iterations;
            }

            _model.PartitionIntensities(parameters.Values, _y, weights);
            // 4. Pawley: intensities become parameters (refined with everything else); Le Bail keeps the partition.
            //    Only those of reflections centred inside the fit range: the others are seen through a far tail at
            //    most, and a free intensity there runs away (see WholePatternModel.PeakInRange). They are held (at
            //    the structure-based start, or zero) until they come into range and a partition picks them up.
            ApplyFree(_referenceFree, except: j => IsIntensity(j) && !IntensityInRange(j));
            result = _referenceLm.Fit(_model, _y, _sigma, parameters);
            iterations += result.Iterations;
            if (_settings.Mode == FitMode.LeBail)
            {
                _model.PartitionIntensities(parameters.Values, _y, weights);
                result = _referenceLm.Fit(_model, _y, _sigma, parameters);
                iterations += result.Iterations;
            }
        }

        var failure = FailureReason(result);
        if (failure is not null)
        {
            // Without a reference nothing can be linked; report and try again with the next frame.
            parameters.CopyValuesFrom(saved);
            return Report(frame, result, FrameStatus.Failed, $"reference fit failed: {failure}", iterations, "reference", false, masked);
        }

        _reference = parameters.Values.ToArray();
        _referenceGoF = result.GoF;
        _lastGood = _reference;
        _previous = _reference;
        _previousGood = true;
        ApplyFree(_frameFree);
        // The per-frame covariance is the one that matters for esds; re-fit the reference with the per-frame
        // parameter set so that its esds are comparable with every other frame's.
        var frameResult = _referenceLm.Fit(_model, _y, _sigma, parameters);
        iterations += frameResult.Iterations;
        failure = FailureReason(frameResult);
        if (failure is not null)
        {
            // The per-frame parameter set is what every later frame refines: if it is not determined here, it is
            // not a reference to link from.
            _reference = _lastGood = _previous = null;
            _referenceGoF = double.NaN;
            parameters.CopyValuesFrom(saved);
            return Report(frame, frameResult, FrameStatus.Failed, $"reference fit failed (per-frame parameters): {failure}", iterations, "reference", false, masked);
        }

        _reference = parameters.Values.ToArray();
        _lastGood = _reference;
        _previous = _reference;
        return Report(frame, frameResult, FrameStatus.Ok, Join(Undetermined(frameResult), masked), iterations, "reference", false, masked);
    }

    /// <summary>
    /// With the CIF cell a per cent or two away from the reference frame's, high-angle peaks sit several FWHM from
    /// where the model puts them and a local fit cannot reach them. So the cell (with zero, scales, background) is
    /// first refined against the pattern with every profile broadened to a Gaussian of 0.25° and then 0.08° FWHM,
    /// which widens the basin of attraction; the real widths come back afterwards.
    /// </summary>
    private int CoarseToFine(double[] weights, bool partition, bool scales)
    {
        var parameters = _model.Parameters;
        var saved = parameters.Values.ToArray();
        var iterations = 0;
        foreach (var fwhm in new[] { 0.25, 0.08 })
        {
            for (var p = 0; p < _model.PhaseCount; p++)
            {
                var w = _model.WidthIndex(p);
                for (var t = 0; t < 6; t++)
                {
                    parameters[w + t] = t == 2 ? Math.Max(saved[w + 2], fwhm * fwhm) : 0;
                }
            }

            ApplyFree(_referenceFree, also: j => scales && IsScale(j), except: j => IsIntensity(j) || IsWidth(j));
            for (var cycle = 0; cycle < (partition ? 3 : 1); cycle++)
            {
                if (partition)
                {
                    _model.PartitionIntensities(parameters.Values, _y, weights);
                }

                iterations += _referenceLm.Fit(_model, _y, _sigma, parameters).Iterations;
            }
        }

        for (var p = 0; p < _model.PhaseCount; p++)
        {
            var w = _model.WidthIndex(p);
            for (var t = 0; t < 6; t++)
            {
                parameters[w + t] = saved[w + t];
            }
        }

        return iterations;
    }

    // Pawley reference: the intensities carry the scale (which stays 1 and is not refined there).
    private void FoldScalesIntoIntensities()
    {
        var parameters = _model.Parameters;
        for (var p = 0; p < _model.PhaseCount; p++)
        {
            var s = _model.ScaleIndex(p);
            var first = _model.IntensityIndex(p);
            for (var g = 0; g < _model.PeakGroups(p).Count; g++)
            {
                parameters[first + g] *= parameters[s];
            }

            parameters[s] = 1;
        }
    }

    // Linear least-squares estimate of each phase scale on the background-subtracted pattern, ignoring overlap.
    private void InitialiseRietveldScales(double[] weights)
    {
        var parameters = _model.Parameters;
        var nonPhase = new double[_count];
        var phase = new double[_count];
        _model.EvaluateNonPhase(parameters.Values, nonPhase);
        for (var p = 0; p < _model.PhaseCount; p++)
        {
            var index = _model.ScaleIndex(p);
            parameters[index] = 1;
            _model.EvaluatePhase(p, parameters.Values, phase);
            double num = 0, den = 0;
            for (var i = 0; i < _count; i++)
            {
                num += weights[i] * phase[i] * (_y[i] - nonPhase[i]);
                den += weights[i] * phase[i] * phase[i];
            }

            parameters[index] = den > 0 ? Math.Max(num / den / _model.PhaseCount, 1e-12) : 1;
        }
    }
}
