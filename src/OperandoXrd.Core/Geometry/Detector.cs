using System.Globalization;
using System.Text;
using System.Text.Json;

namespace OperandoXrd.Core.Geometry;

/// <summary>
/// How the stored image is oriented with respect to the detector's physical axes, as in pyFAI ≥ 2023 (PONI v2.1,
/// <c>"orientation"</c> in <c>Detector_config</c>). <see cref="BottomRight"/> is pyFAI's default and the only
/// orientation pyFAI 0.21 knows; the others mirror pixel coordinates along one or both axes.
/// </summary>
public enum DetectorOrientation
{
    /// <summary>Not given: treated as <see cref="BottomRight"/>.</summary>
    Unspecified = 0,

    /// <summary>Origin top left: both axes mirrored.</summary>
    TopLeft = 1,

    /// <summary>Origin top right: the slow axis (dim1, rows) mirrored.</summary>
    TopRight = 2,

    /// <summary>Origin bottom right: pyFAI's default, no mirroring.</summary>
    BottomRight = 3,

    /// <summary>Origin bottom left: the fast axis (dim2, columns) mirrored.</summary>
    BottomLeft = 4,
}

/// <summary>
/// A flat, contiguous area detector: shape, pixel size and (for Dectris Pilatus) the module gaps. Rows are the slow
/// axis (pyFAI dim1, "y"), columns the fast axis (dim2, "x"); pixel sizes are in metres. <see cref="Name"/> is
/// pyFAI's detector class name ("Pilatus2M", "Pilatus300k", "Detector" for a generic one) so that PONI files
/// round-trip through pyFAI.
/// </summary>
public sealed class Detector
{
    /// <summary>Pilatus pixel pitch, 172 µm.</summary>
    public const double PilatusPixelSize = 172e-6;

    // pyFAI's Pilatus module layout: 195 × 487 pixel modules separated by 17-row and 7-column gaps.
    private static readonly (int Rows, int Columns) PilatusModule = (195, 487);
    private static readonly (int Rows, int Columns) PilatusGap = (17, 7);

    // pyFAI class name → full shape. Only Pilatus models: the module-gap mask is the part we must get right.
    private static readonly (string Name, int Rows, int Columns)[] PilatusModels =
    [
        ("Pilatus100k", 195, 487),
        ("Pilatus200k", 407, 487),
        ("Pilatus300k", 619, 487),
        ("Pilatus300kw", 195, 1475),
        ("Pilatus1M", 1043, 981),
        ("Pilatus2M", 1679, 1475),
        ("Pilatus6M", 2527, 2463),
    ];

    private const string GenericName = "Detector";

    private readonly (int Rows, int Columns)? _moduleSize;
    private readonly (int Rows, int Columns)? _moduleGap;

    private Detector(
        string name,
        int rows,
        int columns,
        double pixelSize1,
        double pixelSize2,
        (int Rows, int Columns)? moduleSize,
        (int Rows, int Columns)? moduleGap,
        DetectorOrientation orientation)
    {
        Name = name;
        Rows = rows;
        Columns = columns;
        PixelSize1 = pixelSize1;
        PixelSize2 = pixelSize2;
        _moduleSize = moduleSize;
        _moduleGap = moduleGap;
        Orientation = orientation;
    }

    /// <summary>pyFAI's class name of the detector ("Pilatus2M", "Pilatus300k", "Detector").</summary>
    public string Name { get; }

    /// <summary>Number of rows: the slow axis, pyFAI dim1 (y). 0 when the shape is unknown (old v1 PONI files).</summary>
    public int Rows { get; }

    /// <summary>Number of columns: the fast axis, pyFAI dim2 (x). 0 when the shape is unknown.</summary>
    public int Columns { get; }

    /// <summary>Pixel size along rows (dim1), metres.</summary>
    public double PixelSize1 { get; }

    /// <summary>Pixel size along columns (dim2), metres.</summary>
    public double PixelSize2 { get; }

    /// <summary>Image orientation (PONI v2.1); <see cref="DetectorOrientation.BottomRight"/> means none.</summary>
    public DetectorOrientation Orientation { get; }

    /// <summary>Rows × Columns.</summary>
    public int PixelCount => Rows * Columns;

    /// <summary>False for a detector read from a v1 PONI without a detector name: pixel size known, shape not.</summary>
    public bool HasShape => Rows > 0 && Columns > 0;

    /// <summary>True for Dectris Pilatus models (module gaps in <see cref="CreateStaticMask"/>).</summary>
    public bool IsPilatus => _moduleSize is not null;

    /// <summary>True when pixel coordinates are mirrored (orientation other than pyFAI's default).</summary>
    public bool FlipsRows => Orientation is DetectorOrientation.TopLeft or DetectorOrientation.TopRight;

    /// <summary>True when pixel coordinates are mirrored along the fast axis.</summary>
    public bool FlipsColumns => Orientation is DetectorOrientation.TopLeft or DetectorOrientation.BottomLeft;

    /// <summary>Dectris Pilatus 2M: 1679 × 1475 pixels of 172 µm, 8 × 3 modules.</summary>
    public static Detector Pilatus2M { get; } = CreatePilatus("Pilatus2M");

    /// <summary>Dectris Pilatus 300K: 619 × 487 pixels of 172 µm, 3 × 1 modules; small enough for fast tests.</summary>
    public static Detector Pilatus300K { get; } = CreatePilatus("Pilatus300k");

    /// <summary>A generic flat detector (pyFAI "Detector") with the given shape and pixel sizes (metres), no gaps.</summary>
    public static Detector Generic(int rows, int columns, double pixelSize1, double pixelSize2, DetectorOrientation orientation = DetectorOrientation.BottomRight)
    {
        CheckShape(rows, columns, allowUnknown: false);
        CheckPixel(pixelSize1, nameof(pixelSize1));
        CheckPixel(pixelSize2, nameof(pixelSize2));
        return new Detector(GenericName, rows, columns, pixelSize1, pixelSize2, null, null, orientation);
    }

    /// <summary>
    /// A detector by pyFAI name (class name or alias, case-insensitive, spaces/underscores/hyphens ignored:
    /// "Pilatus2M", "pilatus 2m", "Pilatus300k", "Detector"), optionally configured by pyFAI's
    /// <c>Detector_config</c> JSON (keys <c>pixel1</c>, <c>pixel2</c>, <c>max_shape</c>, <c>module_size</c>,
    /// <c>orientation</c>; a generic "Detector" needs <c>pixel1</c>, <c>pixel2</c> and <c>max_shape</c>).
    /// </summary>
    /// <exception cref="ArgumentException">Unknown name, malformed JSON, an unsupported key (spline or offset
    /// files) or bad values; the message names the detector and the key.</exception>
    public static Detector FromName(string name, string? configJson = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        var key = Normalize(name);
        var config = ParseConfig(name, configJson);
        if (key == "detector")
        {
            return GenericFromConfig(name, config);
        }

        foreach (var model in PilatusModels)
        {
            if (Normalize(model.Name) == key)
            {
                // Stock models come back as the shared instances, so reference equality means "the standard detector".
                if (config.Count == 0 && model.Name == Pilatus2M.Name)
                {
                    return Pilatus2M;
                }

                if (config.Count == 0 && model.Name == Pilatus300K.Name)
                {
                    return Pilatus300K;
                }

                return PilatusFromConfig(model.Name, model.Rows, model.Columns, config);
            }
        }

        throw new ArgumentException(
            $"Unknown detector '{name}'; known: {string.Join(", ", PilatusModels.Select(m => m.Name))}, Detector (generic, with Detector_config pixel1, pixel2, max_shape).",
            nameof(name));
    }

    /// <summary>A v1-PONI detector of known pixel size but unknown shape; give it a shape with <see cref="WithShape"/>.</summary>
    public static Detector ShapeUnknown(double pixelSize1, double pixelSize2)
    {
        CheckPixel(pixelSize1, nameof(pixelSize1));
        CheckPixel(pixelSize2, nameof(pixelSize2));
        return new Detector(GenericName, 0, 0, pixelSize1, pixelSize2, null, null, DetectorOrientation.BottomRight);
    }

    /// <summary>The same detector with another shape (e.g. the frame's shape when the PONI did not say).</summary>
    public Detector WithShape(int rows, int columns)
    {
        CheckShape(rows, columns, allowUnknown: false);
        return new Detector(Name, rows, columns, PixelSize1, PixelSize2, _moduleSize, _moduleGap, Orientation);
    }

    /// <summary>The same detector with another orientation.</summary>
    public Detector WithOrientation(DetectorOrientation orientation)
        => new(Name, Rows, Columns, PixelSize1, PixelSize2, _moduleSize, _moduleGap, CheckOrientation(orientation, Name));

    /// <summary>
    /// The static mask: Rows × Columns bytes, row-major, 1 = masked, 0 = valid. For Pilatus the module gaps exactly as
    /// pyFAI's <c>Pilatus.calc_mask</c> (rows [195 + 212k, 212 + 212k), columns [487 + 494k, 494 + 494k)); all
    /// zeros for a generic detector.
    /// </summary>
    public byte[] CreateStaticMask()
    {
        if (!HasShape)
        {
            throw new InvalidOperationException($"Detector '{Name}' has no known shape; call WithShape first.");
        }

        var mask = new byte[PixelCount];
        if (_moduleSize is not { } module || _moduleGap is not { } gap)
        {
            return mask;
        }

        // Gap rows are whole rows of the image: one Fill each, then the gap columns of every other row.
        for (var start = module.Rows; start < Rows; start += module.Rows + gap.Rows)
        {
            var end = Math.Min(start + gap.Rows, Rows);
            mask.AsSpan(start * Columns, (end - start) * Columns).Fill(1);
        }

        for (var start = module.Columns; start < Columns; start += module.Columns + gap.Columns)
        {
            var width = Math.Min(gap.Columns, Columns - start);
            for (var r = 0; r < Rows; r++)
            {
                mask.AsSpan((r * Columns) + start, width).Fill(1);
            }
        }

        return mask;
    }

    /// <summary>
    /// pyFAI's <c>Detector_config</c> JSON for this detector: "{}" for a stock Pilatus, pixel sizes and max_shape for
    /// a generic detector, plus "orientation" when it is not the default (pyFAI ≥ 2023 only).
    /// </summary>
    public string ToConfigJson()
    {
        var sb = new StringBuilder("{");
        var first = true;
        void Add(string key, string value)
        {
            if (!first)
            {
                sb.Append(", ");
            }

            first = false;
            sb.Append('"').Append(key).Append("\": ").Append(value);
        }

        if (IsPilatus)
        {
            if (PixelSize1 != PilatusPixelSize || PixelSize2 != PilatusPixelSize)
            {
                Add("pixel1", Format(PixelSize1));
                Add("pixel2", Format(PixelSize2));
            }

            var model = PilatusModels.First(m => m.Name == Name);
            if (Rows != model.Rows || Columns != model.Columns)
            {
                Add("max_shape", string.Create(CultureInfo.InvariantCulture, $"[{Rows}, {Columns}]"));
            }
        }
        else
        {
            Add("pixel1", Format(PixelSize1));
            Add("pixel2", Format(PixelSize2));
            Add("max_shape", HasShape ? string.Create(CultureInfo.InvariantCulture, $"[{Rows}, {Columns}]") : "null");
        }

        if (Orientation is not (DetectorOrientation.BottomRight or DetectorOrientation.Unspecified))
        {
            Add("orientation", ((int)Orientation).ToString(CultureInfo.InvariantCulture));
        }

        return sb.Append('}').ToString();
    }

    /// <inheritdoc/>
    public override string ToString()
        => string.Create(CultureInfo.InvariantCulture, $"{Name} {Rows}×{Columns}, pixel {PixelSize1 * 1e6:G6}×{PixelSize2 * 1e6:G6} µm");

    internal static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static Detector CreatePilatus(string name)
    {
        var model = PilatusModels.First(m => m.Name == name);
        return new Detector(name, model.Rows, model.Columns, PilatusPixelSize, PilatusPixelSize, PilatusModule, PilatusGap, DetectorOrientation.BottomRight);
    }

    private static Detector PilatusFromConfig(string name, int rows, int columns, Dictionary<string, JsonElement> config)
    {
        double pixel1 = PilatusPixelSize, pixel2 = PilatusPixelSize;
        var module = PilatusModule;
        var orientation = DetectorOrientation.BottomRight;
        foreach (var (key, value) in config)
        {
            switch (key)
            {
                case "pixel1":
                    pixel1 = ReadPixel(name, key, value, pixel1);
                    break;
                case "pixel2":
                    pixel2 = ReadPixel(name, key, value, pixel2);
                    break;
                case "max_shape":
                    if (value.ValueKind != JsonValueKind.Null)
                    {
                        (rows, columns) = ReadPair(name, key, value);
                    }

                    break;
                case "module_size":
                    if (value.ValueKind != JsonValueKind.Null)
                    {
                        module = ReadPair(name, key, value);
                    }

                    break;
                case "orientation":
                    orientation = ReadOrientation(name, value);
                    break;
                case "x_offset_file" or "y_offset_file":
                    if (value.ValueKind != JsonValueKind.Null)
                    {
                        throw new ArgumentException($"Detector '{name}': Detector_config key '{key}' (Pilatus distortion offset files) is not supported.");
                    }

                    break;
                default:
                    throw new ArgumentException($"Detector '{name}': unknown Detector_config key '{key}'.");
            }
        }

        return new Detector(name, rows, columns, pixel1, pixel2, module, PilatusGap, orientation);
    }

    private static Detector GenericFromConfig(string name, Dictionary<string, JsonElement> config)
    {
        double? pixel1 = null, pixel2 = null;
        (int Rows, int Columns)? shape = null;
        var orientation = DetectorOrientation.BottomRight;
        foreach (var (key, value) in config)
        {
            switch (key)
            {
                case "pixel1":
                    pixel1 = ReadPixel(name, key, value, null);
                    break;
                case "pixel2":
                    pixel2 = ReadPixel(name, key, value, null);
                    break;
                case "max_shape":
                    shape = value.ValueKind == JsonValueKind.Null ? null : ReadPair(name, key, value);
                    break;
                case "orientation":
                    orientation = ReadOrientation(name, value);
                    break;
                case "splineFile":
                    if (value.ValueKind != JsonValueKind.Null)
                    {
                        throw new ArgumentException($"Detector '{name}': Detector_config key 'splineFile' (spline distortion) is not supported.");
                    }

                    break;
                default:
                    throw new ArgumentException($"Detector '{name}': unknown Detector_config key '{key}'.");
            }
        }

        if (pixel1 is not { } p1)
        {
            throw new ArgumentException($"Detector '{name}': a generic detector needs Detector_config key 'pixel1'.");
        }

        if (pixel2 is not { } p2)
        {
            throw new ArgumentException($"Detector '{name}': a generic detector needs Detector_config key 'pixel2'.");
        }

        if (shape is not { } s)
        {
            throw new ArgumentException($"Detector '{name}': a generic detector needs Detector_config key 'max_shape' ([rows, columns]).");
        }

        return new Detector(GenericName, s.Rows, s.Columns, p1, p2, null, null, orientation);
    }

    private static Dictionary<string, JsonElement> ParseConfig(string name, string? configJson)
    {
        var result = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(configJson))
        {
            return result;
        }

        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(configJson);
        }
        catch (JsonException ex)
        {
            throw new ArgumentException($"Detector '{name}': Detector_config is not valid JSON ({ex.Message}): {configJson}", ex);
        }

        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new ArgumentException($"Detector '{name}': Detector_config must be a JSON object: {configJson}");
            }

            foreach (var property in doc.RootElement.EnumerateObject())
            {
                result[property.Name] = property.Value.Clone();
            }
        }

        return result;
    }

    private static double ReadPixel(string name, string key, JsonElement value, double? fallback)
    {
        if (value.ValueKind == JsonValueKind.Null && fallback is { } f)
        {
            return f;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var v) || !double.IsFinite(v) || v <= 0)
        {
            throw new ArgumentException($"Detector '{name}': Detector_config key '{key}' must be a positive pixel size in metres, got {value.GetRawText()}.");
        }

        return v;
    }

    private static (int, int) ReadPair(string name, string key, JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Array && value.GetArrayLength() == 2
            && value[0].TryGetInt32(out var a) && value[1].TryGetInt32(out var b) && a > 0 && b > 0)
        {
            return (a, b);
        }

        throw new ArgumentException($"Detector '{name}': Detector_config key '{key}' must be [rows, columns] of positive integers, got {value.GetRawText()}.");
    }

    private static DetectorOrientation ReadOrientation(string name, JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var o) && o is >= 0 and <= 4)
        {
            return o == 0 ? DetectorOrientation.BottomRight : (DetectorOrientation)o;
        }

        throw new ArgumentException($"Detector '{name}': Detector_config key 'orientation' must be an integer 0–4, got {value.GetRawText()}.");
    }

    private static DetectorOrientation CheckOrientation(DetectorOrientation orientation, string name)
        => orientation switch
        {
            DetectorOrientation.Unspecified => DetectorOrientation.BottomRight,
            >= DetectorOrientation.TopLeft and <= DetectorOrientation.BottomLeft => orientation,
            _ => throw new ArgumentOutOfRangeException(nameof(orientation), orientation, $"Detector '{name}': orientation must be 0–4."),
        };

    private static string Normalize(string name)
    {
        var sb = new StringBuilder(name.Length);
        foreach (var c in name.Trim())
        {
            if (c is not (' ' or '_' or '-'))
            {
                sb.Append(char.ToLowerInvariant(c));
            }
        }

        return sb.ToString();
    }

    private static void CheckShape(int rows, int columns, bool allowUnknown)
    {
        if (allowUnknown && rows == 0 && columns == 0)
        {
            return;
        }

        if (rows <= 0 || columns <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(rows), $"Detector shape must be positive, got {rows} × {columns}.");
        }
    }

    private static void CheckPixel(double size, string paramName)
    {
        if (!double.IsFinite(size) || size <= 0)
        {
            throw new ArgumentOutOfRangeException(paramName, size, "Pixel size must be positive and finite (metres).");
        }
    }
}
