using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using OperandoXrd.Core.Frames;

namespace OperandoXrd.Hdf5.Frames;

/// <summary>
/// Converts a decoded frame from its on-disk element type to the integrator's input, once per frame. Masked-pixel
/// markers survive as negative counts: Pilatus writes −1/−2 in int32, an unsigned all-ones pixel (0xFFFFFFFF, and
/// 0xFFFF in uint16 — Dectris' "invalid" value) becomes −1, so "value &lt; 0" means masked whatever the dtype.
/// </summary>
[SkipLocalsInit]
public static class PixelConversion
{
    public static int ElementSize(FrameDType dtype) => dtype == FrameDType.UInt16 ? 2 : 4;

    public static void ToInt32(FrameDType dtype, ReadOnlySpan<byte> raw, Span<int> destination)
    {
        switch (dtype)
        {
            case FrameDType.Int32:
            case FrameDType.UInt32:
                // Reinterpretation is the conversion: 0xFFFFFFFF is −1, and real counts never reach 2^31.
                MemoryMarshal.Cast<byte, int>(raw)[..destination.Length].CopyTo(destination);
                break;
            case FrameDType.UInt16:
                WidenUInt16(MemoryMarshal.Cast<byte, ushort>(raw)[..destination.Length], destination);
                break;
            default:
                throw new InvalidOperationException("float32 frames are read as float, not as integer counts");
        }
    }

    public static void ToSingle(FrameDType dtype, ReadOnlySpan<byte> raw, Span<float> destination)
    {
        switch (dtype)
        {
            case FrameDType.Float32:
                MemoryMarshal.Cast<byte, float>(raw)[..destination.Length].CopyTo(destination);
                break;
            case FrameDType.Int32:
            case FrameDType.UInt32:
                Int32ToSingle(MemoryMarshal.Cast<byte, int>(raw)[..destination.Length], destination);
                break;
            case FrameDType.UInt16:
                UInt16ToSingle(MemoryMarshal.Cast<byte, ushort>(raw)[..destination.Length], destination);
                break;
        }
    }

    /// <summary>int → float in place-safe order: the cascade walks refs so that the JIT keeps one loop per width.</summary>
    public static void Int32ToSingle(ReadOnlySpan<int> source, Span<float> destination)
    {
        ref var s = ref MemoryMarshal.GetReference(source);
        ref var d = ref MemoryMarshal.GetReference(destination);
        nuint n = (nuint)source.Length, i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i + (nuint)Vector512<int>.Count <= n; i += (nuint)Vector512<int>.Count)
            {
                Vector512.ConvertToSingle(Vector512.LoadUnsafe(ref s, i)).StoreUnsafe(ref d, i);
            }
        }

        if (Vector256.IsHardwareAccelerated)
        {
            for (; i + (nuint)Vector256<int>.Count <= n; i += (nuint)Vector256<int>.Count)
            {
                Vector256.ConvertToSingle(Vector256.LoadUnsafe(ref s, i)).StoreUnsafe(ref d, i);
            }
        }

        if (Vector128.IsHardwareAccelerated)
        {
            for (; i + (nuint)Vector128<int>.Count <= n; i += (nuint)Vector128<int>.Count)
            {
                Vector128.ConvertToSingle(Vector128.LoadUnsafe(ref s, i)).StoreUnsafe(ref d, i);
            }
        }

        for (; i < n; i++)
        {
            Unsafe.Add(ref d, i) = Unsafe.Add(ref s, i);
        }
    }

    public static void WidenUInt16(ReadOnlySpan<ushort> source, Span<int> destination)
    {
        ref var s = ref MemoryMarshal.GetReference(source);
        ref var d = ref MemoryMarshal.GetReference(destination);
        nuint n = (nuint)source.Length, i = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            var invalid = Vector512.Create(0xFFFFu);
            for (; i + (nuint)Vector512<ushort>.Count <= n; i += (nuint)Vector512<ushort>.Count)
            {
                var (lo, hi) = Vector512.Widen(Vector512.LoadUnsafe(ref s, i));
                Mark(lo, invalid).AsInt32().StoreUnsafe(ref d, i);
                Mark(hi, invalid).AsInt32().StoreUnsafe(ref d, i + (nuint)Vector512<uint>.Count);
            }
        }

        if (Vector256.IsHardwareAccelerated)
        {
            var invalid = Vector256.Create(0xFFFFu);
            for (; i + (nuint)Vector256<ushort>.Count <= n; i += (nuint)Vector256<ushort>.Count)
            {
                var (lo, hi) = Vector256.Widen(Vector256.LoadUnsafe(ref s, i));
                Vector256.ConditionalSelect(Vector256.Equals(lo, invalid), Vector256<uint>.AllBitsSet, lo).AsInt32().StoreUnsafe(ref d, i);
                Vector256.ConditionalSelect(Vector256.Equals(hi, invalid), Vector256<uint>.AllBitsSet, hi).AsInt32().StoreUnsafe(ref d, i + (nuint)Vector256<uint>.Count);
            }
        }

        for (; i < n; i++)
        {
            var v = Unsafe.Add(ref s, i);
            Unsafe.Add(ref d, i) = v == 0xFFFF ? -1 : v;
        }
    }

    public static void UInt16ToSingle(ReadOnlySpan<ushort> source, Span<float> destination)
    {
        // Two passes through a stack-sized tile keep the widening and the conversion each in their own simple loop.
        Span<int> tile = stackalloc int[1024];
        for (var start = 0; start < source.Length; start += tile.Length)
        {
            var n = Math.Min(tile.Length, source.Length - start);
            WidenUInt16(source.Slice(start, n), tile[..n]);
            Int32ToSingle(tile[..n], destination.Slice(start, n));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<uint> Mark(Vector512<uint> v, Vector512<uint> invalid) =>
        Vector512.ConditionalSelect(Vector512.Equals(v, invalid), Vector512<uint>.AllBitsSet, v);
}
