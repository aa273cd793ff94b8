namespace OperandoXrd.Calibration;

/// <summary>
/// The calibrant image a calibration works on: counts per pixel, row-major, NaN where a pixel is masked (module
/// gaps, the detector's negative flags, the user's mask).
/// </summary>
public sealed class CalibrationImage
{
    public CalibrationImage(float[] values, int rows, int columns, string source)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(source);
        if (rows <= 0 || columns <= 0 || values.Length != rows * columns)
        {
            throw new ArgumentException($"{source}: image of {values.Length} pixels is not {rows} × {columns}");
        }

        Values = values;
        Rows = rows;
        Columns = columns;
        Source = source;
        foreach (var v in values)
        {
            if (!float.IsNaN(v))
            {
                ValidPixels++;
            }
        }
    }

    public float[] Values { get; }

    public int Rows { get; }

    public int Columns { get; }

    /// <summary>File (and frames) it came from, for messages.</summary>
    public string Source { get; }

    public int ValidPixels { get; }

    /// <summary>
    /// An image from counts: pixels below zero (Pilatus gap −1 and bad-pixel −2 flags) and pixels where
    /// <paramref name="mask"/> is non-zero become NaN; <paramref name="dark"/> is subtracted when given.
    /// </summary>
    public static CalibrationImage FromCounts(ReadOnlySpan<float> counts, int rows, int columns, string source, ReadOnlySpan<byte> mask = default, ReadOnlySpan<float> dark = default)
    {
        var values = new float[counts.Length];
        for (var i = 0; i < values.Length; i++)
        {
            var v = counts[i];
            var masked = v < 0 || !float.IsFinite(v) || (!mask.IsEmpty && mask[i] != 0);
            values[i] = masked ? float.NaN : dark.IsEmpty ? v : v - dark[i];
        }

        return new CalibrationImage(values, rows, columns, source);
    }
}
