using System.Globalization;
using Xunit.Abstractions;

namespace OperandoXrd.Cli.Tests;

/// <summary>
/// A truncated file first, in the middle or last of a five-file Pilatus300K series: treated as a file missing from the
/// series — its frames become failed rows naming it, it is named once in the log and in the summary, the run goes on
/// and exits 1, and every other frame keeps its number.
/// </summary>
public sealed class UnreadableFileTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "oxrd-unreadable-" + Guid.NewGuid().ToString("N"));
    private readonly ITestOutputHelper _output;

    public UnreadableFileTests(ITestOutputHelper output) => _output = output;

    public void Dispose()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    [InlineData(4)]
    public void A_truncated_file_becomes_failed_rows_named_once_and_the_run_exits_1_with_every_number_kept(int position)
    {
        const int frames = 10;
        var (run, peek) = SmallSimulatedRun.Create(_folder, frames, framesPerFile: 2, seed: 5);
        Assert.Equal(5, run.FrameFiles.Count);
        var truncated = run.FrameFiles[position];
        var (first, second) = (2 * position, (2 * position) + 1);
        var name = Path.GetFileName(truncated);
        using (var stream = new FileStream(truncated, FileMode.Open))
        {
            stream.SetLength(stream.Length / 2);
        }

        var output = Path.Combine(_folder, "out");
        var (exitCode, stdout, stderr) = OxrdProcess.Run(TimeSpan.FromMinutes(5), "reduce", "--pipeline", run.PipelinePath, "--peek", peek, "--out", output);
        _output.WriteLine(stdout);
        _output.WriteLine(stderr);

        Assert.Equal(1, exitCode);
        var all = stdout + stderr;

        // Named once in the log, once in the summary, with the frames it would have held.
        var logged = all.Split('\n').Where(l => l.Contains("unreadable file:", StringComparison.Ordinal)).ToList();
        Assert.Contains(name, Assert.Single(logged), StringComparison.Ordinal);
        var summary = Assert.Single(stdout.Split('\n'), l => l.StartsWith("reduce: file skipped:", StringComparison.Ordinal));
        Assert.Contains($"{name} cannot be read (cannot open as HDF5 (truncated or not an HDF5 file)", summary, StringComparison.Ordinal);
        Assert.Contains($"frames {first}..{second} skipped", summary, StringComparison.Ordinal);
        Assert.DoesNotContain(all.Split('\n'), l => l.Contains("skipped:", StringComparison.Ordinal) && l.Contains($"frame {first} ", StringComparison.Ordinal));

        // Failed rows: exactly the truncated file's frames name it.
        var failedNamingIt = stdout.Split('\n')
            .Where(l => l.StartsWith("reduce: frame ", StringComparison.Ordinal) && l.Contains(name, StringComparison.Ordinal))
            .Select(l => int.Parse(l.Split(' ')[2], CultureInfo.InvariantCulture))
            .ToList();
        Assert.Equal([first, second], failedNamingIt);

        // Every frame has its row under the number it has in the complete series; times keep increasing through the hole.
        var lines = File.ReadAllLines(Path.Combine(output, "lattice.csv"));
        var header = lines[0].Split(',');
        var rows = lines.Skip(1).Select(l => l.Split(',')).ToList();
        Assert.Equal(Enumerable.Range(0, frames), rows.Select(r => int.Parse(r[Array.IndexOf(header, "frame")], CultureInfo.InvariantCulture)));
        Assert.All(rows.Where((_, i) => i == first || i == second), r => Assert.Equal("failed", r[Array.IndexOf(header, "status")]));
        Assert.Equal(frames - 2, rows.Count(r => r[Array.IndexOf(header, "status")] != "failed"));
        var times = rows.Select(r => double.Parse(r[Array.IndexOf(header, "time_s")], CultureInfo.InvariantCulture)).ToList();
        Assert.All(times.Zip(times.Skip(1)), p => Assert.True(p.Second > p.First, $"time {p.Second} after {p.First}"));
    }
}
