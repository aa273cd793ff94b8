using OperandoXrd.Viewer.Feeds;

namespace OperandoXrd.Viewer;

/// <summary>
/// What the viewer shows, independent of GL: the frames seen, which one is selected, the 2θ window, log/linear and
/// the intensity range. Keys and the mouse change this; the renderer only reads it.
/// </summary>
public sealed class ViewerState
{
    private readonly List<ViewerFrame> _frames = [];
    private int _selected = -1; // -1: follow the latest frame

    public IReadOnlyList<ViewerFrame> Frames => _frames;

    /// <summary>Frames refused because their bin count differs from the first frame's.</summary>
    public int Refused { get; private set; }

    public bool FollowLatest => _selected < 0;

    /// <summary>Position in <see cref="Frames"/> of the frame shown in the pattern panel (-1 when there is none).</summary>
    public int Selected => _selected < 0 ? _frames.Count - 1 : _selected;

    public ViewerFrame? Current => Selected >= 0 ? _frames[Selected] : null;

    public bool LogScale { get; private set; }

    /// <summary>Radial range of the data.</summary>
    public (double Min, double Max) FullRange { get; private set; } = (0, 1);

    /// <summary>Radial range on screen (zoom/pan).</summary>
    public (double Min, double Max) View { get; private set; } = (0, 1);

    /// <summary>Smallest and largest intensity seen, and the smallest positive one (the floor of the log scale).</summary>
    public (double Min, double Max, double MinPositive) Intensity { get; private set; } = (double.PositiveInfinity, double.NegativeInfinity, double.PositiveInfinity);

    /// <summary>The run's emergence events (issue 17): marked on the contour, one line each in the header.</summary>
    public IReadOnlyList<EmergenceMark> Emergence { get; private set; } = [];

    /// <summary>Takes the feed's events; false when they are the ones already shown.</summary>
    public bool SetEmergence(IReadOnlyList<EmergenceMark> marks)
    {
        ArgumentNullException.ThrowIfNull(marks);
        if (ReferenceEquals(marks, Emergence))
        {
            return false;
        }

        Emergence = marks;
        return true;
    }

    /// <summary>Position in <see cref="Frames"/> of the frame with global index <paramref name="index"/>, or -1 when not seen.</summary>
    public int PositionOf(int index)
    {
        // Frames arrive in index order (a feed's contract), so a binary search finds it.
        int lo = 0, hi = _frames.Count - 1;
        while (lo <= hi)
        {
            var mid = (lo + hi) >>> 1;
            var at = _frames[mid].Index;
            if (at == index)
            {
                return mid;
            }

            if (at < index)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return -1;
    }

    /// <summary>Adds a frame; false (and counted in <see cref="Refused"/>) when its bins do not match the first frame's.</summary>
    public bool Add(ViewerFrame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        if (frame.Intensity.Length == 0 || frame.Radial.Length != frame.Intensity.Length ||
            (_frames.Count > 0 && frame.Intensity.Length != _frames[0].Intensity.Length))
        {
            Refused++;
            return false;
        }

        if (_frames.Count == 0)
        {
            var r = frame.Radial;
            var half = r.Length > 1 ? 0.5 * Math.Abs(r[1] - r[0]) : 0.5;
            FullRange = (Math.Min(r[0], r[^1]) - half, Math.Max(r[0], r[^1]) + half);
            View = FullRange;
        }

        var (min, max, pos) = Intensity;
        foreach (var v in frame.Intensity)
        {
            if (double.IsFinite(v))
            {
                min = Math.Min(min, v);
                max = Math.Max(max, v);
                if (v > 0)
                {
                    pos = Math.Min(pos, v);
                }
            }
        }

        Intensity = (min, max, pos);
        _frames.Add(frame);
        return true;
    }

    public void ToggleLog() => LogScale = !LogScale;

    /// <summary>Moves the selection by <paramref name="delta"/> frames; reaching the latest frame resumes following.</summary>
    public void Step(int delta)
    {
        if (_frames.Count == 0)
        {
            return;
        }

        var next = Math.Clamp(Selected + delta, 0, _frames.Count - 1);
        _selected = next == _frames.Count - 1 ? -1 : next;
    }

    public void First() => _selected = _frames.Count > 1 ? 0 : -1;

    public void Latest() => _selected = -1;

    /// <summary>Zooms the radial window by <paramref name="factor"/> (&lt;1 zooms in) keeping <paramref name="anchor"/> fixed on screen.</summary>
    public void Zoom(double factor, double anchor)
    {
        var (lo, hi) = View;
        var width = Math.Clamp((hi - lo) * factor, (FullRange.Max - FullRange.Min) / 2000, FullRange.Max - FullRange.Min);
        var f = (anchor - lo) / (hi - lo);
        SetView(anchor - f * width, width);
    }

    /// <summary>Shifts the radial window by <paramref name="delta"/> (radial units).</summary>
    public void Pan(double delta) => SetView(View.Min + delta, View.Max - View.Min);

    public void ResetZoom() => View = FullRange;

    private void SetView(double lo, double width)
    {
        lo = Math.Clamp(lo, FullRange.Min, FullRange.Max - width);
        View = (lo, lo + width);
    }
}
