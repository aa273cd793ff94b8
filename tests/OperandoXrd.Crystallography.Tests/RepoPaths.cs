namespace OperandoXrd.Crystallography.Tests;

/// <summary>Locates the repository (the folder with OperandoXrd.sln) from the test binary.</summary>
internal static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    public static string Phases => Path.Combine(Root, "calibration", "phases");

    public static string Phase(string name) => Path.Combine(Phases, name + ".cif");

    public static string Reference(string file) => Path.Combine(Root, "tests", "OperandoXrd.Crystallography.Tests", "Reference", file);

    /// <summary>Rows of a tab-separated reference file, '#' lines skipped.</summary>
    public static IEnumerable<string[]> ReadTsv(string file) =>
        File.ReadLines(Reference(file)).Where(l => l.Length > 0 && l[0] != '#').Select(l => l.Split('\t'));

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "OperandoXrd.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("OperandoXrd.sln not found above " + AppContext.BaseDirectory);
    }
}
