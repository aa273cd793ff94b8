namespace OperandoXrd.Core.IO;

/// <summary>
/// File names in natural order (image scans, pattern folders: one comparer for both): runs of digits compare by value, so <c>scan_9.cbf</c> comes before
/// <c>scan_10.cbf</c> (and zero-padded names keep their order); everything else compares ordinally.
/// </summary>
public sealed class NaturalFileOrder : IComparer<string>
{
    public static NaturalFileOrder Instance { get; } = new();

    public int Compare(string? x, string? y)
    {
        if (x is null || y is null)
        {
            return x is null ? (y is null ? 0 : -1) : 1;
        }

        int i = 0, j = 0;
        while (i < x.Length && j < y.Length)
        {
            if (char.IsAsciiDigit(x[i]) && char.IsAsciiDigit(y[j]))
            {
                var xs = i;
                var ys = j;
                while (i < x.Length && char.IsAsciiDigit(x[i]))
                {
                    i++;
                }

                while (j < y.Length && char.IsAsciiDigit(y[j]))
                {
                    j++;
                }

                var a = x.AsSpan(xs, i - xs).TrimStart('0');
                var b = y.AsSpan(ys, j - ys).TrimStart('0');
                var byValue = a.Length != b.Length ? a.Length.CompareTo(b.Length) : a.SequenceCompareTo(b);
                if (byValue != 0)
                {
                    return byValue;
                }

                // Same value: fewer leading zeros first, so that the order is total.
                var byWidth = (i - xs).CompareTo(j - ys);
                if (byWidth != 0)
                {
                    return byWidth;
                }

                continue;
            }

            var c = x[i].CompareTo(y[j]);
            if (c != 0)
            {
                return c;
            }

            i++;
            j++;
        }

        return (x.Length - i).CompareTo(y.Length - j);
    }
}
