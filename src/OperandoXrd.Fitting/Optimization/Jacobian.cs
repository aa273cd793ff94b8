using System.Runtime.CompilerServices;

namespace OperandoXrd.Fitting.Optimization;

/// <summary>
/// ∂model/∂parameter, column-major, one column per parameter, with the row range each column actually touches.
/// </summary>
/// <remarks>
/// A Bragg peak only moves the points inside its profile window, so most columns (reflection intensities, PEEK
/// peaks) are zero almost everywhere. Keeping [first, end) per column lets the normal matrix skip the zeros without
/// a general sparse format, and lets <see cref="Clear"/> wipe only what the last evaluation wrote — no allocation
/// and no full-matrix memset per iteration. Storage is held for active columns only: a column gets its slot the first
/// time it is made active and keeps it, so a per-frame fit of ~20 free parameters out of a few hundred (Pawley
/// intensities) holds ~20 columns, and the optimizer can keep a second Jacobian for a trial point cheaply. Columns of
/// fixed parameters are never written: check <see cref="IsActive"/> before computing a derivative nobody will read.
/// </remarks>
public sealed class Jacobian
{
    private double[] _data = [];
    private readonly int[] _slot;
    private readonly int[] _first;
    private readonly int[] _end;
    private readonly bool[] _active;
    private int _slots;

    /// <param name="rows">Points of the model.</param>
    /// <param name="columns">Parameters of the model.</param>
    /// <param name="active">Whether every column starts active (and holds storage); the optimizer starts with none
    /// and activates the free ones.</param>
    public Jacobian(int rows, int columns, bool active = true)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(columns);
        Rows = rows;
        Columns = columns;
        _slot = new int[columns];
        _first = new int[columns];
        _end = new int[columns];
        _active = new bool[columns];
        Array.Fill(_slot, -1);
        Array.Fill(_first, rows);
        for (var j = 0; j < columns; j++)
        {
            SetActive(j, active);
        }
    }

    public int Rows { get; }

    public int Columns { get; }

    /// <summary>Whether the optimizer reads this column (the parameter is free).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool IsActive(int column) => _active[column];

    public void SetActive(int column, bool active)
    {
        _active[column] = active;
        if (active && _slot[column] < 0)
        {
            Allocate(column);
        }
    }

    /// <summary>The whole column; write only rows in [first, end) and report them with <see cref="Touch"/>. A model that
    /// writes an inactive column (nobody reads it) gives it storage.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Span<double> Column(int column)
    {
        var slot = _slot[column];
        return _data.AsSpan((slot >= 0 ? slot : Allocate(column)) * Rows, Rows);
    }

    private int Allocate(int column)
    {
        var needed = checked((_slots + 1) * Rows);
        if (_data.Length < needed)
        {
            // Grows while the set of columns ever made active grows (the first fits of a run), then never again.
            Array.Resize(ref _data, Math.Max(needed, Math.Min(checked(2 * _data.Length), checked(Columns * Rows))));
        }

        _slot[column] = _slots;
        return _slots++;
    }

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
            // A column that never held storage was never written (a model may still report a range for it).
            if (_end[j] > _first[j] && _slot[j] >= 0)
            {
                _data.AsSpan(_slot[j] * Rows + _first[j], _end[j] - _first[j]).Clear();
            }

            _first[j] = Rows;
            _end[j] = 0;
        }
    }
}
