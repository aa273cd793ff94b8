using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Threading.Channels;
using OperandoXrd.Fitting.Emergence;
using OperandoXrd.Fitting.Output;
using OperandoXrd.Fitting.Sequential;
using OperandoXrd.Hdf5;

namespace OperandoXrd.Viewer.Feeds;

/// <summary>
/// Follows the result files of a run written by another process: <c>reduced.h5</c> (patterns, fits, ticks, voltage)
/// and <c>lattice.csv</c> (cell parameters, voltage, Rwp). Both are replaced atomically by the writer; this polls
/// their length and modification time every <see cref="DefaultPollInterval"/> on a background task (and at once when
/// inotify reports a rename of either) and hands new frames over in frame order. Frame <c>k</c> is row <c>k</c> of <c>/entry/integrated/intensity</c> and the
/// lattice.csv row whose <c>frame</c> is <c>k</c>. A frame whose lattice row has not arrived is held back until a
/// later row is there or lattice.csv has stopped changing, so a pattern is not shown without its fit only because
/// the two files are replaced at different moments. <c>emergence.csv</c> (replaced whole at each event) gives the
/// emergence events, <c>/entry/emergence/peaks_two_theta_deg</c> of reduced.h5 where their peaks were seen.
/// </summary>
public sealed class RunFolderFeed : IRunFeed
{
    public const string ReducedFileName = "reduced.h5";
    public const string LatticeFileName = "lattice.csv";
    public const string EmergenceFileName = "emergence.csv";

    /// <summary>How often the folder is looked at.</summary>
    public static readonly TimeSpan DefaultPollInterval = TimeSpan.FromSeconds(0.5);

    // Time without a change after which lattice.csv counts as settled (its last line finished, missing rows not
    // coming). Time, not a number of polls: inotify can trigger several polls within milliseconds.
    private static readonly TimeSpan SettleTime = TimeSpan.FromSeconds(1.5);

    private readonly string _reducedPath;
    private readonly string _latticePath;
    private readonly string _emergencePath;
    // Unbounded on purpose: every frame here is already in memory (read from the file), and a bound would only make a
    // viewer catching up on a long run wait for the next poll.
    private readonly Channel<ViewerFrame> _ready = Channel.CreateUnbounded<ViewerFrame>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly Queue<ViewerFrame> _pending = new();
    private readonly Dictionary<int, LatticeRow> _rows = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly FileSystemWatcher? _watcher;
    private readonly object _pollLock = new();

    private (long Length, DateTime Modified)? _h5Stamp, _csvStamp, _emergenceStamp;
    private IReadOnlyList<EmergenceRow> _emergenceRows = [];
    private IReadOnlyList<double[]> _emergenceTwoTheta = [];
    private string _unit = "2th_deg";
    private volatile IReadOnlyList<EmergenceMark> _emergence = [];
    private long _csvChangedAt = System.Diagnostics.Stopwatch.GetTimestamp();
    private bool _csvSettledRead;
    private bool _csvTerminated = true;
    private int _maxRowFrame = -1;
    private int _framesRead;
    private double[]? _radial;
    private volatile int _available;
    private volatile string? _status;

    /// <param name="folder">The run folder (must exist; it may still be empty).</param>
    /// <param name="pollInterval">Defaults to <see cref="DefaultPollInterval"/>; tests shorten it.</param>
    public RunFolderFeed(string folder, TimeSpan? pollInterval = null)
    {
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"run folder {folder} does not exist");
        }

        Folder = Path.GetFullPath(folder);
        _reducedPath = Path.Combine(Folder, ReducedFileName);
        _latticePath = Path.Combine(Folder, LatticeFileName);
        _emergencePath = Path.Combine(Folder, EmergenceFileName);

        // One look at once, so that AvailableFrames is right before the window opens.
        PollOnce();
        _watcher = TryWatch();
        var interval = pollInterval ?? DefaultPollInterval;
        _loop = Task.Run(async () =>
        {
            try
            {
                while (!_stop.IsCancellationRequested)
                {
                    await _wake.WaitAsync(interval, _stop.Token).ConfigureAwait(false);
                    PollOnce();
                }
            }
            catch (OperationCanceledException)
            {
            }
        });
    }

    // The poll is the contract; inotify only shortens the wait after a rename (frame on disk → on screen well under
    // the poll interval). Where watches are unavailable (limits, network file systems) polling alone remains.
    private FileSystemWatcher? TryWatch()
    {
        try
        {
            var watcher = new FileSystemWatcher(Folder)
            {
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size,
                IncludeSubdirectories = false,
            };
            FileSystemEventHandler nudge = (_, e) => Nudge(e.Name);
            watcher.Created += nudge;
            watcher.Changed += nudge;
            watcher.Renamed += (_, e) => Nudge(e.Name);
            watcher.EnableRaisingEvents = true;
            return watcher;
        }
        catch (Exception e) when (e is IOException or ArgumentException or PlatformNotSupportedException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private void Nudge(string? name)
    {
        if ((string.Equals(name, ReducedFileName, StringComparison.Ordinal) || string.Equals(name, LatticeFileName, StringComparison.Ordinal) ||
             string.Equals(name, EmergenceFileName, StringComparison.Ordinal)) &&
            _wake.CurrentCount == 0)
        {
            try
            {
                _wake.Release();
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }

    public string Folder { get; }

    public string Description => Folder;

    public long Dropped => 0; // frames wait in the files; nothing is lost when the viewer is slow

    public int AvailableFrames => _available;

    public bool IsComplete => false; // a followed run may always grow

    public string? Status => _status;

    public IReadOnlyList<EmergenceMark> Emergence => _emergence;

    /// <summary>lattice.csv rows that were not data at the last read (wrong field count, unparsable number), with reasons.</summary>
    public IReadOnlyList<string> RejectedRows { get; private set; } = [];

    public bool TryRead([MaybeNullWhen(false)] out ViewerFrame frame) => _ready.Reader.TryRead(out frame);

    /// <summary>Looks at the folder now (the background loop calls this; tests may too).</summary>
    public void PollOnce()
    {
        lock (_pollLock)
        {
            try
            {
                _status = null;
                ReadLattice();
                var emergence = ReadEmergence();
                if (ReadReduced() || emergence)
                {
                    MarkEmergence();
                }

                Emit();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
            {
                // A replaced file can vanish between stat and open, or a foreign file can sit there: say so and
                // try again at the next poll.
                _status = e.Message;
            }
        }
    }

    public void Dispose()
    {
        _watcher?.Dispose();
        _stop.Cancel();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }

        _stop.Dispose();
        _wake.Dispose();
    }

    private static (long, DateTime)? Stamp(string path)
    {
        var info = new FileInfo(path);
        return info.Exists ? (info.Length, info.LastWriteTimeUtc) : null;
    }

    private bool CsvSettled => System.Diagnostics.Stopwatch.GetElapsedTime(_csvChangedAt) >= SettleTime;

    private void ReadLattice()
    {
        var stamp = Stamp(_latticePath);
        if (stamp == _csvStamp)
        {
            // Unchanged: read again only once, when it settles with an unterminated last line (now taken as finished).
            if (_csvTerminated || _csvSettledRead || !CsvSettled)
            {
                return;
            }

            _csvSettledRead = true;
        }
        else
        {
            _csvStamp = stamp;
            _csvChangedAt = System.Diagnostics.Stopwatch.GetTimestamp();
            _csvSettledRead = false;
        }

        if (stamp is null)
        {
            return;
        }

        string text;
        using (var stream = new FileStream(_latticePath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
        using (var reader = new StreamReader(stream))
        {
            text = reader.ReadToEnd();
        }

        _csvTerminated = text.Length == 0 || text[^1] == '\n';
        var table = LatticeCsv.Parse(text, _latticePath, acceptUnterminatedLastLine: _csvSettledRead);
        foreach (var row in table.Rows)
        {
            _rows[row.Frame] = row;
            _maxRowFrame = Math.Max(_maxRowFrame, row.Frame);
        }

        RejectedRows = table.Rejected;
    }

    // True when emergence.csv changed (it is small: read whole; a file that is not one is reported and retried).
    private bool ReadEmergence()
    {
        var stamp = Stamp(_emergencePath);
        if (stamp == _emergenceStamp)
        {
            return false;
        }

        if (stamp is null)
        {
            (_emergenceRows, _emergenceStamp) = ([], null);
            return true;
        }

        string text;
        using (var stream = new FileStream(_emergencePath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
        using (var reader = new StreamReader(stream))
        {
            text = reader.ReadToEnd();
        }

        try
        {
            _emergenceRows = EmergenceCsv.Parse(text, _emergencePath);
        }
        catch (InvalidDataException e)
        {
            throw new FormatException(e.Message, e);
        }

        _emergenceStamp = stamp;
        return true;
    }

    // The events with their peaks on the radial axis: the observed 2θ from reduced.h5 (event i is entry i there, once
    // reduced.h5 has caught up), or q from d.
    private void MarkEmergence()
    {
        var marks = new List<EmergenceMark>(_emergenceRows.Count);
        for (var i = 0; i < _emergenceRows.Count; i++)
        {
            var row = _emergenceRows[i];
            var radial = string.Equals(_unit, "2th_deg", StringComparison.Ordinal)
                ? i < _emergenceTwoTheta.Count && _emergenceTwoTheta[i].Length == row.PeaksD.Count ? _emergenceTwoTheta[i] : []
                : EmergenceMark.OnQAxis(row.PeaksD, _unit);
            marks.Add(new EmergenceMark(row, radial));
        }

        _emergence = marks;
    }

    private static IReadOnlyList<double[]> ReadEmergenceTwoTheta(Hdf5File file)
    {
        const string path = "/entry/emergence/peaks_two_theta_deg";
        if (file.GetObjectKind(path) != Hdf5ObjectKind.Dataset)
        {
            return [];
        }

        var text = file.ReadString(path) ?? "";
        return [.. text.Split('\n').Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(v => double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out var t) ? t : double.NaN).ToArray())];
    }

    // True when reduced.h5 changed and was read.
    private bool ReadReduced()
    {
        var stamp = Stamp(_reducedPath);
        if (stamp is null)
        {
            _status = $"waiting for {ReducedFileName} in {Folder}";
            return false;
        }

        if (stamp == _h5Stamp)
        {
            return false;
        }

        using var file = Hdf5File.Open(_reducedPath, new Hdf5OpenOptions { DisableFileLocking = true });
        const string integrated = "/entry/integrated";
        if (!file.Exists(integrated + "/intensity") || !file.Exists(integrated + "/radial"))
        {
            _status = $"{_reducedPath}: no {integrated}/intensity yet";
            _h5Stamp = stamp;
            return false;
        }

        using var intensity = file.OpenDataset(integrated + "/intensity");
        if (intensity.Rank != 2)
        {
            throw new FormatException($"{_reducedPath}:{integrated}/intensity has rank {intensity.Rank}, expected [frames, npt]");
        }

        int frames = checked((int)intensity.Dims[0]), npt = checked((int)intensity.Dims[1]);
        string unit;
        using (var radialSet = file.OpenDataset(integrated + "/radial"))
        {
            if (radialSet.ElementCount != npt)
            {
                throw new FormatException($"{_reducedPath}:{integrated}/radial has {radialSet.ElementCount} bins, intensity has {npt}");
            }

            unit = radialSet.ReadStringAttribute("units") ?? "2th_deg";
        }

        _unit = unit;
        _emergenceTwoTheta = ReadEmergenceTwoTheta(file);

        _radial ??= file.Read<double>(integrated + "/radial");
        if (_radial.Length != npt)
        {
            throw new FormatException($"{_reducedPath}:{integrated}/radial changed from {_radial.Length} to {npt} bins during the run");
        }

        if (frames < _framesRead)
        {
            _h5Stamp = stamp;
            _status = $"{_reducedPath}: now holds {frames} frames, fewer than the {_framesRead} already shown";
            return true;
        }

        _available = frames;

        // In blocks, so that catching up on a long run never holds two copies of all of it. The stamp is taken
        // only when every block was read: a failed read is retried at the next poll from the first missing frame.
        const int blockFrames = 256;
        for (var first = _framesRead; first < frames; first += blockFrames)
        {
            ReadBlock(file, intensity, first, Math.Min(blockFrames, frames - first), npt, unit);
            _framesRead = first + Math.Min(blockFrames, frames - first);
        }

        _h5Stamp = stamp;
        return true;
    }

    private void ReadBlock(Hdf5File file, Hdf5Dataset intensity, int first, int count, int npt, string unit)
    {
        const string integrated = "/entry/integrated";
        var block = new double[(long)count * npt];
        intensity.ReadHyperslab<double>([first, 0], [count, npt], block);
        var calculated = ReadRows(file, "/entry/fit/calculated", first, count, npt);
        var times = ReadRows(file, integrated + "/time", first, count, 1);
        var voltage = ReadRows(file, "/entry/echem/voltage", first, count, 1);
        var ticks = ReadTicks(file, first, count);
        for (var i = 0; i < count; i++)
        {
            var k = first + i;
            List<PhaseTicks>? frameTicks = null;
            foreach (var (phase, values, nref) in ticks)
            {
                var positions = values.AsSpan(i * nref, nref).ToArray().Where(double.IsFinite).ToArray();
                (frameTicks ??= []).Add(new PhaseTicks(phase, positions));
            }

            _pending.Enqueue(new ViewerFrame(
                k,
                times?[i] ?? double.NaN,
                _radial!,
                block.AsSpan(i * npt, npt).ToArray(),
                calculated?.AsSpan(i * npt, npt).ToArray(),
                frameTicks,
                [],
                voltage?[i] ?? double.NaN,
                double.NaN,
                unit));
        }
    }

    private double[]? ReadRows(Hdf5File file, string path, int first, int count, int width)
    {
        if (!file.Exists(path))
        {
            return null;
        }

        using var set = file.OpenDataset(path);
        var needed = (long)(first + count) * width;
        if (set.ElementCount < needed)
        {
            return null; // written for fewer frames than the patterns: treat as absent for these frames
        }

        var values = new double[(long)count * width];
        if (set.Rank == 1)
        {
            set.ReadHyperslab<double>([first], [count], values);
        }
        else
        {
            set.ReadHyperslab<double>([first, 0], [count, width], values);
        }

        return values;
    }

    private List<(string Phase, double[] Values, int Nref)> ReadTicks(Hdf5File file, int first, int count)
    {
        var result = new List<(string, double[], int)>();
        if (file.GetObjectKind("/entry/fit") != Hdf5ObjectKind.Group)
        {
            return result;
        }

        using var fit = file.OpenGroup("/entry/fit");
        foreach (var phase in fit.LinkNames())
        {
            var path = $"/entry/fit/{phase}/ticks";
            if (file.GetObjectKind($"/entry/fit/{phase}") != Hdf5ObjectKind.Group || file.GetObjectKind(path) != Hdf5ObjectKind.Dataset)
            {
                continue;
            }

            using var set = file.OpenDataset(path);
            if (set.Rank != 2 || set.Dims[0] < first + count)
            {
                continue;
            }

            var nref = checked((int)set.Dims[1]);
            var values = new double[(long)count * nref];
            if (nref > 0)
            {
                set.ReadHyperslab<double>([first, 0], [count, nref], values);
            }

            result.Add((phase, values, nref));
        }

        return result;
    }

    // reduced.h5 lists phases in name order; lattice.csv in the pipeline's order (its <phase>_scale columns), which is
    // the order the user wrote the phases in: use that, so that colours and rows follow the config.
    private static IReadOnlyList<PhaseTicks>? InPhaseOrder(IReadOnlyList<PhaseTicks>? ticks, LatticeRow row)
    {
        if (ticks is null)
        {
            return null;
        }

        var order = row.Scales.Select(s => s.Name.EndsWith("_scale", StringComparison.Ordinal) ? s.Name[..^"_scale".Length] : s.Name).ToList();
        return ticks.OrderBy(t => order.IndexOf(t.Phase) is var i && i >= 0 ? i : int.MaxValue).ToArray();
    }

    private void Emit()
    {
        var latticeExists = _csvStamp is not null;
        var settled = CsvSettled;
        while (_pending.TryPeek(out var frame))
        {
            _rows.TryGetValue(frame.Index, out var row);
            if (row is null && latticeExists && _maxRowFrame <= frame.Index && !settled)
            {
                break; // its fit is probably on the way
            }

            var merged = row is null ? frame : frame with
            {
                StartTime = double.IsFinite(frame.StartTime) ? frame.StartTime : row.Time,
                Ticks = InPhaseOrder(frame.Ticks, row),
                // A failed fit's cell is whatever the optimizer stopped at: not a point to plot.
                Lattice = string.Equals(row.Status, FrameStatuses.Failed, StringComparison.Ordinal) ? [] : row.Lattice,
                Voltage = double.IsFinite(row.Voltage) ? row.Voltage : frame.Voltage,
                Rwp = row.Rwp,
            };
            _ready.Writer.TryWrite(merged);
            _pending.Dequeue();
        }
    }
}
