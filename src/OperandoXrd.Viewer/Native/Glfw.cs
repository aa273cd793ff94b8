using System.Runtime.InteropServices;

namespace OperandoXrd.Viewer.Native;

/// <summary>
/// The part of GLFW 3.3 (Debian's libglfw3, <c>libglfw.so.3</c>) the viewer uses, named as in
/// OpenTK.Windowing.GraphicsLibraryFramework.GLFW so that swapping in the real OpenTK is a namespace change.
/// Callbacks are plain C function pointers: the caller passes an <c>[UnmanagedCallersOnly]</c> method, so there is
/// no delegate for the GC to collect behind GLFW's back.
/// </summary>
public static unsafe partial class GLFW
{
    private const string Library = "libglfw.so.3";

    public const int True = 1, False = 0;
    public const int Release = 0, Press = 1, Repeat = 2;

    /// <summary>Window hints (GLFW_* values).</summary>
    public const int Focused = 0x00020001, Resizable = 0x00020003, Visible = 0x00020004, Samples = 0x0002100D,
        DoubleBuffer = 0x00021010, ContextVersionMajor = 0x00022002, ContextVersionMinor = 0x00022003,
        OpenGLForwardCompat = 0x00022006, OpenGLProfile = 0x00022008, OpenGLCoreProfile = 0x00032001;

    [LibraryImport(Library, EntryPoint = "glfwInit")]
    public static partial int Init();

    [LibraryImport(Library, EntryPoint = "glfwTerminate")]
    public static partial void Terminate();

    [LibraryImport(Library, EntryPoint = "glfwSetErrorCallback")]
    public static partial nint SetErrorCallback(delegate* unmanaged[Cdecl]<int, byte*, void> callback);

    [LibraryImport(Library, EntryPoint = "glfwDefaultWindowHints")]
    public static partial void DefaultWindowHints();

    [LibraryImport(Library, EntryPoint = "glfwWindowHint")]
    public static partial void WindowHint(int hint, int value);

    [LibraryImport(Library, EntryPoint = "glfwCreateWindow", StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint CreateWindow(int width, int height, string title, nint monitor, nint share);

    [LibraryImport(Library, EntryPoint = "glfwDestroyWindow")]
    public static partial void DestroyWindow(nint window);

    [LibraryImport(Library, EntryPoint = "glfwMakeContextCurrent")]
    public static partial void MakeContextCurrent(nint window);

    [LibraryImport(Library, EntryPoint = "glfwSwapBuffers")]
    public static partial void SwapBuffers(nint window);

    [LibraryImport(Library, EntryPoint = "glfwSwapInterval")]
    public static partial void SwapInterval(int interval);

    [LibraryImport(Library, EntryPoint = "glfwPollEvents")]
    public static partial void PollEvents();

    [LibraryImport(Library, EntryPoint = "glfwWaitEventsTimeout")]
    public static partial void WaitEventsTimeout(double timeout);

    [LibraryImport(Library, EntryPoint = "glfwPostEmptyEvent")]
    public static partial void PostEmptyEvent();

    [LibraryImport(Library, EntryPoint = "glfwWindowShouldClose")]
    public static partial int WindowShouldClose(nint window);

    [LibraryImport(Library, EntryPoint = "glfwSetWindowShouldClose")]
    public static partial void SetWindowShouldClose(nint window, int value);

    [LibraryImport(Library, EntryPoint = "glfwSetWindowTitle", StringMarshalling = StringMarshalling.Utf8)]
    public static partial void SetWindowTitle(nint window, string title);

    [LibraryImport(Library, EntryPoint = "glfwGetFramebufferSize")]
    public static partial void GetFramebufferSize(nint window, out int width, out int height);

    [LibraryImport(Library, EntryPoint = "glfwGetCursorPos")]
    public static partial void GetCursorPos(nint window, out double x, out double y);

    [LibraryImport(Library, EntryPoint = "glfwGetTime")]
    public static partial double GetTime();

    [LibraryImport(Library, EntryPoint = "glfwGetProcAddress", StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint GetProcAddress(string name);

    [LibraryImport(Library, EntryPoint = "glfwSetKeyCallback")]
    public static partial nint SetKeyCallback(nint window, delegate* unmanaged[Cdecl]<nint, int, int, int, int, void> callback);

    [LibraryImport(Library, EntryPoint = "glfwSetMouseButtonCallback")]
    public static partial nint SetMouseButtonCallback(nint window, delegate* unmanaged[Cdecl]<nint, int, int, int, void> callback);

    [LibraryImport(Library, EntryPoint = "glfwSetCursorPosCallback")]
    public static partial nint SetCursorPosCallback(nint window, delegate* unmanaged[Cdecl]<nint, double, double, void> callback);

    [LibraryImport(Library, EntryPoint = "glfwSetScrollCallback")]
    public static partial nint SetScrollCallback(nint window, delegate* unmanaged[Cdecl]<nint, double, double, void> callback);

    [LibraryImport(Library, EntryPoint = "glfwSetFramebufferSizeCallback")]
    public static partial nint SetFramebufferSizeCallback(nint window, delegate* unmanaged[Cdecl]<nint, int, int, void> callback);

    [LibraryImport(Library, EntryPoint = "glfwSetWindowCloseCallback")]
    public static partial nint SetWindowCloseCallback(nint window, delegate* unmanaged[Cdecl]<nint, void> callback);
}

/// <summary>The keys the viewer reacts to; values are GLFW key codes, as in OpenTK's <c>Keys</c>.</summary>
public enum Keys
{
    Unknown = -1,
    Space = 32,
    D0 = 48,
    A = 65, L = 76, Q = 81, R = 82,
    Escape = 256, Enter = 257, Right = 262, Left = 263, Down = 264, Up = 265, PageUp = 266, PageDown = 267,
    Home = 268, End = 269,
}

/// <summary>Mouse buttons (GLFW values, as OpenTK's <c>MouseButton</c>).</summary>
public enum MouseButton
{
    Left = 0, Right = 1, Middle = 2,
}
