using OperandoXrd.Reports.Axes;
using OperandoXrd.Reports.Color;
using OperandoXrd.Viewer.Rendering.Text;

namespace OperandoXrd.Viewer.Rendering;

/// <summary>Axes, titles, curves and series of one plot area, drawn through the frame's shape and text batches.</summary>
internal sealed class PlotPainter(Batch2D batch, TextBatch text)
{
    private readonly Batch2D _batch = batch;
    private readonly TextBatch _text = text;

    public void Series(PixelRect plot, ViewerState state, ViewerPanelData.TimeAxisInfo time, double[] values, double[]? esd, AxisScale y, Rgba color)
    {
        var (t0, t1) = time.Range;
        double X(int i) => plot.X + ((time.ByIndex ? state.Frames[i].Index : (state.Frames[i].StartTime - time.Origin) / time.Unit) - t0) / (t1 - t0) * plot.Width;
        double Y(double v) => plot.Bottom - y.Normalize(v) * plot.Height;

        var sx = X(state.Selected);
        _batch.Rect((int)sx, plot.Y, 1, plot.Height, ViewerRenderer.Marker);
        var previous = -1;
        for (var i = 0; i < values.Length; i++)
        {
            if (!double.IsFinite(values[i]))
            {
                continue;
            }

            double x = X(i), yy = Y(values[i]);
            if (previous >= 0)
            {
                _batch.Segment(X(previous), Y(values[previous]), x, yy, 1.2, color, plot);
            }

            if (esd is not null && double.IsFinite(esd[i]) && esd[i] > 0)
            {
                _batch.Segment(x, Y(values[i] - esd[i]), x, Y(values[i] + esd[i]), 1.0, color, plot);
            }

            if (plot.Contains(x, yy))
            {
                _batch.Rect(x - 2, yy - 2, 5, 5, color);
            }

            previous = i;
        }
    }

    public void Curve(PixelRect plot, double[] radial, Func<int, double> value, Func<double, double> x, Func<double, double> y, Rgba color, double width)
    {
        double px = double.NaN, py = double.NaN;
        for (var i = 0; i < radial.Length; i++)
        {
            var v = value(i);
            double cx = x(radial[i]), cy = double.IsFinite(v) ? y(v) : double.NaN;
            if (double.IsFinite(px) && double.IsFinite(cy))
            {
                _batch.Segment(px, py, cx, cy, width, color, plot);
            }

            (px, py) = (cx, cy);
        }
    }

    public void Title(PixelRect plot, string text) => _text.Draw(text, plot.X, plot.Y - _text.Atlas.LineHeight - 8, ViewerRenderer.Ink);

    public void XAxis(PixelRect plot, (double Min, double Max) range, string? label)
    {
        var (lo, hi) = range;
        var ticks = NiceTicks.Linear(lo, hi, Math.Max(2, plot.Width / 90));
        var lastRight = int.MinValue;
        foreach (var tick in ticks)
        {
            var x = (int)Math.Round(plot.X + (tick.Value - lo) / (hi - lo) * plot.Width);
            if (x < plot.X || x >= plot.Right)
            {
                continue;
            }

            _batch.Rect(x, plot.Bottom + 1, 1, 5, ViewerRenderer.Ink);
            if (label is null)
            {
                continue;
            }

            int w = _text.Measure(tick.Label), left = x - w / 2;
            if (left > lastRight + 8)
            {
                _text.Draw(tick.Label, left, plot.Bottom + 9, ViewerRenderer.Ink);
                lastRight = left + w;
            }
        }

        if (label is not null)
        {
            _text.Draw(label, plot.Right - _text.Measure(label), plot.Bottom + 9 + _text.Atlas.LineHeight + 6, ViewerRenderer.Grid);
        }
    }

    public void YAxis(PixelRect plot, AxisScale scale, int maxTicks = 0)
    {
        maxTicks = maxTicks > 0 ? maxTicks : Math.Max(2, plot.Height / 40);
        foreach (var tick in scale.Ticks(maxTicks))
        {
            var t = scale.Normalize(tick.Value);
            if (t < -1e-9 || t > 1 + 1e-9)
            {
                continue;
            }

            var y = (int)Math.Round(plot.Bottom - t * plot.Height);
            _batch.Rect(plot.X - (tick.Major ? 6 : 3), y, tick.Major ? 5 : 2, 1, ViewerRenderer.Ink);
            if (tick.Major)
            {
                _text.Draw(tick.Label, plot.X - 10 - _text.Measure(tick.Label), y - _text.Atlas.LineHeight / 2, ViewerRenderer.Ink);
            }
        }
    }
}
