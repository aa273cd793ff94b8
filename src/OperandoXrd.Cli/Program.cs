using System.CommandLine;
using OperandoXrd.Cli.Commands;

namespace OperandoXrd.Cli;

/// <summary>The <c>oxrd</c> command. Each subcommand lives in its own file under Commands/.</summary>
public static class Program
{
    public static int Main(string[] args)
    {
        var root = new RootCommand("OperandoXrd: reduce operando X-ray diffraction of battery cells (Pilatus2M, HDF5).");
        foreach (var command in CommandCatalog.All())
        {
            root.Subcommands.Add(command);
        }

        try
        {
            return root.Parse(args).Invoke();
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine($"oxrd: {e.Message}");
            return ExitCodes.BadArguments;
        }
    }
}
