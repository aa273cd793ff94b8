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
    private readonly int _program, _texture, _uViewport, _uAtlas;
    private readonly VertexArray _quads = new(2, 2, 4);

    public TextBatch(GlyphAtlas atlas)
    {
        Atlas = atlas;
        _program = Shaders.Link("text", Shaders.PixelVertexSource(("Texel", 2), ("Color", 4)), FragmentSource);
        _uViewport = GL.GetUniformLocation(_program, "uViewport");
        _uAtlas = GL.GetUniformLocation(_program, "uAtlas");
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
        var vertices = CollectionsMarshal.AsSpan(_vertices);
        _quads.Upload(vertices);
        _quads.Draw(PrimitiveType.Triangles, 0, vertices.Length / _quads.FloatsPerVertex);
        VertexArray.Unbind();
        GL.BindTexture(TextureTarget.Texture2D, 0);
        _vertices.Clear();
    }

    public void Dispose()
    {
        GL.DeleteTexture(_texture);
        _quads.Dispose();
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
