using System.Globalization;
using System.Text;
using System.Xml;
using OperandoXrd.Reports.Plotting;
using OperandoXrd.Reports.Png;

namespace OperandoXrd.Reports.Svg;

/// <summary>
/// Writes a <see cref="Scene"/> as SVG 1.1: one &lt;g&gt; per panel carrying its axis ranges as data-* attributes,
/// real &lt;text&gt;, clip paths for the plot areas, and images as base64 PNG data URIs.
/// Text baselines are resolved to alphabetic here (librsvg and browsers disagree on dominant-baseline).
/// </summary>
internal static class SvgWriter
{
    private const string SvgNs = "http://www.w3.org/2000/svg";
    private const string XlinkNs = "http://www.w3.org/1999/xlink";

    public static string Write(Scene scene)
    {
        var text = new StringBuilder();
        var settings = new XmlWriterSettings { Indent = true, OmitXmlDeclaration = false, Encoding = Encoding.UTF8 };
        using (var w = XmlWriter.Create(new StringWriter(text, CultureInfo.InvariantCulture), settings))
        {
            w.WriteStartDocument();
            w.WriteStartElement("svg", SvgNs);
            w.WriteAttributeString("xmlns", "xlink", null, XlinkNs);
            w.WriteAttributeString("version", "1.1");
            w.WriteAttributeString("width", F(scene.Width));
            w.WriteAttributeString("height", F(scene.Height));
            w.WriteAttributeString("viewBox", $"0 0 {F(scene.Width)} {F(scene.Height)}");
            w.WriteAttributeString("font-family", "DejaVu Sans, Arial, Helvetica, sans-serif");

            w.WriteStartElement("defs", SvgNs);
            for (int i = 0; i < scene.Clips.Count; i++)
            {
                ClipRect c = scene.Clips[i];
                w.WriteStartElement("clipPath", SvgNs);
                w.WriteAttributeString("id", ClipId(i));
                Rect(w, c.X, c.Y, c.W, c.H);
                w.WriteEndElement();
                w.WriteEndElement();
            }
            w.WriteEndElement();

            foreach (SceneGroup g in scene.Groups)
            {
                w.WriteStartElement("g", SvgNs);
                w.WriteAttributeString("class", g.CssClass);
                if (g.Id is not null)
                    w.WriteAttributeString("id", g.Id);
                foreach (var (key, value) in g.Attributes)
                    w.WriteAttributeString("data-" + key, value);
                foreach (Primitive p in g.Items)
                    WritePrimitive(w, p);
                w.WriteEndElement();
            }
            w.WriteEndElement();
            w.WriteEndDocument();
        }
        // StringWriter reports UTF-16; the file is written as UTF-8, so say so.
        return text.ToString().Replace("encoding=\"utf-16\"", "encoding=\"utf-8\"", StringComparison.Ordinal);
    }

    internal static double AlphabeticY(TextPrimitive t) => t.Baseline switch
    {
        TextBaseline.Middle => t.Y + 0.35 * t.Size,
        TextBaseline.Hanging => t.Y + 0.76 * t.Size,
        _ => t.Y,
    };

    private static void WritePrimitive(XmlWriter w, Primitive p)
    {
        switch (p)
        {
            case PolylinePrimitive line:
                w.WriteStartElement("polyline", SvgNs);
                var points = new StringBuilder();
                foreach (var (x, y) in line.Points)
                    points.Append(F(x)).Append(',').Append(F(y)).Append(' ');
                w.WriteAttributeString("points", points.ToString().TrimEnd());
                w.WriteAttributeString("fill", "none");
                w.WriteAttributeString("stroke", line.Stroke.ToHex());
                w.WriteAttributeString("stroke-width", F(line.Width));
                w.WriteAttributeString("stroke-linejoin", "round");
                if (line.Dash is { Length: > 0 } dash)
                    w.WriteAttributeString("stroke-dasharray", string.Join(",", dash.Select(F)));
                Clip(w, line.Clip);
                w.WriteEndElement();
                break;
            case RectPrimitive r:
                Rect(w, r.X, r.Y, r.W, r.H);
                Paint(w, "fill", r.Fill);
                if (r.Stroke is { } stroke && r.StrokeWidth > 0)
                {
                    Paint(w, "stroke", stroke);
                    w.WriteAttributeString("stroke-width", F(r.StrokeWidth));
                }
                Clip(w, r.Clip);
                w.WriteEndElement();
                break;
            case MarkerPrimitive m:
                WriteMarker(w, m);
                break;
            case TextPrimitive t:
                w.WriteStartElement("text", SvgNs);
                w.WriteAttributeString("class", t.CssClass);
                w.WriteAttributeString("x", F(t.X));
                w.WriteAttributeString("y", F(t.Vertical ? t.Y : AlphabeticY(t)));
                w.WriteAttributeString("font-size", F(t.Size));
                w.WriteAttributeString("text-anchor", t.Anchor switch { TextAnchor.Start => "start", TextAnchor.End => "end", _ => "middle" });
                if (t.Color != Palette.Black)
                    w.WriteAttributeString("fill", t.Color.ToHex());
                if (t.Vertical)
                    w.WriteAttributeString("transform", $"rotate(-90 {F(t.X)} {F(t.Y)})");
                w.WriteString(t.Text);
                w.WriteEndElement();
                break;
            case ImagePrimitive image:
                w.WriteStartElement("image", SvgNs);
                w.WriteAttributeString("class", image.CssClass);
                w.WriteAttributeString("x", F(image.X));
                w.WriteAttributeString("y", F(image.Y));
                w.WriteAttributeString("width", F(image.W));
                w.WriteAttributeString("height", F(image.H));
                w.WriteAttributeString("preserveAspectRatio", "none");
                // Each image pixel is a data cell: show it as a flat block, never smoothed across cells.
                w.WriteAttributeString("image-rendering", "optimizeSpeed");
                w.WriteAttributeString("style", "image-rendering:pixelated");
                // Base64 written straight into the attribute: a long run's contour image is megabytes, and building
                // the data URI as a string first held it twice more in memory.
                w.WriteStartAttribute("xlink", "href", XlinkNs);
                w.WriteString("data:image/png;base64,");
                var png = PngEncoder.Encode(image.Image);
                w.WriteBase64(png, 0, png.Length);
                w.WriteEndAttribute();
                Clip(w, image.Clip);
                w.WriteEndElement();
                break;
        }
    }

    private static void WriteMarker(XmlWriter w, MarkerPrimitive m)
    {
        double r = m.Size / 2;
        switch (m.Shape)
        {
            case MarkerShape.Square:
                Rect(w, m.X - r, m.Y - r, m.Size, m.Size);
                break;
            case MarkerShape.Diamond:
                w.WriteStartElement("polygon", SvgNs);
                w.WriteAttributeString("points", $"{F(m.X)},{F(m.Y - r)} {F(m.X + r)},{F(m.Y)} {F(m.X)},{F(m.Y + r)} {F(m.X - r)},{F(m.Y)}");
                break;
            case MarkerShape.Triangle:
                w.WriteStartElement("polygon", SvgNs);
                w.WriteAttributeString("points", $"{F(m.X)},{F(m.Y - r)} {F(m.X + r)},{F(m.Y + r)} {F(m.X - r)},{F(m.Y + r)}");
                break;
            default:
                w.WriteStartElement("circle", SvgNs);
                w.WriteAttributeString("cx", F(m.X));
                w.WriteAttributeString("cy", F(m.Y));
                w.WriteAttributeString("r", F(r));
                break;
        }
        Paint(w, "fill", m.Fill);
        Paint(w, "stroke", m.Stroke);
        w.WriteAttributeString("stroke-width", "1");
        Clip(w, m.Clip);
        w.WriteEndElement();
    }

    private static void Rect(XmlWriter w, double x, double y, double width, double height)
    {
        w.WriteStartElement("rect", SvgNs);
        w.WriteAttributeString("x", F(x));
        w.WriteAttributeString("y", F(y));
        w.WriteAttributeString("width", F(width));
        w.WriteAttributeString("height", F(height));
    }

    private static void Paint(XmlWriter w, string attribute, Rgba? color)
    {
        if (color is not { } c)
        {
            w.WriteAttributeString(attribute, "none");
            return;
        }
        w.WriteAttributeString(attribute, c.ToHex());
        if (c.A != 255)
            w.WriteAttributeString(attribute + "-opacity", F(c.A / 255.0));
    }

    private static void Clip(XmlWriter w, int clip)
    {
        if (clip >= 0)
            w.WriteAttributeString("clip-path", $"url(#{ClipId(clip)})");
    }

    private static string ClipId(int i) => "clip" + i.ToString(CultureInfo.InvariantCulture);

    private static string F(double v) => Math.Round(v, 2).ToString("0.##", CultureInfo.InvariantCulture);
}
