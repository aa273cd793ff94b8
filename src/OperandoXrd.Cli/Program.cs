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
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            // An unknown command or option, a missing or malformed value: System.CommandLine's own error action would
            // print the help and exit 1, which this contract keeps for "the run finished but frames failed".
            foreach (var error in parsed.Errors)
            {
                Console.Error.WriteLine($"oxrd: {error.Message}");
            }

            Console.Error.WriteLine("oxrd: see 'oxrd --help' (or 'oxrd <command> --help')");
            return ExitCodes.BadArguments;
        }

        try
        {
            return parsed.Invoke(configuration);
        }
        catch (UsageException e)
        {
            Console.Error.WriteLine($"oxrd: {e.Message}");
            return ExitCodes.BadArguments;
        }
    }
}
