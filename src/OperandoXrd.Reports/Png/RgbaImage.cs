namespace OperandoXrd.Reports.Png;

/// <summary>An 8-bit RGBA raster, rows top to bottom, 4 bytes per pixel.</summary>
public sealed class RgbaImage
{
    /// <summary>Creates a transparent image.</summary>
    public RgbaImage(int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        Width = width;
        Height = height;
        Pixels = new byte[checked(width * height * 4)];
    }

    public int Width { get; }

    public int Height { get; }

    /// <summary>R, G, B, A for each pixel, row-major.</summary>
    public byte[] Pixels { get; }

    public Rgba this[int x, int y]
    {
        get
        {
            int i = Index(x, y);
            return new Rgba(Pixels[i], Pixels[i + 1], Pixels[i + 2], Pixels[i + 3]);
        }
        set
        {
            int i = Index(x, y);
            Pixels[i] = value.R;
            Pixels[i + 1] = value.G;
            Pixels[i + 2] = value.B;
            Pixels[i + 3] = value.A;
        }
    }

    /// <summary>Sets every pixel to <paramref name="color"/>.</summary>
    public void Fill(Rgba color)
    {
        for (int i = 0; i < Pixels.Length; i += 4)
        {
            Pixels[i] = color.R;
            Pixels[i + 1] = color.G;
            Pixels[i + 2] = color.B;
            Pixels[i + 3] = color.A;
        }
    }

    /// <summary>Source-over blend of <paramref name="color"/> with coverage <paramref name="alpha"/> (0..1).</summary>
    public void Blend(int x, int y, Rgba color, double alpha)
    {
        if ((uint)x >= (uint)Width || (uint)y >= (uint)Height)
            return;
        double a = Math.Clamp(alpha * color.A / 255.0, 0, 1);
        if (a <= 0)
            return;
        int i = Index(x, y);
        double da = Pixels[i + 3] / 255.0;
        double oa = a + da * (1 - a);
        Pixels[i] = Mix(color.R, Pixels[i], a, da, oa);
        Pixels[i + 1] = Mix(color.G, Pixels[i + 1], a, da, oa);
        Pixels[i + 2] = Mix(color.B, Pixels[i + 2], a, da, oa);
        Pixels[i + 3] = (byte)Math.Round(oa * 255);
    }

    private static byte Mix(byte source, byte destination, double a, double da, double oa) =>
        oa <= 0 ? (byte)0 : (byte)Math.Round((source * a + destination * da * (1 - a)) / oa);

    private int Index(int x, int y)
    {
        if ((uint)x >= (uint)Width || (uint)y >= (uint)Height)
            throw new ArgumentOutOfRangeException(nameof(x), $"pixel ({x}, {y}) is outside the {Width}x{Height} image");
        return (y * Width + x) * 4;
    }
}

/// <summary>An 8-bit colour with alpha.</summary>
public readonly record struct Rgba(byte R, byte G, byte B, byte A = 255)
{
    public static Rgba White => new(255, 255, 255);

    public static Rgba Black => new(0, 0, 0);

    public static Rgba Transparent => new(0, 0, 0, 0);

    /// <summary>#rrggbb (alpha dropped), as SVG wants it.</summary>
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

    /// <summary>Parses #rrggbb.</summary>
    public static Rgba FromHex(string hex)
    {
        ArgumentNullException.ThrowIfNull(hex);
        ReadOnlySpan<char> s = hex.AsSpan().TrimStart('#');
        if (s.Length != 6)
            throw new FormatException($"colour '{hex}' is not #rrggbb");
        return new Rgba(
            byte.Parse(s[..2], System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture),
            byte.Parse(s[2..4], System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture),
            byte.Parse(s[4..6], System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture));
    }
}
