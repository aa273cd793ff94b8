using OperandoXrd.Reports.Axes;

namespace OperandoXrd.Reports.Tests;

public class NiceTicksTests
{
    private static string[] Labels(IEnumerable<Tick> ticks) => ticks.Where(t => t.Major).Select(t => t.Label).ToArray();

    [Fact]
    public void Linear_ticks_use_1_2_2p5_5_steps_with_just_enough_decimals()
    {
        Assert.Equal(["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"], Labels(NiceTicks.Linear(0, 1, 6)));
        Assert.Equal(["3", "4", "5", "6", "7"], Labels(NiceTicks.Linear(2.5, 7.5, 6)));
        Assert.Equal(["0", "5", "10", "15", "20"], Labels(NiceTicks.Linear(-0.8, 20.8, 5)));
        Assert.Equal(["2.6", "2.7", "2.8", "2.9"], Labels(NiceTicks.Linear(2.55, 2.95, 5)));
        Assert.Equal(["14.000", "14.025", "14.050", "14.075", "14.100"], Labels(NiceTicks.Linear(13.99, 14.11, 5)));
        Assert.Equal(["-1.0", "-0.5", "0.0", "0.5", "1.0"], Labels(NiceTicks.Linear(-1.2, 1.2, 5)));
        Assert.Equal(0.025, NiceTicks.Step(13.99, 14.11, 5), 12);
    }

    [Fact]
    public void Log_ticks_label_decades_and_mark_minor_ticks()
    {
        var ticks = NiceTicks.Log(1, 1000, 6);
        Assert.Equal(["1", "10", "100", "1000"], Labels(ticks));
        Assert.Equal(8 * 3, ticks.Count(t => !t.Major));
        Assert.Equal(["10⁰", "10²", "10⁴", "10⁶"], Labels(NiceTicks.Log(1, 5e6, 4)));
        Assert.Equal(["0.01", "0.1", "1"], Labels(NiceTicks.Log(0.005, 2, 6)));
        // About one decade: the 2s and 5s are labelled too.
        Assert.Equal(["20", "50", "100", "200", "500"], Labels(NiceTicks.Log(15, 700, 6)));
        // Less than a decade: fall back to linear labels.
        Assert.Equal(["3", "4", "5", "6", "7", "8"], Labels(NiceTicks.Log(2.5, 8.5, 6)));
    }

    [Fact]
    public void Scales_map_their_ends_to_0_and_1()
    {
        var lin = new LinearScale(2, 6);
        Assert.Equal(0.25, lin.Normalize(3), 12);
        var log = new LogScale(10, 1000);
        Assert.Equal(0.5, log.Normalize(100), 12);
        Assert.True(double.IsNaN(log.Normalize(-1)));
        Assert.Throws<ArgumentException>(() => new LogScale(0, 10));
        Assert.Throws<ArgumentException>(() => new LinearScale(3, 3));
    }
}
