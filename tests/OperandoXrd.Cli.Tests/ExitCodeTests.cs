namespace OperandoXrd.Cli.Tests;

/// <summary>
/// Exit codes of the built program as a user meets them (docs/formats.md): 2 for bad arguments, never 1, which means
/// "the run finished but some frames failed".
/// </summary>
public sealed class ExitCodeTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(1);

    [Theory]
    [InlineData("reduse")]
    [InlineData("reduce", "--no-such-option")]
    [InlineData("--no-such-option")]
    public void An_unknown_command_or_option_exits_2_with_a_line_naming_it(params string[] args)
    {
        var (exitCode, _, error) = OxrdProcess.Run(Timeout, args);

        Assert.Equal(2, exitCode);
        var unknown = args.First(a => a is "reduse" or "--no-such-option");
        Assert.Contains(unknown, error, StringComparison.Ordinal);
        Assert.StartsWith("oxrd: ", error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_malformed_option_value_exits_2_naming_the_value()
    {
        var (exitCode, _, error) = OxrdProcess.Run(Timeout, "demo", "--frames", "many");

        Assert.Equal(2, exitCode);
        Assert.Contains("many", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Help_is_not_an_error()
    {
        var (exitCode, output, error) = OxrdProcess.Run(Timeout, "--help");

        Assert.Equal(0, exitCode);
        Assert.Contains("reduce", output, StringComparison.Ordinal);
        Assert.Equal(string.Empty, error);
    }
}
