using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace OperandoXrd.Cli.Commands;

/// <summary>
/// The one table every <c>oxrd bench</c> subcommand ends with: one row per figure, each naming the date, the commit,
/// the machine and its load when the bench started and ended, so that a figure copied anywhere (docs/performance.md)
/// says where and how it was measured. <c>--record FILE</c> appends the rows to a Markdown file, with the header the
/// first time.
/// </summary>
internal sealed class BenchTable
{
    private const string Header = "| date (UTC) | commit | machine | load 1 min (start → end) | bench | figure | value | unit | note |";
    private const string Rule = "|---|---|---|---|---|---|---|---|---|";
    private readonly string _bench;
    private readonly double _loadAtStart = LoadAverage();
    private readonly DateTime _started = DateTime.UtcNow;
    private readonly List<(string Figure, double Value, string Unit, string Note)> _rows = [];

    public BenchTable(string bench) => _bench = bench;

    /// <summary><c>--record FILE</c>: append the table's rows to a Markdown file (docs/performance.md's "oxrd bench" table).</summary>
    public static Option<FileInfo?> RecordOption() => new("--record")
    {
        Description = "Also append the figures to this Markdown table file (created with its header if missing), e.g. docs/bench-records.md.",
    };

    public void Add(string figure, double value, string unit, string note = "") => _rows.Add((figure, value, unit, note));

    /// <summary>The value of a figure added before (NaN if there is none).</summary>
    public double Find(string figure) => _rows.Where(r => string.Equals(r.Figure, figure, StringComparison.Ordinal)).Select(r => r.Value).DefaultIfEmpty(double.NaN).First();

    /// <summary>Prints the table on stdout and, with <paramref name="record"/>, appends its rows there.</summary>
    public void Finish(FileInfo? record)
    {
        var loadAtEnd = LoadAverage();
        var loaded = Math.Max(_loadAtStart, loadAtEnd) > Environment.ProcessorCount;
        var load = string.Create(CultureInfo.InvariantCulture, $"{_loadAtStart:F1} → {loadAtEnd:F1}{(loaded ? " UNDER LOAD" : "")}");
        var date = _started.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
        var commit = Commit();
        var machine = Machine();
        var lines = _rows.Select(r => string.Create(CultureInfo.InvariantCulture,
            $"| {date} | {commit} | {machine} | {load} | {_bench} | {r.Figure} | {Format(r.Value)} | {r.Unit} | {r.Note} |")).ToList();
        Console.WriteLine();
        Console.WriteLine(Header);
        Console.WriteLine(Rule);
        foreach (var line in lines)
        {
            Console.WriteLine(line);
        }

        if (record is null)
        {
            return;
        }

        var text = new StringBuilder();
        if (!record.Exists || record.Length == 0)
        {
            text.Append("# oxrd bench records\n\nOne row per figure, appended by `oxrd bench ... --record` (see docs/performance.md).\n\n")
                .Append(Header).Append('\n').Append(Rule).Append('\n');
        }

        foreach (var line in lines)
        {
            text.Append(line).Append('\n');
        }

        // Appended, not rewritten: earlier records stay as they were.
        File.AppendAllText(record.FullName, text.ToString(), new UTF8Encoding(false));
        Console.WriteLine($"bench: {lines.Count} rows appended to {record.FullName}");
    }

    private static string Format(double value) =>
        double.IsNaN(value) ? "n/a" : Math.Abs(value) >= 100 ? value.ToString("F0", CultureInfo.InvariantCulture) : value.ToString("G3", CultureInfo.InvariantCulture);

    /// <summary>The 1-minute load average (Linux), NaN elsewhere.</summary>
    private static double LoadAverage()
    {
        try
        {
            var text = File.ReadAllText("/proc/loadavg");
            return double.Parse(text.Split(' ')[0], CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return double.NaN;
        }
    }

    private static string Machine()
    {
        var cpu = "unknown CPU";
        try
        {
            cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? cpu;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }

        var memory = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1L << 30);
        var simd = System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? "AVX-512" : System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated ? "AVX2" : "SSE";
        return string.Create(CultureInfo.InvariantCulture, $"{cpu}, {Environment.ProcessorCount} cores, {simd}, {memory} GiB, .NET {Environment.Version}");
    }

    /// <summary>The commit of the source tree this program was built from (the git work tree around the binary), "+dirty" with uncommitted source changes.</summary>
    private static string Commit()
    {
        var folder = AppContext.BaseDirectory;
        while (folder is not null && !Path.Exists(Path.Combine(folder, ".git")))
        {
            folder = Path.GetDirectoryName(folder.TrimEnd(Path.DirectorySeparatorChar));
        }

        if (folder is null)
        {
            return "unknown";
        }

        var head = Git(folder, "rev-parse", "--short=9", "HEAD");
        var dirty = Git(folder, "status", "--porcelain", "--untracked-files=no", "--", "src");
        return head is null ? "unknown" : head + (string.IsNullOrWhiteSpace(dirty) ? "" : "+dirty");
    }

    private static string? Git(string folder, params string[] arguments)
    {
        try
        {
            var start = new ProcessStartInfo("git") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = folder };
            foreach (var a in arguments)
            {
                start.ArgumentList.Add(a);
            }

            using var process = Process.Start(start);
            if (process is null)
            {
                return null;
            }

            var output = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return process.ExitCode == 0 ? output.Trim() : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
