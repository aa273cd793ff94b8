namespace OperandoXrd.Cli.Commands;

/// <summary>The exit codes of the command-line contract (design brief section 2).</summary>
internal static class ExitCodes
{
    public const int Ok = 0;
    public const int SomeFramesFailed = 1;
    public const int BadArguments = 2;
}

/// <summary>Bad arguments or an unreadable configuration: reported in one line, exit code 2.</summary>
internal sealed class UsageException : Exception
{
    public UsageException(string message) : base(message) { }

    public UsageException() { }

    public UsageException(string message, Exception inner) : base(message, inner) { }
}
