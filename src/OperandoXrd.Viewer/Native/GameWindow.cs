using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace OperandoXrd.Viewer.Native;

/// <summary>OpenTK's <c>ContextProfile</c>.</summary>
public enum ContextProfile { Any = 0, Core = 1 }

/// <summary>OpenTK's <c>GameWindowSettings</c>: how often the loop turns.</summary>
public sealed class GameWindowSettings
{
    public static GameWindowSettings Default => new();

    /// <summary>Update/render rate in Hz; the loop waits for events at most 1/rate seconds.</summary>
    public double UpdateFrequency { get; set; } = 30;
}

/// <summary>OpenTK's <c>NativeWindowSettings</c>, reduced to what GLFW needs from us.</summary>
public sealed class NativeWindowSettings
{
    public static NativeWindowSettings Default => new();

    public (int X, int Y) ClientSize { get; set; } = (1400, 900);

    public string Title { get; set; } = "OperandoXrd";

    public Version APIVersion { get; set; } = new(3, 3);

    public ContextProfile Profile { get; set; } = ContextProfile.Core;

    /// <summary>False opens an unmapped window: it still owns a GL context (for off-screen rendering into a framebuffer).</summary>
    public bool StartVisible { get; set; } = true;
}

public readonly record struct FrameEventArgs(double Time);

public readonly record struct ResizeEventArgs(int Width, int Height);

public readonly record struct KeyboardKeyEventArgs(Keys Key, int ScanCode, int Modifiers, bool IsRepeat);

public readonly record struct MouseButtonEventArgs(MouseButton Button, bool IsPressed, int Modifiers);

public readonly record struct MouseMoveEventArgs(float X, float Y, float DeltaX, float DeltaY);

public readonly record struct MouseWheelEventArgs(float OffsetX, float OffsetY);

/// <summary>GLFW could not start, or could not give us the window or context we asked for.</summary>
public sealed class GlfwException : Exception
{
    public GlfwException(string message) : base(message) { }

    public GlfwException() { }

    public GlfwException(string message, Exception inner) : base(message, inner) { }
}

/// <summary>
/// A window with a GL context and a loop, shaped like OpenTK's <c>GameWindow</c>: override OnLoad, OnUpdateFrame,
/// OnRenderFrame, OnResize and the input handlers, call <see cref="Run"/>. GLFW wants one thread for the window's
/// whole life, so construct, run and dispose on the same thread.
/// </summary>
public unsafe class GameWindow : IDisposable
{
    // GLFW hands callbacks a window handle; this maps it back to the object. Callbacks arrive only on the thread
    // that polls, so the lock is for construction and disposal on other windows' threads.
    private static readonly Dictionary<nint, GameWindow> Windows = [];
    private static string? _lastError;
    private static int _glfwUsers;

    private readonly double _period;
    private Exception? _callbackFailure;
    private float _mouseX, _mouseY;
    private bool _disposed;

    public GameWindow(GameWindowSettings gameWindowSettings, NativeWindowSettings nativeWindowSettings)
    {
        ArgumentNullException.ThrowIfNull(gameWindowSettings);
        ArgumentNullException.ThrowIfNull(nativeWindowSettings);
        _period = 1.0 / Math.Max(1.0, gameWindowSettings.UpdateFrequency);
        lock (Windows)
        {
            if (_glfwUsers == 0)
            {
                GLFW.SetErrorCallback(&OnError);
                if (GLFW.Init() == GLFW.False)
                {
                    throw new GlfwException($"GLFW could not initialise: {_lastError ?? "no reason given"}");
                }
            }

            _glfwUsers++;
        }

        GLFW.DefaultWindowHints();
        GLFW.WindowHint(GLFW.ContextVersionMajor, nativeWindowSettings.APIVersion.Major);
        GLFW.WindowHint(GLFW.ContextVersionMinor, nativeWindowSettings.APIVersion.Minor);
        if (nativeWindowSettings.Profile == ContextProfile.Core)
        {
            GLFW.WindowHint(GLFW.OpenGLProfile, GLFW.OpenGLCoreProfile);
            GLFW.WindowHint(GLFW.OpenGLForwardCompat, GLFW.True);
        }

        GLFW.WindowHint(GLFW.Visible, nativeWindowSettings.StartVisible ? GLFW.True : GLFW.False);
        var (width, height) = nativeWindowSettings.ClientSize;
        Handle = GLFW.CreateWindow(width, height, nativeWindowSettings.Title, 0, 0);
        if (Handle == 0)
        {
            var reason = _lastError ?? "no reason given";
            ReleaseGlfw();
            throw new GlfwException(
                $"GLFW could not create a {width}x{height} window with an OpenGL {nativeWindowSettings.APIVersion.Major}.{nativeWindowSettings.APIVersion.Minor} {nativeWindowSettings.Profile} context: {reason}");
        }

        lock (Windows)
        {
            Windows[Handle] = this;
        }

        Title = nativeWindowSettings.Title;
        GLFW.MakeContextCurrent(Handle);
        GL.LoadBindings(new GLFWBindingsContext());
        GLFW.SetKeyCallback(Handle, &OnKeyCallback);
        GLFW.SetMouseButtonCallback(Handle, &OnMouseButtonCallback);
        GLFW.SetCursorPosCallback(Handle, &OnCursorPosCallback);
        GLFW.SetScrollCallback(Handle, &OnScrollCallback);
        GLFW.SetFramebufferSizeCallback(Handle, &OnFramebufferSizeCallback);
        GLFW.GetFramebufferSize(Handle, out var fbWidth, out var fbHeight);
        ClientSize = (fbWidth, fbHeight);
    }

    /// <summary>The GLFW window handle.</summary>
    public nint Handle { get; }

    /// <summary>Framebuffer size in pixels.</summary>
    public (int X, int Y) ClientSize { get; private set; }

    public (float X, float Y) MousePosition => (_mouseX, _mouseY);

    public bool IsExiting => _disposed || GLFW.WindowShouldClose(Handle) != GLFW.False;

    public string Title
    {
        get;
        set
        {
            field = value;
            GLFW.SetWindowTitle(Handle, value);
        }
    }

    /// <summary>Runs OnLoad, then the update/render loop until <see cref="Close"/> or the window's close button, then OnUnload.</summary>
    public void Run()
    {
        OnLoad();
        OnResize(new ResizeEventArgs(ClientSize.X, ClientSize.Y));
        var last = GLFW.GetTime();
        while (!IsExiting)
        {
            GLFW.WaitEventsTimeout(_period);
            ThrowCallbackFailure();
            var now = GLFW.GetTime();
            OnUpdateFrame(new FrameEventArgs(now - last));
            if (IsExiting)
            {
                break;
            }

            OnRenderFrame(new FrameEventArgs(now - last));
            last = now;
        }

        OnUnload();
    }

    /// <summary>Ends <see cref="Run"/> after the current turn.</summary>
    public void Close() => GLFW.SetWindowShouldClose(Handle, GLFW.True);

    public void SwapBuffers() => GLFW.SwapBuffers(Handle);

    public void MakeCurrent() => GLFW.MakeContextCurrent(Handle);

    protected virtual void OnLoad() { }

    protected virtual void OnUnload() { }

    protected virtual void OnUpdateFrame(FrameEventArgs args) { }

    protected virtual void OnRenderFrame(FrameEventArgs args) { }

    protected virtual void OnResize(ResizeEventArgs e) { }

    protected virtual void OnKeyDown(KeyboardKeyEventArgs e) { }

    protected virtual void OnKeyUp(KeyboardKeyEventArgs e) { }

    protected virtual void OnMouseDown(MouseButtonEventArgs e) { }

    protected virtual void OnMouseUp(MouseButtonEventArgs e) { }

    protected virtual void OnMouseMove(MouseMoveEventArgs e) { }

    protected virtual void OnMouseWheel(MouseWheelEventArgs e) { }

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        lock (Windows)
        {
            Windows.Remove(Handle);
        }

        GLFW.DestroyWindow(Handle);
        ReleaseGlfw();
    }

    private static void ReleaseGlfw()
    {
        lock (Windows)
        {
            if (--_glfwUsers == 0)
            {
                GLFW.Terminate();
            }
        }
    }

    private void ThrowCallbackFailure()
    {
        if (_callbackFailure is { } failure)
        {
            _callbackFailure = null;
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        }
    }

    // An exception must not unwind through GLFW's C frames: catch it here and rethrow from Run after the poll.
    private static void Dispatch<TArgs>(nint handle, TArgs args, Action<GameWindow, TArgs> action)
    {
        GameWindow? window;
        lock (Windows)
        {
            Windows.TryGetValue(handle, out window);
        }

        if (window is null)
        {
            return;
        }

        try
        {
            action(window, args);
        }
#pragma warning disable CA1031 // stashed and rethrown on the loop's thread
        catch (Exception e)
#pragma warning restore CA1031
        {
            window._callbackFailure ??= e;
        }
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void OnError(int code, byte* description) =>
        _lastError = $"{Marshal.PtrToStringUTF8((nint)description)} (GLFW error 0x{code:X5})";

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void OnKeyCallback(nint handle, int key, int scanCode, int action, int mods) =>
        Dispatch(handle, new KeyboardKeyEventArgs((Keys)key, scanCode, mods, action == GLFW.Repeat), (w, e) =>
        {
            if (action == GLFW.Release)
            {
                w.OnKeyUp(e);
            }
            else
            {
                w.OnKeyDown(e);
            }
        });

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void OnMouseButtonCallback(nint handle, int button, int action, int mods) =>
        Dispatch(handle, new MouseButtonEventArgs((MouseButton)button, action == GLFW.Press, mods), static (w, e) =>
        {
            if (e.IsPressed)
            {
                w.OnMouseDown(e);
            }
            else
            {
                w.OnMouseUp(e);
            }
        });

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void OnCursorPosCallback(nint handle, double x, double y) =>
        Dispatch(handle, ((float)x, (float)y), static (w, p) =>
        {
            var e = new MouseMoveEventArgs(p.Item1, p.Item2, p.Item1 - w._mouseX, p.Item2 - w._mouseY);
            (w._mouseX, w._mouseY) = (p.Item1, p.Item2);
            w.OnMouseMove(e);
        });

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void OnScrollCallback(nint handle, double x, double y) =>
        Dispatch(handle, new MouseWheelEventArgs((float)x, (float)y), static (w, e) => w.OnMouseWheel(e));

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static void OnFramebufferSizeCallback(nint handle, int width, int height) =>
        Dispatch(handle, new ResizeEventArgs(width, height), static (w, e) =>
        {
            w.ClientSize = (e.Width, e.Height);
            w.OnResize(e);
        });
}
