using OperandoXrd.Fitting.Configuration;
using OperandoXrd.Fitting.Parameters;

namespace OperandoXrd.Fitting.Sequential;

/// <summary>Which parameters each fit frees, and what a parameter is, by its role in the model's <see cref="ParameterLayout"/>.</summary>
public sealed partial class SequentialFitter
{
    private static readonly TchWidth[] ReferenceWidths = [TchWidth.U, TchWidth.W, TchWidth.X, TchWidth.Y];

    // Which parameters a fit frees, by role: what the pipeline's refine lists name, and on the reference also the
    // background, the PEEK scale and the widths U, W, X, Y (floored at zero, so they cannot trade off into a negative
    // H_G²) that the frames then hold; a Pawley reference refines the intensities, which carry the scale there.
    private bool[] FreeMask(bool reference)
    {
        var layout = _model.Layout;
        var refined = _settings.Refine.Where(ParameterLayout.RefineKeywords.ContainsKey).Select(k => ParameterLayout.RefineKeywords[k]).ToHashSet();
        var pawleyReference = reference && _settings.Mode != FitMode.Rietveld;
        var free = new bool[layout.Count];
        for (var j = 0; j < free.Length; j++)
        {
            var role = layout.Role(j);
            var phase = layout.PhaseOf(j) is var p and >= 0 ? _model.Phase(p) : null;
            free[j] = role switch
            {
                ParameterRole.Background or ParameterRole.PeekScale => refined.Contains(role) || reference,
                ParameterRole.Scale => !pawleyReference && (phase!.RefineScale || reference),
                ParameterRole.Cell => phase!.RefinedCellTerms.Contains(layout.Term(j)),
                ParameterRole.Width => phase!.RefinedWidths.Contains((TchWidth)layout.Term(j)) || (reference && ReferenceWidths.Contains((TchWidth)layout.Term(j))),
                ParameterRole.Intensity => pawleyReference && _settings.Mode == FitMode.Pawley,
                _ => refined.Contains(role),
            };
        }

        return free;
    }

    private void ApplyFree(ReadOnlySpan<bool> free, Func<int, bool>? also = null, Func<int, bool>? except = null)
    {
        var parameters = _model.Parameters;
        for (var j = 0; j < parameters.Count; j++)
        {
            parameters.SetFree(j, (free[j] || (also?.Invoke(j) ?? false)) && !(except?.Invoke(j) ?? false));
        }
    }

    private bool Is(int j, ParameterRole role) => _model.Layout.Role(j) == role;

    private bool IsIntensity(int j) => Is(j, ParameterRole.Intensity);

    private bool IsWidth(int j) => Is(j, ParameterRole.Width);

    private bool IsScale(int j) => Is(j, ParameterRole.Scale);

    private bool IsCellTerm(int j) => Is(j, ParameterRole.Cell);

    private bool IsBackgroundOrPeek(int j) => _model.Layout.Role(j) is ParameterRole.Background or ParameterRole.PeekScale;

    // A cell term, phase scale, zero or displacement the data do not determine makes the frame's numbers meaningless.
    private bool IsCritical(int j) => _model.Layout.Role(j) is ParameterRole.Scale or ParameterRole.Cell or ParameterRole.Zero or ParameterRole.Displacement;

    // Whether intensity parameter j belongs to a peak group centred inside the fit range at the current values.
    private bool IntensityInRange(int j) =>
        IsIntensity(j) && _model.PeakInRange(_model.Layout.PhaseOf(j), _model.Layout.Term(j), _model.Parameters.Values);
}
