using OperandoXrd.Reports.Color;
using OperandoXrd.Viewer.Native;

namespace OperandoXrd.Viewer.Rendering;

/// <summary>
/// The intensity-vs-2θ-vs-frame image as a GL texture that grows one row per frame: raw intensities in an R32F
/// texture (one texel per bin and frame) and the colour map as a 256x1 texture, so that switching log/linear or
/// rescaling costs a uniform, not a re-upload. The fragment shader picks the map entry exactly as
/// <see cref="ColorMap.Map"/> does (floor(t·256), clamped), so a pixel's colour says the value it shows.
/// A CPU copy of the rows is kept because a texture cannot grow in place: when full it is re-created twice as tall.
/// </summary>
internal sealed class ContourLayer : IDisposable
{
    // texelFetch, not sampling: each screen pixel shows one bin of one frame, never a blend of neighbours.
    private const string FragmentSource = """
        #version 330 core
        in vec2 vCell;
        uniform sampler2D uData;
        uniform sampler2D uMap;
        uniform vec2 uRange;
        uniform int uLog;
        uniform int uBins;
        uniform int uRows;
        out vec4 fragColor;
        void main() {
            int bin = clamp(int(floor(vCell.x)), 0, uBins - 1);
            int row = clamp(int(floor(vCell.y)), 0, uRows - 1);
            float v = texelFetch(uData, ivec2(bin, row), 0).r;
            if (uLog == 1) v = log(max(v, 1e-30)) * 0.4342944819032518;
            float t = (v - uRange.x) / (uRange.y - uRange.x);
            int index = clamp(int(floor(t * 256.0)), 0, 255);
            fragColor = texelFetch(uMap, ivec2(index, 0), 0);
        }
        """;

    private readonly int _program, _dataTexture, _mapTexture;
    private readonly VertexArray _quad = new(2, 2);
    private readonly int _uViewport, _uData, _uMap, _uRange, _uLog, _uBins, _uRows;
    private readonly int _maxRows;
    private float[] _cpu = [];
    private int _capacity;

    public ContourLayer(ColorMap map)
    {
        _program = Shaders.Link("contour", Shaders.PixelVertexSource(("Cell", 2)), FragmentSource);
        _uViewport = GL.GetUniformLocation(_program, "uViewport");
        _uData = GL.GetUniformLocation(_program, "uData");
        _uMap = GL.GetUniformLocation(_program, "uMap");
        _uRange = GL.GetUniformLocation(_program, "uRange");
        _uLog = GL.GetUniformLocation(_program, "uLog");
        _uBins = GL.GetUniformLocation(_program, "uBins");
        _uRows = GL.GetUniformLocation(_program, "uRows");
        GL.GetInteger(GetPName.MaxTextureSize, out _maxRows);

        var table = new byte[256 * 4];
        for (var i = 0; i < 256; i++)
        {
            var c = map[i];
            (table[4 * i], table[4 * i + 1], table[4 * i + 2], table[4 * i + 3]) = (c.R, c.G, c.B, 255);
        }

        _mapTexture = NewTexture();
        GL.TexImage2D<byte>(TextureTarget.Texture2D, 0, PixelInternalFormat.Rgba8, 256, 1, 0, PixelFormat.Rgba, PixelType.UnsignedByte, table);
        _dataTexture = NewTexture();
    }

    /// <summary>Bins per row (0 until the first row).</summary>
    public int Bins { get; private set; }

    /// <summary>Rows held (frames seen).</summary>
    public int Rows { get; private set; }

    /// <summary>Rows the GPU can hold (GL_MAX_TEXTURE_SIZE); later frames are not added to the image.</summary>
    public int MaxRows => _maxRows;

    /// <summary>Appends one frame; the first fixes the bin count, a frame with another count is refused (false).</summary>
    public bool AddRow(ReadOnlySpan<double> intensity)
    {
        if (Bins == 0)
        {
            if (intensity.Length == 0 || intensity.Length > _maxRows)
            {
                return false;
            }

            Bins = intensity.Length;
        }

        if (intensity.Length != Bins || Rows >= _maxRows)
        {
            return false;
        }

        if (Rows == _capacity)
        {
            Grow();
        }

        var row = _cpu.AsSpan(Rows * Bins, Bins);
        for (var i = 0; i < row.Length; i++)
        {
            row[i] = (float)intensity[i];
        }

        GL.BindTexture(TextureTarget.Texture2D, _dataTexture);
        GL.PixelStore(PixelStoreParameter.UnpackAlignment, 4);
        GL.TexSubImage2D<float>(TextureTarget.Texture2D, 0, 0, Rows, Bins, 1, PixelFormat.Red, PixelType.Float, row);
        Rows++;
        return true;
    }

    /// <summary>
    /// Draws bins [<paramref name="bin0"/>, <paramref name="bin1"/>) (fractional) across <paramref name="rect"/>, frame 0
    /// at the bottom, colours spanning [<paramref name="low"/>, <paramref name="high"/>] (log10 units when <paramref name="log"/>).
    /// </summary>
    public void Draw(PixelRect rect, int viewportWidth, int viewportHeight, double bin0, double bin1, double low, double high, bool log)
    {
        if (Rows == 0)
        {
            return;
        }

        float l = rect.X, r = rect.Right, t = rect.Y, b = rect.Bottom, u0 = (float)bin0, u1 = (float)bin1, rows = Rows;
        ReadOnlySpan<float> quad =
        [
            l, b, u0, 0, r, b, u1, 0, r, t, u1, rows,
            l, b, u0, 0, r, t, u1, rows, l, t, u0, rows,
        ];
        GL.UseProgram(_program);
        GL.Uniform2(_uViewport, viewportWidth, viewportHeight);
        GL.Uniform2(_uRange, (float)low, (float)(high > low ? high : low + 1));
        GL.Uniform1(_uLog, log ? 1 : 0);
        GL.Uniform1(_uBins, Bins);
        GL.Uniform1(_uRows, Rows);
        GL.ActiveTexture(TextureUnit.Texture0);
        GL.BindTexture(TextureTarget.Texture2D, _dataTexture);
        GL.Uniform1(_uData, 0);
        GL.ActiveTexture(TextureUnit.Texture1);
        GL.BindTexture(TextureTarget.Texture2D, _mapTexture);
        GL.Uniform1(_uMap, 1);
        _quad.Upload(quad);
        _quad.Draw(PrimitiveType.Triangles, 0, 6);
        VertexArray.Unbind();
        GL.ActiveTexture(TextureUnit.Texture0);
    }

    public void Dispose()
    {
        GL.DeleteTexture(_dataTexture);
        GL.DeleteTexture(_mapTexture);
        _quad.Dispose();
        GL.DeleteProgram(_program);
    }

    private void Grow()
    {
        _capacity = Math.Min(_maxRows, Math.Max(64, _capacity * 2));
        Array.Resize(ref _cpu, _capacity * Bins);
        GL.BindTexture(TextureTarget.Texture2D, _dataTexture);
        GL.PixelStore(PixelStoreParameter.UnpackAlignment, 4);
        GL.TexImage2D<float>(TextureTarget.Texture2D, 0, PixelInternalFormat.R32f, Bins, _capacity, 0, PixelFormat.Red, PixelType.Float, _cpu);
    }

    private static int NewTexture()
    {
        var texture = GL.GenTexture();
        GL.BindTexture(TextureTarget.Texture2D, texture);

        // Without mipmaps the default minification filter would leave the texture incomplete (texelFetch → 0).
        GL.TexParameter(TextureTarget.Texture2D, TextureParameterName.TextureMinFilter, (int)TextureMinFilter.Nearest);
        GL.TexParameter(TextureTarget.Texture2D, TextureParameterName.TextureMagFilter, (int)TextureMinFilter.Nearest);
        GL.TexParameter(TextureTarget.Texture2D, TextureParameterName.TextureWrapS, (int)TextureWrapMode.ClampToEdge);
        GL.TexParameter(TextureTarget.Texture2D, TextureParameterName.TextureWrapT, (int)TextureWrapMode.ClampToEdge);
        GL.TexParameter(TextureTarget.Texture2D, TextureParameterName.TextureMaxLevel, 0);
        return texture;
    }
}
