using OperandoXrd.Pipeline.Configuration;

namespace OperandoXrd.Pipeline.Hosting;

/// <summary>Where a run's outputs and its state (<c>&lt;out&gt;/.oxrd/</c>) live, and the key that ties a checkpoint to its inputs.</summary>
public sealed class RunFolders
{
    public RunFolders(ReduceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Output = Path.GetFullPath(options.OutputFolder!);
        State = Path.Combine(Output, ".oxrd");
        InputsKey = string.Join('|', options.Inputs.Select(Path.GetFullPath));
    }

    public string Output { get; }

    public string State { get; }

    public string Journal => Path.Combine(State, "journal.bin");

    public string Checkpoint => Path.Combine(State, "checkpoint.json");

    public string Curves => Path.Combine(State, "curves.bin");

    public string Lattice => Path.Combine(Output, "lattice.csv");

    public string Reduced => Path.Combine(Output, "reduced.h5");

    public string Patterns => Path.Combine(Output, "patterns");

    public string Figures => Path.Combine(Output, "figures");

    /// <summary>The inputs as full paths: a checkpoint written for other inputs is refused.</summary>
    public string InputsKey { get; }
}
