using System.Runtime.InteropServices;
using OperandoXrd.Fitting.Model;
using OperandoXrd.Fitting.Sequential;

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
/// the journal through the fitter. A frame without a fit gets a record of NaN.
/// </remarks>
public sealed class FitCurveSpool : IFitCurves, IDisposable
{
    private readonly FileStream _stream;
    private readonly WholePatternModel _model;
    private readonly int _offset;
    private readonly double[] _record;
    private readonly double[] _inRange;
    private readonly int[] _tickCounts;
    private long _count;

    /// <param name="path">Spool file; truncated.</param>
    /// <param name="model">The fitter's model (its grid is a contiguous slice of the run's grid).</param>
    /// <param name="npt">Points of the run's full radial grid.</param>
    /// <param name="offset">Index in the full grid of the model's first point (the grids may be in different units: q against 2θ).</param>
    public FitCurveSpool(string path, WholePatternModel model, int npt, int offset)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(offset + model.PointCount, npt, nameof(offset));
        _model = model;
        Npt = npt;
        _offset = offset;
        Phases = Enumerable.Range(0, model.PhaseCount).Select(k => model.Phase(k).Name).ToArray();
        _tickCounts = Enumerable.Range(0, model.PhaseCount).Select(k => model.PeakGroups(k).Count).ToArray();
        _record = new double[Npt + _tickCounts.Sum()];
        _inRange = new double[model.PointCount];
        Path = path;
        _stream = new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.Read, 1 << 16);
    }

    public string Path { get; }

    public int Npt { get; }

    public IReadOnlyList<string> Phases { get; }

    public int TickCount(int phase) => _tickCounts[phase];

    /// <summary>Records written. Every call is made on one thread (the sink's, or the preparation's replay before it starts).</summary>
    public long Count => _count;

    private int RecordBytes => _record.Length * sizeof(double);

    /// <summary>Evaluates the model at the frame's fitted values and appends its curve and ticks; returns the curve (a new array) or null.</summary>
    public double[]? Append(FrameFit? fit)
    {
        Array.Fill(_record, double.NaN);
        double[]? calculated = null;
        if (fit is { Status: not FrameStatus.Failed, Values.Length: > 0 })
        {
            _model.Evaluate(fit.Values, _inRange, null);
            _inRange.CopyTo(_record.AsSpan(_offset));

            var at = Npt;
            for (var k = 0; k < _tickCounts.Length; k++)
            {
                _model.PeakPositions(k, fit.Values).CopyTo(_record.AsSpan(at));
                at += _tickCounts[k];
            }

            calculated = _record.AsSpan(0, Npt).ToArray();
        }

        _stream.Seek(_count * RecordBytes, SeekOrigin.Begin);
        _stream.Write(MemoryMarshal.AsBytes(_record.AsSpan()));
        _count++;
        return calculated;
    }

    /// <summary>Hands the first <paramref name="count"/> records to <paramref name="visit"/> in order: (frame position, curve, ticks per phase), or nulls for a frame without a fit. The arrays are reused between calls.</summary>
    public void ReadAll(long count, Action<long, double[]?, double[][]?> visit)
    {
        ArgumentNullException.ThrowIfNull(visit);
        _stream.Flush();
        var calculated = new double[Npt];
        var ticks = _tickCounts.Select(n => new double[n]).ToArray();
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
