using System.Globalization;
using System.Text.Json.Nodes;
using OperandoXrd.Pipeline.Hosting;
using OperandoXrd.Simulation.Rendering;
using Xunit.Abstractions;

namespace OperandoXrd.Pipeline.Tests;

/// <summary>
/// A thick, absorbing sample rendered by the simulator from the rays themselves (each pixel integrated over the depth
/// of the slab, <see cref="SampleVolume"/>), reduced with the instrument function whose parallax term takes the
/// thickness and attenuation from the pipeline (<c>fit.sampleThickness_mm</c>, <c>fit.sampleAttenuation_per_mm</c>):
/// the cells come back within the issue's limits, and the same frames fitted as a point sample fit worse.
/// </summary>
public sealed class ParallaxTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_thick_sample_fitted_with_its_thickness_recovers_the_cell()
    {
        using var data = new SmallRun(frames: 3, framesPerFile: 3, seed: 11, sample: new SampleVolume { Thickness_mm = 1.0, Attenuation_per_mm = 1.5, DepthPoints = 32 });
        await ReductionHost.RunAsync(data.Options("thick"));
        var thick = Read(Path.Combine(data.Folder, "thick", "lattice.csv"));

        var point = JsonNode.Parse(File.ReadAllText(data.Run.PipelinePath))!;
        point["fit"]!["sampleThickness_mm"] = 0.0;
        var pointPath = Path.Combine(data.Run.Folder, "pipeline-point.json");
        File.WriteAllText(pointPath, point.ToJsonString());
        await ReductionHost.RunAsync(data.Options("point", pipeline: pointPath));
        var thin = Read(Path.Combine(data.Folder, "point", "lattice.csv"));

        var truth = File.ReadAllLines(data.Run.TruthPath).Skip(1).Select(l => l.Split(',')).ToArray();
        var failures = "";
        for (var f = 0; f < truth.Length; f++)
        {
            double T(int column) => double.Parse(truth[f][column], CultureInfo.InvariantCulture);
            var errors = (A: thick[f]["NCA_a"] - T(7), C: thick[f]["NCA_c"] - T(8), L: thick[f]["LPSCl_a"] - T(9), I: thick[f]["LIC_a"] - T(10));
            output.WriteLine($"frame {f}: GoF {thick[f]["GoF"]:F2} (as a point sample {thin[f]["GoF"]:F2}); NCA a {errors.A:E1}, c {errors.C:E1}, LPSCl a {errors.L:E1}, LIC a {errors.I:E1} Å");
            if (Math.Abs(errors.A) > 1e-4 || Math.Abs(errors.C) > 5e-4 || Math.Abs(errors.L) > 1e-4 || Math.Abs(errors.I) > 3e-4)
            {
                failures += $"frame {f}: cell errors {errors}; ";
            }

            if (!(thick[f]["GoF"] <= 1.3 && thin[f]["GoF"] > 1.5 * thick[f]["GoF"]))
            {
                failures += $"frame {f}: GoF {thick[f]["GoF"]:F2} with the thickness, {thin[f]["GoF"]:F2} without; ";
            }
        }

        Assert.True(failures.Length == 0, failures);
    }

    private static List<Dictionary<string, double>> Read(string path)
    {
        var lines = File.ReadAllLines(path);
        var header = lines[0].Split(',');
        return [.. lines.Skip(1).Select(l => l.Split(',')).Select(r => header.Zip(r)
            .Where(p => double.TryParse(p.Second, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
            .ToDictionary(p => p.First, p => double.Parse(p.Second, CultureInfo.InvariantCulture)))];
    }
}
