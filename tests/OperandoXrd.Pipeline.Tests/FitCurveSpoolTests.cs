using OperandoXrd.Pipeline.Outputs;

namespace OperandoXrd.Pipeline.Tests;

/// <summary>The curve spool gives back, in order and bit for bit, what was written, and nulls for frames without a fit.</summary>
public sealed class FitCurveSpoolTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("oxrd-spool-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static readonly FitCurveLayout Layout = new(npt: 7, offset: 2, [("NCA", 3), ("LIC", 2)]);

    // A record as the fit stage makes it: the curve on the full grid (NaN outside the fit range 2..5), then the ticks.
    private static double[] Record(int frame)
    {
        var record = new double[Layout.RecordLength];
        Array.Fill(record, double.NaN, 0, Layout.Npt);
        for (var i = 2; i < 6; i++)
        {
            record[i] = (frame * 100) + i + (1.0 / 3.0);
        }

        for (var k = 0; k < 5; k++)
        {
            record[Layout.Npt + k] = frame + (0.1 * k) + 1e-9;
        }

        return record;
    }

    [Fact]
    public void The_layout_places_the_curve_then_each_phases_ticks()
    {
        Assert.Equal(7 + 3 + 2, Layout.RecordLength);
        Assert.Equal(7, Layout.TickStart(0));
        Assert.Equal(10, Layout.TickStart(1));
        Assert.Equal(["NCA", "LIC"], Layout.Phases);
        Assert.Equal(2, Layout.TickCount(1));
    }

    [Fact]
    public void Records_are_read_back_in_order_exactly_and_frames_without_a_fit_as_nulls()
    {
        using var spool = new FitCurveSpool(Path.Combine(_folder, "curves.bin"), Layout);
        spool.Append(Record(0));
        spool.Append([]);
        spool.Append(Record(2));
        Assert.Equal(3, spool.Count);

        var seen = new List<long>();
        spool.ReadAll(10, (i, curve, ticks) =>
        {
            seen.Add(i);
            if (i == 1)
            {
                Assert.Null(curve);
                Assert.Null(ticks);
                return;
            }

            var expected = Record((int)i);
            Assert.Equal(expected.AsSpan(0, 7).ToArray(), curve!);
            Assert.Equal(expected.AsSpan(7, 3).ToArray(), ticks![0]);
            Assert.Equal(expected.AsSpan(10, 2).ToArray(), ticks[1]);
        });
        Assert.Equal([0, 1, 2], seen);

        Assert.Equal(Record(2).AsSpan(0, 7).ToArray(), spool.ReadCalculated(2)!);
        Assert.Null(spool.ReadCalculated(1));
        Assert.Null(spool.ReadCalculated(3));

        // Appending after a read goes on at the end.
        spool.Append(Record(3));
        Assert.Equal(Record(3).AsSpan(0, 7).ToArray(), spool.ReadCalculated(3)!);
        Assert.Equal(Record(0).AsSpan(0, 7).ToArray(), spool.ReadCalculated(0)!);
    }

    [Fact]
    public void A_record_of_the_wrong_length_is_refused()
    {
        using var spool = new FitCurveSpool(Path.Combine(_folder, "curves.bin"), Layout);
        Assert.Throws<ArgumentException>(() => spool.Append(new double[5]));
        Assert.Equal(0, spool.Count);
    }
}
