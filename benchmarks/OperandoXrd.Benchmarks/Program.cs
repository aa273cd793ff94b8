using BenchmarkDotNet.Running;

// `dotnet run -c Release --project benchmarks/OperandoXrd.Benchmarks -- --filter '*'` runs them all;
// `oxrd bench` runs the same kernels side by side with pyFAI for docs/performance.md.
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
