using System.Diagnostics;
using System.Globalization;
using OperandoXrd.Fitting.Model;
using OperandoXrd.Fitting.Optimization;
using OperandoXrd.Fitting.Sequential;

namespace OperandoXrd.Benchmarks.Fitting;

/// <summary>
/// Where a per-frame fit's time goes, by Stopwatch (BenchmarkDotNet gives the totals; this gives the parts):
/// <c>dotnet run -c Release --project benchmarks/OperandoXrd.Benchmarks -- --fit-profile</c>. On the frames of
/// <see cref="FitBenchmarkData"/>, bare TCH and with the Pilatus2M instrument function: the per-frame fit (median),
/// LM iterations per frame, one model evaluation with and without the Jacobian of the per-frame free parameters, the
/// same evaluation on the bare TCH (the difference is the convolution), the normal equations (JᵀWJ, JᵀWr), one
/// damped solve, and the reference fit of the first frame. Medians over repeats; allocation per frame from
/// GC.GetAllocatedBytesForCurrentThread.
/// </summary>
public static class FitProfile
{
    public static void Run(int repeats = 200)
    {

        var bare = Measure(FitBenchmarkData.Create(instrument: false), null, repeats);
        var convolved = Measure(FitBenchmarkData.Create(instrument: true), bare, repeats);
        Console.WriteLine();
        Console.WriteLine("| part | bare TCH | TCH ⊗ instrument |");
        Console.WriteLine("|---|---|---|");
        foreach (var key in convolved.Keys)
        {
            Console.WriteLine($"| {key} | {(bare.TryGetValue(key, out var b) ? b : "")} | {convolved[key]} |");
        }
    }

    private static Dictionary<string, string> Measure(FitBenchmarkData data, Dictionary<string, string>? bare, int repeats)
    {
        var rows = new Dictionary<string, string>();
        var references = new List<double>();
        var referenceCpu = new List<double>();
        SequentialFitter fitter = null!;
        for (var r = 0; r < 3; r++)
        {
            fitter = data.NewFitter();
            var c0 = Process.GetCurrentProcess().TotalProcessorTime;
            var t0 = Stopwatch.GetTimestamp();
            var reference = fitter.Fit(0, data.Frames[0].Y, data.Frames[0].Sigma);
            references.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
            referenceCpu.Add((Process.GetCurrentProcess().TotalProcessorTime - c0).TotalMilliseconds);
            if (r == 0)
            {
                rows["reference fit: iterations, GoF"] = $"{reference.Iterations}, {reference.GoF:F3}";
            }
        }

        rows["reference fit of frame 0 (median of 3: wall; CPU)"] = Ms(Median(references)) + "; " + Ms(Median(referenceCpu));
        var frameTimes = new List<double>();
        var iterations = new List<double>();
        long allocated = 0;
        FrameFit last = null!;
        var cpu = TimeSpan.Zero;
        for (var r = 0; r < repeats + 10; r++)
        {
            var f = 1 + (r & 1);
            var before = GC.GetAllocatedBytesForCurrentThread();
            var c0 = Process.GetCurrentProcess().TotalProcessorTime;
            var t0 = Stopwatch.GetTimestamp();
            last = fitter.Fit(f, data.Frames[f].Y, data.Frames[f].Sigma);
            var elapsed = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            if (r >= 10)
            {
                cpu += Process.GetCurrentProcess().TotalProcessorTime - c0;
                frameTimes.Add(elapsed);
                iterations.Add(last.Iterations);
                allocated += GC.GetAllocatedBytesForCurrentThread() - before;
            }
        }

        rows["per-frame fit (wall median; CPU mean)"] = Ms(Median(frameTimes)) + "; " + Ms(cpu.TotalMilliseconds / repeats);
        rows["LM iterations per frame (median)"] = Median(iterations).ToString("0.#", CultureInfo.InvariantCulture);
        rows["allocated per frame (incl. result)"] = $"{allocated / repeats / 1024.0:F1} kB";
        var model = fitter.Model;
        var p = last.Values;
        var m = model.PointCount;
        var values = new double[m];
        var jacobian = new Jacobian(m, model.ParameterCount);
        var free = Enumerable.Range(0, model.ParameterCount).Where(model.Parameters.IsFree).ToArray();
        for (var j = 0; j < model.ParameterCount; j++)
        {
            jacobian.SetActive(j, model.Parameters.IsFree(j));
        }

        var evalJ = Time(repeats, () =>
        {
            jacobian.Clear();
            model.Evaluate(p, values, jacobian);
        });
        var eval = Time(repeats, () => model.Evaluate(p, values, null));
        rows["model + Jacobian, one evaluation"] = Ms(evalJ);
        rows["model alone (trial step), one evaluation"] = Ms(eval);
        if (bare is not null)
        {
            rows["of which the convolution (vs bare)"] = Ms(evalJ - Parse(bare["model + Jacobian, one evaluation"])) + " / " + Ms(eval - Parse(bare["model alone (trial step), one evaluation"]));
        }

        var lm = new LevenbergMarquardt();
        var y1 = data.Frames[1].Y.AsSpan(fitter.Offset, m).ToArray();
        var s1 = data.Frames[1].Sigma.AsSpan(fitter.Offset, m).ToArray();
        var lmIterations = 0;
        var lmCpu = Process.GetCurrentProcess().TotalProcessorTime;
        var lmAlone = Time(repeats / 4, () =>
        {
            p.CopyTo(model.Parameters.Values);
            lmIterations = lm.Fit(model, y1, s1, model.Parameters).Iterations;
        });
        lmCpu = Process.GetCurrentProcess().TotalProcessorTime - lmCpu;
        rows["LM alone from the neighbouring frame (wall median; CPU mean; iterations)"] = $"{Ms(lmAlone)}; {Ms(lmCpu.TotalMilliseconds / ((repeats / 4) + 5))}; {lmIterations}";
        var weights = s1.Select(v => 1 / (v * v)).ToArray();
        var partitioned = new double[p.Length];
        rows["Le Bail re-partition of the intensities"] = Ms(Time(repeats / 4, () =>
        {
            p.CopyTo(partitioned, 0);
            model.PartitionIntensities(partitioned, y1, weights);
        }));
        var nf = free.Length;
        var a = new double[nf * nf];
        var g = new double[nf];
        var residual = Enumerable.Range(0, m).Select(i => Math.Sin(i * 0.01)).ToArray();
        var normal = Time(repeats, () => SequentialFitBenchmarks.NormalEquations(jacobian, free, residual, a, g, 0));
        var factor = new double[nf * nf];
        var solve = Time(repeats, () =>
        {
            for (var k = 0; k < nf; k++)
            {
                for (var l = 0; l <= k; l++)
                {
                    factor[k * nf + l] = a[k * nf + l] / Math.Sqrt(a[k * nf + k] * a[l * nf + l]) + (k == l ? 1e-3 : 0);
                }
            }

            DenseKernels.Cholesky(factor, nf);
            g.CopyTo(residual, 0);
            DenseKernels.CholeskySolve(factor, nf, residual.AsSpan(0, nf));
        });
        rows[$"normal equations JᵀWJ, JᵀWr ({nf} free)"] = Ms(normal);
        rows["damped solve (scale, Cholesky, substitution)"] = Ms(solve);
        var it = Median(iterations);
        // Accepted steps are evaluated with their Jacobian at once (LevenbergMarquardt's speculative trial), so a
        // per-frame fit whose steps are all accepted costs one evaluation with the Jacobian per iteration, plus the start.
        rows["LM predicted from the parts: (it+1)(eval+J + normal) + it·solve"] = Ms(((it + 1) * (evalJ + normal)) + (it * solve));
        return rows;
    }

    private static double Time(int repeats, Action action)
    {
        for (var r = 0; r < 5; r++)
        {
            action();
        }

        var times = new List<double>(repeats);
        for (var r = 0; r < repeats; r++)
        {
            var t0 = Stopwatch.GetTimestamp();
            action();
            times.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
        }

        return Median(times);
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values.Count % 2 == 1 ? values[values.Count / 2] : 0.5 * (values[(values.Count / 2) - 1] + values[values.Count / 2]);
    }

    private static string Ms(double ms) => ms.ToString("0.000", CultureInfo.InvariantCulture) + " ms";

    private static double Parse(string ms) => double.Parse(ms.Split(' ')[0], CultureInfo.InvariantCulture);
}
