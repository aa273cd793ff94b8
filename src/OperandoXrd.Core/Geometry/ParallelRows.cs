namespace OperandoXrd.Core.Geometry;

/// <summary>Work on one image row; a struct so that the JIT specializes and inlines the per-pixel loop.</summary>
internal interface IRowOperation
{
    void Invoke(int row);
}

/// <summary>
/// ImageSharp-style row iteration: rows are cut into a few contiguous blocks per core and each block runs the
/// struct operation in a plain loop, so there is one delegate call per block rather than one per row or pixel.
/// </summary>
internal static class ParallelRows
{
    // Below this many pixels the thread hand-off costs more than the trigonometry it would share.
    private const int MinPixelsForParallel = 32_768;

    public static void For<T>(int rows, int columns, T operation)
        where T : struct, IRowOperation
    {
        var workers = Environment.ProcessorCount;
        if (workers == 1 || (long)rows * columns < MinPixelsForParallel || rows < 2)
        {
            for (var r = 0; r < rows; r++)
            {
                operation.Invoke(r);
            }

            return;
        }

        // A few blocks per core so that a core slowed by another process does not hold up the whole array.
        var blocks = Math.Min(rows, workers * 4);
        Parallel.For(0, blocks, new ParallelOptions { MaxDegreeOfParallelism = workers }, b =>
        {
            var op = operation;
            var end = (int)((long)(b + 1) * rows / blocks);
            for (var r = (int)((long)b * rows / blocks); r < end; r++)
            {
                op.Invoke(r);
            }
        });
    }
}
