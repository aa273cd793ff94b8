using System.Globalization;
using OperandoXrd.Core.Frames;

namespace OperandoXrd.Hdf5.Writers;

/// <summary>
/// An acquisition split over LIMA-like files <c>&lt;stem&gt;_0000.h5</c>, <c>&lt;stem&gt;_0001.h5</c>… of
/// <c>framesPerFile</c> frames each, all sharing the acquisition's start_time and <c>nb_frames</c>, as LIMA's saving
/// does with <c>frames_per_file</c>. A file is closed as soon as its last frame is written.
/// </summary>
public sealed class LimaSeriesWriter : IDisposable
{
    private readonly Dictionary<int, (LimaFileWriter Writer, int Written)> _open = [];
    private readonly FrameWriterOptions _options;

    public LimaSeriesWriter(string folder, string stem, int rows, int columns, int frameCount, int framesPerFile, FrameWriterOptions? options = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(frameCount);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(framesPerFile);
        Directory.CreateDirectory(folder);
        Folder = folder;
        Stem = stem;
        Rows = rows;
        Columns = columns;
        FrameCount = frameCount;
        FramesPerFile = framesPerFile;
        _options = (options ?? new FrameWriterOptions()) with { AcquisitionFrames = frameCount };
    }

    public string Folder { get; }

    public string Stem { get; }

    public int Rows { get; }

    public int Columns { get; }

    public int FrameCount { get; }

    public int FramesPerFile { get; }

    public int FileCount => (FrameCount + FramesPerFile - 1) / FramesPerFile;

    public string FilePath(int k) => Path.Combine(Folder, $"{Stem}_{k.ToString("D4", CultureInfo.InvariantCulture)}.h5");

    public void WriteFrame(int index, ReadOnlySpan<int> counts, FrameTiming? timing = null)
    {
        var (writer, local, k) = Target(index);
        writer.WriteFrame(local, counts, timing ?? DefaultTiming(index));
        Written(k);
    }

    public void WriteFrame(int index, ReadOnlySpan<float> values, FrameTiming? timing = null)
    {
        var (writer, local, k) = Target(index);
        writer.WriteFrame(local, values, timing ?? DefaultTiming(index));
        Written(k);
    }

    public void Dispose()
    {
        foreach (var (writer, _) in _open.Values)
        {
            writer.Dispose();
        }

        _open.Clear();
    }

    /// <summary>Acquisition-wide index × period (a file's own default would restart at its first frame).</summary>
    private FrameTiming DefaultTiming(int index)
    {
        var start = (_options.StartTime.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / (double)TimeSpan.TicksPerSecond;
        return new FrameTiming(start + index * (_options.ExposureTime + _options.LatencyTime), _options.ExposureTime);
    }

    private (LimaFileWriter Writer, int Local, int File) Target(int index)
    {
        if ((uint)index >= (uint)FrameCount)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"{Folder}/{Stem}: frame {index} outside 0..{FrameCount - 1}");
        }

        var k = index / FramesPerFile;
        if (!_open.TryGetValue(k, out var entry))
        {
            var frames = Math.Min(FramesPerFile, FrameCount - k * FramesPerFile);
            entry = (new LimaFileWriter(FilePath(k), Rows, Columns, frames, _options), 0);
            _open[k] = entry;
        }

        return (entry.Writer, index - k * FramesPerFile, k);
    }

    private void Written(int k)
    {
        var (writer, written) = _open[k];
        written++;
        if (written >= writer.FrameCount)
        {
            writer.Dispose();
            _ = _open.Remove(k);
        }
        else
        {
            _open[k] = (writer, written);
        }
    }
}
