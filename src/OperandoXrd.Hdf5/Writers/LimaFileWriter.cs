using System.Globalization;
using OperandoXrd.Core.Frames;

namespace OperandoXrd.Hdf5.Writers;

/// <summary>Options shared by the LIMA-like and Dectris-like writers.</summary>
public sealed record FrameWriterOptions
{
    public FrameDType DType { get; init; } = FrameDType.Int32;

    public FrameCompression Compression { get; init; } = FrameCompression.BitshuffleLz4;

    public int DeflateLevel { get; init; } = 4;

    /// <summary>The acquisition's start (NeXus <c>start_time</c>); frame times are written relative to it.</summary>
    public DateTimeOffset StartTime { get; init; } = DateTimeOffset.UnixEpoch;

    public double ExposureTime { get; init; } = 0.1;

    public double LatencyTime { get; init; }

    public string InstrumentName { get; init; } = "instrument";

    public string DetectorName { get; init; } = "pilatus2m";

    /// <summary>Write the per-frame <c>time_of_frame</c> (LIMA); without it readers fall back to start_time + index × period.</summary>
    public bool WriteTimeOfFrame { get; init; } = true;

    /// <summary>Flush after every frame so that a reader in another process sees it at once (live simulation).</summary>
    public bool FlushEachFrame { get; init; } = true;

    /// <summary>Open the file for SWMR writing once its layout exists (readers then use <c>H5Drefresh</c>).</summary>
    public bool Swmr { get; init; }

    /// <summary>Frames of the whole acquisition when it spans several files (LIMA <c>acquisition/nb_frames</c>); default: this file's.</summary>
    public int? AcquisitionFrames { get; init; }
}

/// <summary>
/// Writes a LIMA-like file: <c>/entry_0000/&lt;instrument&gt;/&lt;detector&gt;/data</c> of shape (frames, rows, columns),
/// pre-sized, one chunk per frame, with <c>/entry_0000/measurement/data</c> as a soft link, <c>start_time</c>,
/// <c>time_of_frame</c> and <c>acquisition/{exposure_time, latency_time, nb_frames}</c>. Frames may be written in any
/// order, one at a time, as a live simulation produces them.
/// </summary>
/// <example><code>
/// using var w = new LimaFileWriter("scan_0000.h5", 1679, 1475, 100, new FrameWriterOptions { Compression = FrameCompression.BitshuffleLz4 });
/// w.WriteFrame(0, counts, new FrameTiming(t0, 0.1));
/// </code></example>
public sealed class LimaFileWriter : IDisposable
{
    private readonly Hdf5File _file;
    private readonly Hdf5Dataset _data;
    private readonly Hdf5Dataset? _timeOfFrame;
    private readonly FrameChunkEncoder _encoder;
    private readonly FrameWriterOptions _options;
    private readonly double _startUnix;

    public LimaFileWriter(string path, int rows, int columns, int frameCount, FrameWriterOptions? options = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(columns);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(frameCount);
        _options = options ??= new FrameWriterOptions();
        Path = path;
        Rows = rows;
        Columns = columns;
        FrameCount = frameCount;
        DetectorPath = $"/entry_0000/{options.InstrumentName}/{options.DetectorName}";
        _startUnix = (options.StartTime.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / (double)TimeSpan.TicksPerSecond;
        _encoder = new FrameChunkEncoder(options.DType, options.Compression, options.DeflateLevel, checked(rows * columns));

        _file = Hdf5File.Create(path, swmrCapable: options.Swmr);
        try
        {
            using (var entry = _file.CreateGroup("/entry_0000", "NXentry"))
            {
                entry.WriteString("start_time", options.StartTime.ToString("yyyy-MM-ddTHH:mm:ss.ffffffzzz", CultureInfo.InvariantCulture));
                entry.WriteString("title", "OperandoXrd LIMA-like frames");
            }

            using (var instrument = _file.CreateGroup($"/entry_0000/{options.InstrumentName}", "NXinstrument"))
            using (var detector = _file.CreateGroup(DetectorPath, "NXdetector"))
            using (var acquisition = _file.CreateGroup(DetectorPath + "/acquisition", "NXcollection"))
            {
                acquisition.WriteDataset<double>("exposure_time", [options.ExposureTime], []);
                acquisition.WriteDataset<double>("latency_time", [options.LatencyTime], []);
                acquisition.WriteDataset<int>("nb_frames", [options.AcquisitionFrames ?? frameCount], []);
                acquisition.WriteString("mode", "SINGLE");
            }

            _data = CreateFrameDataset(_file, DetectorPath + "/data", frameCount, rows, columns, options.DType, _encoder);
            if (options.WriteTimeOfFrame)
            {
                _timeOfFrame = _file.CreateDataset<double>(DetectorPath + "/time_of_frame", [frameCount]);
                _timeOfFrame.WriteAttribute("units", "s");
            }

            using (var measurement = _file.CreateGroup("/entry_0000/measurement", "NXcollection"))
            {
                measurement.CreateSoftLink("data", DetectorPath + "/data");
            }

            if (options.Swmr)
            {
                _file.StartSwmrWrite();
            }

            _file.Flush();
        }
        catch
        {
            _timeOfFrame?.Dispose();
            _data?.Dispose();
            _file.Dispose();
            throw;
        }
    }

    public string Path { get; }

    /// <summary><c>/entry_0000/&lt;instrument&gt;/&lt;detector&gt;</c>.</summary>
    public string DetectorPath { get; }

    public string DatasetPath => DetectorPath + "/data";

    public int Rows { get; }

    public int Columns { get; }

    public int FrameCount { get; }

    /// <summary>Writes frame <paramref name="index"/> (counts; negative = masked). Without a timing the frame starts at start_time + index × (exposure + latency).</summary>
    public void WriteFrame(int index, ReadOnlySpan<int> counts, FrameTiming? timing = null)
    {
        WriteTime(index, timing);
        _encoder.Write(_data, CheckIndex(index), counts);
        Flush();
    }

    /// <summary>Writes frame <paramref name="index"/> of a float32 file.</summary>
    public void WriteFrame(int index, ReadOnlySpan<float> values, FrameTiming? timing = null)
    {
        WriteTime(index, timing);
        _encoder.Write(_data, CheckIndex(index), values);
        Flush();
    }

    public void Dispose()
    {
        _timeOfFrame?.Dispose();
        _data.Dispose();
        _file.Dispose();
    }

    internal static Hdf5Dataset CreateFrameDataset(Hdf5Group parent, string path, int frames, int rows, int columns, FrameDType dtype, FrameChunkEncoder encoder)
    {
        var options = encoder.DatasetOptions(rows, columns);
        var data = dtype switch
        {
            FrameDType.Int32 => parent.CreateDataset<int>(path, [frames, rows, columns], options),
            FrameDType.UInt32 => parent.CreateDataset<uint>(path, [frames, rows, columns], options),
            FrameDType.UInt16 => parent.CreateDataset<ushort>(path, [frames, rows, columns], options),
            _ => parent.CreateDataset<float>(path, [frames, rows, columns], options),
        };
        data.WriteAttribute("interpretation", "image");
        return data;
    }

    private void WriteTime(int index, FrameTiming? timing)
    {
        if (_timeOfFrame is null)
        {
            return;
        }

        var relative = timing is { } t ? t.StartUnixSeconds - _startUnix : index * (_options.ExposureTime + _options.LatencyTime);
        _timeOfFrame.WriteHyperslab<double>([CheckIndex(index)], [1], [relative]);
    }

    private int CheckIndex(int index)
    {
        if ((uint)index >= (uint)FrameCount)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"{Path}: frame {index} outside 0..{FrameCount - 1}");
        }

        return index;
    }

    private void Flush()
    {
        if (_options.FlushEachFrame)
        {
            _file.Flush();
        }
    }
}
