using OperandoXrd.Viewer.Feeds;

namespace OperandoXrd.Viewer.Tests;

public class ViewerStateTests
{
    private static ViewerState StateWith(int frames)
    {
        var state = new ViewerState();
        var radial = Enumerable.Range(0, 11).Select(i => 2.0 + i).ToArray(); // 2..12, bin width 1
        for (var k = 0; k < frames; k++)
        {
            state.Add(new ViewerFrame(k, k, radial, radial.Select(r => r * (k + 1)).ToArray(), null, null, [], double.NaN, double.NaN));
        }

        return state;
    }

    [Fact]
    public void Keys_step_through_frames_and_end_resumes_following()
    {
        var state = StateWith(5);
        Assert.True(state.FollowLatest);
        Assert.Equal(4, state.Selected);

        state.Step(-1);
        state.Step(-1);
        Assert.Equal(2, state.Selected);
        Assert.False(state.FollowLatest);
        state.Add(state.Frames[0] with { Index = 5 });
        Assert.Equal(2, state.Selected); // a stepped-back view stays put as frames arrive

        state.First();
        Assert.Equal(0, state.Selected);
        state.Step(-3);
        Assert.Equal(0, state.Selected);
        state.Latest();
        Assert.Equal(5, state.Selected);
        Assert.True(state.FollowLatest);
    }

    [Fact]
    public void Zoom_keeps_the_anchor_in_place_and_pan_stays_inside_the_data()
    {
        var state = StateWith(1);
        Assert.Equal((1.5, 12.5), state.FullRange);

        state.Zoom(0.5, 4.0);
        var (lo, hi) = state.View;
        Assert.Equal(5.5, hi - lo, 12);
        Assert.Equal((4.0 - 1.5) / 11, (4.0 - lo) / (hi - lo), 12); // 4.0 is as far across the axis as before

        state.Pan(-100);
        Assert.Equal(1.5, state.View.Min, 12);
        state.Pan(100);
        Assert.Equal(12.5, state.View.Max, 12);
        state.ResetZoom();
        Assert.Equal(state.FullRange, state.View);
    }

    [Fact]
    public void Intensity_range_covers_all_frames_and_a_frame_with_other_bins_is_refused()
    {
        var state = StateWith(3);
        Assert.Equal((2.0, 36.0, 2.0), state.Intensity);

        Assert.False(state.Add(new ViewerFrame(9, 9, [1.0, 2.0], [5.0, 6.0], null, null, [], double.NaN, double.NaN)));
        Assert.Equal(1, state.Refused);
        Assert.Equal(3, state.Frames.Count);
    }
}
