using System.Diagnostics;
using OperandoXrd.Pipeline.Checkpoints;
using Xunit.Abstractions;

namespace OperandoXrd.Cli.Tests;

/// <summary>
/// A real full disk: the output folder on a small tmpfs (we run as root here and in CI's container), made full with a
/// ballast file. Mounting needs CAP_SYS_ADMIN; where it is refused the test is reported as skipped with the reason,
/// never passed silently. RLIMIT_FSIZE (EFBIG) was the fallback considered, but it is not the error a user meets and
/// limits the size of each file rather than the room on the disk; a tmpfs gives ENOSPC exactly as a full disk does.
/// </summary>
public sealed class DiskFullTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "oxrd-diskfull-" + Guid.NewGuid().ToString("N"));
    private readonly ITestOutputHelper _output;
    private string? _mount;

    public DiskFullTests(ITestOutputHelper output) => _output = output;

    public void Dispose()
    {
        if (_mount is not null)
        {
            _ = Tmpfs.Unmount(_mount);
        }

        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [TmpfsFact]
    public void A_full_disk_stops_the_run_naming_the_file_and_resume_completes_it_once_there_is_room()
    {
        var (run, peek) = SmallSimulatedRun.Create(_folder, frames: 12, framesPerFile: 4, seed: 11);

        var reference = Path.Combine(_folder, "reference");
        var done = OxrdProcess.Run(TimeSpan.FromMinutes(5), "reduce", "--pipeline", run.PipelinePath, "--peek", peek, "--out", reference);
        Assert.True(done.ExitCode is 0 or 1, done.Error);
        var journalBytes = new FileInfo(Path.Combine(reference, ".oxrd", "journal.bin")).Length;

        // A disk with room for about half the journal (and the small files beside it): it fills up mid-run.
        _mount = Path.Combine(_folder, "disk");
        Directory.CreateDirectory(_mount);
        var size = 4 * journalBytes + (1 << 20);
        Assert.True(Tmpfs.Mount(_mount, size, out var why), why);
        var ballast = Path.Combine(_mount, "ballast");
        using (var stream = new FileStream(ballast, FileMode.Create))
        {
            stream.Write(new byte[new DriveInfo(_mount).AvailableFreeSpace - journalBytes / 2]);
        }

        _output.WriteLine($"journal {journalBytes} bytes; tmpfs {size} bytes, free {new DriveInfo(_mount).AvailableFreeSpace} bytes");
        var output = Path.Combine(_mount, "run");
        var clock = Stopwatch.StartNew();
        var full = OxrdProcess.Run(TimeSpan.FromMinutes(3), "reduce", "--pipeline", run.PipelinePath, "--peek", peek, "--out", output);
        _output.WriteLine($"exit {full.ExitCode} after {clock.Elapsed.TotalSeconds:F1} s\nstdout:\n{full.Output}\nstderr:\n{full.Error}");

        // Stopped with its own exit code and one clear line naming the file and the system's reason; no stack trace.
        Assert.Equal(3, full.ExitCode);
        Assert.Contains("oxrd: reduce stopped: cannot write " + output, full.Error, StringComparison.Ordinal);
        Assert.Contains("No space left on device", full.Error, StringComparison.Ordinal);
        Assert.Contains("--resume", full.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", full.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", full.Error, StringComparison.Ordinal);

        // The checkpoint is intact: it names frames whose journal records are all on disk and readable.
        var checkpoint = Checkpoint.Load(Path.Combine(output, ".oxrd", "checkpoint.json"));
        Assert.NotNull(checkpoint);
        Assert.InRange(checkpoint.FramesDone, 1, 11);
        Assert.Equal(checkpoint.FramesDone, ResultsJournal.Read(Path.Combine(output, ".oxrd", "journal.bin"), checkpoint.JournalBytes).Count());

        // Room again: the same command with --resume finishes the run, with the uninterrupted run's results.
        File.Delete(ballast);
        var resumed = OxrdProcess.Run(TimeSpan.FromMinutes(5), "reduce", "--pipeline", run.PipelinePath, "--peek", peek, "--out", output, "--resume");
        Assert.True(resumed.ExitCode is 0 or 1, resumed.Error);
        Assert.Contains($"resume: {checkpoint.FramesDone} frames restored", resumed.Error, StringComparison.Ordinal);
        Assert.Equal(File.ReadAllBytes(Path.Combine(reference, ".oxrd", "journal.bin")), File.ReadAllBytes(Path.Combine(output, ".oxrd", "journal.bin")));
        Assert.Empty(Fitting.Output.LatticeCsv.Differences(
            File.ReadAllText(Path.Combine(reference, "lattice.csv")), File.ReadAllText(Path.Combine(output, "lattice.csv")), 0));
        Assert.True(File.Exists(Path.Combine(output, "reduced.h5")));
    }
}

/// <summary>A fact that needs a tmpfs mount; skipped, with the reason, where mounting is not permitted.</summary>
public sealed class TmpfsFactAttribute : FactAttribute
{
    public TmpfsFactAttribute()
    {
        if (!Tmpfs.Available.Value.Ok)
        {
            Skip = "needs `mount -t tmpfs` (root with CAP_SYS_ADMIN) to make a full disk: " + Tmpfs.Available.Value.Why;
        }
    }
}

/// <summary>mount / umount of a size-limited tmpfs through the system's tools.</summary>
internal static class Tmpfs
{
    public static readonly Lazy<(bool Ok, string Why)> Available = new(() =>
    {
        var probe = Directory.CreateTempSubdirectory("oxrd-tmpfs-probe-").FullName;
        try
        {
            if (!Mount(probe, 1 << 20, out var why))
            {
                return (false, why);
            }

            return Unmount(probe) ? (true, "") : (false, "umount failed");
        }
        finally
        {
            try
            {
                Directory.Delete(probe);
            }
            catch (IOException)
            {
            }
        }
    });

    public static bool Mount(string folder, long bytes, out string why) =>
        Exec("mount", out why, "-t", "tmpfs", "-o", $"size={bytes}", "tmpfs", folder);

    public static bool Unmount(string folder) => Exec("umount", out _, folder);

    private static bool Exec(string program, out string why, params string[] args)
    {
        try
        {
            var info = new ProcessStartInfo(program) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
            foreach (var a in args)
            {
                info.ArgumentList.Add(a);
            }

            using var p = Process.Start(info)!;
            var error = p.StandardError.ReadToEnd();
            p.WaitForExit();
            why = p.ExitCode == 0 ? "" : $"{program} exited {p.ExitCode}: {error.Trim()}";
            return p.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            why = $"{program}: {e.Message}";
            return false;
        }
    }
}
