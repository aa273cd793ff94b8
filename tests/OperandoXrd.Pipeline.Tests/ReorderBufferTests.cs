using OperandoXrd.Pipeline.Hosting;

namespace OperandoXrd.Pipeline.Tests;

/// <summary>Frames finished out of order by several integration workers leave the buffer in frame order, each once.</summary>
public class ReorderBufferTests
{
    [Fact]
    public void Items_come_out_in_index_order_as_soon_as_every_earlier_one_has_arrived()
    {
        var buffer = new ReorderBuffer<string>(firstIndex: 10);
        var ready = new List<string>();
        buffer.Add(12, "twelve", ready);
        buffer.Add(11, "eleven", ready);
        Assert.Empty(ready);
        Assert.Equal(2, buffer.PendingCount);

        buffer.Add(10, "ten", ready);
        Assert.Equal(["ten", "eleven", "twelve"], ready);
        Assert.Equal(13, buffer.NextIndex);
        Assert.Equal(0, buffer.PendingCount);

        ready.Clear();
        buffer.Add(13, "thirteen", ready);
        Assert.Equal(["thirteen"], ready);
    }

    [Fact]
    public void A_shuffled_run_comes_out_whole_and_in_order_holding_no_more_than_is_out_of_place()
    {
        var order = Enumerable.Range(0, 500).ToArray();
        new Random(3).Shuffle(order);
        var buffer = new ReorderBuffer<int>(0);
        var ready = new List<int>();
        var maxPending = 0;
        foreach (var i in order)
        {
            buffer.Add(i, i, ready);
            maxPending = Math.Max(maxPending, buffer.PendingCount);
        }

        Assert.Equal(Enumerable.Range(0, 500), ready);
        Assert.Equal(0, buffer.PendingCount);
        Assert.InRange(maxPending, 1, 499);
    }

    [Fact]
    public void A_frame_that_arrives_twice_or_after_it_was_passed_on_is_an_error_naming_it()
    {
        var buffer = new ReorderBuffer<int>(0);
        var ready = new List<int>();
        buffer.Add(2, 2, ready);
        var twice = Assert.Throws<InvalidOperationException>(() => buffer.Add(2, 2, ready));
        Assert.Contains("frame 2", twice.Message, StringComparison.Ordinal);
        buffer.Add(0, 0, ready);
        var late = Assert.Throws<InvalidOperationException>(() => buffer.Add(0, 0, ready));
        Assert.Contains("frame 0", late.Message, StringComparison.Ordinal);
    }
}
