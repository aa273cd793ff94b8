using Microsoft.Extensions.Logging;
using OperandoXrd.Fitting.Sequential;
using OperandoXrd.Pipeline.Outputs;
using OperandoXrd.Pipeline.Stages;

namespace OperandoXrd.Pipeline.Checkpoints;

/// <summary>Where the run starts: frame 0, or after a resume the first frame the journal does not hold.</summary>
public sealed record RunStart(int FirstFrame)
{
    /// <summary>
    /// On <c>--resume</c>, rebuilds the stages' state from the journal before any stage starts: the fitter's state
    /// after frame n depends on every frame before it, so the journal's patterns are fitted again — deterministic, and
    /// far cheaper than reading and integrating them — and each frame's row and curve are restored. Without a
    /// checkpoint the run starts at frame 0.
    /// </summary>
    public static RunStart Replay(RunResults results, RunFitter fitter, EchemCorrelator correlator, ILogger log)
    {
        ArgumentNullException.ThrowIfNull(results);
        ArgumentNullException.ThrowIfNull(fitter);
        ArgumentNullException.ThrowIfNull(correlator);
        ArgumentNullException.ThrowIfNull(log);
        if (results.ResumeFrom is not { } checkpoint)
        {
            return new RunStart(0);
        }

        foreach (var record in ResultsJournal.Read(results.Folders.Journal, checkpoint.JournalBytes, reuseArrays: true).Take(checkpoint.FramesDone))
        {
            FrameFit? fit = null;
            double[]? curve = null;
            if (record.Error is null && record.Intensity is not null && record.Sigma is not null)
            {
                (fit, curve) = fitter.Fit(record.Index, record.Intensity, record.Sigma);
            }

            results.Restore(new FrameRow(record.Index, record.Timing, record.Error, fit, correlator.At(record.Timing)), curve);
            if (curve is not null)
            {
                fitter.Curves.Return(curve);
            }
        }

        log.LogInformation("resume: {Frames} frames restored from the journal, continuing at frame {Next}", results.Rows.Count, results.Rows.Count);
        return new RunStart(results.Rows.Count);
    }
}
