using System.Diagnostics;
using System.Globalization;
using OperandoXrd.Reports.Color;
using OperandoXrd.Viewer.Feeds;
using OperandoXrd.Viewer.Native;
using OperandoXrd.Viewer.Rendering;
using SkiaSharp;

namespace OperandoXrd.Viewer;

/// <summary>How to run the viewer.</summary>
public sealed record ViewerOptions
{
    public int Width { get; init; } = 1400;

    public int Height { get; init; } = 900;

    /// <summary>When set: render once <see cref="AfterFrames"/> frames are in, write this PNG and exit.</summary>
    public string? ScreenshotPath { get; init; }

    /// <summary>Frames to wait for before the screenshot; null means all the feed holds when the viewer starts.</summary>
    public int? AfterFrames { get; init; }

    /// <summary>Longest wait for <see cref="AfterFrames"/>; then the screenshot shows what arrived.</summary>
    public TimeSpan ScreenshotTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Start in log intensity scale.</summary>
    public bool LogScale { get; init; }
}

/// <summary>
/// The live viewer window. The loop turns at 30 Hz: each turn takes what the feed has ready (never waits for it)
/// and redraws only when something changed. Keys: L log/linear, ←/→ previous/next frame, Home/End first/latest
/// (End resumes following), R resets the zoom, Esc/Q closes. Mouse wheel over the contour or the pattern zooms
/// the 2θ axis around the cursor; dragging with the left button pans it.
/// </summary>
public sealed class ViewerWindow : GameWindow
{
    // Frames taken from the feed per turn: enough to catch up quickly, few enough to keep the window responsive.
    private const int MaxFramesPerTurn = 512;

    private readonly IRunFeed _feed;
    private readonly ViewerOptions _options;
    private readonly ViewerState _state = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly int _target;
    private ViewerRenderer? _renderer;
    private bool _dirty = true;
    private double _lastRedraw;
    private long _lastDropped = -1;
    private string? _lastStatus;
    private bool _dragging;

    public ViewerWindow(IRunFeed feed, ViewerOptions options)
        : base(new GameWindowSettings { UpdateFrequency = 30 }, new NativeWindowSettings
        {
            ClientSize = (options.Width, options.Height),
            Title = "oxrd view",
            StartVisible = options.ScreenshotPath is null,
        })
    {
        _feed = feed;
        _options = options;
        _target = options.AfterFrames ?? feed.AvailableFrames;
        if (options.LogScale)
        {
            _state.ToggleLog();
        }
    }

    public ViewerState State => _state;

    /// <summary>How many times the window itself was redrawn (not counting screenshots).</summary>
    public long Redraws { get; private set; }

    /// <summary>Set when a screenshot was wanted: whether all <see cref="ViewerOptions.AfterFrames"/> frames were in it.</summary>
    public bool? ScreenshotComplete { get; private set; }

    /// <summary>Renders the current state off-screen at <paramref name="width"/> x <paramref name="height"/> and returns it top row first.</summary>
    public SKBitmap Capture(int width, int height)
    {
        var renderer = _renderer ?? throw new InvalidOperationException("the viewer is not loaded yet");
        var texture = GL.GenTexture();
        GL.BindTexture(TextureTarget.Texture2D, texture);
        GL.TexParameter(TextureTarget.Texture2D, TextureParameterName.TextureMinFilter, (int)TextureMinFilter.Nearest);
        GL.TexParameter(TextureTarget.Texture2D, TextureParameterName.TextureMagFilter, (int)TextureMinFilter.Nearest);
        GL.TexImage2D(TextureTarget.Texture2D, 0, PixelInternalFormat.Rgba8, width, height, 0, PixelFormat.Rgba, PixelType.UnsignedByte, 0);
        var framebuffer = GL.GenFramebuffer();
        GL.BindFramebuffer(FramebufferTarget.Framebuffer, framebuffer);
        GL.FramebufferTexture2D(FramebufferTarget.Framebuffer, FramebufferAttachment.ColorAttachment0, TextureTarget.Texture2D, texture, 0);
        try
        {
            var status = GL.CheckFramebufferStatus(FramebufferTarget.Framebuffer);
            if (status != FramebufferErrorCode.FramebufferComplete)
            {
                throw new InvalidOperationException($"off-screen framebuffer {width}x{height} is incomplete (GL status 0x{(int)status:X4})");
            }

            renderer.Render(_state, Info(), width, height);
            GL.Finish();
            var pixels = new byte[width * height * 4];
            GL.PixelStore(PixelStoreParameter.PackAlignment, 1);
            GL.ReadPixels(0, 0, width, height, PixelFormat.Rgba, PixelType.UnsignedByte, pixels);

            // GL's rows run bottom to top, an image's top to bottom. The framebuffer is opaque (cleared to white).
            var image = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
            var target = image.GetPixelSpan();
            var stride = width * 4;
            for (var y = 0; y < height; y++)
            {
                pixels.AsSpan((height - 1 - y) * stride, stride).CopyTo(target.Slice(y * stride, stride));
            }

            return image;
        }
        finally
        {
            GL.BindFramebuffer(FramebufferTarget.Framebuffer, 0);
            GL.DeleteFramebuffer(framebuffer);
            GL.DeleteTexture(texture);
        }
    }

    protected override void OnLoad()
    {
        GLFW.SwapInterval(0);
        _renderer = new ViewerRenderer(ColorMap.Viridis);
    }

    protected override void OnUnload()
    {
        _renderer?.Dispose();
        _renderer = null;
    }

    protected override void OnUpdateFrame(FrameEventArgs args)
    {
        var taken = 0;
        while (taken < MaxFramesPerTurn && _feed.TryRead(out var frame))
        {
            _state.Add(frame);
            taken++;
        }

        if (taken > 0)
        {
            _renderer!.Sync(_state);
            _dirty = true;
            Title = string.Create(CultureInfo.InvariantCulture, $"oxrd view — {_feed.Description} — {_state.Frames.Count} frames");
        }

        if (_state.SetEmergence(_feed.Emergence))
        {
            _dirty = true;
        }

        if (_feed.Dropped != _lastDropped || !string.Equals(_feed.Status, _lastStatus, StringComparison.Ordinal))
        {
            (_lastDropped, _lastStatus, _dirty) = (_feed.Dropped, _feed.Status, true);
        }

        if (_options.ScreenshotPath is { } path)
        {
            // Frames the producer dropped were handed over all the same: they count towards --after-frames, and the
            // header says how many there were.
            var seen = _state.Frames.Count + _state.Refused + _feed.Dropped;
            var enough = seen >= _target;
            if (enough || _feed.IsComplete || _clock.Elapsed > _options.ScreenshotTimeout)
            {
                var image = Capture(_options.Width, _options.Height);
                var folder = Path.GetDirectoryName(Path.GetFullPath(path));
                if (!string.IsNullOrEmpty(folder))
                {
                    Directory.CreateDirectory(folder);
                }

                using (image)
                using (var png = image.Encode(SKEncodedImageFormat.Png, 100))
                using (var stream = File.Create(path))
                {
                    png.SaveTo(stream);
                }

                ScreenshotComplete = enough;
                Close();
            }
        }
    }

    protected override void OnRenderFrame(FrameEventArgs args)
    {
        var now = _clock.Elapsed.TotalSeconds;
        if (_options.ScreenshotPath is not null || (!_dirty && now - _lastRedraw < 1.0))
        {
            return;
        }

        _renderer!.Render(_state, Info(), ClientSize.X, ClientSize.Y);
        SwapBuffers();
        Redraws++;
        (_dirty, _lastRedraw) = (false, now);
    }

    protected override void OnResize(ResizeEventArgs e) => _dirty = true;

    protected override void OnKeyDown(KeyboardKeyEventArgs e)
    {
        switch (e.Key)
        {
            case Keys.L: _state.ToggleLog(); break;
            case Keys.Left: _state.Step(-1); break;
            case Keys.Right: _state.Step(1); break;
            case Keys.PageDown: _state.Step(-10); break;
            case Keys.PageUp: _state.Step(10); break;
            case Keys.Home: _state.First(); break;
            case Keys.End: _state.Latest(); break;
            case Keys.R: _state.ResetZoom(); break;
            case Keys.Escape or Keys.Q: Close(); break;
            default: return;
        }

        _dirty = true;
    }

    protected override void OnMouseWheel(MouseWheelEventArgs e)
    {
        var (x, y) = MousePosition;
        if (RadialAt(x, y) is { } anchor)
        {
            _state.Zoom(Math.Pow(0.8, e.OffsetY), anchor);
            _dirty = true;
        }
    }

    protected override void OnMouseDown(MouseButtonEventArgs e)
    {
        var (x, y) = MousePosition;
        _dragging = e.Button == MouseButton.Left && RadialAt(x, y) is not null;
    }

    protected override void OnMouseUp(MouseButtonEventArgs e) => _dragging = false;

    protected override void OnMouseMove(MouseMoveEventArgs e)
    {
        if (!_dragging || e.DeltaX == 0)
        {
            return;
        }

        var plot = new ViewerLayout(ClientSize.X, ClientSize.Y).Contour;
        var (lo, hi) = _state.View;
        _state.Pan(-e.DeltaX / plot.Width * (hi - lo));
        _dirty = true;
    }

    /// <summary>The radial value under the cursor when it is over the contour or the pattern.</summary>
    private double? RadialAt(double x, double y)
    {
        var layout = new ViewerLayout(ClientSize.X, ClientSize.Y);
        foreach (var plot in (ReadOnlySpan<PixelRect>)[layout.Contour, layout.Pattern])
        {
            if (plot.Contains(x, y))
            {
                var (lo, hi) = _state.View;
                return lo + (x - plot.X) / plot.Width * (hi - lo);
            }
        }

        return null;
    }

    private FeedInfo Info() => new(_feed.Description, _feed.Dropped, _feed.Status);
}
