using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Threading.Channels;
using OperandoXrd.Core.Frames;
using OperandoXrd.Core.Integration;
using OperandoXrd.Pipeline.Stages;

namespace OperandoXrd.Pipeline.Hosting;

/// <summary>
/// <c>oxrd integrate</c>'s three stages, overlapped as <c>oxrd reduce</c> overlaps them: a reader (read + decode into a
/// pooled pixel buffer), the integrator (the shared engine, itself on every core) and a writer (the caller's sink:
/// the NeXus file, .xye files), with a bounded channel between each pair, so that frame i + 1 is decoded and frame
/// i − 1 written while frame i is integrated. One task per stage and FIFO channels keep the frames in order; the
/// buffers come from <see cref="BoundedPool{T}"/>s as big as the channels can hold in flight, so nothing is allocated
/// per frame. A frame the source cannot read flows on as an <see cref="IntegratedFrame"/> with its error: the writer
/// reports it and the run goes on. Anything else a stage throws (a disk full in the writer) cancels the other two and
/// is rethrown, the first error first.
/// </summary>
/// <remarks>
/// Not the reduction host: <c>integrate</c> has no fit, correlation, checkpoint or live mode, and its pixel type follows
/// the source (float32 frames stay float32), so it runs the same stage shape without the host's services.
/// </remarks>
public static class IntegrationPipeline
{
    /// <summary>Frames between two stages: enough to ride out a slow write or a burst of slow chunks, few enough to stay small (≈ 10 MB a Pilatus2M frame).</summary>
    public const int DefaultCapacity = 3;

    /// <summary>Integrates every frame of <paramref name="source"/> and hands each pattern, in frame order, to <paramref name="write"/>.</summary>
    /// <param name="write">Called on the writer task for each integrated frame; the pattern goes back to the pool when it returns.</param>
    /// <param name="failed">Called on the writer task, in frame order, for a frame that could not be read.</param>
    /// <param name="frames">The frame indices to integrate (default: all of them).</param>
    public static async Task<IntegrationPipelineResult> RunAsync(IFrameSource source, AzimuthalIntegrator integrator, ReadOnlyMemory<float> dark,
        Action<IntegratedFrame> write, Action<IntegratedFrame> failed, IReadOnlyList<int>? frames = null, int capacity = DefaultCapacity, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(integrator);
        ArgumentNullException.ThrowIfNull(write);
        ArgumentNullException.ThrowIfNull(failed);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        var order = frames ?? Enumerable.Range(0, source.FrameCount).ToArray();
        return source.DType == FrameDType.Float32
            ? await new Run<float>(source, integrator, dark, write, failed, capacity).ExecuteAsync(order, cancellation).ConfigureAwait(false)
            : await new Run<int>(source, integrator, dark, write, failed, capacity).ExecuteAsync(order, cancellation).ConfigureAwait(false);
    }

    /// <summary>One run, generic over the pixel type the source delivers (int32 counts or float32).</summary>
    private sealed class Run<TPixel>
        where TPixel : unmanaged
    {
        private readonly IFrameSource _source;
        private readonly AzimuthalIntegrator _integrator;
        private readonly ReadOnlyMemory<float> _dark;
        private readonly Action<IntegratedFrame> _write;
        private readonly Action<IntegratedFrame> _failed;
        private readonly int _pixels;
        private readonly Channel<(int Index, FrameTiming Timing, TPixel[]? Pixels, string? Error)> _raw;
        private readonly Channel<IntegratedFrame> _integrated;
        private readonly BoundedPool<TPixel[]> _pixelBuffers;
        private readonly BoundedPool<Pattern1D> _patterns;
        private long _readTicks, _integrateTicks, _writeTicks;
        private int _done, _failures;

        public Run(IFrameSource source, AzimuthalIntegrator integrator, ReadOnlyMemory<float> dark, Action<IntegratedFrame> write, Action<IntegratedFrame> failed, int capacity)
        {
            _source = source;
            _integrator = integrator;
            _dark = dark;
            _write = write;
            _failed = failed;
            _pixels = source.Rows * source.Columns;
            var options = new BoundedChannelOptions(capacity) { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait };
            _raw = Channel.CreateBounded<(int, FrameTiming, TPixel[]?, string?)>(options);
            _integrated = Channel.CreateBounded<IntegratedFrame>(options);
            // In flight at most: a channel full, one in the hands of each stage on either side of it.
            _pixelBuffers = new BoundedPool<TPixel[]>(() => GC.AllocateUninitializedArray<TPixel>(_pixels), capacity + 2);
            _patterns = new BoundedPool<Pattern1D>(integrator.CreatePattern, capacity + 2);
        }

        public async Task<IntegrationPipelineResult> ExecuteAsync(IReadOnlyList<int> frames, CancellationToken cancellation)
        {
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
            var cpu = ProcessorTime();
            var wall = Stopwatch.StartNew();
            // Each stage a long-running task of its own: the reader and the writer block in native code (HDF5) and
            // must not hold a thread-pool thread the integrator's fork-join workers may want.
            var stages = new[]
            {
                Stage(() => ReadAll(frames, stop.Token), e => _raw.Writer.TryComplete(e), stop),
                Stage(() => IntegrateAll(stop.Token), e => _integrated.Writer.TryComplete(e), stop),
                Stage(() => WriteAll(stop.Token), _ => { }, stop),
            };
            try
            {
                await Task.WhenAll(stages).ConfigureAwait(false);
            }
            catch (Exception)
            {
                // Inspected below: the error that stopped the run, not the cancellations it caused in the other stages.
            }

            var error = stages.Where(s => s.IsFaulted).Select(s => s.Exception!.InnerException!).FirstOrDefault(e => e is not OperationCanceledException);
            if (error is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(error).Throw();
            }

            cancellation.ThrowIfCancellationRequested();
            return new IntegrationPipelineResult(_done, _failures, wall.Elapsed, Seconds(_readTicks), Seconds(_integrateTicks), Seconds(_writeTicks))
            {
                ProcessorTime = ProcessorTime() - cpu,
            };
        }

        private static TimeSpan ProcessorTime()
        {
            using var self = Process.GetCurrentProcess();
            return self.TotalProcessorTime;
        }

        private static TimeSpan Seconds(long ticks) => TimeSpan.FromSeconds(ticks / (double)Stopwatch.Frequency);

        // The stage's output channel is completed however it ends; a failure cancels the other stages.
        private static Task Stage(Action body, Action<Exception?> complete, CancellationTokenSource stop) =>
            Task.Factory.StartNew(() =>
            {
                try
                {
                    body();
                    complete(null);
                }
                catch (Exception e)
                {
                    complete(e);
                    stop.Cancel();
                    throw;
                }
            }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        // Blocking waits on a dedicated thread: the channels' async API would hop threads for every frame for nothing.
        private static void Put<T>(ChannelWriter<T> writer, T item, CancellationToken token)
        {
            while (!writer.TryWrite(item))
            {
                if (!writer.WaitToWriteAsync(token).AsTask().GetAwaiter().GetResult())
                {
                    throw new InvalidOperationException("the next stage stopped reading");
                }
            }
        }

        private static bool Take<T>(ChannelReader<T> reader, out T item, CancellationToken token)
        {
            while (!reader.TryRead(out item!))
            {
                if (!reader.WaitToReadAsync(token).AsTask().GetAwaiter().GetResult())
                {
                    return false;
                }
            }

            return true;
        }

        private void ReadAll(IReadOnlyList<int> frames, CancellationToken token)
        {
            foreach (var index in frames)
            {
                token.ThrowIfCancellationRequested();
                var started = Stopwatch.GetTimestamp();
                var buffer = _pixelBuffers.Rent();
                FrameTiming timing = default;
                (int, FrameTiming, TPixel[]?, string?) item;
                try
                {
                    timing = _source.GetTiming(index);
                    if (typeof(TPixel) == typeof(float))
                    {
                        _source.ReadFrame(index, MemoryMarshal.Cast<TPixel, float>(buffer.AsSpan(0, _pixels)));
                    }
                    else
                    {
                        _source.ReadFrame(index, MemoryMarshal.Cast<TPixel, int>(buffer.AsSpan(0, _pixels)));
                    }

                    item = (index, timing, buffer, null);
                }
                catch (FrameSourceException e)
                {
                    _pixelBuffers.Return(buffer);
                    item = (index, timing, null, e.Message);
                }

                _readTicks += Stopwatch.GetTimestamp() - started;
                Put(_raw.Writer, item, token);
            }
        }

        private void IntegrateAll(CancellationToken token)
        {
            while (Take(_raw.Reader, out var raw, token))
            {
                IntegratedFrame result;
                if (raw.Pixels is null)
                {
                    result = new IntegratedFrame(raw.Index, raw.Timing, null, raw.Error);
                }
                else
                {
                    var started = Stopwatch.GetTimestamp();
                    var pattern = _patterns.Rent();
                    try
                    {
                        if (typeof(TPixel) == typeof(float))
                        {
                            _integrator.Integrate(MemoryMarshal.Cast<TPixel, float>(raw.Pixels.AsSpan(0, _pixels)), pattern, _dark.Span);
                        }
                        else
                        {
                            _integrator.Integrate(MemoryMarshal.Cast<TPixel, int>(raw.Pixels.AsSpan(0, _pixels)), pattern, _dark.Span);
                        }
                    }
                    catch
                    {
                        _patterns.Return(pattern);
                        throw;
                    }
                    finally
                    {
                        _pixelBuffers.Return(raw.Pixels);
                    }

                    _integrateTicks += Stopwatch.GetTimestamp() - started;
                    result = new IntegratedFrame(raw.Index, raw.Timing, pattern, null);
                }

                Put(_integrated.Writer, result, token);
            }
        }

        private void WriteAll(CancellationToken token)
        {
            while (Take(_integrated.Reader, out var frame, token))
            {
                if (frame.Pattern is not { } pattern)
                {
                    _failures++;
                    _failed(frame);
                    continue;
                }

                var started = Stopwatch.GetTimestamp();
                try
                {
                    _write(frame);
                }
                finally
                {
                    _patterns.Return(pattern);
                }

                _writeTicks += Stopwatch.GetTimestamp() - started;
                _done++;
            }
        }
    }
}

/// <summary>What an <see cref="IntegrationPipeline"/> run did: frames written and failed, wall time, and each stage's busy time.</summary>
public sealed record IntegrationPipelineResult(int Written, int Failed, TimeSpan Elapsed, TimeSpan Reading, TimeSpan Integrating, TimeSpan Writing)
{
    /// <summary>CPU time of the whole process (every thread) while the stages ran: on a shared machine, what the run cost.</summary>
    public TimeSpan ProcessorTime { get; init; }
}
