using System.Globalization;
using OperandoXrd.Reports.Axes;
using OperandoXrd.Reports.Color;
using OperandoXrd.Viewer.Feeds;
using OperandoXrd.Viewer.Native;
using OperandoXrd.Viewer.Rendering.Text;

namespace OperandoXrd.Viewer.Rendering;

/// <summary>What the header reports besides the state: the feed and the drop count.</summary>
internal readonly record struct FeedInfo(string Description, long Dropped, string? Status);

/// <summary>Draws the four panels of a <see cref="ViewerState"/> into the current framebuffer.</summary>
internal sealed class ViewerRenderer : IDisposable
{
    public static readonly Rgba Background = new(255, 255, 255);
    public static readonly Rgba Ink = new(20, 20, 20);
    public static readonly Rgba Grid = new(150, 150, 150);
    public static readonly Rgba HeaderBackground = new(232, 236, 242);
    public static readonly Rgba Observed = new(31, 119, 180);
    public static readonly Rgba Calculated = new(214, 39, 40);
    public static readonly Rgba Difference = new(110, 110, 110);
    public static readonly Rgba Marker = new(255, 127, 14);

    /// <summary>Emergence events: a magenta no viridis entry comes near, so the contour's marks stand out.</summary>
    public static readonly Rgba Emergence = new(230, 0, 140);

    private readonly Batch2D _batch = new();
    private readonly TextBatch _text = new(GlyphAtlas.Labels);
    private readonly PlotPainter _plot;
    private readonly ContourLayer _contour;
    private readonly ColorMap _map;

    public ViewerRenderer(ColorMap map)
    {
        _map = map;
        _contour = new ContourLayer(map);
        _plot = new PlotPainter(_batch, _text);
    }

    /// <summary>Uploads frames the contour has not got yet (one texture row each).</summary>
    public void Sync(ViewerState state)
    {
        while (_contour.Rows < state.Frames.Count && _contour.AddRow(state.Frames[_contour.Rows].Intensity))
        {
        }
    }

    /// <summary>The frame-counter text of the header, e.g. "frame 30/30".</summary>
    public static string FrameCounter(ViewerState state) =>
        string.Create(CultureInfo.InvariantCulture, $"frame {state.Selected + 1}/{state.Frames.Count}");

    public void Render(ViewerState state, FeedInfo feed, int width, int height)
    {
        var layout = new ViewerLayout(width, height);
        GL.Viewport(0, 0, width, height);
        GL.ClearColor(Background.R / 255f, Background.G / 255f, Background.B / 255f, 1f);
        GL.Clear(ClearBufferMask.ColorBufferBit);
        GL.Enable(EnableCap.Blend);
        GL.BlendFunc(BlendingFactor.SrcAlpha, BlendingFactor.OneMinusSrcAlpha);

        var (low, high) = ColorRange(state);
        double bins = state.Frames.Count > 0 ? state.Frames[0].Radial.Length : 1;
        var (bin0, bin1) = BinWindow(state, bins);
        _contour.Draw(layout.Contour, width, height, bin0, bin1, low, high, state.LogScale);

        DrawHeader(layout, state, feed);
        DrawContourPanel(layout, state, low, high);
        DrawPatternPanel(layout, state);
        DrawVoltagePanel(layout, state);
        DrawLatticePanel(layout, state);
        if (feed.Status is { Length: > 0 } status)
        {
            // Small, bottom left: the feed's own note (waiting for a file, a file it could not read and will retry).
            var room = Math.Max(0, (width - 20) / _text.Atlas.AverageAdvance);
            _text.Draw(status.Length > room ? status[..room] : status, 10, height - _text.Atlas.LineHeight - 2, Calculated);
        }

        _batch.Flush(width, height);
        _text.Flush(width, height);
    }

    public void Dispose()
    {
        _batch.Dispose();
        _text.Dispose();
        _contour.Dispose();
    }

    /// <summary>Colour-scale limits: data min..max, or log10 of (max·1e-4 or the smallest positive value)..max.</summary>
    internal static (double Low, double High) ColorRange(ViewerState state)
    {
        var (min, max, pos) = state.Intensity;
        if (!double.IsFinite(max))
        {
            return (0, 1);
        }

        if (state.LogScale)
        {
            var top = Math.Log10(Math.Max(max, 1e-30));
            var bottom = Math.Log10(Math.Max(double.IsFinite(pos) ? pos : max * 1e-4, max * 1e-4));
            return (bottom, Math.Max(top, bottom + 1e-6));
        }

        return (min, Math.Max(max, min + 1e-12));
    }

    /// <summary>The view's radial window as fractional bin coordinates (bin i covers [i, i+1)).</summary>
    internal static (double Bin0, double Bin1) BinWindow(ViewerState state, double bins)
    {
        var (lo, hi) = state.FullRange;
        var (v0, v1) = state.View;
        return ((v0 - lo) / (hi - lo) * bins, (v1 - lo) / (hi - lo) * bins);
    }

    private void DrawHeader(ViewerLayout layout, ViewerState state, FeedInfo feed)
    {
        _batch.Rect(layout.Header, HeaderBackground);
        var right = new List<string>
        {
            FrameCounter(state),
            state.Current is { } f ? string.Create(CultureInfo.InvariantCulture, $"#{f.Index}") : "#-",
            string.Create(CultureInfo.InvariantCulture, $"dropped {feed.Dropped}"),
            state.LogScale ? "log" : "linear",
        };
        if (state.Current is { Rwp: var rwp } && double.IsFinite(rwp))
        {
            right.Add(string.Create(CultureInfo.InvariantCulture, $"Rwp {100 * rwp:F2} %"));
        }

        var rightText = string.Join("   ", right);
        var y = (ViewerLayout.HeaderHeight - _text.Atlas.LineHeight) / 2;
        var rightX = layout.Width - 10 - _text.Measure(rightText);
        _text.Draw(rightText, rightX, y, Ink);

        // The emergence events, newest first, left of the counters; the feed's description gets what room is left.
        if (state.Emergence.Count > 0)
        {
            var events = string.Join("   ", state.Emergence.Reverse().Select(e => e.StatusLine));
            var eventRoom = Math.Max(0, (rightX - 40) * 2 / 3 / _text.Atlas.AverageAdvance);
            if (events.Length > eventRoom)
            {
                events = eventRoom > 1 ? events[..(eventRoom - 1)] + "…" : "";
            }

            rightX -= 30 + _text.Measure(events);
            _text.Draw(events, rightX + 10, y, Emergence);
        }

        var left = "oxrd view  " + feed.Description;
        var room = Math.Max(0, (rightX - 30) / _text.Atlas.AverageAdvance);
        if (left.Length > room)
        {
            left = room > 1 ? "…" + left[^(room - 1)..] : "";
        }

        _text.Draw(left, 10, y, Ink);
    }

    private void DrawContourPanel(ViewerLayout layout, ViewerState state, double low, double high)
    {
        var plot = layout.Contour;
        _plot.Title(plot, "(a) intensity vs 2θ vs frame");
        _batch.Frame(new PixelRect(plot.X - 1, plot.Y - 1, plot.Width + 2, plot.Height + 2), Ink);
        var rows = state.Frames.Count;
        _plot.XAxis(plot, state.View, rows > 0 ? ViewerPanelData.RadialLabel(state) : null);
        if (rows == 0)
        {
            const string waiting = "waiting for frames…";
            _text.Draw(waiting, plot.X + (plot.Width - _text.Measure(waiting)) / 2, plot.Y + plot.Height / 2 - _text.Atlas.LineHeight, Ink);
            return;
        }

        // Frame axis: row p of the texture is the p-th frame seen; label with the frames' own indices.
        foreach (var tick in NiceTicks.Linear(0, Math.Max(1, rows - 1), Math.Max(2, plot.Height / 45)))
        {
            var p = (int)Math.Round(tick.Value);
            if (p < 0 || p >= rows)
            {
                continue;
            }

            var yy = plot.Bottom - (p + 0.5) / rows * plot.Height;
            _batch.Rect(plot.X - 6, (int)yy, 5, 1, Ink);
            var label = state.Frames[p].Index.ToString(CultureInfo.InvariantCulture);
            _text.Draw(label, plot.X - 10 - _text.Measure(label), (int)yy - _text.Atlas.LineHeight / 2, Ink);
        }

        // The selected frame: a marker beside the image, never over it.
        var sy = plot.Bottom - (state.Selected + 0.5) / rows * plot.Height;
        _batch.Triangle(plot.Right + 2, sy, plot.Right + 10, sy - 5, plot.Right + 10, sy + 5, Marker);
        DrawEmergenceMarks(plot, state, rows);

        // Colour scale: the 256 entries the shader indexes, bottom to top, with the data values they stand for.
        var bar = layout.ColorBar;
        for (var i = 0; i < 256; i++)
        {
            double y0 = bar.Bottom - (i + 1) * bar.Height / 256.0, y1 = bar.Bottom - i * bar.Height / 256.0;
            _batch.Rect(bar.X, y0, bar.Width, y1 - y0, _map[i]);
        }

        _batch.Frame(new PixelRect(bar.X - 1, bar.Y - 1, bar.Width + 2, bar.Height + 2), Ink);
        var ticks = state.LogScale
            ? NiceTicks.Log(Math.Pow(10, low), Math.Pow(10, high), Math.Max(2, bar.Height / 40))
            : NiceTicks.Linear(low, high, Math.Max(2, bar.Height / 40));
        foreach (var tick in ticks)
        {
            var t = state.LogScale ? (Math.Log10(tick.Value) - low) / (high - low) : (tick.Value - low) / (high - low);
            if (t < -1e-9 || t > 1 + 1e-9)
            {
                continue;
            }

            var yy = (int)Math.Round(bar.Bottom - t * bar.Height);
            _batch.Rect(bar.Right, yy, tick.Major ? 5 : 3, 1, Ink);
            if (tick.Major)
            {
                _text.Draw(tick.Label, bar.Right + 8, yy - _text.Atlas.LineHeight / 2, Ink);
            }
        }

        _text.Draw(state.LogScale ? "I log" : "I", bar.X, bar.Y - _text.Atlas.LineHeight - 8, Ink);
    }

    // Each emergence event on the contour: a dashed line along its first frame's row, a short bar at each of its peaks
    // on that row (when the feed knows where they are), and a triangle pointing at the row from the left edge.
    private void DrawEmergenceMarks(PixelRect plot, ViewerState state, int rows)
    {
        var (v0, v1) = state.View;
        foreach (var mark in state.Emergence)
        {
            var p = state.PositionOf(mark.Row.FirstFrame);
            if (p < 0)
            {
                continue;
            }

            var y = plot.Bottom - (p + 0.5) / rows * plot.Height;
            for (var x = plot.X; x < plot.Right; x += 10)
            {
                _batch.Rect(x, y - 1, Math.Min(6, plot.Right - x), 2, Emergence);
            }

            foreach (var r in mark.Radial)
            {
                if (r >= v0 && r <= v1)
                {
                    var x = plot.X + (r - v0) / (v1 - v0) * plot.Width;
                    _batch.Rect(x - 1, Math.Max(plot.Y, y - 7), 3, Math.Min(14, plot.Bottom - Math.Max(plot.Y, y - 7)), Emergence);
                }
            }

            _batch.Triangle(plot.X - 2, y, plot.X - 10, y - 5, plot.X - 10, y + 5, Emergence);
        }
    }

    private void DrawPatternPanel(ViewerLayout layout, ViewerState state)
    {
        var plot = layout.Pattern;
        _batch.Frame(new PixelRect(plot.X - 1, plot.Y - 1, plot.Width + 2, plot.Height + 2), Ink);
        var frame = state.Current;
        if (frame is null)
        {
            _plot.Title(plot, "(b) latest pattern, fit, difference");
            return;
        }

        _plot.XAxis(plot, state.View, ViewerPanelData.RadialLabel(state));

        var title = string.Create(CultureInfo.InvariantCulture, $"(b) frame #{frame.Index}");
        if (double.IsFinite(frame.Voltage))
        {
            title += string.Create(CultureInfo.InvariantCulture, $"   {frame.Voltage:F3} V");
        }

        if (double.IsFinite(frame.Rwp))
        {
            title += string.Create(CultureInfo.InvariantCulture, $"   Rwp {100 * frame.Rwp:F2} %");
        }

        _plot.Title(plot, title);

        // Phase tick rows take a strip at the bottom of the plot; the curves use the rest.
        var phases = frame.Ticks ?? [];
        var strip = phases.Count * 12 + (phases.Count > 0 ? 4 : 0);
        var curves = new PixelRect(plot.X, plot.Y, plot.Width, plot.Height - strip);
        var (v0, v1) = state.View;
        var r = frame.Radial;
        double lo = double.PositiveInfinity, hi = double.NegativeInfinity, dmax = 0, pos = double.PositiveInfinity;
        for (var i = 0; i < r.Length; i++)
        {
            if (r[i] < v0 || r[i] > v1)
            {
                continue;
            }

            Extend(frame.Intensity[i]);
            if (frame.Calculated is { } c)
            {
                Extend(c[i]);
                if (double.IsFinite(c[i]) && double.IsFinite(frame.Intensity[i]))
                {
                    dmax = Math.Max(dmax, Math.Abs(frame.Intensity[i] - c[i]));
                }
            }
        }

        void Extend(double v)
        {
            if (double.IsFinite(v))
            {
                lo = Math.Min(lo, v);
                hi = Math.Max(hi, v);
                if (v > 0)
                {
                    pos = Math.Min(pos, v);
                }
            }
        }

        if (!double.IsFinite(lo))
        {
            return;
        }

        var showDiff = frame.Calculated is not null && !state.LogScale;
        double span = Math.Max(hi - lo, 1e-12), baseline = lo - dmax - 0.05 * span;
        AxisScale y = state.LogScale
            ? new LogScale(Math.Max(double.IsFinite(pos) ? pos : hi * 1e-4, hi * 1e-4) / 1.2, hi * 1.3)
            : new LinearScale(showDiff ? baseline - dmax - 0.02 * span : lo - 0.05 * span, hi + 0.05 * span);
        _plot.YAxis(curves, y);

        double X(double radial) => curves.X + (radial - v0) / (v1 - v0) * curves.Width;
        double Y(double value) => curves.Bottom - y.Normalize(value) * curves.Height;

        if (showDiff)
        {
            _batch.Rect(curves.X, (int)Y(baseline), curves.Width, 1, Grid);
            _plot.Curve(curves, r, i => frame.Intensity[i] - frame.Calculated![i] + baseline, X, Y, Difference, 1.2);
        }

        _plot.Curve(curves, r, i => frame.Intensity[i], X, Y, Observed, 2.0);
        if (frame.Calculated is { } calc)
        {
            _plot.Curve(curves, r, i => calc[i], X, Y, Calculated, 1.2);
        }

        for (var p = 0; p < phases.Count; p++)
        {
            var color = ViewerPanelData.PhaseColor(state, phases[p].Phase);
            var top = curves.Bottom + 4 + p * 12;
            foreach (var t in phases[p].TwoTheta)
            {
                if (t >= v0 && t <= v1)
                {
                    _batch.Rect((int)X(t), top, 1, 9, color);
                }
            }
        }

        // Legend, top right: the curves, then the phases in their tick colours.
        var entries = new List<(string, Rgba)> { ("obs", Observed) };
        if (frame.Calculated is not null)
        {
            entries.Add(("calc", Calculated));
            if (showDiff)
            {
                entries.Add(("diff", Difference));
            }
        }

        for (var p = 0; p < phases.Count; p++)
        {
            entries.Add((phases[p].Phase, ViewerPanelData.PhaseColor(state, phases[p].Phase)));
        }

        int lx = plot.Right - 10 - entries.Max(e => _text.Measure(e.Item1)) - 26, ly = plot.Y + 8;
        foreach (var (name, color) in entries)
        {
            _batch.Rect(lx, ly + _text.Atlas.LineHeight / 2 - 1, 18, 3, color);
            _text.Draw(name, lx + 24, ly, Ink);
            ly += _text.Atlas.LineHeight + 6;
        }
    }

    private void DrawVoltagePanel(ViewerLayout layout, ViewerState state)
    {
        var plot = layout.Voltage;
        _plot.Title(plot, "(c) voltage (V)");
        _batch.Frame(new PixelRect(plot.X - 1, plot.Y - 1, plot.Width + 2, plot.Height + 2), Ink);
        var time = ViewerPanelData.TimeAxis(state);
        _plot.XAxis(plot, time.Range, state.Frames.Count > 0 ? time.Label : null);
        var values = state.Frames.Select(f => f.Voltage).ToArray();
        if (!values.Any(double.IsFinite))
        {
            _text.Draw("no voltage", plot.X + 10, plot.Y + 10, Grid);
            return;
        }

        var y = ViewerPanelData.PaddedScale(values, values.Select(_ => 0.0).ToArray());
        _plot.YAxis(plot, y);
        _plot.Series(plot, state, time, values, null, y, Observed);
    }

    private void DrawLatticePanel(ViewerLayout layout, ViewerState state)
    {
        var area = layout.Lattice;
        _plot.Title(area, "(d) lattice parameters ± esd");
        var names = ViewerPanelData.LatticeNames(state);
        var time = ViewerPanelData.TimeAxis(state);
        if (names.Count == 0)
        {
            _batch.Frame(new PixelRect(area.X - 1, area.Y - 1, area.Width + 2, area.Height + 2), Ink);
            _plot.XAxis(area, time.Range, state.Frames.Count > 0 ? time.Label : null);
            _text.Draw("no lattice values", area.X + 10, area.Y + 10, Grid);
            return;
        }

        for (var n = 0; n < names.Count; n++)
        {
            var plot = layout.LatticeRow(n, names.Count);
            _batch.Frame(new PixelRect(plot.X - 1, plot.Y - 1, plot.Width + 2, plot.Height + 2), Ink);
            _plot.XAxis(plot, time.Range, n == names.Count - 1 ? time.Label : null);
            var values = new double[state.Frames.Count];
            var esd = new double[state.Frames.Count];
            for (var i = 0; i < values.Length; i++)
            {
                (values[i], esd[i]) = (double.NaN, double.NaN);
                foreach (var v in state.Frames[i].Lattice)
                {
                    if (string.Equals(v.Name, names[n], StringComparison.Ordinal))
                    {
                        (values[i], esd[i]) = (v.Value, v.Esd);
                    }
                }
            }

            var color = ViewerPanelData.PhaseColor(state, ViewerPanelData.PhaseOf(names[n]));
            _text.Draw(names[n], plot.Right - _text.Measure(names[n]), plot.Y - _text.Atlas.LineHeight - 3, color);
            if (!values.Any(double.IsFinite))
            {
                continue;
            }

            var y = ViewerPanelData.PaddedScale(values, esd);
            _plot.YAxis(plot, y, maxTicks: Math.Max(2, plot.Height / 32));
            _plot.Series(plot, state, time, values, esd, y, color);
        }
    }
}
