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

        // System.CommandLine's own handler would print a stack trace and exit 1 for a bad argument found inside an
        // action; the contract says one clear line and exit 2. Ctrl-C / SIGTERM cancel the action's token and the
        // command drains its frames and closes its files: no forced exit after a timeout.
        var configuration = new InvocationConfiguration { EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null };
        try
        {
            return root.Parse(args).Invoke(configuration);
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine($"oxrd: {e.Message}");
            return ExitCodes.BadArguments;
        }
    }
}
