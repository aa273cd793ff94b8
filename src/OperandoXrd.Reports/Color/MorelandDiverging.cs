
namespace OperandoXrd.Reports.Color;

/// <summary>
/// Moreland's diverging colour maps ("Diverging Color Maps for Scientific Visualization", ISVC 2009): interpolate
/// in Msh (polar CIELAB: magnitude, saturation, hue) and pass through an unsaturated white-ish midpoint when the
/// end hues differ by more than 60°.
/// </summary>
internal static class MorelandDiverging
{
    // D65 reference white as Moreland uses it.
    private const double Xn = 0.9505, Yn = 1.0, Zn = 1.089;

    public static Rgba[] Table(Rgba low, Rgba high)
    {
        var (m1, s1, h1) = ToMsh(low);
        var (m2, s2, h2) = ToMsh(high);
        var table = new Rgba[256];
        for (var i = 0; i < 256; i++)
        {
            table[i] = Interpolate(m1, s1, h1, m2, s2, h2, i / 255.0);
        }

        return table;
    }

    private static Rgba Interpolate(double m1, double s1, double h1, double m2, double s2, double h2, double t)
    {
        if (s1 > 0.05 && s2 > 0.05 && AngleDifference(h1, h2) > Math.PI / 3)
        {
            var mid = Math.Max(Math.Max(m1, m2), 88.0);
            if (t < 0.5)
            {
                (m2, s2, h2) = (mid, 0.0, 0.0);
                t *= 2;
            }
            else
            {
                (m1, s1, h1) = (mid, 0.0, 0.0);
                t = 2 * t - 1;
            }
        }

        if (s1 < 0.05 && s2 > 0.05)
        {
            h1 = AdjustHue(m2, s2, h2, m1);
        }
        else if (s2 < 0.05 && s1 > 0.05)
        {
            h2 = AdjustHue(m1, s1, h1, m2);
        }

        return FromMsh((1 - t) * m1 + t * m2, (1 - t) * s1 + t * s2, (1 - t) * h1 + t * h2);
    }

    private static double AngleDifference(double a, double b)
    {
        var d = Math.Abs(a - b);
        return d > Math.PI ? 2 * Math.PI - d : d;
    }

    // The hue an unsaturated colour should take so that the path to a saturated one spins perceptually evenly.
    private static double AdjustHue(double m, double s, double h, double mUnsaturated)
    {
        if (m >= mUnsaturated)
        {
            return h;
        }

        var spin = s * Math.Sqrt(mUnsaturated * mUnsaturated - m * m) / (m * Math.Sin(s));
        return h > -Math.PI / 3 ? h + spin : h - spin;
    }

    private static (double M, double S, double H) ToMsh(Rgba c)
    {
        double r = ToLinear(c.R / 255.0), g = ToLinear(c.G / 255.0), b = ToLinear(c.B / 255.0);
        var x = 0.4124 * r + 0.3576 * g + 0.1805 * b;
        var y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
        var z = 0.0193 * r + 0.1192 * g + 0.9505 * b;
        double fx = LabF(x / Xn), fy = LabF(y / Yn), fz = LabF(z / Zn);
        double l = 116 * fy - 16, a = 500 * (fx - fy), bb = 200 * (fy - fz);
        var m = Math.Sqrt(l * l + a * a + bb * bb);
        return (m, Math.Acos(l / m), Math.Atan2(bb, a));
    }

    private static Rgba FromMsh(double m, double s, double h)
    {
        double l = m * Math.Cos(s), a = m * Math.Sin(s) * Math.Cos(h), bb = m * Math.Sin(s) * Math.Sin(h);
        double fy = (l + 16) / 116, fx = fy + a / 500, fz = fy - bb / 200;
        double x = Xn * LabFInverse(fx), y = Yn * LabFInverse(fy), z = Zn * LabFInverse(fz);
        var r = 3.2406 * x - 1.5372 * y - 0.4986 * z;
        var g = -0.9689 * x + 1.8758 * y + 0.0415 * z;
        var b = 0.0557 * x - 0.2040 * y + 1.0570 * z;
        return new Rgba(ToByte(r), ToByte(g), ToByte(b));
    }

    private static byte ToByte(double linear) => (byte)Math.Round(Math.Clamp(FromLinear(linear), 0, 1) * 255);

    private static double ToLinear(double v) => v <= 0.04045 ? v / 12.92 : Math.Pow((v + 0.055) / 1.055, 2.4);

    private static double FromLinear(double v) => v <= 0.0031308 ? 12.92 * v : 1.055 * Math.Pow(v, 1 / 2.4) - 0.055;

    private static double LabF(double t) => t > 0.008856 ? Math.Cbrt(t) : 7.787 * t + 16.0 / 116;

    private static double LabFInverse(double t) => t > 0.20689 ? t * t * t : (t - 16.0 / 116) / 7.787;
}
