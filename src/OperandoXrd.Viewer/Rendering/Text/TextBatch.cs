using System.Runtime.InteropServices;
using OperandoXrd.Reports.Color;
using OperandoXrd.Viewer.Native;

namespace OperandoXrd.Viewer.Rendering.Text;

/// <summary>
/// Collects the labels of one frame as textured quads over the <see cref="GlyphAtlas"/> and draws them in one call,
/// after the shapes (<see cref="Batch2D"/>), so text always sits on top. Quads start on whole pixels and the shader
/// fetches the atlas texel under each pixel (no filtering), so each pixel gets exactly the glyph's coverage.
/// </summary>
internal sealed class TextBatch : IDisposable
{
    private const int FloatsPerVertex = 8;

    private const string VertexSource = """
        #version 330 core
        layout(location = 0) in vec2 aPosition;
        layout(location = 1) in vec2 aTexel;
        layout(location = 2) in vec4 aColor;
        uniform vec2 uViewport;
        out vec2 vTexel;
        out vec4 vColor;
        void main() {
            gl_Position = vec4(aPosition.x / uViewport.x * 2.0 - 1.0, 1.0 - aPosition.y / uViewport.y * 2.0, 0.0, 1.0);
            vTexel = aTexel;
            vColor = aColor;
        }
        """;

    private const string FragmentSource = """
        #version 330 core
        in vec2 vTexel;
        in vec4 vColor;
        uniform sampler2D uAtlas;
        out vec4 fragColor;
        void main() {
            float coverage = texelFetch(uAtlas, ivec2(floor(vTexel)), 0).r;
            fragColor = vec4(vColor.rgb, vColor.a * coverage);
        }
        """;

    private readonly List<float> _vertices = new(1 << 14);
    private readonly int _program, _vao, _vbo, _texture, _uViewport, _uAtlas;
    private int _bufferBytes;

    public TextBatch(GlyphAtlas atlas)
    {
        Atlas = atlas;
        _program = Shaders.Link("text", VertexSource, FragmentSource);
        _uViewport = GL.GetUniformLocation(_program, "uViewport");
        _uAtlas = GL.GetUniformLocation(_program, "uAtlas");
        _vao = GL.GenVertexArray();
        _vbo = GL.GenBuffer();
        GL.BindVertexArray(_vao);
        GL.BindBuffer(BufferTarget.ArrayBuffer, _vbo);
        GL.VertexAttribPointer(0, 2, VertexAttribPointerType.Float, false, FloatsPerVertex * sizeof(float), 0);
        GL.EnableVertexAttribArray(0);
        GL.VertexAttribPointer(1, 2, VertexAttribPointerType.Float, false, FloatsPerVertex * sizeof(float), 2 * sizeof(float));
        GL.EnableVertexAttribArray(1);
        GL.VertexAttribPointer(2, 4, VertexAttribPointerType.Float, false, FloatsPerVertex * sizeof(float), 4 * sizeof(float));
        GL.EnableVertexAttribArray(2);
        GL.BindVertexArray(0);

        _texture = GL.GenTexture();
        GL.BindTexture(TextureTarget.Texture2D, _texture);
        GL.PixelStore(PixelStoreParameter.UnpackAlignment, 1);
        GL.TexImage2D<byte>(TextureTarget.Texture2D, 0, PixelInternalFormat.R8, atlas.Width, atlas.Height, 0, PixelFormat.Red, PixelType.UnsignedByte, atlas.Pixels);
        GL.PixelStore(PixelStoreParameter.UnpackAlignment, 4);
        GL.TexParameter(TextureTarget.Texture2D, TextureParameterName.TextureMinFilter, (int)TextureMinFilter.Nearest);
        GL.TexParameter(TextureTarget.Texture2D, TextureParameterName.TextureMagFilter, (int)TextureMinFilter.Nearest);
        GL.TexParameter(TextureTarget.Texture2D, TextureParameterName.TextureWrapS, (int)TextureWrapMode.ClampToEdge);
        GL.TexParameter(TextureTarget.Texture2D, TextureParameterName.TextureWrapT, (int)TextureWrapMode.ClampToEdge);
        GL.TexParameter(TextureTarget.Texture2D, TextureParameterName.TextureMaxLevel, 0);
        GL.BindTexture(TextureTarget.Texture2D, 0);
    }

    public GlyphAtlas Atlas { get; }

    /// <summary>Width of <paramref name="text"/> in pixels.</summary>
    public int Measure(string text) => Atlas.Measure(text);

    /// <summary>Text with the top-left corner of its line box at (x, y).</summary>
    public void Draw(string text, int x, int y, Rgba color)
    {
        ArgumentNullException.ThrowIfNull(text);
        var pen = x;
        foreach (var c in text)
        {
            var g = Atlas[c];
            if (c != ' ')
            {
                float x0 = pen + g.Left, x1 = x0 + g.Width, y0 = y, y1 = y + Atlas.LineHeight;
                float u0 = g.AtlasX, u1 = g.AtlasX + g.Width, v0 = 0, v1 = Atlas.LineHeight;
                Vertex(x0, y0, u0, v0, color);
                Vertex(x1, y0, u1, v0, color);
                Vertex(x1, y1, u1, v1, color);
                Vertex(x0, y0, u0, v0, color);
                Vertex(x1, y1, u1, v1, color);
                Vertex(x0, y1, u0, v1, color);
            }

            pen += g.Advance;
        }
    }

    /// <summary>Draws everything collected into a <paramref name="width"/> x <paramref name="height"/> target and starts over.</summary>
    public void Flush(int width, int height)
    {
        if (_vertices.Count == 0)
        {
            return;
        }

        GL.UseProgram(_program);
        GL.Uniform2(_uViewport, width, height);
        GL.ActiveTexture(TextureUnit.Texture0);
        GL.BindTexture(TextureTarget.Texture2D, _texture);
        GL.Uniform1(_uAtlas, 0);
        GL.BindVertexArray(_vao);
        GL.BindBuffer(BufferTarget.ArrayBuffer, _vbo);
        var bytes = _vertices.Count * sizeof(float);
        if (bytes > _bufferBytes)
        {
            _bufferBytes = Math.Max(bytes, _bufferBytes * 2);
            GL.BufferData<float>(BufferTarget.ArrayBuffer, _bufferBytes, default, BufferUsageHint.StreamDraw);
        }

        var vertices = CollectionsMarshal.AsSpan(_vertices);
        GL.BufferSubData<float>(BufferTarget.ArrayBuffer, 0, bytes, vertices);
        GL.DrawArrays(PrimitiveType.Triangles, 0, vertices.Length / FloatsPerVertex);
        GL.BindVertexArray(0);
        GL.BindTexture(TextureTarget.Texture2D, 0);
        _vertices.Clear();
    }

    public void Dispose()
    {
        GL.DeleteTexture(_texture);
        GL.DeleteBuffer(_vbo);
        GL.DeleteVertexArray(_vao);
        GL.DeleteProgram(_program);
    }

    private void Vertex(float x, float y, float u, float v, Rgba c)
    {
        _vertices.Add(x);
        _vertices.Add(y);
        _vertices.Add(u);
        _vertices.Add(v);
        _vertices.Add(c.R / 255f);
        _vertices.Add(c.G / 255f);
        _vertices.Add(c.B / 255f);
        _vertices.Add(c.A / 255f);
    }
}
