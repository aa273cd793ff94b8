using System.Runtime.CompilerServices;

// Tests force each SIMD path of the kernels; benchmarks compare kernel layouts.
[assembly: InternalsVisibleTo("OperandoXrd.Core.Tests")]
[assembly: InternalsVisibleTo("OperandoXrd.Benchmarks")]
