namespace OperandoXrd.Hdf5.Frames;

/// <summary>What a file says towards frame times (the frame-time rules of docs/formats.md).</summary>
public static partial class FrameSources
{
    /// <summary>BLISS scan-level times: <c>/&lt;scan&gt;/measurement/epoch</c>, <c>start_time</c>, <c>elapsed_time</c>.</summary>
    private static TimeCandidates? ScanCandidates(Hdf5File h5, string detectorPath)
    {
        var scan = "/" + detectorPath.TrimStart('/').Split('/')[0];
        if (!BlissScanName().IsMatch(scan[1..]))
        {
            return null;
        }

        var c = new TimeCandidates();
        if (ReadDoubles(h5, scan + "/measurement/epoch") is { } epoch)
        {
            c.Epoch = epoch;
            c.EpochSource = scan + "/measurement/epoch";
        }

        ReadStartTime(h5, scan + "/start_time", c);
        if (ReadDoubles(h5, scan + "/measurement/elapsed_time") is { } elapsed)
        {
            c.Relative = elapsed;
            c.RelativeSource = scan + "/measurement/elapsed_time";
        }

        var detector = detectorPath.Split('/')[^1];
        c.Exposure = ReadScalar(h5, $"{scan}/instrument/{detector}/acquisition/exposure_time")
            ?? ReadScalar(h5, $"{scan}/instrument/{detector}/acq_parameters/acq_expo_time");
        return c;
    }

    /// <summary>What a LIMA or Dectris file says about time next to the frame dataset at <paramref name="datasetPath"/>.</summary>
    internal static TimeCandidates CandidatesFor(Hdf5File h5, string datasetPath, TimeCandidates? previous = null)
    {
        var c = new TimeCandidates();
        var parts = datasetPath.TrimStart('/').Split('/');
        var entry = "/" + parts[0];
        var detector = datasetPath[..datasetPath.LastIndexOf('/')];
        if (detector.Length == 0)
        {
            detector = "/";
        }

        if (!ReadStartTime(h5, entry + "/start_time", c))
        {
            _ = ReadStartTime(h5, "/entry/instrument/detector/detectorSpecific/data_collection_date", c);
        }

        foreach (var relative in new[] { detector + "/time_of_frame", detector + "/header/time_of_frame", entry + "/measurement/elapsed_time" })
        {
            if (ReadDoubles(h5, relative) is { } values)
            {
                c.Relative = values;
                c.RelativeSource = relative;
                break;
            }
        }

        c.Exposure = ReadScalar(h5, detector + "/acquisition/exposure_time") ?? ReadScalar(h5, "/entry/instrument/detector/count_time");
        c.Latency = ReadScalar(h5, detector + "/acquisition/latency_time");
        if (ReadScalar(h5, "/entry/instrument/detector/frame_time") is { } period && entry == "/entry")
        {
            c.Period = period;
            c.PeriodSource = "/entry/instrument/detector/frame_time";
        }

        var (planned, plannedSource) = ReadScalar(h5, detector + "/acquisition/nb_frames") is { } lima
            ? (lima, detector + "/acquisition/nb_frames")
            : (ReadScalar(h5, "/entry/instrument/detector/detectorSpecific/nimages"), "/entry/instrument/detector/detectorSpecific/nimages");
        c.PlannedFrames = planned is double p && p > 0 ? (int)p : previous?.PlannedFrames;
        c.PlannedFramesSource = planned is > 0 ? plannedSource : previous?.PlannedFramesSource;
        return c;
    }

    private static bool ReadStartTime(Hdf5File h5, string path, TimeCandidates c)
    {
        if (h5.GetObjectKind(path) != Hdf5ObjectKind.Dataset)
        {
            return false;
        }

        try
        {
            var text = h5.ReadString(path);
            if (FrameTimes.ParseIso(text) is { } t)
            {
                c.StartTime = t;
                c.StartTimeText = text;
                c.StartTimeSource = path;
                return true;
            }
        }
        catch (Hdf5Exception)
        {
        }

        return false;
    }

    private static double? ReadScalar(Hdf5File h5, string path) => ReadDoubles(h5, path) is { Length: > 0 } v ? v[0] : null;

    private static double[]? ReadDoubles(Hdf5File h5, string path)
    {
        if (h5.GetObjectKind(path) != Hdf5ObjectKind.Dataset)
        {
            return null;
        }

        try
        {
            using var d = h5.OpenDataset(path);
            if (!(d.ElementType.IsInteger || d.ElementType.IsFloat))
            {
                return null;
            }

            if (h5.IsSwmrRead)
            {
                // A SWMR reader would otherwise keep the dataset's layout (and its fill values) as first seen.
                d.Refresh();
            }

            var values = new double[d.ElementCount];
            d.Read<double>(values);
            return values;
        }
        catch (Hdf5Exception)
        {
            return null;
        }
    }
}
