using System.Globalization;
using OperandoXrd.Core.Frames;

namespace OperandoXrd.Hdf5.Writers;

/// <summary>
/// Writes a Dectris-like master/data set: <c>&lt;stem&gt;_master.h5</c> with <c>/entry/data/data_000001…</c> external
/// links to <c>&lt;stem&gt;_data_000001.h5:/entry/data/data</c> (each holding up to <c>framesPerFile</c> frames, one chunk
/// per frame), and <c>/entry/instrument/detector/{count_time, frame_time, detectorSpecific/{data_collection_date,
/// nimages}}</c> for the frame times. Data files are created when their first frame arrives, as the detector does.
/// </summary>
public sealed class DectrisFileWriter : IDisposable
{
    private readonly FrameWriterOptions _options;
    private readonly FrameChunkEncoder _encoder;
    private readonly Dictionary<int, (Hdf5File File, Hdf5Dataset Data)> _open = [];
    private readonly string _folder;
    private readonly string _stem;

    /// <param name="masterPath">Path of the master file; must end in <c>_master.h5</c>.</param>
    public DectrisFileWriter(string masterPath, int rows, int columns, int frameCount, int framesPerFile, FrameWriterOptions? options = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(frameCount);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(framesPerFile);
        var name = System.IO.Path.GetFileName(masterPath);
        if (!name.EndsWith("_master.h5", StringComparison.Ordinal))
        {
            throw new ArgumentException($"{masterPath}: a Dectris master file name ends in _master.h5", nameof(masterPath));
        }

        _options = options ??= new FrameWriterOptions();
        _folder = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(masterPath))!;
        _stem = name[..^"_master.h5".Length];
        MasterPath = masterPath;
        Rows = rows;
        Columns = columns;
        FrameCount = frameCount;
        FramesPerFile = framesPerFile;
        _encoder = new FrameChunkEncoder(options.DType, options.Compression, options.DeflateLevel, checked(rows * columns));

        using var master = Hdf5File.Create(masterPath);
        using (master.CreateGroup("/entry", "NXentry"))
        using (var data = master.CreateGroup("/entry/data", "NXdata"))
        {
            for (var k = 0; k < DataFileCount; k++)
            {
                data.CreateExternalLink(DataLinkName(k), System.IO.Path.GetFileName(DataFilePath(k)), "/entry/data/data");
            }
        }

        using (master.CreateGroup("/entry/instrument", "NXinstrument"))
        using (var detector = master.CreateGroup("/entry/instrument/detector", "NXdetector"))
        using (var specific = master.CreateGroup("/entry/instrument/detector/detectorSpecific", "NXcollection"))
        {
            detector.WriteDataset<double>("count_time", [options.ExposureTime], []);
            detector.WriteDataset<double>("frame_time", [options.ExposureTime + options.LatencyTime], []);
            detector.WriteDataset<int>("x_pixels_in_detector", [columns], []);
            detector.WriteDataset<int>("y_pixels_in_detector", [rows], []);
            detector.WriteString("description", "OperandoXrd Dectris-like " + options.DetectorName);
            specific.WriteString("data_collection_date", options.StartTime.ToString("yyyy-MM-ddTHH:mm:ss.fffzzz", CultureInfo.InvariantCulture));
            specific.WriteDataset<int>("nimages", [frameCount], []);
            specific.WriteDataset<int>("ntrigger", [1], []);
        }

        master.Flush();
    }

    public string MasterPath { get; }

    public int Rows { get; }

    public int Columns { get; }

    public int FrameCount { get; }

    public int FramesPerFile { get; }

    public int DataFileCount => (FrameCount + FramesPerFile - 1) / FramesPerFile;

    /// <summary><c>&lt;stem&gt;_data_000001.h5</c> for <paramref name="k"/> = 0.</summary>
    public string DataFilePath(int k) => System.IO.Path.Combine(_folder, $"{_stem}_data_{(k + 1).ToString("D6", CultureInfo.InvariantCulture)}.h5");

    public void WriteFrame(int index, ReadOnlySpan<int> counts)
    {
        var (file, data, local) = Target(index);
        _encoder.Write(data, local, counts);
        Flush(file);
    }

    public void WriteFrame(int index, ReadOnlySpan<float> values)
    {
        var (file, data, local) = Target(index);
        _encoder.Write(data, local, values);
        Flush(file);
    }

    private void Flush(Hdf5File file)
    {
        if (_options.FlushEachFrame)
        {
            file.Flush();
        }
    }

    public void Dispose()
    {
        foreach (var (file, data) in _open.Values)
        {
            data.Dispose();
            file.Dispose();
        }

        _open.Clear();
    }

    private static string DataLinkName(int k) => "data_" + (k + 1).ToString("D6", CultureInfo.InvariantCulture);

    private (Hdf5File File, Hdf5Dataset Data, int Local) Target(int index)
    {
        if ((uint)index >= (uint)FrameCount)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"{MasterPath}: frame {index} outside 0..{FrameCount - 1}");
        }

        var k = index / FramesPerFile;
        if (!_open.TryGetValue(k, out var entry))
        {
            var frames = Math.Min(FramesPerFile, FrameCount - k * FramesPerFile);
            var file = Hdf5File.Create(DataFilePath(k));
            using (file.CreateGroup("/entry", "NXentry"))
            using (file.CreateGroup("/entry/data", "NXdata"))
            {
            }

            var data = LimaFileWriter.CreateFrameDataset(file, "/entry/data/data", frames, Rows, Columns, _options.DType, _encoder);
            data.WriteAttribute("image_nr_low", (long)(k * FramesPerFile + 1));
            data.WriteAttribute("image_nr_high", (long)(k * FramesPerFile + frames));
            entry = (file, data);
            _open[k] = entry;
        }

        return (entry.File, entry.Data, index - k * FramesPerFile);
    }
}
