using System.Runtime.CompilerServices;

// The codec tests force each SIMD kernel (scalar, Vector128, Vector256, AVX-512) through internal entry points.
[assembly: InternalsVisibleTo("OperandoXrd.Hdf5.Tests")]
[assembly: InternalsVisibleTo("OperandoXrd.Benchmarks")]
