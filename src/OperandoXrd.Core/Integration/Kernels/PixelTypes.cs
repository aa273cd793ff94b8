using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace OperandoXrd.Core.Integration.Kernels;

/// <summary>
/// How the kernel reads one detector pixel type as float32, at every vector width (TensorPrimitives-style operator:
/// a struct with static abstract members, so the JIT specialises the kernel per pixel type with no virtual call).
/// </summary>
internal interface IPixelType<T> where T : unmanaged
{
    /// <summary>True if the type can hold NaN/∞, which pyFAI masks per frame.</summary>
    static abstract bool CanBeNonFinite { get; }

    static abstract float ToSingle(T value);

    static abstract Vector512<float> Load512(ref T source);

    static abstract Vector256<float> Load256(ref T source);

    static abstract Vector128<float> Load128(ref T source);
}

/// <summary>Pilatus counts (int32). Exact in float32 up to 2^24, beyond Pilatus' 20-bit counter.</summary>
internal readonly struct Int32Pixels : IPixelType<int>
{
    public static bool CanBeNonFinite => false;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float ToSingle(int value) => value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Load512(ref int source) => Vector512.ConvertToSingle(Vector512.LoadUnsafe(ref source));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Load256(ref int source) => Vector256.ConvertToSingle(Vector256.LoadUnsafe(ref source));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Load128(ref int source) => Vector128.ConvertToSingle(Vector128.LoadUnsafe(ref source));
}

/// <summary>float32 frames (corrected data, simulations).</summary>
internal readonly struct Float32Pixels : IPixelType<float>
{
    public static bool CanBeNonFinite => true;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float ToSingle(float value) => value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Load512(ref float source) => Vector512.LoadUnsafe(ref source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Load256(ref float source) => Vector256.LoadUnsafe(ref source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Load128(ref float source) => Vector128.LoadUnsafe(ref source);
}
