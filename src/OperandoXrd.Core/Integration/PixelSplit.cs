namespace OperandoXrd.Core.Integration;

/// <summary>How a pixel's intensity is shared among the radial bins it overlaps (pyFAI's "split" axis of a method).</summary>
public enum PixelSplit
{
    /// <summary>The whole pixel goes to the bin holding its centre.</summary>
    None,

    /// <summary>
    /// The pixel is spread uniformly over its bounding box in the radial unit: centre ± the largest |corner − centre|
    /// (pyFAI's "bbox").
    /// </summary>
    BBox,

    /// <summary>
    /// The pixel's corner polygon in (radial, χ) space is clipped onto the bins and each bin receives its share of the
    /// polygon's area (pyFAI's "full").
    /// </summary>
    Full,
}

/// <summary>Parsing and naming of <see cref="PixelSplit"/> as on the command line ("none", "bbox", "full").</summary>
public static class PixelSplits
{
    public static PixelSplit Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.Trim().ToUpperInvariant() switch
        {
            "NONE" or "NO" => PixelSplit.None,
            "BBOX" => PixelSplit.BBox,
            "FULL" => PixelSplit.Full,
            _ => throw new ArgumentException($"unknown pixel split '{name}': expected none, bbox or full", nameof(name)),
        };
    }

    public static string Name(PixelSplit split) => split switch
    {
        PixelSplit.None => "none",
        PixelSplit.BBox => "bbox",
        PixelSplit.Full => "full",
        _ => throw new ArgumentOutOfRangeException(nameof(split), split, "unknown pixel split"),
    };
}
