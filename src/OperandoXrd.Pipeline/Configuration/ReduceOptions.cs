using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace OperandoXrd.Pipeline.Configuration;

/// <summary>
/// Everything one <c>oxrd reduce</c> run needs: the pipeline file's contents with the command line's overrides
/// applied. Bound into the host as <c>IOptions&lt;ReduceOptions&gt;</c> and validated at start.
/// </summary>
public sealed class ReduceOptions
{
    [Required]
    public PipelineConfig? Pipeline { get; set; }

    /// <summary>Frame files, scan folders or a Dectris master (the command line's --input, else the pipeline's "input").</summary>
    [Required, MinLength(1, ErrorMessage = "no input: give --input or an \"input\" key in the pipeline file")]
    public List<string> Inputs { get; set; } = [];

    /// <summary>HDF5 dataset path inside the inputs, when the layout is not one the frame sources recognise.</summary>
    public string? Dataset { get; set; }

    [Required(ErrorMessage = "no PONI file: give --poni or a \"poni\" key in the pipeline file")]
    public string? PoniPath { get; set; }

    public string? PeekPath { get; set; }

    public string? EchemPath { get; set; }

    [Required]
    public string? OutputFolder { get; set; }

    /// <summary>Live mode: follow files as the detector writes them.</summary>
    public bool Follow { get; set; }

    /// <summary>Continue a run that stopped (crash, kill, Ctrl-C) from its checkpoint.</summary>
    public bool Resume { get; set; }

    /// <summary>
    /// A phase the emergence detector names joins the model from the frame it is reported at (<c>--auto-add</c>; also
    /// on when the pipeline's <c>emergence.autoAdd</c> is true).
    /// </summary>
    public bool AutoAdd { get; set; }

    /// <summary>Write patterns/frame_NNNNN.xye.</summary>
    public bool WriteXye { get; set; }

    public DateTimeOffset? StartTime { get; set; }

    /// <summary>Mirror applied to every frame as it is read (<c>--flip-ud</c>, else the pipeline's <c>integration.flip</c>).</summary>
    public Core.Frames.FrameFlip Flip { get; set; }

    public double? FramePeriod_s { get; set; }

    /// <summary>Live mode stops after this long without a new frame.</summary>
    [Range(0.1, 1e7)]
    public double IdleTimeout_s { get; set; } = 60;

    /// <summary>How often the live mode looks for new frames.</summary>
    [Range(0.01, 60)]
    public double PollInterval_s { get; set; } = 0.1;

    /// <summary>Frames in flight between two stages (the bounded channels' capacity).</summary>
    [Range(1, 1024)]
    public int ChannelCapacity { get; set; } = 8;

    /// <summary>Integration workers (each integrates a whole frame; the kernel itself is parallel over the detector).</summary>
    [Range(1, 64)]
    public int IntegrationWorkers { get; set; } = 1;

    /// <summary>Checkpoint (journal flush, lattice.csv) at least this often.</summary>
    [Range(0.05, 3600)]
    public double CheckpointInterval_s { get; set; } = 1;

    /// <summary>Rewrite reduced.h5 and the figures during a live run at most this often (always at the end); stretched to 5× the time the last rewrite took.</summary>
    [Range(0.5, 3600)]
    public double ResultsInterval_s { get; set; } = 10;

    /// <summary>A user mask (Rows × Columns, non-zero = masked) already read by the caller; the detector's gaps are always masked.</summary>
    public byte[]? MaskImage { get; set; }

    /// <summary>Folder for the integration matrix cache (null: none).</summary>
    public string? MatrixCacheFolder { get; set; }
}

/// <summary>Checks that need the file system, beyond the data annotations.</summary>
public sealed class ReduceOptionsValidator : IValidateOptions<ReduceOptions>
{
    public ValidateOptionsResult Validate(string? name, ReduceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.PoniPath is { } poni && !File.Exists(poni))
        {
            failures.Add($"PONI file not found: {poni}");
        }

        if (options.PeekPath is { } peek && !File.Exists(peek))
        {
            failures.Add($"PEEK model not found: {peek} (make one with `oxrd peek-model`)");
        }

        if (options.EchemPath is { } echem && !File.Exists(echem) && !options.Follow)
        {
            failures.Add($"voltage log not found: {echem}");
        }

        foreach (var input in options.Inputs)
        {
            if (!File.Exists(input) && !Directory.Exists(input) && !options.Follow)
            {
                failures.Add($"input not found: {input}");
            }
        }

        if (options.OutputFolder is { } output)
        {
            try
            {
                Directory.CreateDirectory(output);
                var probe = Path.Combine(output, $".write-test-{Environment.ProcessId}");
                File.WriteAllText(probe, "");
                File.Delete(probe);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                failures.Add($"output folder not writable: {output} ({e.Message})");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
