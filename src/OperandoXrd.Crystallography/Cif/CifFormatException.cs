namespace OperandoXrd.Crystallography.Cif;

/// <summary>
/// A CIF could not be read or does not describe a usable phase. The message starts with "file:line:" so that the
/// user can jump straight to the offending line.
/// </summary>
public class CifFormatException : Exception
{
    public CifFormatException(string file, int line, string reason, Exception? inner = null)
        : base($"{file}:{line}: {reason}", inner)
    {
        File = file;
        Line = line;
        Reason = reason;
    }

    public CifFormatException() : base("CIF error") { File = ""; Reason = ""; }

    public CifFormatException(string message) : base(message) { File = ""; Reason = message; }

    public CifFormatException(string message, Exception inner) : base(message, inner) { File = ""; Reason = message; }

    /// <summary>The file (as given by the caller).</summary>
    public string File { get; }

    /// <summary>1-based line number of the offending token (or of the data block when something is missing).</summary>
    public int Line { get; }

    public string Reason { get; }
}
