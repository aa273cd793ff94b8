using System.Globalization;
using OperandoXrd.Core.Geometry;
using OperandoXrd.Core.Integration;
using OperandoXrd.Electrochem.Logs;
using OperandoXrd.Electrochem.Sync;
using OperandoXrd.Hdf5.Frames;
using OperandoXrd.Simulation.Operando;
using OperandoXrd.Simulation.Truth;

namespace OperandoXrd.Simulation.Tests;

public class OperandoSimulatorTests : IClassFixture<SimulatedRunFixture>
{
    private readonly SimulatedRunFixture _fixture;

    public OperandoSimulatorTests(SimulatedRunFixture fixture) => _fixture = fixture;

    private static double[][] Truth(string path) =>
        File.ReadAllLines(path).Skip(1).Select(l => l.Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToArray();

    [Fact]
    public void Frames_read_back_with_the_truths_times_gaps_and_dead_pixels()
    {
        var run = _fixture.Run;
        Assert.Equal(2, run.FrameFiles.Count);
        var truth = Truth(run.TruthPath);
        using var source = FrameSources.Open([run.ScanFolder]);
        Assert.Equal(4, source.FrameCount);
        Assert.Equal(Core.Frames.FrameTimeRule.StartTimePlusRelative, source.TimeRule);
        var detector = Detector.Pilatus300K;
        Assert.Equal((detector.Rows, detector.Columns), (source.Rows, source.Columns));
        var gaps = detector.CreateStaticMask();
        var frame = new int[source.Rows * source.Columns];
        for (var i = 0; i < source.FrameCount; i++)
        {
            var timing = source.GetTiming(i);
            Assert.Equal(truth[i][1], timing.StartUnixSeconds, 1e-6);
            Assert.Equal(truth[i][2], timing.ExposureSeconds, 1e-9);
            source.ReadFrame(i, frame);
            var dead = 0;
            for (var p = 0; p < frame.Length; p++)
            {
                if (gaps[p] != 0)
                {
                    Assert.Equal(-1, frame[p]);
                }
                else if (frame[p] == -2)
                {
                    dead++;
                }
                else
                {
                    Assert.True(frame[p] >= 0, $"pixel {p} of frame {i} reads {frame[p]}");
                }
            }

            Assert.Equal(_fixture.Options.BadPixels, dead);
        }
    }

    [Fact]
    public void The_voltage_log_synchronised_to_the_frames_gives_the_truths_x_li_and_voltage()
    {
        var run = _fixture.Run;
        var truth = Truth(run.TruthPath);
        var log = VoltageLog.Open(run.VoltageLogPath);
        var echem = EchemSynchronizer.Synchronize(log, truth.Select(t => t[1]).ToArray(), truth.Select(t => t[2]).ToArray());
        for (var i = 0; i < truth.Length; i++)
        {
            Assert.Equal(FrameEchemStatus.Ok, echem.Status[i]);
            Assert.Equal(truth[i][4], echem.XLi[i], 1e-3);
            Assert.Equal(truth[i][5], echem.VoltageV[i], 2e-3);
        }

        // The run covers the cycle: the first frame is pristine, a later one well delithiated.
        Assert.Equal(1.0, truth[0][4], 1e-6);
        Assert.True(truth.Min(t => t[4]) < 0.6);
    }

    [Fact]
    public void Nca_cell_in_the_truth_follows_its_lithium_content()
    {
        foreach (var t in Truth(_fixture.Run.TruthPath))
        {
            Assert.Equal(NcaLatticeModel.A(t[4]), t[7], 12);
            Assert.Equal(NcaLatticeModel.C(t[4]), t[8], 12);
        }
    }

    [Fact]
    public void The_same_seed_gives_the_same_frames()
    {
        var options = _fixture.Options with { OutputFolder = Path.Combine(_fixture.Folder, "again"), Frames = 1, FramesPerFile = 1 };
        var again = new OperandoSimulator(options).Run();
        using var a = FrameSources.Open([_fixture.Run.FrameFiles[0]]);
        using var b = FrameSources.Open([again.FrameFiles[0]]);
        var fa = new int[a.Rows * a.Columns];
        var fb = new int[fa.Length];
        a.ReadFrame(0, fa);
        b.ReadFrame(0, fb);
        Assert.True(fa.AsSpan().SequenceEqual(fb));
    }

    [Fact]
    public void Integrating_a_noise_free_frame_reproduces_the_1d_model()
    {
        var simulator = new OperandoSimulator(_fixture.Options with { OutputFolder = Path.Combine(_fixture.Folder, "unused") });
        var cell = new Electrochem.Model.GalvanostaticFirstCycle();
        var state = cell.StateAt(0.4 * cell.Duration_s);
        simulator.ModelFrame(0, state, 0.4 * cell.Duration_s, 0, 10);
        var renderer = new Rendering.FrameRenderer(Rendering.DetectorFootprints.Create(simulator.Geometry, BeamlineDefaults.PolarizationFactor), []);
        var expected = new double[simulator.Poni.Detector.Rows * simulator.Poni.Detector.Columns];
        renderer.RenderExpected(simulator.Model, expected);
        var frame = expected.Select(v => (float)v).ToArray();

        using var integrator = AzimuthalIntegrator.Create(simulator.Geometry, new IntegrationOptions
        {
            Npt = 2000,
            Unit = RadialUnit.TwoThetaDeg,
            Split = PixelSplit.BBox,
            RadialRange = (1.0, 12.0),
            PolarizationFactor = BeamlineDefaults.PolarizationFactor,
        });
        var pattern = integrator.CreatePattern();
        integrator.Integrate(frame, pattern);

        // Peak areas: windows between valleys of the model (points that are the lowest within ±0.08°), at least 0.25°
        // wide. The smoothing by pixel footprints and bins (a few hundredths of a degree) then moves almost no
        // intensity across a window's edges. A missing solid-angle or polarization term, or centre-only pixel
        // sampling, would be off by several per cent at high angle.
        var model = simulator.Model;
        var radial = pattern.Radial;
        var binWidth = radial[1] - radial[0];
        var valleys = Valleys(model, 1.6, 11.3);
        var differences = new List<double>();
        var lo = valleys[0];
        foreach (var hi in valleys.Skip(1))
        {
            if (hi - lo < 0.25)
            {
                continue;
            }

            double integrated = 0;
            for (var b = 0; b < radial.Length; b++)
            {
                var left = radial[b] - binWidth / 2;
                var right = radial[b] + binWidth / 2;
                var overlap = Math.Min(right, hi) - Math.Max(left, lo);
                if (overlap > 0)
                {
                    integrated += pattern.Intensity[b] * overlap;
                }
            }

            var exact = model.SingleIntegral(hi) - model.SingleIntegral(lo);
            differences.Add(Math.Abs(integrated / exact - 1));
            lo = hi;
        }

        differences.Sort();
        Assert.True(differences.Count > 10, $"only {differences.Count} windows");
        Assert.True(differences[differences.Count / 2] < 1e-3, $"median window area error {differences[differences.Count / 2]:E2}");
        Assert.True(differences[^1] < 5e-3, $"worst window area error {differences[^1]:E2}");
    }

    private static List<double> Valleys(Rendering.RadialProfileTable model, double from, double to)
    {
        var result = new List<double>();
        const double step = 0.002, half = 0.08;
        for (var t = from; t <= to; t += step)
        {
            var value = model.Value(t);
            var lowest = true;
            for (var u = t - half; u <= t + half && lowest; u += step)
            {
                lowest = model.Value(u) >= value;
            }

            if (lowest)
            {
                result.Add(t);
            }
        }

        return result;
    }
}
