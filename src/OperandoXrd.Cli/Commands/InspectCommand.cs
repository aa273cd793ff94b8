using System.CommandLine;
using OperandoXrd.Core.Frames;
using OperandoXrd.Hdf5;
using OperandoXrd.Hdf5.Frames;
using OperandoXrd.Images.Frames;
using OperandoXrd.Pipeline.Stages;

namespace OperandoXrd.Cli.Commands;

/// <summary>
/// <c>oxrd inspect</c>: the user's first look at a dataset — layout found, shape, dtype, filters, frame count, the
/// frame-time rule — and with <c>--frames</c> one TSV line per frame (index, time_s, sum of pixels ≥ 0, masked count,
/// min, max). The summary then goes out as <c>#</c> lines so the output stays loadable as TSV.
/// </summary>
internal static class InspectCommand
{
    public static Command Create()
    {
        var input = new Option<string[]>("--input") { Description = IntegrateCommand.InputHelp, Required = true, AllowMultipleArgumentsPerToken = true, Arity = ArgumentArity.OneOrMore };
        var dataset = new Option<string?>("--dataset") { Description = "HDF5 path of the frames, overriding layout detection." };
        var frames = new Option<bool>("--frames") { Description = "One TSV line per frame: index, time_s (from frame 0's start), sum of pixels >= 0, masked count, min, max." };
        var flip = IntegrateCommand.FlipOption();
        var command = new Command("inspect", "Show the layout, shape, dtype, filters, frame count and time rule of frame files; --frames adds per-frame figures.")
        {
            input, dataset, frames, flip,
        };
        command.SetAction(parse => Run(parse.GetValue(input)!, parse.GetValue(dataset), parse.GetValue(frames), Console.Out, Console.Error,
            parse.GetValue(flip) ? FrameFlip.UpDown : FrameFlip.None));
        return command;
    }

    internal static int Run(IReadOnlyList<string> inputs, string? dataset, bool perFrame, TextWriter output, TextWriter errors, FrameFlip flip = FrameFlip.None)
    {
        IFrameSource source;
        try
        {
            source = FrameSourceFactory.Open(new FrameSourceRequest(inputs, dataset, Flip: flip));
        }
        catch (Exception e) when (e is FrameSourceException or Hdf5Exception)
        {
            errors.WriteLine($"oxrd inspect: {e.Message}");
            return ExitCodes.BadArguments;
        }

        using (source)
        {
            var summary = Describe(source);
            if (!perFrame)
            {
                output.Write(summary);
                return ExitCodes.Ok;
            }

            foreach (var line in summary.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                output.WriteLine("# " + line);
            }

            output.WriteLine(FrameInspection.TsvHeader);
            return WriteFrames(source, output, errors);
        }
    }

    /// <summary>The human summary: each format describes its own layout; the flip, when there is one, is said last.</summary>
    private static string Describe(IFrameSource source)
    {
        var read = source is FlippedFrameSource f ? f.Inner : source;
        var text = read switch
        {
            Hdf5FrameSource h5 => FrameInspection.Describe(h5),
            ImageFrameSource images => images.Describe(),
            var other => $"layout:    {other.Description}\n",
        };
        return source is FlippedFrameSource flipped ? text + $"flip:      {FrameFlips.Name(flipped.Flip)} (applied to every frame)\n" : text;
    }

    /// <summary>Frames are read in small parallel batches (decoding is the cost) and printed in order.</summary>
    private static int WriteFrames(IFrameSource source, TextWriter output, TextWriter errors)
    {
        const int batch = 16;
        var t0 = source.FrameCount > 0 ? source.GetTiming(0).StartUnixSeconds : 0;
        var lines = new string?[batch];
        var failures = new string?[batch];
        var failed = new List<int>();
        var pixels = source.Rows * source.Columns;
        for (var start = 0; start < source.FrameCount; start += batch)
        {
            var n = Math.Min(batch, source.FrameCount - start);
            Parallel.For(0, n, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, () => new float[pixels], (k, _, frame) =>
            {
                var index = start + k;
                try
                {
                    FrameStatistics s;
                    if (source.DType == FrameDType.Float32)
                    {
                        source.ReadFrame(index, frame);
                        s = FrameInspection.Statistics(frame);
                    }
                    else
                    {
                        var counts = System.Runtime.InteropServices.MemoryMarshal.Cast<float, int>(frame.AsSpan());
                        source.ReadFrame(index, counts);
                        s = FrameInspection.Statistics(counts);
                    }

                    lines[k] = FrameInspection.TsvLine(index, source.GetTiming(index).StartUnixSeconds - t0, s);
                    failures[k] = null;
                }
                catch (FrameSourceException e)
                {
                    lines[k] = null;
                    failures[k] = e.Message;
                }

                return frame;
            }, _ => { });

            for (var k = 0; k < n; k++)
            {
                if (lines[k] is { } line)
                {
                    output.WriteLine(line);
                }
                else
                {
                    failed.Add(start + k);
                    errors.WriteLine($"oxrd inspect: {failures[k]}");
                }
            }
        }

        if (failed.Count > 0)
        {
            errors.WriteLine($"oxrd inspect: {failed.Count} frame(s) could not be read: {string.Join(", ", failed)}");
            return ExitCodes.SomeFramesFailed;
        }

        return ExitCodes.Ok;
    }
}
