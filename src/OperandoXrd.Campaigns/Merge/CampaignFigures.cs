using OperandoXrd.Reports;
using OperandoXrd.Reports.Plotting;

namespace OperandoXrd.Campaigns.Merge;

/// <summary>
/// Every cell's lattice parameters overlaid, one panel per parameter and one colour per scan, against x(Li)
/// (<c>campaign_lattice_vs_xli</c>) and against the voltage (<c>campaign_lattice_vs_voltage</c>).
/// </summary>
public static class CampaignFigures
{
    private const int MaxPoints = 300;

    /// <summary>A cell-parameter column worth a panel: &lt;phase&gt;_a, _b, _c or _beta.</summary>
    public static bool IsCellParameter(string column)
    {
        ArgumentNullException.ThrowIfNull(column);
        return column.EndsWith("_a", StringComparison.Ordinal) || column.EndsWith("_b", StringComparison.Ordinal)
            || column.EndsWith("_c", StringComparison.Ordinal) || column.EndsWith("_beta", StringComparison.Ordinal);
    }

    public static IReadOnlyList<string> Write(string folder, CampaignTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        var parameters = table.Columns.Where(IsCellParameter).ToList();
        var written = new List<string>();
        if (parameters.Count == 0)
        {
            return written;
        }

        Directory.CreateDirectory(folder);
        foreach (var (axis, label, name) in new[] { ("x_Li", "x(Li)", "campaign_lattice_vs_xli"), ("voltage_V", "Voltage (V)", "campaign_lattice_vs_voltage") })
        {
            if (!table.Scans.Any(s => table.Numbers(s, axis).Any(double.IsFinite)))
            {
                continue;
            }

            var path = Path.Combine(folder, name);
            using (var figure = Overlay(table, parameters, axis, label))
            {
                FigureWriter.Write(figure, path);
            }

            written.Add(path + ".svg");
            written.Add(path + ".png");
        }

        return written;
    }

    private static Figure Overlay(CampaignTable table, IReadOnlyList<string> parameters, string axis, string axisLabel)
    {
        const double width = 800, panelHeight = 170, left = 90, top = 20, gap = 12, bottom = 60;
        var figure = new Figure(width, top + (parameters.Count * (panelHeight + gap)) + bottom);
        var palette = new ScottPlot.Palettes.Category10();
        // One x range for every panel, so that the stacked panels' ticks line up.
        var xs = table.Scans.SelectMany(scan => table.Numbers(scan, axis)).Where(double.IsFinite).DefaultIfEmpty(0).ToArray();
        double xMin = xs.Min(), xMax = xs.Max(), pad = xMax > xMin ? 0.03 * (xMax - xMin) : 1;
        for (var i = 0; i < parameters.Count; i++)
        {
            var panel = figure.AddPanel($"param-{i}", left, top + (i * (panelHeight + gap)), width - left - 20, panelHeight);
            var plot = panel.Plot;
            plot.YLabel(parameters[i].EndsWith("_beta", StringComparison.Ordinal) ? $"{parameters[i]} (°)" : $"{parameters[i]} (Å)");
            if (i == parameters.Count - 1)
            {
                plot.XLabel(axisLabel);
            }
            else
            {
                plot.Axes.Bottom.TickLabelStyle.IsVisible = false;
            }

            for (var s = 0; s < table.Scans.Count; s++)
            {
                var scan = table.Scans[s];
                var x = table.Numbers(scan, axis);
                var y = table.Numbers(scan, parameters[i]);
                var esd = table.Numbers(scan, parameters[i] + "_esd");
                var every = Math.Max(1, (x.Length + MaxPoints - 1) / MaxPoints);
                var keep = Enumerable.Range(0, x.Length).Where(k => k % every == 0 && double.IsFinite(x[k]) && double.IsFinite(y[k])).ToArray();
                if (keep.Length > 0)
                {
                    var color = palette.GetColor(s);
                    double[] px = [.. keep.Select(k => x[k])], py = [.. keep.Select(k => y[k])];
                    plot.Add.ErrorBar(px, py, [.. keep.Select(k => double.IsFinite(esd[k]) ? esd[k] : 0)]).Color = color;
                    var markers = plot.Add.Markers(px, py, ScottPlot.MarkerShape.FilledCircle, 5, color);
                    if (i == 0)
                    {
                        markers.LegendText = scan.Label;
                    }
                }
            }

            plot.Axes.AutoScaleY();
            plot.Axes.SetLimitsX(xMin - pad, xMax + pad);
            if (i == 0)
            {
                plot.ShowLegend(ScottPlot.Alignment.UpperRight);
            }
        }

        return figure;
    }
}
