using System.Runtime.CompilerServices;

// Tests reach the scene, the resampler and the rasterizer directly.
[assembly: InternalsVisibleTo("OperandoXrd.Reports.Tests")]
