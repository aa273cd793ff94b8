using OperandoXrd.Core.Frames;
using OperandoXrd.Hdf5.Frames;

namespace OperandoXrd.Hdf5.Tests.Frames;

/// <summary>
/// Every layout and filter of the design brief, written by h5py with the Debian plugins, read by our frame sources:
/// pixels must equal what numpy stored, times what Python's datetime computes from the same metadata.
/// </summary>
public sealed class LayoutTests : IClassFixture<H5pyLayouts>
{
    private readonly H5pyLayouts _files;

    public LayoutTests(H5pyLayouts files) => _files = files;

    [Fact] public void Lima_uncompressed_int32_with_time_of_frame() => AssertCase("lima_none");

    [Fact] public void Lima_bitshuffle_lz4_with_exposure_plus_latency() => AssertCase("lima_bslz4");

    [Fact] public void Lima_lz4_uint32_without_times() => AssertCase("lima_lz4");

    [Fact] public void Lima_shuffle_deflate_uint16_with_nanosecond_start_time() => AssertCase("lima_deflate");

    [Fact] public void Lima_float32() => AssertCase("lima_float");

    [Fact] public void Chunks_that_are_not_one_frame_go_through_the_library() => AssertCase("lima_oddchunks");

    [Fact] public void Pilatus2M_sized_bitshuffle_lz4_frames() => AssertCase("lima_pilatus");

    [Fact] public void Lima_series_folder_reads_as_one_sequence() => AssertCase("series");

    [Fact] public void Bliss_virtual_dataset_over_lima_files_with_epoch() => AssertCase("bliss_vds");

    [Fact] public void Bliss_external_link_with_elapsed_time() => AssertCase("bliss_ext");

    [Fact] public void Dectris_master_with_two_data_files() => AssertCase("dectris");

    [Fact]
    public void Inspection_statistics_match_numpy_for_every_layout()
    {
        foreach (var c in _files.Cases.Values)
        {
            using var source = FrameSources.Open([_files.PathOf(c)], c.Dataset);
            var ints = new int[c.Rows * c.Cols];
            var floats = new float[c.Rows * c.Cols];
            for (var i = 0; i < c.Frames; i++)
            {
                FrameStatistics s;
                if (source.DType == FrameDType.Float32)
                {
                    source.ReadFrame(i, floats);
                    s = FrameInspection.Statistics(floats);
                }
                else
                {
                    source.ReadFrame(i, ints);
                    s = FrameInspection.Statistics(ints);
                }

                var e = c.Stats[i];
                Assert.Equal(e[0], s.Sum, Math.Abs(e[0]) * 1e-6);
                Assert.Equal((long)e[1], s.Masked);
                Assert.Equal(e[2], s.Min);
                Assert.Equal(e[3], s.Max);
            }

            var summary = FrameInspection.Describe(source);
            Assert.Contains($"shape:     {c.Frames} × {c.Rows} × {c.Cols}", summary, StringComparison.Ordinal);
            Assert.Contains("times:     " + c.Rule, summary, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Dataset_option_overrides_detection()
    {
        var c = _files.Cases["lima_bslz4"];
        using var source = FrameSources.Open(_files.PathOf(c), "/entry_0000/ESRF-BM31/pilatus/data");
        Assert.Equal(c.Frames, source.FrameCount);
        var frame = new int[c.Rows * c.Cols];
        source.ReadFrame(c.Frames - 1, frame);
        Assert.Equal(_files.ExpectedCounts(c).AsSpan((c.Frames - 1) * frame.Length, frame.Length).ToArray(), frame);
        Assert.Equal(FrameTimeRule.StartTimePlusPeriod, source.TimeRule);
    }

    [Fact]
    public void Configured_times_apply_only_when_the_file_has_none()
    {
        var start = new DateTimeOffset(2024, 3, 5, 12, 0, 0, TimeSpan.FromHours(1));
        var options = new FrameTimeOptions { StartTime = start, FramePeriodSeconds = 2.5, ExposureSeconds = 2.0 };
        using (var bare = FrameSources.Open(_files.PathOf(_files.Cases["lima_lz4"]), fallback: options))
        {
            Assert.Equal(FrameTimeRule.Configured, bare.TimeRule);
            Assert.Equal(start.ToUnixTimeSeconds() + 5.0, bare.GetTiming(2).StartUnixSeconds, 6);
            Assert.Equal(2.0, bare.GetTiming(2).ExposureSeconds);
        }

        using var timed = FrameSources.Open(_files.PathOf(_files.Cases["lima_none"]), fallback: options);
        Assert.Equal(FrameTimeRule.StartTimePlusRelative, timed.TimeRule);
    }

    [Fact]
    public void Several_inputs_concatenate_in_the_given_order()
    {
        var a = _files.Cases["lima_bslz4"];
        var b = _files.Cases["lima_none"];
        using var source = FrameSources.Open([_files.PathOf(a), _files.PathOf(b)]);
        Assert.Equal(a.Frames + b.Frames, source.FrameCount);
        var frame = new int[a.Rows * a.Cols];
        source.ReadFrame(a.Frames, frame);
        Assert.Equal(_files.ExpectedCounts(b).AsSpan(0, frame.Length).ToArray(), frame);
        Assert.Equal(b.Times[0], source.GetTiming(a.Frames).StartUnixSeconds, 6);
    }

    [Fact]
    public void Parallel_reads_of_one_source_agree_with_serial_reads()
    {
        var c = _files.Cases["series"];
        using var source = FrameSources.Open(_files.PathOf(c));
        var expected = _files.ExpectedCounts(c);
        var pixels = c.Rows * c.Cols;
        Parallel.For(0, 60, new ParallelOptions { MaxDegreeOfParallelism = 4 }, k =>
        {
            var i = k % c.Frames;
            var frame = new int[pixels];
            source.ReadFrame(i, frame);
            Assert.True(expected.AsSpan(i * pixels, pixels).SequenceEqual(frame), $"frame {i}");
        });
    }

    private void AssertCase(string name)
    {
        var c = _files.Cases[name];
        using var source = FrameSources.Open([_files.PathOf(c)], c.Dataset);
        Assert.StartsWith(c.Layout, source.Layout, StringComparison.Ordinal);
        Assert.Equal(c.Frames, source.FrameCount);
        Assert.Equal(c.Rows, source.Rows);
        Assert.Equal(c.Cols, source.Columns);
        Assert.Equal(c.Dtype, source.DType.ToString().ToLowerInvariant());
        Assert.Equal(c.Rule, source.TimeRule.ToString());
        Assert.Equal(c.Direct, source.UsesDirectChunks);
        Assert.True(source.IsComplete);

        var pixels = c.Rows * c.Cols;
        var floats = _files.ExpectedFloats(c);
        var counts = c.Dtype == "float32" ? null : _files.ExpectedCounts(c);
        var frame = new int[pixels];
        var frameF = new float[pixels];
        var viaLibrary = new float[pixels];
        for (var i = 0; i < c.Frames; i++)
        {
            if (counts is not null)
            {
                source.ReadFrame(i, frame);
                Assert.True(counts.AsSpan(i * pixels, pixels).SequenceEqual(frame), $"{name} frame {i} (int)");
            }
            else
            {
                Assert.Throws<FrameSourceException>(() => source.ReadFrame(i, frame));
            }

            source.ReadFrame(i, frameF);
            Assert.True(floats.AsSpan(i * pixels, pixels).SequenceEqual(frameF), $"{name} frame {i} (float)");

            var t = source.GetTiming(i);
            Assert.Equal(c.Times[i], t.StartUnixSeconds, 5);
            Assert.Equal(c.Exposure[i], t.ExposureSeconds, 9);
        }

        // The library with its plugins must give the very same bits as the managed decoders.
        if (source.Filters.Count > 0)
        {
            source.ReadPath = FrameReadPath.Library;
            for (var i = 0; i < c.Frames; i++)
            {
                source.ReadFrame(i, viaLibrary);
                Assert.True(floats.AsSpan(i * pixels, pixels).SequenceEqual(viaLibrary), $"{name} frame {i} (library path)");
            }
        }
    }
}
