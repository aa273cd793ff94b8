namespace OperandoXrd.Reports.Color;

/// <summary>An 8-bit sRGB colour with alpha.</summary>
public readonly record struct Rgba(byte R, byte G, byte B, byte A = 255)
{
    public static Rgba White => new(255, 255, 255);

    public static Rgba Black => new(0, 0, 0);

    public static Rgba Transparent => new(0, 0, 0, 0);

    /// <summary>#rrggbb (alpha dropped).</summary>
    public string ToHex() => string.Create(7, this, static (span, c) =>
    {
        const string digits = "0123456789abcdef";
        span[0] = '#';
        span[1] = digits[c.R >> 4];
        span[2] = digits[c.R & 15];
        span[3] = digits[c.G >> 4];
        span[4] = digits[c.G & 15];
        span[5] = digits[c.B >> 4];
        span[6] = digits[c.B & 15];
    });
}
