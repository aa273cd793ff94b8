using System.Globalization;
using System.Text;

namespace OperandoXrd.Core.Geometry;

/// <summary>
/// A pyFAI "point of normal incidence" calibration: sample–detector distance, the PONI position on the detector,
/// three rotations, the wavelength and the detector. Lengths in metres, angles in radians, pyFAI's conventions
/// (rotation R = R3·R2·R1 applied to (p1 − Poni1, p2 − Poni2, Distance)).
/// Reads PONI v1 (pyFAI 0.x: PixelSize1/2, optional Detector), v2 (Detector + Detector_config JSON) and v2.1
/// (orientation in Detector_config); writes v2 — v2.1 only for a non-default orientation — so that pyFAI 0.21 loads
/// our files unchanged.
/// </summary>
public sealed class Poni
{
    /// <summary>Sample to PONI distance along the detector normal, metres (pyFAI <c>Distance</c> / <c>dist</c>).</summary>
    public double Distance { get; init; }

    /// <summary>PONI coordinate along the slow axis (dim1, rows) from the detector origin, metres.</summary>
    public double Poni1 { get; init; }

    /// <summary>PONI coordinate along the fast axis (dim2, columns), metres.</summary>
    public double Poni2 { get; init; }

    /// <summary>Rotation about axis 1 (vertical), radians.</summary>
    public double Rot1 { get; init; }

    /// <summary>Rotation about axis 2 (horizontal), radians.</summary>
    public double Rot2 { get; init; }

    /// <summary>Rotation about axis 3 (the beam), radians.</summary>
    public double Rot3 { get; init; }

    /// <summary>X-ray wavelength, metres (0.24486 Å = 2.4486e-11 m at BM31).</summary>
    public double Wavelength { get; init; }

    /// <summary>The detector the calibration refers to.</summary>
    public required Detector Detector { get; init; }

    /// <summary>Reads a PONI file.</summary>
    /// <exception cref="PoniFormatException">The file cannot be read or is not a usable PONI; the message names the
    /// file and the key.</exception>
    public static Poni Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new PoniFormatException(path, null, null, $"cannot read the PONI file: {ex.Message}", ex);
        }

        return Parse(text, path);
    }

    /// <summary>
    /// Parses PONI text the way pyFAI does: one <c>key: value</c> per line split at the first colon, keys
    /// case-insensitive, <c>#</c> comment lines and lines without a colon ignored, unknown keys ignored, the last
    /// of duplicate keys wins. <paramref name="sourceName"/> (usually the path) appears in error messages.
    /// </summary>
    /// <exception cref="PoniFormatException">A required key is missing, a number is malformed or not finite, the
    /// distance or wavelength is not positive, the version is unknown, or the detector is unknown/misconfigured.</exception>
    public static Poni Parse(string text, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(sourceName);
        var entries = ReadEntries(text);

        var version = 1.0;
        if (entries.TryGetValue("poni_version", out var v))
        {
            if (!double.TryParse(v.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out version)
                || version is not (1.0 or 2.0 or 2.1))
            {
                throw new PoniFormatException(sourceName, "poni_version", v.Line, $"unsupported PONI version '{v.Value}' (this reader knows 1, 2 and 2.1).");
            }
        }

        var detector = version == 1.0 ? ReadV1Detector(entries, sourceName) : ReadV2Detector(entries, sourceName);

        if (entries.TryGetValue("orientation", out var o))
        {
            // Not written by pyFAI at top level, but accepted so that a hand-edited v2.1 file is not silently misread.
            if (!int.TryParse(o.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var oi) || oi is < 0 or > 4)
            {
                throw new PoniFormatException(sourceName, "orientation", o.Line, $"orientation must be an integer 0–4, got '{o.Value}'.");
            }

            detector = detector.WithOrientation((DetectorOrientation)oi);
        }

        var distanceKey = entries.ContainsKey("distance") ? "distance" : "dist";
        var poni = new Poni
        {
            Distance = ReadNumber(entries, sourceName, distanceKey, "Distance"),
            Poni1 = ReadNumber(entries, sourceName, "poni1", "Poni1"),
            Poni2 = ReadNumber(entries, sourceName, "poni2", "Poni2"),
            Rot1 = ReadNumber(entries, sourceName, "rot1", "Rot1"),
            Rot2 = ReadNumber(entries, sourceName, "rot2", "Rot2"),
            Rot3 = ReadNumber(entries, sourceName, "rot3", "Rot3"),
            Wavelength = ReadNumber(entries, sourceName, "wavelength", "Wavelength"),
            Detector = detector,
        };

        if (poni.Distance <= 0)
        {
            throw new PoniFormatException(sourceName, "Distance", entries[distanceKey].Line, $"the sample–detector distance must be positive (metres), got {entries[distanceKey].Value}.");
        }

        if (poni.Wavelength <= 0)
        {
            throw new PoniFormatException(sourceName, "Wavelength", entries["wavelength"].Line, $"the wavelength must be positive (metres), got {entries["wavelength"].Value}.");
        }

        return poni;
    }

    /// <summary>
    /// The PONI text as pyFAI writes it (v2, or v2.1 when the detector orientation is not the default). Numbers are
    /// written in shortest round-trip form, so <see cref="Parse"/> gives back identical doubles.
    /// </summary>
    public string ToPoniText()
    {
        var flipped = Detector.Orientation is not (DetectorOrientation.BottomRight or DetectorOrientation.Unspecified);
        var sb = new StringBuilder();
        sb.Append("# Nota: C-Order, 1 refers to the Y axis, 2 to the X axis \n");
        sb.Append("# Written by OperandoXrd\n");
        sb.Append(flipped ? "poni_version: 2.1\n" : "poni_version: 2\n");
        sb.Append("Detector: ").Append(Detector.Name).Append('\n');
        sb.Append("Detector_config: ").Append(Detector.ToConfigJson()).Append('\n');
        sb.Append("Distance: ").Append(Detector.Format(Distance)).Append('\n');
        sb.Append("Poni1: ").Append(Detector.Format(Poni1)).Append('\n');
        sb.Append("Poni2: ").Append(Detector.Format(Poni2)).Append('\n');
        sb.Append("Rot1: ").Append(Detector.Format(Rot1)).Append('\n');
        sb.Append("Rot2: ").Append(Detector.Format(Rot2)).Append('\n');
        sb.Append("Rot3: ").Append(Detector.Format(Rot3)).Append('\n');
        sb.Append("Wavelength: ").Append(Detector.Format(Wavelength)).Append('\n');
        return sb.ToString();
    }

    /// <summary>Writes <see cref="ToPoniText"/> to <paramref name="path"/> (UTF-8, no BOM, \n line ends).</summary>
    public void Save(string path) => File.WriteAllText(path, ToPoniText(), new UTF8Encoding(false));

    /// <summary>A copy with another detector (e.g. one given its shape from the frames).</summary>
    public Poni WithDetector(Detector detector) => new()
    {
        Distance = Distance,
        Poni1 = Poni1,
        Poni2 = Poni2,
        Rot1 = Rot1,
        Rot2 = Rot2,
        Rot3 = Rot3,
        Wavelength = Wavelength,
        Detector = detector,
    };

    /// <summary>
    /// The PONI for frames of <paramref name="rows"/> × <paramref name="columns"/>: a v1 PONI without a Detector line
    /// (<c>PixelSize1/2</c> only, as pyFAI and Dioptas wrote them for years) gets a generic detector of its pixel sizes
    /// and the frames' shape, as pyFAI does; a PONI whose detector has a shape is returned as it is.
    /// </summary>
    public Poni ForFrames(int rows, int columns) => Detector.HasShape ? this : WithDetector(Detector.WithShape(rows, columns));

    /// <inheritdoc/>
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"PONI {Detector.Name} dist={Distance} poni1={Poni1} poni2={Poni2} rot=({Rot1}, {Rot2}, {Rot3}) λ={Wavelength}");

    private static Dictionary<string, (string Value, int Line)> ReadEntries(string text)
    {
        var entries = new Dictionary<string, (string, int)>(StringComparer.Ordinal);
        var lineNumber = 0;

        // A byte-order mark would otherwise glue itself to the first key ("\uFEFFponi_version" is not a key).
        foreach (var raw in text.TrimStart('\uFEFF').Split('\n'))
        {
            lineNumber++;
            var line = raw.TrimEnd('\r');
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (line.TrimStart().StartsWith('#') || colon < 0)
            {
                continue;
            }

            var key = line[..colon].Trim().ToLowerInvariant();
            entries[key] = (line[(colon + 1)..].Trim(), lineNumber);
        }

        return entries;
    }

    private static Detector ReadV1Detector(Dictionary<string, (string Value, int Line)> entries, string source)
    {
        if (entries.TryGetValue("splinefile", out var spline) && !string.Equals(spline.Value, "none", StringComparison.OrdinalIgnoreCase) && spline.Value.Length > 0)
        {
            throw new PoniFormatException(source, "SplineFile", spline.Line, "spline distortion correction is not supported.");
        }

        double? pixel1 = entries.ContainsKey("pixelsize1") ? ReadNumber(entries, source, "pixelsize1", "PixelSize1") : null;
        double? pixel2 = entries.ContainsKey("pixelsize2") ? ReadNumber(entries, source, "pixelsize2", "PixelSize2") : null;
        foreach (var (value, key) in new[] { (pixel1, "PixelSize1"), (pixel2, "PixelSize2") })
        {
            if (value is <= 0)
            {
                throw new PoniFormatException(source, key, entries[key.ToLowerInvariant()].Line, "the pixel size must be positive (metres).");
            }
        }

        if (entries.TryGetValue("detector", out var name) && !string.Equals(name.Value.Trim().Replace(" ", "", StringComparison.Ordinal), GenericNameLower, StringComparison.OrdinalIgnoreCase))
        {
            Detector detector;
            try
            {
                detector = Detector.FromName(name.Value);
            }
            catch (ArgumentException ex)
            {
                throw new PoniFormatException(source, "Detector", name.Line, ex.Message, ex);
            }

            // pyFAI 0.x: a detector with fixed pixels (Pilatus) takes PixelSize1/2 only when both are given.
            if (pixel1 is { } p1 && pixel2 is { } p2 && (p1 != detector.PixelSize1 || p2 != detector.PixelSize2))
            {
                var json = $"{{\"pixel1\": {Detector.Format(p1)}, \"pixel2\": {Detector.Format(p2)}}}";
                detector = Detector.FromName(name.Value, json);
            }

            return detector;
        }

        // A generic v1 detector: pixel size known, shape not (pyFAI did not store it before v2).
        if (pixel1 is null)
        {
            throw new PoniFormatException(source, "PixelSize1", null, "missing key (a v1 PONI without a known Detector needs PixelSize1 and PixelSize2).");
        }

        if (pixel2 is null)
        {
            throw new PoniFormatException(source, "PixelSize2", null, "missing key (a v1 PONI without a known Detector needs PixelSize1 and PixelSize2).");
        }

        return Detector.ShapeUnknown(pixel1.Value, pixel2.Value);
    }

    private const string GenericNameLower = "detector";

    private static Detector ReadV2Detector(Dictionary<string, (string Value, int Line)> entries, string source)
    {
        if (!entries.TryGetValue("detector", out var name) || name.Value.Length == 0)
        {
            throw new PoniFormatException(source, "Detector", null, "missing key (required from poni_version 2 on).");
        }

        string? config = null;
        int? configLine = null;
        if (entries.TryGetValue("detector_config", out var c))
        {
            config = c.Value;
            configLine = c.Line;
        }

        try
        {
            return Detector.FromName(name.Value, config);
        }
        catch (ArgumentException ex)
        {
            var isConfig = !ex.Message.StartsWith("Unknown detector", StringComparison.Ordinal);
            throw new PoniFormatException(source, isConfig ? "Detector_config" : "Detector", isConfig ? configLine : name.Line, ex.Message, ex);
        }
    }

    private static double ReadNumber(Dictionary<string, (string Value, int Line)> entries, string source, string key, string displayKey)
    {
        if (!entries.TryGetValue(key, out var entry))
        {
            var hint = displayKey == "Distance" ? " (Distance or Dist)" : "";
            throw new PoniFormatException(source, displayKey, null, $"missing key{hint}.");
        }

        if (!double.TryParse(entry.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
        {
            throw new PoniFormatException(source, displayKey, entry.Line, $"'{entry.Value}' is not a number.");
        }

        if (!double.IsFinite(value))
        {
            throw new PoniFormatException(source, displayKey, entry.Line, $"'{entry.Value}' is not a finite number.");
        }

        return value;
    }
}
