using OperandoXrd.Viewer.Native;

namespace OperandoXrd.Viewer.Rendering;

/// <summary>
/// One vertex array object over one buffer of interleaved float attributes: attribute <c>i</c> (the shader's
/// <c>layout(location = i)</c>) has <c>components[i]</c> floats, in that order. The layout every batch of the viewer
/// shares (<see cref="Batch2D"/>, <see cref="Text.TextBatch"/>, <see cref="ContourLayer"/>). <see cref="Upload"/>
/// grows the buffer by doubling, so a frame's vertices go up in one or two <c>glBufferSubData</c> calls and the
/// buffer is reallocated only while the scene grows.
/// </summary>
internal sealed class VertexArray : IDisposable
{
    private readonly int _vao, _vbo;
    private int _bufferBytes;

    public VertexArray(params ReadOnlySpan<int> components)
    {
        foreach (var c in components)
        {
            FloatsPerVertex += c;
        }

        _vao = GL.GenVertexArray();
        _vbo = GL.GenBuffer();
        GL.BindVertexArray(_vao);
        GL.BindBuffer(BufferTarget.ArrayBuffer, _vbo);
        var offset = 0;
        for (var i = 0; i < components.Length; i++)
        {
            GL.VertexAttribPointer(i, components[i], VertexAttribPointerType.Float, false, FloatsPerVertex * sizeof(float), offset * sizeof(float));
            GL.EnableVertexAttribArray(i);
            offset += components[i];
        }

        GL.BindVertexArray(0);
    }

    public int FloatsPerVertex { get; }

    /// <summary>Binds the vertex array and its buffer, then puts <paramref name="first"/> and <paramref name="second"/> (after it) at the buffer's start.</summary>
    public void Upload(ReadOnlySpan<float> first, ReadOnlySpan<float> second = default)
    {
        GL.BindVertexArray(_vao);
        GL.BindBuffer(BufferTarget.ArrayBuffer, _vbo);
        var bytes = (first.Length + second.Length) * sizeof(float);
        if (bytes > _bufferBytes)
        {
            _bufferBytes = Math.Max(bytes, _bufferBytes * 2);
            GL.BufferData<float>(BufferTarget.ArrayBuffer, _bufferBytes, default, BufferUsageHint.StreamDraw);
        }

        GL.BufferSubData(BufferTarget.ArrayBuffer, 0, first.Length * sizeof(float), first);
        if (second.Length > 0)
        {
            GL.BufferSubData(BufferTarget.ArrayBuffer, first.Length * sizeof(float), second.Length * sizeof(float), second);
        }
    }

    /// <summary>Draws <paramref name="count"/> vertices from vertex <paramref name="first"/> of the uploaded data.</summary>
    public void Draw(PrimitiveType mode, int first, int count) => GL.DrawArrays(mode, first, count);

    /// <summary>Unbinds the vertex array (the viewer leaves none bound between batches).</summary>
    public static void Unbind() => GL.BindVertexArray(0);

    public void Dispose()
    {
        GL.DeleteBuffer(_vbo);
        GL.DeleteVertexArray(_vao);
    }
}
