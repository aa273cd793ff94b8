using OperandoXrd.Reports.Plotting;
using OperandoXrd.Reports.Png;
using OperandoXrd.Reports.Svg;

namespace OperandoXrd.Reports.Raster;

/// <summary>
/// Our own raster of a <see cref="Scene"/> for machines without rsvg-convert: anti-aliased lines by distance to
/// the segment (coverage accumulated per polyline so joints are not painted twice), area-weighted rectangles and
/// glyph pixels, nearest-neighbour images (a heat-map cell is a flat block, as in the SVG).
/// </summary>
internal static class Rasterizer
{
    public static RgbaImage Draw(Scene scene, double scale)
    {
        if (!(scale > 0) || scale > 8)
            throw new ArgumentOutOfRangeException(nameof(scale), scale, "raster scale must be in (0, 8]");
        var image = new RgbaImage(Math.Max(1, (int)Math.Ceiling(scene.Width * scale)), Math.Max(1, (int)Math.Ceiling(scene.Height * scale)));
        image.Fill(Rgba.White);
        var canvas = new Canvas(image, scale);
        foreach (SceneGroup g in scene.Groups)
            foreach (Primitive p in g.Items)
            {
                canvas.Clip = p.Clip >= 0 ? scene.Clips[p.Clip] : new ClipRect(0, 0, scene.Width, scene.Height);
                canvas.Draw(p);
            }
        return image;
    }

    private sealed class Canvas(RgbaImage image, double scale)
    {
        public ClipRect Clip { get; set; }

        // Clip in device pixels.
        private double X0 => Math.Max(0, Clip.X * scale);

        private double Y0 => Math.Max(0, Clip.Y * scale);

        private double X1 => Math.Min(image.Width, (Clip.X + Clip.W) * scale);

        private double Y1 => Math.Min(image.Height, (Clip.Y + Clip.H) * scale);

        public void Draw(Primitive p)
        {
            switch (p)
            {
                case RectPrimitive r:
                    if (r.Fill is { } fill)
                        FillRect(r.X * scale, r.Y * scale, (r.X + r.W) * scale, (r.Y + r.H) * scale, fill);
                    if (r.Stroke is { } stroke && r.StrokeWidth > 0)
                        Stroke([(r.X, r.Y), (r.X + r.W, r.Y), (r.X + r.W, r.Y + r.H), (r.X, r.Y + r.H), (r.X, r.Y)], stroke, r.StrokeWidth, null);
                    break;
                case PolylinePrimitive line:
                    Stroke(line.Points, line.Stroke, line.Width, line.Dash);
                    break;
                case MarkerPrimitive m:
                    DrawMarker(m);
                    break;
                case ImagePrimitive img:
                    DrawImage(img);
                    break;
                case TextPrimitive t:
                    DrawText(t);
                    break;
            }
        }

        private void FillRect(double x0, double y0, double x1, double y1, Rgba color)
        {
            x0 = Math.Max(x0, X0);
            y0 = Math.Max(y0, Y0);
            x1 = Math.Min(x1, X1);
            y1 = Math.Min(y1, Y1);
            if (x1 <= x0 || y1 <= y0)
                return;
            for (int y = (int)Math.Floor(y0); y < (int)Math.Ceiling(y1); y++)
            {
                double cy = Math.Min(y + 1, y1) - Math.Max(y, y0);
                for (int x = (int)Math.Floor(x0); x < (int)Math.Ceiling(x1); x++)
                {
                    double cx = Math.Min(x + 1, x1) - Math.Max(x, x0);
                    image.Blend(x, y, color, cx * cy);
                }
            }
        }

        private void Stroke(IReadOnlyList<(double X, double Y)> points, Rgba color, double width, double[]? dash)
        {
            if (points.Count < 2)
                return;
            var segments = new List<(double Ax, double Ay, double Bx, double By)>();
            double[]? pattern = dash is { Length: > 0 } && dash.All(d => d > 0) ? dash : null;
            int dashIndex = 0;
            double dashLeft = pattern?[0] ?? double.PositiveInfinity;
            bool on = true;
            for (int i = 1; i < points.Count; i++)
            {
                double ax = points[i - 1].X * scale, ay = points[i - 1].Y * scale, bx = points[i].X * scale, by = points[i].Y * scale;
                double length = Math.Sqrt((bx - ax) * (bx - ax) + (by - ay) * (by - ay));
                double done = 0;
                while (done < length)
                {
                    double step = Math.Min(length - done, dashLeft * scale);
                    if (on)
                    {
                        double f0 = done / length, f1 = (done + step) / length;
                        segments.Add((ax + (bx - ax) * f0, ay + (by - ay) * f0, ax + (bx - ax) * f1, ay + (by - ay) * f1));
                    }
                    done += step;
                    dashLeft -= step / scale;
                    if (pattern is not null && dashLeft <= 1e-9)
                    {
                        dashIndex = (dashIndex + 1) % pattern.Length;
                        dashLeft = pattern[dashIndex];
                        on = !on;
                    }
                }
            }
            if (segments.Count == 0)
                return;

            double half = Math.Max(0.5, width * scale / 2);
            int bx0 = (int)Math.Max(Math.Floor(segments.Min(s => Math.Min(s.Ax, s.Bx)) - half - 1), Math.Floor(X0));
            int by0 = (int)Math.Max(Math.Floor(segments.Min(s => Math.Min(s.Ay, s.By)) - half - 1), Math.Floor(Y0));
            int bx1 = (int)Math.Min(Math.Ceiling(segments.Max(s => Math.Max(s.Ax, s.Bx)) + half + 1), Math.Ceiling(X1));
            int by1 = (int)Math.Min(Math.Ceiling(segments.Max(s => Math.Max(s.Ay, s.By)) + half + 1), Math.Ceiling(Y1));
            if (bx1 <= bx0 || by1 <= by0)
                return;
            int w = bx1 - bx0, h = by1 - by0;
            var coverage = new float[w * h];
            // Thin lines keep their weight: a 1 px line at scale 1 covers one pixel at full strength, not two at half.
            double alpha = Math.Min(1, width * scale);
            foreach (var (ax, ay, sx, sy) in segments)
            {
                int x0 = Math.Max(bx0, (int)Math.Floor(Math.Min(ax, sx) - half - 1)), x1 = Math.Min(bx1, (int)Math.Ceiling(Math.Max(ax, sx) + half + 1));
                int y0 = Math.Max(by0, (int)Math.Floor(Math.Min(ay, sy) - half - 1)), y1 = Math.Min(by1, (int)Math.Ceiling(Math.Max(ay, sy) + half + 1));
                double dx = sx - ax, dy = sy - ay, len2 = dx * dx + dy * dy;
                for (int y = y0; y < y1; y++)
                    for (int x = x0; x < x1; x++)
                    {
                        double px = x + 0.5 - ax, py = y + 0.5 - ay;
                        double t = len2 > 0 ? Math.Clamp((px * dx + py * dy) / len2, 0, 1) : 0;
                        double ex = px - t * dx, ey = py - t * dy;
                        double c = Math.Clamp(half + 0.5 - Math.Sqrt(ex * ex + ey * ey), 0, 1) * alpha;
                        ref float cell = ref coverage[(y - by0) * w + (x - bx0)];
                        if (c > cell)
                            cell = (float)c;
                    }
            }
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                    if (coverage[y * w + x] > 0)
                        image.Blend(bx0 + x, by0 + y, color, coverage[y * w + x]);
        }

        private void DrawMarker(MarkerPrimitive m)
        {
            double cx = m.X * scale, cy = m.Y * scale, r = m.Size * scale / 2;
            int x0 = (int)Math.Max(Math.Floor(cx - r - 2), X0), x1 = (int)Math.Min(Math.Ceiling(cx + r + 2), X1);
            int y0 = (int)Math.Max(Math.Floor(cy - r - 2), Y0), y1 = (int)Math.Min(Math.Ceiling(cy + r + 2), Y1);
            for (int y = y0; y < y1; y++)
                for (int x = x0; x < x1; x++)
                {
                    // Signed distance from the outline (negative inside), then fill and a 1 px stroke by coverage.
                    double px = x + 0.5 - cx, py = y + 0.5 - cy;
                    double d = m.Shape switch
                    {
                        MarkerShape.Square => Math.Max(Math.Abs(px), Math.Abs(py)) - r,
                        MarkerShape.Diamond => (Math.Abs(px) + Math.Abs(py) - r) / Math.Sqrt(2),
                        MarkerShape.Triangle => Math.Max(py - r, (Math.Abs(px) * 2 - (py + r)) / Math.Sqrt(5)),
                        _ => Math.Sqrt(px * px + py * py) - r,
                    };
                    double fill = Math.Clamp(0.5 - d, 0, 1);
                    if (fill > 0)
                        image.Blend(x, y, m.Fill, fill);
                    double stroke = Math.Clamp(0.5 * scale + 0.5 - Math.Abs(d), 0, 1);
                    if (stroke > 0)
                        image.Blend(x, y, m.Stroke, stroke);
                }
        }

        private void DrawImage(ImagePrimitive img)
        {
            double left = img.X * scale, top = img.Y * scale, right = (img.X + img.W) * scale, bottom = (img.Y + img.H) * scale;
            int x0 = (int)Math.Max(Math.Floor(left), Math.Floor(X0)), x1 = (int)Math.Min(Math.Ceiling(right), Math.Ceiling(X1));
            int y0 = (int)Math.Max(Math.Floor(top), Math.Floor(Y0)), y1 = (int)Math.Min(Math.Ceiling(bottom), Math.Ceiling(Y1));
            for (int y = y0; y < y1; y++)
            {
                int sy = (int)Math.Floor((y + 0.5 - top) / (bottom - top) * img.Image.Height);
                if ((uint)sy >= (uint)img.Image.Height)
                    continue;
                for (int x = x0; x < x1; x++)
                {
                    int sx = (int)Math.Floor((x + 0.5 - left) / (right - left) * img.Image.Width);
                    if ((uint)sx >= (uint)img.Image.Width)
                        continue;
                    Rgba c = img.Image[sx, sy];
                    if (c.A > 0)
                        image.Blend(x, y, c, 1);
                }
            }
        }

        private void DrawText(TextPrimitive t)
        {
            double s = t.Size / 10 * scale; // 6-unit advance = 0.6 em, 7-unit glyph ≈ cap height
            double width = (t.Text.Length * BitmapFont.Advance - 1) * s;
            double start = t.Anchor switch { TextAnchor.Middle => -width / 2, TextAnchor.End => -width, _ => 0 };
            double ox = t.X * scale, oy = (t.Vertical ? t.Y : SvgWriter.AlphabeticY(t)) * scale;
            var saved = Clip;
            Clip = new ClipRect(0, 0, image.Width / scale, image.Height / scale);
            for (int i = 0; i < t.Text.Length; i++)
            {
                var (columns, offset, superscript) = BitmapFont.Glyph(t.Text[i]);
                double gs = superscript ? s * 0.65 : s;
                double raise = superscript ? 3.5 * s : 0;
                for (int c = 0; c < BitmapFont.GlyphWidth; c++)
                {
                    byte bits = columns[offset + c];
                    for (int r = 0; r < BitmapFont.GlyphHeight; r++)
                    {
                        if ((bits & (1 << r)) == 0)
                            continue;
                        // Text space: x along the text from the anchor, y down with the baseline at 0.
                        double tx = start + i * BitmapFont.Advance * s + c * gs, ty = (r - BitmapFont.GlyphHeight) * gs - raise;
                        if (t.Vertical)
                            FillRect(ox + ty, oy - tx - gs, ox + ty + gs, oy - tx, t.Color);
                        else
                            FillRect(ox + tx, oy + ty, ox + tx + gs, oy + ty + gs, t.Color);
                    }
                }
            }
            Clip = saved;
        }
    }
}
