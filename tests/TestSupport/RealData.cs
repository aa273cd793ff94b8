namespace OperandoXrd.TestSupport;

/// <summary>
/// Files that other people's instruments wrote, in <c>../shared/realdata</c> beside the repository (its README says
/// what each is and the reference values). Compiled into every test project, so that no project keeps its own copy.
/// <c>OXRD_REALDATA</c> overrides the folder.
/// </summary>
internal static class RealData
{
    /// <summary>The repository root: the folder above the test binary that holds OperandoXrd.sln.</summary>
    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>The realdata folder; a missing folder is an error that says where it was looked for, never a skip.</summary>
    public static string Root
    {
        get
        {
            var fromEnvironment = Environment.GetEnvironmentVariable("OXRD_REALDATA");
            var root = string.IsNullOrEmpty(fromEnvironment)
                ? Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "realdata"))
                : fromEnvironment;
            if (!Directory.Exists(root))
            {
                throw new DirectoryNotFoundException("real data not found at " + root + " (set OXRD_REALDATA to its folder)");
            }

            return root;
        }
    }

    /// <summary>A file under the realdata folder, e.g. <c>File("dioptas", "CeO2_Pilatus1M.tif")</c>.</summary>
    public static string File(params string[] relative)
    {
        var path = Path.Combine([Root, .. relative]);
        if (!System.IO.File.Exists(path))
        {
            throw new FileNotFoundException("real data file missing: " + path, path);
        }

        return path;
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (System.IO.File.Exists(Path.Combine(dir.FullName, "OperandoXrd.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("OperandoXrd.sln not found above " + AppContext.BaseDirectory);
    }
}
