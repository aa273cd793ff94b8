using System.Runtime.CompilerServices;
using OperandoXrd.Crystallography.Profiles;
using OperandoXrd.Crystallography.Scattering;
using OperandoXrd.Fitting.Optimization;
using OperandoXrd.Fitting.Peek;

namespace OperandoXrd.Fitting.Model;

/// <summary>The calculated pattern and its Jacobian: background, PEEK, then each phase's reflections.</summary>
public sealed partial class WholePatternModel
{
    public void Evaluate(ReadOnlySpan<double> p, Span<double> values, Jacobian? jacobian)
    {
        var n = _x.Length;
        values[..n].Clear();
        AddBackground(p, values, jacobian);
        AddPeek(p, values, jacobian);
        foreach (var phase in _phases)
        {
            AddPhase(phase, p, values, jacobian);
        }
    }

    /// <summary>Background + PEEK only (what Le Bail partitioning subtracts).</summary>
    public void EvaluateNonPhase(ReadOnlySpan<double> p, Span<double> values)
    {
        values[.._x.Length].Clear();
        AddBackground(p, values, null);
        AddPeek(p, values, null);
    }

    /// <summary>One phase's contribution alone (for plots and per-phase diagnostics).</summary>
    public void EvaluatePhase(int phase, ReadOnlySpan<double> p, Span<double> values)
    {
        values[.._x.Length].Clear();
        AddPhase(_phases[phase], p, values, null);
    }

    private void AddBackground(ReadOnlySpan<double> p, Span<double> values, Jacobian? jacobian)
    {
        var n = _x.Length;
        for (var k = 0; k < _chebyshevTerms; k++)
        {
            var row = _chebyshev.AsSpan(k * n, n);
            SpanMath.AddScaled(values, row, p[_bkg0 + k]);
            if (jacobian is not null && jacobian.IsActive(_bkg0 + k))
            {
                row.CopyTo(jacobian.Column(_bkg0 + k));
                jacobian.Touch(_bkg0 + k, 0, n);
            }
        }
    }

    private void AddPeek(ReadOnlySpan<double> p, Span<double> values, Jacobian? jacobian)
    {
        if (_peekScale < 0)
        {
            return;
        }

        var n = _x.Length;
        double scale = p[_peekScale], shift = p[_peekShift];
        SpanMath.AddScaled(values, _peekBackground, scale);
        var scaleActive = jacobian is not null && jacobian.IsActive(_peekScale);
        var shiftActive = jacobian is not null && jacobian.IsActive(_peekShift);
        if (scaleActive)
        {
            _peekBackground.CopyTo(jacobian!.Column(_peekScale));
            jacobian.Touch(_peekScale, 0, n);
        }

        foreach (var peak in _peekPeaks)
        {
            var shape = PeekModel.ShapeOf(peak, peak.Position + shift);
            var (start, count) = TchPseudoVoigt.Window(_x, shape, Options.WindowFwhm);
            if (count == 0)
            {
                continue;
            }

            var xs = _x.AsSpan(start, count);
            if (!scaleActive && !shiftActive)
            {
                TchPseudoVoigt.Add(xs, values.Slice(start, count), scale * peak.Area, shape, double.PositiveInfinity);
                continue;
            }

            TchPseudoVoigt.Evaluate(xs, shape, _v, _dp, _dg, _dl);
            var v = _v.AsSpan(0, count);
            SpanMath.AddScaled(values.Slice(start, count), v, scale * peak.Area);
            if (scaleActive)
            {
                SpanMath.AddScaled(jacobian!.Column(_peekScale).Slice(start, count), v, peak.Area);
            }

            if (shiftActive)
            {
                // The peak's own widths are fixed numbers: remove the part of dP/d2θ0 that comes from the TCH
                // widths varying with θ0 (ShapeOf re-derives W and Y so that H_G and H_L stay constant).
                var col = jacobian!.Column(_peekShift).Slice(start, count);
                var a = scale * peak.Area;
                SpanMath.AddScaled(col, _dp.AsSpan(0, count), a);
                SpanMath.AddScaled2(col, _dg.AsSpan(0, count), -a * shape.DGaussianDPosition, _dl.AsSpan(0, count), -a * shape.DLorentzianDPosition);
                jacobian.Touch(_peekShift, start, start + count);
            }
        }
    }

    private void AddPhase(PhaseBlock phase, ReadOnlySpan<double> p, Span<double> values, Jacobian? jacobian)
    {
        var lambda = Options.Wavelength;
        double zero = p[_zero], displacement = p[_displacement];
        var scale = p[phase.Scale];
        var tch = new TchParameters(p[phase.Width], p[phase.Width + 1], p[phase.Width + 2], p[phase.Width + 3], p[phase.Width + 4], p[phase.Width + 5]);
        double lo = _x[0], hi = _x[^1];
        var np = phase.CellCount;
        var jac = jacobian;
        var zeroActive = jac is not null && jac.IsActive(_zero);
        var displacementActive = jac is not null && jac.IsActive(_displacement);
        var scaleActive = jac is not null && jac.IsActive(phase.Scale);
        Span<bool> cellActive = stackalloc bool[6];
        Span<bool> widthActive = stackalloc bool[6];
        var anyCell = false;
        var anyWidth = false;
        for (var j = 0; j < np; j++)
        {
            cellActive[j] = jac is not null && jac.IsActive(phase.Cell + j);
            anyCell |= cellActive[j];
        }

        for (var t = 0; t < 6; t++)
        {
            widthActive[t] = jac is not null && jac.IsActive(phase.Width + t);
            anyWidth |= widthActive[t];
        }

        var rietveld = phase.Intensity < 0;
        for (var g = 0; g < phase.Groups.Length; g++)
        {
            var pos = phase.Position(g, p, lambda, zero, displacement, out var twoTheta, out var dPosDs, out var dPosDDisplacement);
            if (double.IsNaN(pos))
            {
                continue;
            }

            var shape = TchPseudoVoigt.Shape(tch, pos);
            var window = WindowOf(shape, anyWidth);
            var half = (window * shape.Fwhm) + (Math.Max(phase.Taps[g].Max, -phase.Taps[g].Min) * _meanStep);
            if (pos + half < lo || pos - half > hi || !(shape.Fwhm > 0))
            {
                continue;
            }

            // Both modes carry the powder Lorentz factor in the area: Pawley intensities are then structure-like
            // (m|F|² up to a constant) and stay valid while a peak moves, instead of drifting by ~2 % per 1 % shift.
            // L = 1/(sin²θ cosθ): dL/dθ = L(tanθ − 2cotθ), and θ moves with s = 1/d² through dθ/ds.
            var lorentz = LorentzPolarization.Lorentz(twoTheta);
            var baseIntensity = rietveld ? phase.Groups[g].StructureIntensity : p[phase.Intensity + g];
            var intensity = baseIntensity * lorentz;
            var thetaRad = twoTheta * Deg / 2;
            var dThetaDs = lambda / (4 * Math.Sqrt(phase.InverseDSquared(g, p)) * Math.Cos(thetaRad));
            var dIntensityDs = intensity * (Math.Tan(thetaRad) - 2 / Math.Tan(thetaRad)) * dThetaDs;
            var area = scale * intensity;
            var taps = phase.Taps[g];
            var (start, count) = _convolved.Window(shape, taps, window);
            if (count == 0)
            {
                continue;
            }

            var intensityActive = !rietveld && jac is not null && jac.IsActive(phase.Intensity + g);
            if (jac is null || !(zeroActive || displacementActive || scaleActive || anyCell || anyWidth || intensityActive))
            {
                if (area != 0)
                {
                    _convolved.Add(start, count, values.Slice(start, count), area, shape, taps);
                }

                continue;
            }

            _convolved.Evaluate(start, count, shape, taps, _v, _dp, _dg, _dl, anyWidth);
            var v = _v.AsSpan(0, count);
            var dp = _dp.AsSpan(0, count);
            var end = start + count;
            SpanMath.AddScaled(values.Slice(start, count), v, area);
            if (zeroActive)
            {
                SpanMath.AddScaled(jac!.Column(_zero).Slice(start, count), dp, area);
                jac.Touch(_zero, start, end);
            }

            if (displacementActive)
            {
                SpanMath.AddScaled(jac!.Column(_displacement).Slice(start, count), dp, area * dPosDDisplacement);
                jac.Touch(_displacement, start, end);
            }

            if (scaleActive)
            {
                SpanMath.AddScaled(jac!.Column(phase.Scale).Slice(start, count), v, intensity);
                jac.Touch(phase.Scale, start, end);
            }

            if (intensityActive)
            {
                SpanMath.AddScaled(jac!.Column(phase.Intensity + g).Slice(start, count), v, scale * lorentz);
                jac.Touch(phase.Intensity + g, start, end);
            }

            if (anyCell)
            {
                var c = phase.Groups[g].Coefficients;
                for (var j = 0; j < np; j++)
                {
                    if (!cellActive[j] || c[j] == 0)
                    {
                        continue;
                    }

                    // ∂/∂p_j = c_j ∂/∂s: the profile moves (area·dP/dpos·dpos/ds) and, in Rietveld, the Lorentz
                    // factor inside the area changes (scale·dI/ds·P).
                    var col = jac!.Column(phase.Cell + j).Slice(start, count);
                    if (dIntensityDs != 0)
                    {
                        SpanMath.AddScaled2(col, dp, area * dPosDs * c[j], v, scale * dIntensityDs * c[j]);
                    }
                    else
                    {
                        SpanMath.AddScaled(col, dp, area * dPosDs * c[j]);
                    }

                    jac.Touch(phase.Cell + j, start, end);
                }
            }

            if (anyWidth)
            {
                var dg = _dg.AsSpan(0, count);
                var dl = _dl.AsSpan(0, count);
                for (var t = 0; t < 6; t++)
                {
                    if (!widthActive[t])
                    {
                        continue;
                    }

                    var which = (TchParameter)t;
                    var col = jac!.Column(phase.Width + t).Slice(start, count);
                    SpanMath.AddScaled2(col, dg, area * shape.DHG(which), dl, area * shape.DHL(which));
                    jac.Touch(phase.Width + t, start, end);
                }
            }
        }
    }
}
