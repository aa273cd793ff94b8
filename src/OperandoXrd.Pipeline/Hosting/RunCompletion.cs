namespace OperandoXrd.Pipeline.Hosting;

/// <summary>How the run ended: the sink's summary, or the error that stopped the run (set once, by whichever stage ends it).</summary>
public sealed class RunCompletion
{
    private readonly TaskCompletionSource<RunSummary> _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<RunSummary> Task => _done.Task;

    public void Finished(RunSummary summary) => _done.TrySetResult(summary);

    public void Failed(Exception error) => _done.TrySetException(error);
}
