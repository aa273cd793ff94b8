using OperandoXrd.Calibration.Calibrants;
using OperandoXrd.Core.Geometry;
using OperandoXrd.Reports;
using OperandoXrd.Reports.Color;
using OperandoXrd.Reports.Plotting;
using ScottPlot;

namespace OperandoXrd.Calibration.Output;

/// <summary>
/// The calibration's two figures (<c>--report DIR</c>): the image on a log scale with the fitted rings and the
/// control points, and the integrated pattern with the calibrant's ticks (and the profile fit when there is one).
/// Kept to this one file, on the Reports figure (ScottPlot panels).
/// </summary>
public static class CalibrationFigures
{
    private static readonly Rgba Blue = new(31, 119, 180), Red = new(214, 39, 40), Black = new(0, 0, 0);

    /// <summary>Writes <c>calibration_image.png/.svg</c> and <c>calibration_pattern.png/.svg</c> into <paramref name="folder"/>.</summary>
    public static IReadOnlyList<string> Write(string folder, CalibrationImage image, CalibrationResult result, Calibrant calibrant,
        double[] twoTheta, double[] intensity, double[]? calculated)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(calibrant);
        Directory.CreateDirectory(folder);
        var imagePath = Path.Combine(folder, "calibration_image");
        using (var figure = ImageFigure(image, result, calibrant))
        {
            FigureWriter.Write(figure, imagePath);
        }

        var patternPath = Path.Combine(folder, "calibration_pattern");
        using (var figure = PatternFigure(result, calibrant, twoTheta, intensity, calculated))
        {
            FigureWriter.Write(figure, patternPath);
        }

        return [imagePath + ".png", patternPath + ".png"];
    }

    private static Figure ImageFigure(CalibrationImage image, CalibrationResult result, Calibrant calibrant)
    {
        // At most ~900 image pixels across: one figure pixel is the maximum of a step × step block (rings stay visible).
        var step = Math.Max(1, (int)Math.Ceiling(Math.Max(image.Rows, image.Columns) / 900.0));
        int width = image.Columns / step, height = image.Rows / step;
        var finite = image.Values.Where(v => !float.IsNaN(v) && v > 0).ToArray();
        Array.Sort(finite);
        var lo = Math.Log10(Math.Max(finite.Length > 0 ? finite[finite.Length / 100] : 1, 1e-3));
        var hi = Math.Log10(Math.Max(finite.Length > 0 ? finite[Math.Min(finite.Length - 1, (int)(finite.Length * 0.9995))] : 10, Math.Pow(10, lo) * 10));
        // [row from the top, column, RGB], as ScottPlot's Image takes it.
        var rgb = new byte[height, width, 3];
        var tth = new PixelGeometry(result.Poni, PixelCoordinatePrecision.Double).RadialCenters(RadialUnit.TwoThetaRad);
        var lambda = result.Poni.Wavelength * 1e10;
        var rings = result.Rings.Select(r => calibrant.Rings[r.Ring].TwoTheta(lambda)).OrderBy(t => t).ToArray();
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var max = float.NaN;
                double tMin = double.PositiveInfinity, tMax = double.NegativeInfinity;
                for (var i = 0; i < step; i++)
                {
                    for (var j = 0; j < step; j++)
                    {
                        var p = ((y * step) + i) * image.Columns + (x * step) + j;
                        var v = image.Values[p];
                        if (!float.IsNaN(v) && !(v <= max))
                        {
                            max = v;
                        }

                        tMin = Math.Min(tMin, tth[p]);
                        tMax = Math.Max(tMax, tth[p]);
                    }
                }

                // Row 0 at the bottom, as pyFAI-calib2 shows the detector.
                var onRing = RingBetween(rings, tMin, tMax);
                Rgba color;
                if (onRing)
                {
                    color = new Rgba(230, 30, 30);
                }
                else if (float.IsNaN(max))
                {
                    color = new Rgba(40, 40, 90);
                }
                else
                {
                    var level = (byte)Math.Clamp(255 * (Math.Log10(Math.Max(max, 1e-3)) - lo) / (hi - lo), 0, 255);
                    color = new Rgba(level, level, level);
                }

                var top = height - 1 - y;
                rgb[top, x, 0] = color.R;
                rgb[top, x, 1] = color.G;
                rgb[top, x, 2] = color.B;
            }
        }

        var figure = new Figure(900, 900.0 * image.Rows / image.Columns + 90) { Title = $"{image.Source}: {calibrant.Name} rings (red) and control points (blue)" };
        var panel = figure.AddPanel("image", 70, 40, 800, 800.0 * image.Rows / image.Columns);
        var plot = panel.Plot;
        plot.Axes.Bottom.Label.Text = "column (pixel)";
        plot.Axes.Left.Label.Text = "row (pixel)";
        plot.Add.ImageRect(new Image(rgb), new CoordinateRect(0, image.Columns, 0, image.Rows));
        var points = result.Points;
        var every = Math.Max(1, points.Count / 3000);
        var xs = points.Where((_, i) => i % every == 0).Select(p => p.Column + 0.5).ToArray();
        var ys = points.Where((_, i) => i % every == 0).Select(p => p.Row + 0.5).ToArray();
        plot.Add.Markers(xs, ys, MarkerShape.FilledCircle, 3, Figure.ToColor(Blue)).LegendText = "control points";
        plot.Axes.SetLimits(0, image.Columns, 0, image.Rows);
        return figure;
    }

    private static bool RingBetween(double[] rings, double min, double max)
    {
        var i = Array.BinarySearch(rings, min);
        i = i < 0 ? ~i : i;
        return i < rings.Length && rings[i] <= max;
    }

    private static Figure PatternFigure(CalibrationResult result, Calibrant calibrant, double[] twoTheta, double[] intensity, double[]? calculated)
    {
        var figure = new Figure(1000, 500) { Title = $"{calibrant.Name}: integrated with the calibrated geometry" };
        var panel = figure.AddPanel("pattern", 80, 40, 890, 400);
        var plot = panel.Plot;
        plot.Axes.Bottom.Label.Text = "2θ (°)";
        plot.Axes.Left.Label.Text = "intensity (counts)";
        var keep = Enumerable.Range(0, twoTheta.Length).Where(i => double.IsFinite(intensity[i])).ToArray();
        var x = keep.Select(i => twoTheta[i]).ToArray();
        var y = keep.Select(i => intensity[i]).ToArray();
        var observed = plot.Add.ScatterLine(x, y, Figure.ToColor(Black));
        observed.LineWidth = 1;
        observed.LegendText = "observed";
        if (calculated is not null)
        {
            var fitted = keep.Where(i => double.IsFinite(calculated[i])).ToArray();
            var fit = plot.Add.ScatterLine(fitted.Select(i => twoTheta[i]).ToArray(), fitted.Select(i => calculated[i]).ToArray(), Figure.ToColor(Red));
            fit.LineWidth = 1;
            fit.LegendText = "profile fit";
        }

        var lambda = result.Poni.Wavelength * 1e10;
        var top = y.Length > 0 ? y.Max() : 1;
        var ticks = calibrant.Rings.Select(r => r.TwoTheta(lambda) * 180 / Math.PI).Where(t => x.Length > 0 && t >= x[0] && t <= x[^1]).ToArray();
        if (ticks.Length > 0)
        {
            plot.Add.Markers(ticks, ticks.Select(_ => -0.035 * top).ToArray(), MarkerShape.VerticalBar, 10, Figure.ToColor(Blue)).LegendText = $"{calibrant.Name} rings";
        }

        plot.ShowLegend(Alignment.UpperRight);
        return figure;
    }
}
