using System.Runtime.InteropServices;
using OperandoXrd.Reports.Color;
using OperandoXrd.Viewer.Native;

namespace OperandoXrd.Viewer.Rendering;

/// <summary>An axis-aligned pixel rectangle, top-left origin (the viewer's and the PNG's convention).</summary>
public readonly record struct PixelRect(int X, int Y, int Width, int Height)
{
    public int Right => X + Width;

    public int Bottom => Y + Height;

    public bool Contains(double x, double y) => x >= X && x < Right && y >= Y && y < Bottom;
}

/// <summary>
/// Collects coloured triangles and lines in pixel coordinates for one frame and draws them in two calls.
/// Everything the viewer draws except the contour and the labels (<see cref="Text.TextBatch"/>) goes through here, so
/// the per-frame GL work is one buffer upload however many ticks and points there are. Filled rectangles cover exactly their pixels (edges on pixel
/// boundaries), which keeps frames, ticks and text crisp and lets tests find them.
/// </summary>
internal sealed class Batch2D : IDisposable
{
    private const string FragmentSource = """
        #version 330 core
        in vec4 vColor;
        out vec4 fragColor;
        void main() { fragColor = vColor; }
        """;

    private readonly List<float> _triangles = new(1 << 16);
    private readonly List<float> _lines = new(1 << 14);
    private readonly int _program, _uViewport;
    private readonly VertexArray _vertices = new(2, 4);

    public Batch2D()
    {
        _program = Shaders.Link("batch2d", Shaders.PixelVertexSource(("Color", 4)), FragmentSource);
        _uViewport = GL.GetUniformLocation(_program, "uViewport");
    }

    public void Rect(double x, double y, double width, double height, Rgba color)
    {
        if (width <= 0 || height <= 0)
        {
            return;
        }

        Triangle(x, y, x + width, y, x + width, y + height, color);
        Triangle(x, y, x + width, y + height, x, y + height, color);
    }

    public void Rect(PixelRect r, Rgba color) => Rect(r.X, r.Y, r.Width, r.Height, color);

    /// <summary>A one-pixel outline just inside <paramref name="r"/>.</summary>
    public void Frame(PixelRect r, Rgba color)
    {
        Rect(r.X, r.Y, r.Width, 1, color);
        Rect(r.X, r.Bottom - 1, r.Width, 1, color);
        Rect(r.X, r.Y, 1, r.Height, color);
        Rect(r.Right - 1, r.Y, 1, r.Height, color);
    }

    public void Triangle(double x0, double y0, double x1, double y1, double x2, double y2, Rgba color)
    {
        Vertex(_triangles, x0, y0, color);
        Vertex(_triangles, x1, y1, color);
        Vertex(_triangles, x2, y2, color);
    }

    /// <summary>A one-pixel GL line (not clipped).</summary>
    public void Line(double x0, double y0, double x1, double y1, Rgba color)
    {
        Vertex(_lines, x0, y0, color);
        Vertex(_lines, x1, y1, color);
    }

    /// <summary>A segment <paramref name="width"/> pixels wide drawn as a quad, clipped to <paramref name="clip"/> first.</summary>
    public void Segment(double x0, double y0, double x1, double y1, double width, Rgba color, PixelRect clip)
    {
        if (!Clip(ref x0, ref y0, ref x1, ref y1, clip))
        {
            return;
        }

        double dx = x1 - x0, dy = y1 - y0, length = Math.Sqrt(dx * dx + dy * dy);
        if (length < 1e-9)
        {
            return;
        }

        double nx = -dy / length * width / 2, ny = dx / length * width / 2;
        Triangle(x0 + nx, y0 + ny, x1 + nx, y1 + ny, x1 - nx, y1 - ny, color);
        Triangle(x0 + nx, y0 + ny, x1 - nx, y1 - ny, x0 - nx, y0 - ny, color);
    }

    /// <summary>Draws everything collected into a <paramref name="width"/> x <paramref name="height"/> target and starts over.</summary>
    public void Flush(int width, int height)
    {
        if (_triangles.Count + _lines.Count == 0)
        {
            return;
        }

        GL.UseProgram(_program);
        GL.Uniform2(_uViewport, width, height);
        var triangles = CollectionsMarshal.AsSpan(_triangles);
        var lines = CollectionsMarshal.AsSpan(_lines);
        _vertices.Upload(triangles, lines);
        _vertices.Draw(PrimitiveType.Triangles, 0, triangles.Length / _vertices.FloatsPerVertex);
        _vertices.Draw(PrimitiveType.Lines, triangles.Length / _vertices.FloatsPerVertex, lines.Length / _vertices.FloatsPerVertex);
        VertexArray.Unbind();
        _triangles.Clear();
        _lines.Clear();
    }

    public void Dispose()
    {
        _vertices.Dispose();
        GL.DeleteProgram(_program);
    }

    private static void Vertex(List<float> list, double x, double y, Rgba c)
    {
        list.Add((float)x);
        list.Add((float)y);
        list.Add(c.R / 255f);
        list.Add(c.G / 255f);
        list.Add(c.B / 255f);
        list.Add(c.A / 255f);
    }

    // Liang–Barsky: data curves leave the plot when zoomed, and per-segment clipping keeps the batch free of scissor
    // state changes.
    private static bool Clip(ref double x0, ref double y0, ref double x1, ref double y1, PixelRect r)
    {
        if (!double.IsFinite(x0) || !double.IsFinite(y0) || !double.IsFinite(x1) || !double.IsFinite(y1))
        {
            return false;
        }

        double t0 = 0, t1 = 1, dx = x1 - x0, dy = y1 - y0;
        ReadOnlySpan<double> p = [-dx, dx, -dy, dy];
        ReadOnlySpan<double> q = [x0 - r.X, r.Right - x0, y0 - r.Y, r.Bottom - y0];
        for (var i = 0; i < 4; i++)
        {
            if (p[i] == 0)
            {
                if (q[i] < 0)
                {
                    return false;
                }
            }
            else
            {
                var t = q[i] / p[i];
                if (p[i] < 0)
                {
                    t0 = Math.Max(t0, t);
                }
                else
                {
                    t1 = Math.Min(t1, t);
                }
            }
        }

        if (t0 > t1)
        {
            return false;
        }

        (x0, y0, x1, y1) = (x0 + t0 * dx, y0 + t0 * dy, x0 + t1 * dx, y0 + t1 * dy);
        return true;
    }
}
