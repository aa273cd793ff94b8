using BenchmarkDotNet.Running;
using OperandoXrd.Benchmarks.Fitting;

// `dotnet run -c Release --project benchmarks/OperandoXrd.Benchmarks -- --filter '*'` runs them all;
// `oxrd bench` runs the same kernels side by side with pyFAI for docs/performance.md.
// `-- --fit-profile` prints where a per-frame fit's time goes (Stopwatch breakdown, not BenchmarkDotNet).
if (args is ["--fit-profile", ..])
{
    FitProfile.Run();
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
