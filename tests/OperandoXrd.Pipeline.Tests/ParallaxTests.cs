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
/// the cells come back within the issue's limits, and the same frames fitted as a point sample are biased.
/// </summary>
public sealed class ParallaxTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_thick_sample_fitted_with_its_thickness_recovers_the_cell()
    {
        using var data = new SmallRun(frames: 4, framesPerFile: 4, seed: 20240314, sample: new SampleVolume { Thickness_mm = 1.0, Attenuation_per_mm = 1.5 });
        // Rietveld (the CIF structures, as the simulator's): Pawley intensities held through overlaps bias the constant
        // phases on their own (docs/instrument-profile.md §6).
        var thickPath = Rewrite(data, "pipeline-thick.json", fit => fit["mode"] = "rietveld");
        var pointPath = Rewrite(data, "pipeline-point.json", fit =>
        {
            fit["mode"] = "rietveld";
            fit["sampleThickness_mm"] = 0.0;
        });
        await ReductionHost.RunAsync(data.Options("thick", pipeline: thickPath));
        await ReductionHost.RunAsync(data.Options("point", pipeline: pointPath));
        var thick = Read(Path.Combine(data.Folder, "thick", "lattice.csv"));
        var point = Read(Path.Combine(data.Folder, "point", "lattice.csv"));

        var truth = File.ReadAllLines(data.Run.TruthPath).Skip(1).Select(l => l.Split(',')).ToArray();
        var failures = "";
        double meanThickA = 0, meanPointA = 0, meanL = 0, meanI = 0;
        for (var f = 0; f < truth.Length; f++)
        {
            double T(int column) => double.Parse(truth[f][column], CultureInfo.InvariantCulture);
            var (a, c, l, i) = (thick[f]["NCA_a"] - T(7), thick[f]["NCA_c"] - T(8), thick[f]["LPSCl_a"] - T(9), thick[f]["LIC_a"] - T(10));
            meanThickA += a / truth.Length;
            meanPointA += (point[f]["NCA_a"] - T(7)) / truth.Length;
            meanL += l / truth.Length;
            meanI += i / truth.Length;
            output.WriteLine($"frame {f}: GoF {thick[f]["GoF"]:F2} (as a point sample {point[f]["GoF"]:F2}); NCA a {a:E1} (point {point[f]["NCA_a"] - T(7):E1}), c {c:E1}, LPSCl a {l:E1}, LIC a {i:E1} Å");
            // Every frame: NCA within the issue's limits. LPSCl and LIC are weak on a Pilatus300K (their frame-to-frame
            // scatter is counting statistics, 6e-5 and 2.7e-4 Å): their means are checked below.
            if (Math.Abs(a) > 1e-4 || Math.Abs(c) > 5e-4)
            {
                failures += $"frame {f}: NCA a {a:E1}, c {c:E1} Å; ";
            }

            if (!(thick[f]["GoF"] <= 1.3))
            {
                failures += $"frame {f}: GoF {thick[f]["GoF"]:F2} with the thickness; ";
            }
        }

        // Measured here: GoF 1.04–1.16 vs 1.19–1.32 as a point sample; NCA a −1.8e-5…+9.9e-6 vs +2.6e-5…+5.8e-5 Å (8 frames
        // by the CLI: LPSCl a mean −1.6e-5 vs +1.5e-4 Å): leaving the thickness out biases the cell.
        if (Math.Abs(meanL) > 1e-4 || Math.Abs(meanI) > 3e-4 || !(Math.Abs(meanThickA) < 0.5 * Math.Abs(meanPointA)))
        {
            failures += $"means: LPSCl a {meanL:E1}, LIC a {meanI:E1}, NCA a {meanThickA:E1} with the thickness vs {meanPointA:E1} without; ";
        }

        Assert.True(failures.Length == 0, failures);
    }

    private static string Rewrite(SmallRun data, string name, Action<JsonNode> fit)
    {
        var root = JsonNode.Parse(File.ReadAllText(data.Run.PipelinePath))!;
        fit(root["fit"]!);
        var path = Path.Combine(data.Run.Folder, name);
        File.WriteAllText(path, root.ToJsonString());
        return path;
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
