using System.Diagnostics;
using OperandoXrd.Hdf5.Frames;
using OperandoXrd.Hdf5.Tests.Support;

namespace OperandoXrd.Hdf5.Tests.Frames;

/// <summary>
/// Follow mode against a real writer process (h5py, pre-sized LIMA-like file, one chunk per frame, flush per frame):
/// every frame must arrive exactly once, in order, with the right pixels and time, while the file is still growing.
/// </summary>
public sealed class FollowTests : IDisposable
{
    private const int Frames = 30;
    private const int Rows = 48;
    private const int Cols = 40;
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task A_series_folder_is_followed_across_files_as_they_appear()
    {
        const int files = 3, perFile = 6, total = files * perFile;
        var folder = Path.Combine(_folder.Path, "series");
        Directory.CreateDirectory(folder);
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        var writers = Task.Run(() =>
        {
            for (var k = 0; k < files; k++)
            {
                using var w = Python.Start("follow_writer.py", Path.Combine(folder, $"scan_{k:D4}.h5"), perFile.ToString(inv), Rows.ToString(inv),
                    Cols.ToString(inv), "0.03", "0", "bslz4", total.ToString(inv), (k * perFile).ToString(inv));
                w.StandardOutput.ReadToEnd();
                w.WaitForExit();
                if (w.ExitCode != 0)
                {
                    throw new InvalidOperationException("writer " + k + " failed: " + w.StandardError.ReadToEnd());
                }
            }
        });

        Hdf5FrameSource? source = null;
        var clock = Stopwatch.StartNew();
        while (source is null && clock.Elapsed < TimeSpan.FromSeconds(20))
        {
            try
            {
                source = FrameSources.Follow([folder]);
            }
            catch (Core.Frames.FrameSourceException)
            {
                // No file yet, or the first one not yet readable.
                Thread.Sleep(20);
            }
        }

        Assert.NotNull(source);
        using (source)
        {
            var seen = FollowToTheEnd(source, total);
            Assert.Equal(Enumerable.Range(0, total), seen);
            Assert.Equal("LIMA series (3 files)", source.Layout);
        }

        await writers.WaitAsync(TimeSpan.FromSeconds(20));
    }

    private static List<int> FollowToTheEnd(Hdf5FrameSource source, int expected)
    {
        var start = new DateTimeOffset(2024, 3, 5, 10, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();
        var seen = new List<int>();
        var frame = new int[Rows * Cols];
        var clock = Stopwatch.StartNew();
        var next = 0;
        while (clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            var count = source.Refresh();
            for (; next < count; next++)
            {
                source.ReadFrame(next, frame);
                for (var k = 0; k < frame.Length; k++)
                {
                    if (frame[k] != (k * 7L + next * 13) % 5000)
                    {
                        Assert.Fail($"frame {next} pixel {k}: {frame[k]}");
                    }
                }

                Assert.Equal(start + 0.1 * next, source.GetTiming(next).StartUnixSeconds, 6);
                seen.Add(next);
            }

            if (source.IsComplete && next == count && count == expected)
            {
                break;
            }

            Thread.Sleep(15);
        }

        return seen;
    }

    [Theory]
    [InlineData(false, "bslz4")]
    [InlineData(true, "bslz4")]
    [InlineData(false, "none")]
    public void Every_frame_arrives_once_in_order_while_the_writer_runs(bool swmr, string compression)
    {
        var path = _folder.File($"live_{swmr}_{compression}.h5");
        using var writer = Python.Start("follow_writer.py", path, Frames.ToString(System.Globalization.CultureInfo.InvariantCulture),
            Rows.ToString(System.Globalization.CultureInfo.InvariantCulture), Cols.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "0.1", swmr ? "1" : "0", compression);
        try
        {
            Assert.Equal("ready", writer.StandardOutput.ReadLine());
            using var source = FrameSources.Follow([path]);
            var start = new DateTimeOffset(2024, 3, 5, 10, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();
            var seen = new List<int>();
            var counts = new HashSet<int>();
            var frame = new int[Rows * Cols];
            var clock = Stopwatch.StartNew();
            var next = 0;
            while (clock.Elapsed < TimeSpan.FromSeconds(30))
            {
                var count = source.Refresh();
                counts.Add(count);
                for (; next < count; next++)
                {
                    source.ReadFrame(next, frame);
                    for (var k = 0; k < frame.Length; k++)
                    {
                        if (frame[k] != (k * 7L + next * 13) % 5000)
                        {
                            Assert.Fail($"frame {next} pixel {k}: {frame[k]}");
                        }
                    }

                    Assert.Equal(start + 0.1 * next, source.GetTiming(next).StartUnixSeconds, 6);
                    seen.Add(next);
                }

                if (source.IsComplete && next == count)
                {
                    break;
                }

                Thread.Sleep(15);
            }

            Assert.Equal(Enumerable.Range(0, Frames), seen);
            Assert.True(source.IsComplete);

            // The count was seen growing in steps (we followed the writer rather than reading a finished file). The writer
            // waits 0.1 s per frame (was 0.04 s): in a CI run with two test assemblies on two cores the reader
            // saw only three distinct counts during the 1.2 s write (it passes alone).
            Assert.True(counts.Count >= 5, $"only {counts.Count} distinct counts seen");
            Assert.True(writer.WaitForExit(10_000));
            Assert.Equal(0, writer.ExitCode);
        }
        finally
        {
            if (!writer.HasExited)
            {
                writer.Kill();
            }
        }
    }
}
