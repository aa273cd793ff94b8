namespace OperandoXrd.Cli.Commands;

/// <summary>The exit codes of the command-line contract (docs/formats.md, "Command line").</summary>
internal static class ExitCodes
{
    public const int Ok = 0;
    public const int SomeFramesFailed = 1;
    public const int BadArguments = 2;

    /// <summary>
    /// The run stopped before its end: an output could not be written (disk full, folder gone) or the input became
    /// unreadable. The message names the file; the checkpoint is intact, so <c>--resume</c> continues once it is fixed.
    /// Not in the original contract's list (0, 1, 2), which has no code for a run that did not finish.
    /// </summary>
    public const int RunStopped = 3;
}

/// <summary>Bad arguments or an unreadable configuration: reported in one line, exit code 2.</summary>
internal sealed class UsageException : Exception
{
    public UsageException(string message) : base(message) { }

    public UsageException() { }

    public UsageException(string message, Exception inner) : base(message, inner) { }
}
