using System.CommandLine;

namespace OperandoXrd.Cli.Commands;

/// <summary>Every subcommand of <c>oxrd</c>, in the order <c>--help</c> lists them.</summary>
internal static class CommandCatalog
{
    public static IEnumerable<Command> All()
    {
        yield return DemoCommand.Create();
        yield return SimulateCommand.Create();
        yield return CalibrateCommand.Create();
        yield return ReduceCommand.Create();
        yield return HklCommand.Create();
        yield return IntegrateCommand.Create();
        yield return PeekModelCommand.Create();
        yield return FitCommand.Create();
        yield return ViewCommand.Create();
        yield return BenchCommand.Create();
        yield return InspectCommand.Create();
        yield return EchemCommand.Create();
        yield return CampaignCommand.Create();
    }
}
