using System.Xml.Linq;
using OperandoXrd.TestSupport;

namespace OperandoXrd.Pipeline.Tests;

/// <summary>
/// The layering documented in docs/architecture.md ("## Layering") is the one the project files have: every
/// ProjectReference of every src/*/*.csproj is listed there and every listed reference exists, so the document and
/// the code cannot drift apart.
/// </summary>
public class ArchitectureTests
{
    [Fact]
    public void Project_references_are_the_documented_layering()
    {
        var documented = DocumentedLayering();
        var actual = ActualReferences();
        Assert.True(documented.Count > 0, "docs/architecture.md has no '## Layering' table");
        var problems = new List<string>();
        foreach (var project in actual.Keys.Union(documented.Keys).Order(StringComparer.Ordinal))
        {
            if (!documented.TryGetValue(project, out var allowed))
            {
                problems.Add($"{project}: not in docs/architecture.md's layering table");
                continue;
            }

            if (!actual.TryGetValue(project, out var references))
            {
                problems.Add($"{project}: in the layering table but there is no src/{project}/{project}.csproj");
                continue;
            }

            foreach (var extra in references.Except(allowed).Order(StringComparer.Ordinal))
            {
                problems.Add($"{project} references {extra}, which the layering table does not allow");
            }

            foreach (var missing in allowed.Except(references).Order(StringComparer.Ordinal))
            {
                problems.Add($"{project}: the layering table lists {missing}, which the project does not reference");
            }
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void The_layering_has_no_cycle_and_the_libraries_below_the_host_do_not_reach_up()
    {
        var layering = DocumentedLayering();
        // The host, the viewer, the campaigns and the command line sit on top: no library project may reference them.
        string[] top = ["OperandoXrd.Pipeline", "OperandoXrd.Viewer", "OperandoXrd.Campaigns", "OperandoXrd.Cli"];
        foreach (var (project, references) in layering)
        {
            if (project != "OperandoXrd.Cli")
            {
                Assert.DoesNotContain("OperandoXrd.Cli", references);
            }

            if (!top.Contains(project))
            {
                Assert.True(!references.Overlaps(top), $"{project} references {string.Join(", ", references.Intersect(top))}");
            }

            Assert.False(Reaches(layering, project, project, []), $"{project} reaches itself through its references");
        }
    }

    private static bool Reaches(Dictionary<string, HashSet<string>> layering, string from, string target, HashSet<string> seen)
    {
        foreach (var next in layering.GetValueOrDefault(from, []))
        {
            if (next == target || (seen.Add(next) && Reaches(layering, next, target, seen)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The table under "## Layering": | project | references (comma-separated, short names without "OperandoXrd.") |.</summary>
    private static Dictionary<string, HashSet<string>> DocumentedLayering()
    {
        var lines = File.ReadAllLines(Path.Combine(RealData.RepoRoot, "docs", "architecture.md"));
        var start = Array.FindIndex(lines, l => l.Trim() == "## Layering");
        Assert.True(start >= 0, "docs/architecture.md has no '## Layering' section");
        var result = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var line in lines.Skip(start + 1).TakeWhile(l => !l.StartsWith("## ", StringComparison.Ordinal)))
        {
            var cells = line.Trim().Trim('|').Split('|').Select(c => c.Trim().Trim('`')).ToArray();
            if (!line.TrimStart().StartsWith('|') || cells.Length < 2 || !cells[0].StartsWith("OperandoXrd.", StringComparison.Ordinal))
            {
                continue;
            }

            result[cells[0]] = cells[1].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Where(r => r != "—" && r != "-")
                .Select(r => "OperandoXrd." + r.Trim('`'))
                .ToHashSet(StringComparer.Ordinal);
        }

        return result;
    }

    private static Dictionary<string, HashSet<string>> ActualReferences()
    {
        var result = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var csproj in Directory.GetFiles(Path.Combine(RealData.RepoRoot, "src"), "*.csproj", SearchOption.AllDirectories))
        {
            var references = XDocument.Load(csproj).Descendants("ProjectReference")
                .Select(r => Path.GetFileNameWithoutExtension(r.Attribute("Include")!.Value.Replace('\\', '/')))
                .ToHashSet(StringComparer.Ordinal);
            result[Path.GetFileNameWithoutExtension(csproj)] = references;
        }

        return result;
    }
}
