namespace OperandoXrd.Cli.Commands;

/// <summary>The calibration files and pipeline configs shipped beside the program (copied there by the build).</summary>
internal static class Defaults
{
    public static string Calibration => Path.Combine(AppContext.BaseDirectory, "calibration");

    public static string PhaseFolder => Path.Combine(Calibration, "phases");

    public static string ReferencePipeline => Path.Combine(AppContext.BaseDirectory, "pipelines", "nca-lpscl-lic.json");
}
