using System.Runtime.InteropServices;
using System.Text;

namespace OperandoXrd.Viewer.Native;

/// <summary>Where GL entry points come from (OpenTK's <c>IBindingsContext</c>).</summary>
public interface IBindingsContext
{
    nint GetProcAddress(string procName);
}

/// <summary>Entry points through <c>glfwGetProcAddress</c> for the current context.</summary>
public sealed class GLFWBindingsContext : IBindingsContext
{
    public nint GetProcAddress(string procName) => GLFW.GetProcAddress(procName);
}

/// <summary>
/// The OpenGL 3.3 core functions the viewer uses, with OpenTK's method names and enum types
/// (OpenTK.Graphics.OpenGL4.GL), loaded once per process as unmanaged function pointers. Only what we call is
/// here; add an entry point by adding its field, its name in <see cref="LoadBindings"/> and its wrapper.
/// </summary>
public static unsafe class GL
{
    private static delegate* unmanaged[Cdecl]<int, void> _clear, _enable, _disable, _activeTexture, _useProgram, _compileShader,
        _linkProgram, _bindVertexArray, _enableVertexAttribArray, _deleteShader, _deleteProgram;
    private static delegate* unmanaged[Cdecl]<float, float, float, float, void> _clearColor;
    private static delegate* unmanaged[Cdecl]<int, int, int, int, void> _viewport, _scissor;
    private static delegate* unmanaged[Cdecl]<int, int, void> _blendFunc, _bindTexture, _bindBuffer, _bindFramebuffer, _attachShader,
        _pixelStore, _uniform1i;
    private static delegate* unmanaged[Cdecl]<int, int*, void> _genTextures, _genBuffers, _genVertexArrays, _genFramebuffers,
        _deleteTextures, _deleteBuffers, _deleteVertexArrays, _deleteFramebuffers, _getIntegerv;
    private static delegate* unmanaged[Cdecl]<int, int, int, int, int, int, int, int, void*, void> _texImage2D;
    private static delegate* unmanaged[Cdecl]<int, int, int, int, int, int, int, int, void*, void> _texSubImage2D;
    private static delegate* unmanaged[Cdecl]<int, int, int, void> _texParameteri, _drawArrays;
    private static delegate* unmanaged[Cdecl]<int, nint, void*, int, void> _bufferData;
    private static delegate* unmanaged[Cdecl]<int, nint, nint, void*, void> _bufferSubData;
    private static delegate* unmanaged[Cdecl]<int, int, int, byte, int, nint, void> _vertexAttribPointer;
    private static delegate* unmanaged[Cdecl]<int, int> _createShader, _checkFramebufferStatus;
    private static delegate* unmanaged[Cdecl]<int> _createProgram, _getError;
    private static delegate* unmanaged[Cdecl]<void> _finish;
    private static delegate* unmanaged[Cdecl]<int, int, byte**, int*, void> _shaderSource;
    private static delegate* unmanaged[Cdecl]<int, int, int*, void> _getShaderiv, _getProgramiv;
    private static delegate* unmanaged[Cdecl]<int, int, int*, byte*, void> _getShaderInfoLog, _getProgramInfoLog;
    private static delegate* unmanaged[Cdecl]<int, byte*, int> _getUniformLocation;
    private static delegate* unmanaged[Cdecl]<int, float, void> _uniform1f;
    private static delegate* unmanaged[Cdecl]<int, float, float, void> _uniform2f;
    private static delegate* unmanaged[Cdecl]<int, float, float, float, float, void> _uniform4f;
    private static delegate* unmanaged[Cdecl]<int, int, int, int, int, int, void*, void> _readPixels;
    private static delegate* unmanaged[Cdecl]<int, byte*> _getString;
    private static delegate* unmanaged[Cdecl]<int, int, int, int, int, void> _framebufferTexture2D;

    /// <summary>True once <see cref="LoadBindings"/> has found every entry point.</summary>
    public static bool IsLoaded { get; private set; }

    /// <summary>Looks every entry point up in <paramref name="context"/>; a missing one throws naming it.</summary>
    public static void LoadBindings(IBindingsContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        nint P(string name)
        {
            var p = context.GetProcAddress(name);
            return p != 0 ? p : throw new EntryPointNotFoundException($"OpenGL entry point {name} not found (is a GL 3.3 core context current?)");
        }

        _clear = (delegate* unmanaged[Cdecl]<int, void>)P("glClear");
        _enable = (delegate* unmanaged[Cdecl]<int, void>)P("glEnable");
        _disable = (delegate* unmanaged[Cdecl]<int, void>)P("glDisable");
        _activeTexture = (delegate* unmanaged[Cdecl]<int, void>)P("glActiveTexture");
        _useProgram = (delegate* unmanaged[Cdecl]<int, void>)P("glUseProgram");
        _compileShader = (delegate* unmanaged[Cdecl]<int, void>)P("glCompileShader");
        _linkProgram = (delegate* unmanaged[Cdecl]<int, void>)P("glLinkProgram");
        _bindVertexArray = (delegate* unmanaged[Cdecl]<int, void>)P("glBindVertexArray");
        _enableVertexAttribArray = (delegate* unmanaged[Cdecl]<int, void>)P("glEnableVertexAttribArray");
        _deleteShader = (delegate* unmanaged[Cdecl]<int, void>)P("glDeleteShader");
        _deleteProgram = (delegate* unmanaged[Cdecl]<int, void>)P("glDeleteProgram");
        _clearColor = (delegate* unmanaged[Cdecl]<float, float, float, float, void>)P("glClearColor");
        _viewport = (delegate* unmanaged[Cdecl]<int, int, int, int, void>)P("glViewport");
        _scissor = (delegate* unmanaged[Cdecl]<int, int, int, int, void>)P("glScissor");
        _blendFunc = (delegate* unmanaged[Cdecl]<int, int, void>)P("glBlendFunc");
        _bindTexture = (delegate* unmanaged[Cdecl]<int, int, void>)P("glBindTexture");
        _bindBuffer = (delegate* unmanaged[Cdecl]<int, int, void>)P("glBindBuffer");
        _bindFramebuffer = (delegate* unmanaged[Cdecl]<int, int, void>)P("glBindFramebuffer");
        _attachShader = (delegate* unmanaged[Cdecl]<int, int, void>)P("glAttachShader");
        _pixelStore = (delegate* unmanaged[Cdecl]<int, int, void>)P("glPixelStorei");
        _uniform1i = (delegate* unmanaged[Cdecl]<int, int, void>)P("glUniform1i");
        _genTextures = (delegate* unmanaged[Cdecl]<int, int*, void>)P("glGenTextures");
        _genBuffers = (delegate* unmanaged[Cdecl]<int, int*, void>)P("glGenBuffers");
        _genVertexArrays = (delegate* unmanaged[Cdecl]<int, int*, void>)P("glGenVertexArrays");
        _genFramebuffers = (delegate* unmanaged[Cdecl]<int, int*, void>)P("glGenFramebuffers");
        _deleteTextures = (delegate* unmanaged[Cdecl]<int, int*, void>)P("glDeleteTextures");
        _deleteBuffers = (delegate* unmanaged[Cdecl]<int, int*, void>)P("glDeleteBuffers");
        _deleteVertexArrays = (delegate* unmanaged[Cdecl]<int, int*, void>)P("glDeleteVertexArrays");
        _deleteFramebuffers = (delegate* unmanaged[Cdecl]<int, int*, void>)P("glDeleteFramebuffers");
        _getIntegerv = (delegate* unmanaged[Cdecl]<int, int*, void>)P("glGetIntegerv");
        _texImage2D = (delegate* unmanaged[Cdecl]<int, int, int, int, int, int, int, int, void*, void>)P("glTexImage2D");
        _texSubImage2D = (delegate* unmanaged[Cdecl]<int, int, int, int, int, int, int, int, void*, void>)P("glTexSubImage2D");
        _texParameteri = (delegate* unmanaged[Cdecl]<int, int, int, void>)P("glTexParameteri");
        _drawArrays = (delegate* unmanaged[Cdecl]<int, int, int, void>)P("glDrawArrays");
        _bufferData = (delegate* unmanaged[Cdecl]<int, nint, void*, int, void>)P("glBufferData");
        _bufferSubData = (delegate* unmanaged[Cdecl]<int, nint, nint, void*, void>)P("glBufferSubData");
        _vertexAttribPointer = (delegate* unmanaged[Cdecl]<int, int, int, byte, int, nint, void>)P("glVertexAttribPointer");
        _createShader = (delegate* unmanaged[Cdecl]<int, int>)P("glCreateShader");
        _checkFramebufferStatus = (delegate* unmanaged[Cdecl]<int, int>)P("glCheckFramebufferStatus");
        _createProgram = (delegate* unmanaged[Cdecl]<int>)P("glCreateProgram");
        _getError = (delegate* unmanaged[Cdecl]<int>)P("glGetError");
        _finish = (delegate* unmanaged[Cdecl]<void>)P("glFinish");
        _shaderSource = (delegate* unmanaged[Cdecl]<int, int, byte**, int*, void>)P("glShaderSource");
        _getShaderiv = (delegate* unmanaged[Cdecl]<int, int, int*, void>)P("glGetShaderiv");
        _getProgramiv = (delegate* unmanaged[Cdecl]<int, int, int*, void>)P("glGetProgramiv");
        _getShaderInfoLog = (delegate* unmanaged[Cdecl]<int, int, int*, byte*, void>)P("glGetShaderInfoLog");
        _getProgramInfoLog = (delegate* unmanaged[Cdecl]<int, int, int*, byte*, void>)P("glGetProgramInfoLog");
        _getUniformLocation = (delegate* unmanaged[Cdecl]<int, byte*, int>)P("glGetUniformLocation");
        _uniform1f = (delegate* unmanaged[Cdecl]<int, float, void>)P("glUniform1f");
        _uniform2f = (delegate* unmanaged[Cdecl]<int, float, float, void>)P("glUniform2f");
        _uniform4f = (delegate* unmanaged[Cdecl]<int, float, float, float, float, void>)P("glUniform4f");
        _readPixels = (delegate* unmanaged[Cdecl]<int, int, int, int, int, int, void*, void>)P("glReadPixels");
        _getString = (delegate* unmanaged[Cdecl]<int, byte*>)P("glGetString");
        _framebufferTexture2D = (delegate* unmanaged[Cdecl]<int, int, int, int, int, void>)P("glFramebufferTexture2D");
        IsLoaded = true;
    }

    public static void ClearColor(float red, float green, float blue, float alpha) => _clearColor(red, green, blue, alpha);
    public static void Clear(ClearBufferMask mask) => _clear((int)mask);
    public static void Viewport(int x, int y, int width, int height) => _viewport(x, y, width, height);
    public static void Scissor(int x, int y, int width, int height) => _scissor(x, y, width, height);
    public static void Enable(EnableCap cap) => _enable((int)cap);
    public static void Disable(EnableCap cap) => _disable((int)cap);
    public static void BlendFunc(BlendingFactor source, BlendingFactor destination) => _blendFunc((int)source, (int)destination);
    public static void Finish() => _finish();
    public static ErrorCode GetError() => (ErrorCode)_getError();

    public static string GetString(StringName name) => Marshal.PtrToStringUTF8((nint)_getString((int)name)) ?? "";

    public static void GetInteger(GetPName name, out int value)
    {
        int v;
        _getIntegerv((int)name, &v);
        value = v;
    }

    public static int GenTexture() { int id; _genTextures(1, &id); return id; }
    public static void DeleteTexture(int texture) => _deleteTextures(1, &texture);
    public static void BindTexture(TextureTarget target, int texture) => _bindTexture((int)target, texture);
    public static void ActiveTexture(TextureUnit unit) => _activeTexture((int)unit);
    public static void TexParameter(TextureTarget target, TextureParameterName name, int value) => _texParameteri((int)target, (int)name, value);
    public static void PixelStore(PixelStoreParameter name, int value) => _pixelStore((int)name, value);

    public static void TexImage2D(TextureTarget target, int level, PixelInternalFormat internalFormat, int width, int height, int border,
        PixelFormat format, PixelType type, nint pixels) =>
        _texImage2D((int)target, level, (int)internalFormat, width, height, border, (int)format, (int)type, (void*)pixels);

    public static void TexImage2D<T>(TextureTarget target, int level, PixelInternalFormat internalFormat, int width, int height, int border,
        PixelFormat format, PixelType type, ReadOnlySpan<T> pixels) where T : unmanaged
    {
        fixed (T* p = pixels)
        {
            _texImage2D((int)target, level, (int)internalFormat, width, height, border, (int)format, (int)type, p);
        }
    }

    public static void TexSubImage2D<T>(TextureTarget target, int level, int xOffset, int yOffset, int width, int height,
        PixelFormat format, PixelType type, ReadOnlySpan<T> pixels) where T : unmanaged
    {
        fixed (T* p = pixels)
        {
            _texSubImage2D((int)target, level, xOffset, yOffset, width, height, (int)format, (int)type, p);
        }
    }

    public static int GenBuffer() { int id; _genBuffers(1, &id); return id; }
    public static void DeleteBuffer(int buffer) => _deleteBuffers(1, &buffer);
    public static void BindBuffer(BufferTarget target, int buffer) => _bindBuffer((int)target, buffer);

    public static void BufferData<T>(BufferTarget target, int size, ReadOnlySpan<T> data, BufferUsageHint usage) where T : unmanaged
    {
        fixed (T* p = data)
        {
            _bufferData((int)target, size, data.IsEmpty ? null : p, (int)usage);
        }
    }

    public static void BufferSubData<T>(BufferTarget target, nint offset, int size, ReadOnlySpan<T> data) where T : unmanaged
    {
        fixed (T* p = data)
        {
            _bufferSubData((int)target, offset, size, p);
        }
    }

    public static int GenVertexArray() { int id; _genVertexArrays(1, &id); return id; }
    public static void DeleteVertexArray(int array) => _deleteVertexArrays(1, &array);
    public static void BindVertexArray(int array) => _bindVertexArray(array);
    public static void EnableVertexAttribArray(int index) => _enableVertexAttribArray(index);

    public static void VertexAttribPointer(int index, int size, VertexAttribPointerType type, bool normalized, int stride, int offset) =>
        _vertexAttribPointer(index, size, (int)type, normalized ? (byte)1 : (byte)0, stride, offset);

    public static void DrawArrays(PrimitiveType mode, int first, int count) => _drawArrays((int)mode, first, count);

    public static int CreateShader(ShaderType type) => _createShader((int)type);
    public static void DeleteShader(int shader) => _deleteShader(shader);
    public static void CompileShader(int shader) => _compileShader(shader);

    public static void ShaderSource(int shader, string source)
    {
        var bytes = Encoding.UTF8.GetBytes(source);
        fixed (byte* p = bytes)
        {
            var pointer = p;
            var length = bytes.Length;
            _shaderSource(shader, 1, &pointer, &length);
        }
    }

    public static void GetShader(int shader, ShaderParameter name, out int value)
    {
        int v;
        _getShaderiv(shader, (int)name, &v);
        value = v;
    }

    public static string GetShaderInfoLog(int shader)
    {
        GetShader(shader, ShaderParameter.InfoLogLength, out var length);
        return InfoLog(length, (n, len, p) => _getShaderInfoLog(shader, n, len, p));
    }

    public static int CreateProgram() => _createProgram();
    public static void DeleteProgram(int program) => _deleteProgram(program);
    public static void AttachShader(int program, int shader) => _attachShader(program, shader);
    public static void LinkProgram(int program) => _linkProgram(program);
    public static void UseProgram(int program) => _useProgram(program);

    public static void GetProgram(int program, GetProgramParameterName name, out int value)
    {
        int v;
        _getProgramiv(program, (int)name, &v);
        value = v;
    }

    public static string GetProgramInfoLog(int program)
    {
        GetProgram(program, GetProgramParameterName.InfoLogLength, out var length);
        return InfoLog(length, (n, len, p) => _getProgramInfoLog(program, n, len, p));
    }

    public static int GetUniformLocation(int program, string name)
    {
        var bytes = Encoding.ASCII.GetBytes(name + "\0");
        fixed (byte* p = bytes)
        {
            return _getUniformLocation(program, p);
        }
    }

    public static void Uniform1(int location, int value) => _uniform1i(location, value);
    public static void Uniform1(int location, float value) => _uniform1f(location, value);
    public static void Uniform2(int location, float x, float y) => _uniform2f(location, x, y);
    public static void Uniform4(int location, float x, float y, float z, float w) => _uniform4f(location, x, y, z, w);

    public static void ReadPixels(int x, int y, int width, int height, PixelFormat format, PixelType type, Span<byte> pixels)
    {
        fixed (byte* p = pixels)
        {
            _readPixels(x, y, width, height, (int)format, (int)type, p);
        }
    }

    public static int GenFramebuffer() { int id; _genFramebuffers(1, &id); return id; }
    public static void DeleteFramebuffer(int framebuffer) => _deleteFramebuffers(1, &framebuffer);
    public static void BindFramebuffer(FramebufferTarget target, int framebuffer) => _bindFramebuffer((int)target, framebuffer);

    public static void FramebufferTexture2D(FramebufferTarget target, FramebufferAttachment attachment, TextureTarget textureTarget, int texture, int level) =>
        _framebufferTexture2D((int)target, (int)attachment, (int)textureTarget, texture, level);

    public static FramebufferErrorCode CheckFramebufferStatus(FramebufferTarget target) => (FramebufferErrorCode)_checkFramebufferStatus((int)target);

    private delegate void InfoLogGetter(int capacity, int* length, byte* text);

    private static string InfoLog(int capacity, InfoLogGetter get)
    {
        if (capacity <= 0)
        {
            return "";
        }

        var buffer = new byte[capacity];
        int length;
        fixed (byte* p = buffer)
        {
            get(capacity, &length, p);
        }

        return Encoding.UTF8.GetString(buffer, 0, Math.Clamp(length, 0, capacity));
    }
}
