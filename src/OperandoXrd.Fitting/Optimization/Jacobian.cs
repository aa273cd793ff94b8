using System.Runtime.CompilerServices;

namespace OperandoXrd.Fitting.Optimization;

/// <summary>
/// ∂model/∂parameter, column-major, one column per parameter, with the row range each column actually touches.
/// </summary>
/// <remarks>
/// A Bragg peak only moves the points inside its profile window, so most columns (reflection intensities, PEEK
/// peaks) are zero almost everywhere. Keeping [first, end) per column lets the normal matrix skip the zeros without
/// a general sparse format, and lets <see cref="Clear"/> wipe only what the last evaluation wrote — no allocation
/// and no full-matrix memset per iteration. Columns of fixed parameters are never written: check
/// <see cref="IsActive"/> before computing a derivative nobody will read.
/// </remarks>
public sealed class Jacobian
{
    private readonly double[] _data;
    private readonly int[] _first;
    private readonly int[] _end;
    private readonly bool[] _active;

    public Jacobian(int rows, int columns)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(columns);
        Rows = rows;
        Columns = columns;
        _data = new double[checked(rows * columns)];
        _first = new int[columns];
        _end = new int[columns];
        _active = new bool[columns];
        Array.Fill(_first, rows);
        Array.Fill(_active, true);
    }

    public int Rows { get; }

    public int Columns { get; }

    /// <summary>Whether the optimizer reads this column (the parameter is free).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool IsActive(int column) => _active[column];

    public void SetActive(int column, bool active) => _active[column] = active;

    /// <summary>The whole column; write only rows in [first, end) and report them with <see cref="Touch"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Span<double> Column(int column) => _data.AsSpan(column * Rows, Rows);

    /// <summary>Records that rows [first, end) of a column may be non-zero.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Touch(int column, int first, int end)
    {
        if (first < _first[column])
        {
            _first[column] = first;
        }

        if (end > _end[column])
        {
            _end[column] = end;
        }
    }

    public int First(int column) => _first[column];

    public int End(int column) => Math.Max(_end[column], _first[column]);

    /// <summary>Zeroes what the previous evaluation wrote.</summary>
    public void Clear()
    {
        for (var j = 0; j < Columns; j++)
        {
            if (_end[j] > _first[j])
            {
                _data.AsSpan(j * Rows + _first[j], _end[j] - _first[j]).Clear();
            }

            _first[j] = Rows;
            _end[j] = 0;
        }
    }
}
