using System.Runtime.InteropServices;

namespace OperandoXrd.Pipeline.Outputs;

/// <summary>
/// The fitted curve (on the run's full radial grid, NaN outside the fit range) and each phase's reflection positions
/// of every frame, spooled to a flat file in frame order as the frames are fitted. reduced.h5 and the figures read
/// them back in one pass, so the run does not keep a parameter vector (hundreds of Pawley intensities) per frame in
/// memory: what stays in memory per frame is the small summary in <see cref="FrameRow"/>.
/// </summary>
/// <remarks>
/// Fixed-size records (npt + Σ reflections doubles), so record i sits at i × record size. The file is derived data,
/// not part of the checkpoint: it is recreated whenever a run starts, and a resumed run refills it while it replays
/// the journal through the fitter. A frame without a fit gets a record of NaN. The curves are the fitter's own (the
/// model as the last optimizer step evaluated it), not evaluated again here.
/// </remarks>
public sealed class FitCurveSpool : IFitCurves, IDisposable
{
    private readonly FileStream _stream;
    private readonly FitCurveLayout _layout;
    private readonly double[] _none;
    private long _count;

    /// <param name="path">Spool file; truncated.</param>
    /// <param name="layout">What a record holds.</param>
    public FitCurveSpool(string path, FitCurveLayout layout)
    {
        ArgumentNullException.ThrowIfNull(layout);
        _layout = layout;
        _none = new double[layout.RecordLength];
        Array.Fill(_none, double.NaN);
        Path = path;
        _stream = new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.Read, 1 << 16);
    }

    public string Path { get; }

    public int Npt => _layout.Npt;

    public IReadOnlyList<string> Phases => _layout.Phases;

    public int TickCount(int phase) => _layout.TickCount(phase);

    /// <summary>Records written. Every call is made on one thread (the sink's, or the replay's before it starts).</summary>
    public long Count => _count;

    private int RecordBytes => _layout.RecordLength * sizeof(double);

    /// <summary>Appends one frame's record (<see cref="FitCurveLayout"/>), or a record of NaN for a frame without a fit.</summary>
    public void Append(ReadOnlySpan<double> record)
    {
        if (record.IsEmpty)
        {
            record = _none;
        }

        if (record.Length != _layout.RecordLength)
        {
            throw new ArgumentException($"a curve record has {_layout.RecordLength} values, not {record.Length}", nameof(record));
        }

        _stream.Seek(_count * RecordBytes, SeekOrigin.Begin);
        _stream.Write(MemoryMarshal.AsBytes(record));
        _count++;
    }

    /// <summary>Hands the first <paramref name="count"/> records to <paramref name="visit"/> in order: (frame position, curve, ticks per phase), or nulls for a frame without a fit. The arrays are reused between calls.</summary>
    public void ReadAll(long count, Action<long, double[]?, double[][]?> visit)
    {
        ArgumentNullException.ThrowIfNull(visit);
        _stream.Flush();
        var calculated = new double[Npt];
        var ticks = Enumerable.Range(0, Phases.Count).Select(k => new double[TickCount(k)]).ToArray();
        var bytes = new byte[RecordBytes];
        var values = MemoryMarshal.Cast<byte, double>(bytes.AsSpan());
        count = Math.Min(count, Count);
        _stream.Seek(0, SeekOrigin.Begin);
        for (long i = 0; i < count; i++)
        {
            _stream.ReadExactly(bytes);
            if (!HasFinite(values))
            {
                visit(i, null, null);
                continue;
            }

            values[..Npt].CopyTo(calculated);
            var at = Npt;
            for (var k = 0; k < ticks.Length; k++)
            {
                values.Slice(at, ticks[k].Length).CopyTo(ticks[k]);
                at += ticks[k].Length;
            }

            visit(i, calculated, ticks);
        }

        _stream.Seek(Count * RecordBytes, SeekOrigin.Begin);
    }

    /// <summary>The curve of record <paramref name="position"/>, or null for a frame without a fit.</summary>
    public double[]? ReadCalculated(long position)
    {
        if (position < 0 || position >= Count)
        {
            return null;
        }

        _stream.Flush();
        var bytes = new byte[Npt * sizeof(double)];
        _stream.Seek(position * RecordBytes, SeekOrigin.Begin);
        _stream.ReadExactly(bytes);
        _stream.Seek(Count * RecordBytes, SeekOrigin.Begin);
        var curve = MemoryMarshal.Cast<byte, double>(bytes.AsSpan()).ToArray();
        return HasFinite(curve) ? curve : null;
    }

    // A fitted frame has finite values somewhere (its curve and reflection positions); a frame without a fit is NaN throughout.
    private static bool HasFinite(ReadOnlySpan<double> values)
    {
        foreach (var v in values)
        {
            if (double.IsFinite(v))
            {
                return true;
            }
        }

        return false;
    }

    public void Dispose()
    {
        try
        {
            _stream.Dispose();
        }
        catch (IOException)
        {
            // The last buffered records could not be flushed (disk full): the spool is derived data, rebuilt by the
            // next run, and the error that matters has already been reported by whoever wrote last.
        }
    }
}
