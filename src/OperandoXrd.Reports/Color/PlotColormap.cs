using ScottPlot;

namespace OperandoXrd.Reports.Color;

/// <summary>One of our 256-entry maps as ScottPlot's colour map, so figures keep matplotlib's exact colours.</summary>
internal sealed class PlotColormap(ColorMap map) : IColormap
{
    public string Name => map.Name;

    public ScottPlot.Color GetColor(double normalizedIntensity)
    {
        var c = map.Map(normalizedIntensity);
        return new ScottPlot.Color(c.R, c.G, c.B, c.A);
    }
}
