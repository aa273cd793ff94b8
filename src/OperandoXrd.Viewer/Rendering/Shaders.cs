using System.Globalization;
using OperandoXrd.Viewer.Native;

namespace OperandoXrd.Viewer.Rendering;

/// <summary>Compiles and links GLSL 330 programs; a compile or link error throws with the driver's log.</summary>
internal static class Shaders
{
    /// <summary>
    /// The vertex shader every viewer batch uses: <c>aPosition</c> (location 0) in pixels, top-left origin, to clip
    /// space through <c>uViewport</c>, and each further attribute (location 1, 2, ...) handed to the fragment shader
    /// as <c>v</c>+name (<c>aColor</c> → <c>vColor</c>). <see cref="VertexArray"/> takes the same component counts.
    /// </summary>
    public static string PixelVertexSource(params ReadOnlySpan<(string Name, int Components)> attributes)
    {
        var declarations = new System.Text.StringBuilder();
        var assignments = new System.Text.StringBuilder();
        for (var i = 0; i < attributes.Length; i++)
        {
            var (name, components) = attributes[i];
            var type = components == 1 ? "float" : $"vec{components}";
            declarations.Append(CultureInfo.InvariantCulture, $"layout(location = {i + 1}) in {type} a{name};\n");
            declarations.Append(CultureInfo.InvariantCulture, $"out {type} v{name};\n");
            assignments.Append(CultureInfo.InvariantCulture, $"    v{name} = a{name};\n");
        }

        return $$"""
            #version 330 core
            layout(location = 0) in vec2 aPosition;
            uniform vec2 uViewport;
            {{declarations}}void main() {
                gl_Position = vec4(aPosition.x / uViewport.x * 2.0 - 1.0, 1.0 - aPosition.y / uViewport.y * 2.0, 0.0, 1.0);
            {{assignments}}}
            """;
    }

    public static int Link(string name, string vertexSource, string fragmentSource)
    {
        var vertex = Compile(name, ShaderType.VertexShader, vertexSource);
        var fragment = Compile(name, ShaderType.FragmentShader, fragmentSource);
        var program = GL.CreateProgram();
        GL.AttachShader(program, vertex);
        GL.AttachShader(program, fragment);
        GL.LinkProgram(program);
        GL.DeleteShader(vertex);
        GL.DeleteShader(fragment);
        GL.GetProgram(program, GetProgramParameterName.LinkStatus, out var linked);
        if (linked == 0)
        {
            throw new InvalidOperationException($"viewer shader program '{name}' did not link: {GL.GetProgramInfoLog(program)}");
        }

        return program;
    }

    private static int Compile(string name, ShaderType type, string source)
    {
        var shader = GL.CreateShader(type);
        GL.ShaderSource(shader, source);
        GL.CompileShader(shader);
        GL.GetShader(shader, ShaderParameter.CompileStatus, out var ok);
        if (ok == 0)
        {
            throw new InvalidOperationException($"viewer {type} of '{name}' did not compile: {GL.GetShaderInfoLog(shader)}");
        }

        return shader;
    }
}
