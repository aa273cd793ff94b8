using OperandoXrd.Core.Frames;
using OperandoXrd.Core.Geometry;
using OperandoXrd.Core.Integration;
using OperandoXrd.Hdf5.Writers;
using OperandoXrd.Pipeline.Hosting;
using OperandoXrd.Pipeline.Stages;
using Xunit;

namespace OperandoXrd.Pipeline.Tests;

/// <summary>
/// <c>oxrd integrate</c>'s overlapped stages (<see cref="IntegrationPipeline"/>): every pattern identical, bit for bit,
/// to integrating the frames one after the other; frames in order; a frame that cannot be read reported in its place
/// and skipped; a failing writer ends the run with its error instead of leaving the other stages blocked.
/// </summary>
public sealed class IntegrationPipelineTests : IDisposable
{
    private const int Frames = 9;
    private const int Missing = 4;
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "oxrd-pipeline-" + Guid.NewGuid().ToString("N"));

    public IntegrationPipelineTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static readonly Poni Geometry = new() { Distance = 0.2, Poni1 = 0.04, Poni2 = 0.03, Rot1 = 0.05, Wavelength = 0.24486e-10, Detector = Detector.Pilatus300K };

    /// <summary>A pre-sized LIMA-like file of <see cref="Frames"/> Pilatus300K frames of distinct counts, frame <see cref="Missing"/> never written; <paramref name="compression"/> as given.</summary>
    private string Archive(FrameCompression compression, out int[][] frames)
    {
        var detector = Geometry.Detector;
        var mask = detector.CreateStaticMask();
        frames = new int[Frames][];
        var path = Path.Combine(_folder, $"frames-{compression}.h5");
        using var writer = new LimaFileWriter(path, detector.Rows, detector.Columns, Frames, new FrameWriterOptions { Compression = compression, FlushEachFrame = false, DetectorName = "pilatus300k" });
        for (var i = 0; i < Frames; i++)
        {
            var rng = new Random(i);
            var frame = new int[detector.PixelCount];
            for (var p = 0; p < frame.Length; p++)
            {
                frame[p] = mask[p] != 0 ? -1 : rng.Next(20 + (10 * i), 400);
            }

            frames[i] = frame;
            if (i != Missing)
            {
                writer.WriteFrame(i, frame, new FrameTiming(1.7e9 + i, 0.5));
            }
        }

        return path;
    }

    [Theory]
    [InlineData(FrameCompression.None)]
    [InlineData(FrameCompression.BitshuffleLz4)]
    public async Task Patterns_are_the_serial_ones_in_frame_order_and_an_unreadable_frame_is_reported_in_its_place(FrameCompression compression)
    {
        var path = Archive(compression, out var frames);
        using var integrator = AzimuthalIntegrator.Create(new PixelGeometry(Geometry), new IntegrationOptions { Npt = 500, PolarizationFactor = 0.99 });
        using var source = FrameSourceFactory.Open(new FrameSourceRequest([path]));
        var seen = new List<(int Index, double[]? Intensity, double[]? Sigma, string? Error)>();
        var result = await IntegrationPipeline.RunAsync(source, integrator, default,
            f => seen.Add((f.Index, f.Pattern!.Intensity.ToArray(), f.Pattern.Sigma.ToArray(), null)),
            f => seen.Add((f.Index, null, null, f.Error)),
            capacity: 2);

        Assert.Equal(Frames - 1, result.Written);
        Assert.Equal(1, result.Failed);
        Assert.Equal(Enumerable.Range(0, Frames), seen.Select(s => s.Index));
        var reference = integrator.CreatePattern();
        for (var i = 0; i < Frames; i++)
        {
            if (i == Missing)
            {
                Assert.Null(seen[i].Intensity);
                Assert.Contains("frame 4", seen[i].Error, StringComparison.Ordinal);
                continue;
            }

            integrator.Integrate(frames[i], reference);
            Assert.Equal(reference.Intensity, seen[i].Intensity);
            Assert.Equal(reference.Sigma, seen[i].Sigma);
        }
    }

    [Fact]
    public async Task A_writer_that_fails_ends_the_run_with_its_error()
    {
        var path = Archive(FrameCompression.BitshuffleLz4, out _);
        using var integrator = AzimuthalIntegrator.Create(new PixelGeometry(Geometry), new IntegrationOptions { Npt = 200 });
        using var source = FrameSourceFactory.Open(new FrameSourceRequest([path]));
        var written = 0;
        var error = await Assert.ThrowsAsync<IOException>(() => IntegrationPipeline.RunAsync(source, integrator, default,
            _ =>
            {
                if (++written == 2)
                {
                    throw new IOException("No space left on device");
                }
            },
            _ => { },
            capacity: 1).WaitAsync(TimeSpan.FromMinutes(2)));
        Assert.Equal("No space left on device", error.Message);
        Assert.Equal(2, written);
    }
}
