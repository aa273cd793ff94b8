using OperandoXrd.Viewer.Native;

namespace OperandoXrd.Viewer.Rendering;

/// <summary>Compiles and links GLSL 330 programs; a compile or link error throws with the driver's log.</summary>
internal static class Shaders
{
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
