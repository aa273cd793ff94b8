using System.Text.Json.Nodes;
using OperandoXrd.Reports.Color;

namespace OperandoXrd.Reports.Tests;

public class ColorMapTests
{
    [Fact]
    public void Viridis_has_its_published_anchors()
    {
        Assert.Equal("#440154", ColorMap.Viridis.Map(0).ToHex());
        Assert.Equal("#21918c", ColorMap.Viridis.Map(0.5).ToHex());
        Assert.Equal("#fde725", ColorMap.Viridis.Map(1).ToHex());
        Assert.Equal(Rgba.Transparent, ColorMap.Viridis.Map(double.NaN));
        Assert.Equal(ColorMap.Viridis.Map(1), ColorMap.Viridis.Map(7));
    }

    [Fact]
    public void Cool_warm_has_morelands_published_end_points_and_a_neutral_middle()
    {
        Assert.Equal(new Rgba(59, 76, 192), ColorMap.CoolWarm.Map(0));
        Assert.Equal(new Rgba(180, 4, 38), ColorMap.CoolWarm.Map(1));
        var mid = ColorMap.CoolWarm[128];
        // Moreland's midpoint is (221, 221, 221).
        Assert.InRange(mid.R, 218, 224);
        Assert.InRange(mid.G, 218, 224);
        Assert.InRange(mid.B, 218, 224);
    }

    [Fact]
    public void Both_maps_agree_with_matplotlib_at_every_entry()
    {
        var ts = Enumerable.Range(0, 256).Select(i => (i + 0.5) / 256).ToArray();
        var query = new JsonObject
        {
            ["colormaps"] = new JsonObject
            {
                ["viridis"] = new JsonArray(ts.Select(t => (JsonNode)t).ToArray()),
                ["coolwarm"] = new JsonArray(ts.Select(t => (JsonNode)t).ToArray()),
            },
        };
        var result = PythonProbe.Run(query);
        var worstCoolWarm = 0;
        double sumCoolWarm = 0;
        for (var i = 0; i < 256; i++)
        {
            Assert.Equal(PythonProbe.Ints(result["viridis"]![i]!), Channels(ColorMap.Viridis.Map(ts[i])));
            int[] expected = PythonProbe.Ints(result["coolwarm"]![i]!), ours = Channels(ColorMap.CoolWarm.Map(ts[i]));
            for (var c = 0; c < 3; c++)
            {
                worstCoolWarm = Math.Max(worstCoolWarm, Math.Abs(expected[c] - ours[c]));
                sumCoolWarm += Math.Abs(expected[c] - ours[c]);
            }
        }
        // matplotlib interpolates Moreland's tabulated map linearly in RGB; our Msh interpolation matches it to
        // the 8-bit level almost everywhere, within 4/255 where the red end turns fastest.
        Assert.InRange(worstCoolWarm, 0, 4);
        Assert.InRange(sumCoolWarm / (3 * 256), 0, 0.25);
    }

    private static int[] Channels(Rgba c) => [c.R, c.G, c.B];
}
