using System.Globalization;
using OperandoXrd.Hdf5;
using OperandoXrd.Pipeline.Hosting;

namespace OperandoXrd.Pipeline.Tests;

/// <summary>
/// <c>--xye</c> writes each frame's integrated pattern as it was integrated (the pooled pattern itself reaches the
/// sink): every data row equals that frame's row of reduced.h5's /entry/integrated, to the nine digits written.
/// </summary>
public class XyeOutputTests
{
    [Fact]
    public async Task Each_frames_xye_file_holds_the_pattern_written_to_reduced_h5()
    {
        using var run = new SmallRun(frames: 3, framesPerFile: 3);
        var options = run.Options("out");
        options.WriteXye = true;
        var summary = await ReductionHost.RunAsync(options);
        Assert.Equal(3, summary.Frames);

        double[] radial, intensity, sigma;
        using (var file = Hdf5File.Open(Path.Combine(options.OutputFolder!, "reduced.h5")))
        {
            radial = Read(file, "/entry/integrated/radial");
            intensity = Read(file, "/entry/integrated/intensity");
            sigma = Read(file, "/entry/integrated/sigma");
        }

        var npt = radial.Length;
        for (var frame = 0; frame < 3; frame++)
        {
            var path = Path.Combine(options.OutputFolder!, "patterns", $"frame_{frame:D5}.xye");
            var rows = File.ReadAllLines(path).Where(l => !l.StartsWith('#')).ToList();
            // Bins no pixel reaches (beyond the detector's corners) are left out; the others are all there.
            Assert.True(rows.Count > npt / 2, $"{path}: {rows.Count} data rows of {npt} bins");
            var bin = 0;
            foreach (var row in rows)
            {
                var f = row.Split(' ').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray();
                while (bin < npt && !Close(radial[bin], f[0]))
                {
                    bin++;
                }

                Assert.True(bin < npt, $"{path}: radial {f[0]} is not a bin of reduced.h5");
                Assert.True(Close(intensity[(frame * npt) + bin], f[1]), $"{path} bin {bin}: intensity {f[1]} against {intensity[(frame * npt) + bin]}");
                Assert.True(Close(sigma[(frame * npt) + bin], f[2]), $"{path} bin {bin}: sigma {f[2]} against {sigma[(frame * npt) + bin]}");
            }
        }
    }

    private static bool Close(double expected, double written) => Math.Abs(expected - written) <= 1e-8 * Math.Max(Math.Abs(expected), 1e-300);

    private static double[] Read(Hdf5File file, string path)
    {
        using var d = file.OpenDataset(path);
        var values = new double[d.ElementCount];
        d.Read<double>(values);
        return values;
    }
}
