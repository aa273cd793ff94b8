using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using OperandoXrd.Reports.Figures;
using OperandoXrd.Reports.Plotting;

namespace OperandoXrd.Reports.Tests;

/// <summary>
/// The example figure in docs/figures/example-contour.png. The test renders it to a temporary folder; with
/// OXRD_WRITE_DOC_FIGURES=1 it rewrites the documented image instead (then look at it before committing).
/// </summary>
public class ExampleFigureTests
{
    internal static Figure ExampleContour()
    {
        var (radial, intensity, times, xli) = ExampleData.Run(240, 1500, 2.0, 8.0);
        double t0 = times[0], span = times[^1] - times[0];
        var vt = Enumerable.Range(0, 2001).Select(i => t0 + i * span / 2000).ToArray();
        var v = vt.Select(t =>
        {
            var f = (t - t0) / span;
            return ExampleData.Voltage(ExampleData.XLi(f), discharge: f > 0.5);
        }).ToArray();
        var data = new ContourData
        {
            Radial = radial,
            Intensity = intensity,
            TimeSeconds = times,
            XLi = xli,
            VoltageTimeSeconds = vt,
            Voltage = v,
            VoltageLabel = "Voltage vs Li-In (V)",
        };
        return OperandoFigures.Contour(data, new ContourOptions
        {
            RadialMin = 2.6,
            RadialMax = 7.4,
            IntensityScale = ScaleKind.Log,
            Title = "Operando XRD, NCA | LPSCl | Li-In, first cycle (synthetic data)",
        });
    }

    [Fact]
    public void Example_contour_renders_at_full_size()
    {
        var toDocs = Environment.GetEnvironmentVariable("OXRD_WRITE_DOC_FIGURES") == "1";
        var stem = toDocs ? Path.Combine(DocsFigures(), "example-contour") : Path.Combine(Path.GetTempPath(), $"oxrd-example-{Guid.NewGuid():N}");
        try
        {
            FigureWriter.Write(ExampleContour(), stem);
            var png = PythonProbe.Run(new JsonObject { ["files"] = new JsonObject { ["png"] = PythonProbe.File1(stem + ".png", (500, 5)) } })["png"]!;
            Assert.Equal(1000, png["width"]!.GetValue<int>());
            Assert.Equal(700, png["height"]!.GetValue<int>());
            Assert.Contains("Operando XRD, NCA", File.ReadAllText(stem + ".svg"), StringComparison.Ordinal);
        }
        finally
        {
            if (!toDocs)
            {
                File.Delete(stem + ".svg");
                File.Delete(stem + ".png");
            }
            else
            {
                File.Delete(stem + ".svg"); // only the PNG is documented
            }
        }
    }

    private static string DocsFigures([CallerFilePath] string here = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(here)!, "..", "..", "docs", "figures"));
}
