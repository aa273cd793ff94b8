using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace OperandoXrd.Hdf5.Codecs;

/// <summary>
/// The byte stage of the bit transposition: es byte planes of n bytes ↔ n elements of es bytes.
/// Element sizes 2 and 4 (uint16, int32/uint32/float32 detectors) get SIMD kernels; others go byte by byte.
/// </summary>
[SkipLocalsInit]
internal static class PlaneInterleave
{
    private static readonly Vector512<byte> Zip8Low = CreateZip8(0);
    private static readonly Vector512<byte> Zip8High = CreateZip8(32);
    private static readonly Vector512<ushort> Zip16Low = CreateZip16(0);
    private static readonly Vector512<ushort> Zip16High = CreateZip16(16);

    // Byte 2i + h ← plane h byte (start + i): vpermt2b numbers the second source's bytes 64..127.
    private static Vector512<byte> CreateZip8(int start)
    {
        Span<byte> index = stackalloc byte[64];
        for (var i = 0; i < 32; i++)
        {
            index[2 * i] = (byte)(start + i);
            index[2 * i + 1] = (byte)(64 + start + i);
        }
        return Vector512.Create((ReadOnlySpan<byte>)index);
    }

    private static Vector512<ushort> CreateZip16(int start)
    {
        Span<ushort> index = stackalloc ushort[32];
        for (var i = 0; i < 16; i++)
        {
            index[2 * i] = (ushort)(start + i);
            index[2 * i + 1] = (ushort)(32 + start + i);
        }
        return Vector512.Create((ReadOnlySpan<ushort>)index);
    }

    private static readonly Vector128<byte> Interleave2 = Vector128.Create((byte)0, 8, 1, 9, 2, 10, 3, 11, 4, 12, 5, 13, 6, 14, 7, 15);
    private static readonly Vector128<byte> Interleave4 = Vector128.Create((byte)0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15);
    private static readonly Vector128<byte> Deinterleave2 = Vector128.Create((byte)0, 2, 4, 6, 8, 10, 12, 14, 1, 3, 5, 7, 9, 11, 13, 15);

    public static void PlanesToElements(ref byte planes, ref byte elements, int n, int es, BitTransposeIsa isa)
    {
        var e = 0;
        if (isa == BitTransposeIsa.Avx512Gfni && Avx512Vbmi.IsSupported)
        {
            if (es == 2)
            {
                e = Avx512Zip2(ref planes, ref elements, n);
            }
            else if (es == 4)
            {
                e = Avx512Zip4(ref planes, ref elements, n);
            }
        }

        if (isa != BitTransposeIsa.Scalar && Vector128.IsHardwareAccelerated)
        {
            if (es == 2)
            {
                ref var p1 = ref Unsafe.Add(ref planes, n);
                for (; e + 8 <= n; e += 8)
                {
                    var v = Vector128.Create(Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref planes, e)), Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref p1, e))).AsByte();
                    Vector128.Shuffle(v, Interleave2).StoreUnsafe(ref Unsafe.Add(ref elements, 2 * e));
                }
            }
            else if (es == 4)
            {
                ref var p1 = ref Unsafe.Add(ref planes, n);
                ref var p2 = ref Unsafe.Add(ref planes, 2 * n);
                ref var p3 = ref Unsafe.Add(ref planes, 3 * n);
                for (; e + 4 <= n; e += 4)
                {
                    var v = Vector128.Create(
                        Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref planes, e)), Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref p1, e)),
                        Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref p2, e)), Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref p3, e))).AsByte();
                    Vector128.Shuffle(v, Interleave4).StoreUnsafe(ref Unsafe.Add(ref elements, 4 * e));
                }
            }
        }

        for (var b = 0; b < es; b++)
        {
            ref var plane = ref Unsafe.Add(ref planes, b * n);
            for (var i = e; i < n; i++)
            {
                Unsafe.Add(ref elements, i * es + b) = Unsafe.Add(ref plane, i);
            }
        }
    }

    public static void ElementsToPlanes(ref byte elements, ref byte planes, int n, int es, BitTransposeIsa isa)
    {
        var e = 0;
        if (isa != BitTransposeIsa.Scalar && Vector128.IsHardwareAccelerated)
        {
            if (es == 2)
            {
                ref var p1 = ref Unsafe.Add(ref planes, n);
                for (; e + 8 <= n; e += 8)
                {
                    var v = Vector128.Shuffle(Vector128.LoadUnsafe(ref Unsafe.Add(ref elements, 2 * e)), Deinterleave2).AsUInt64();
                    Unsafe.WriteUnaligned(ref Unsafe.Add(ref planes, e), v.GetElement(0));
                    Unsafe.WriteUnaligned(ref Unsafe.Add(ref p1, e), v.GetElement(1));
                }
            }
            else if (es == 4)
            {
                ref var p1 = ref Unsafe.Add(ref planes, n);
                ref var p2 = ref Unsafe.Add(ref planes, 2 * n);
                ref var p3 = ref Unsafe.Add(ref planes, 3 * n);
                for (; e + 4 <= n; e += 4)
                {
                    // Interleave4 is its own inverse (a 4x4 transpose).
                    var v = Vector128.Shuffle(Vector128.LoadUnsafe(ref Unsafe.Add(ref elements, 4 * e)), Interleave4).AsUInt32();
                    Unsafe.WriteUnaligned(ref Unsafe.Add(ref planes, e), v.GetElement(0));
                    Unsafe.WriteUnaligned(ref Unsafe.Add(ref p1, e), v.GetElement(1));
                    Unsafe.WriteUnaligned(ref Unsafe.Add(ref p2, e), v.GetElement(2));
                    Unsafe.WriteUnaligned(ref Unsafe.Add(ref p3, e), v.GetElement(3));
                }
            }
        }

        for (var b = 0; b < es; b++)
        {
            ref var plane = ref Unsafe.Add(ref planes, b * n);
            for (var i = e; i < n; i++)
            {
                Unsafe.Add(ref plane, i) = Unsafe.Add(ref elements, i * es + b);
            }
        }
    }

    private static int Avx512Zip2(ref byte planes, ref byte elements, int n)
    {
        ref var p1 = ref Unsafe.Add(ref planes, n);
        Vector512<byte> lo = Zip8Low, hi = Zip8High;
        var e = 0;
        for (; e + 64 <= n; e += 64)
        {
            var a = Vector512.LoadUnsafe(ref Unsafe.Add(ref planes, e));
            var b = Vector512.LoadUnsafe(ref Unsafe.Add(ref p1, e));
            ref var o = ref Unsafe.Add(ref elements, 2 * e);
            Avx512Vbmi.PermuteVar64x8x2(a, lo, b).StoreUnsafe(ref o);
            Avx512Vbmi.PermuteVar64x8x2(a, hi, b).StoreUnsafe(ref Unsafe.Add(ref o, 64));
        }
        return e;
    }

    private static int Avx512Zip4(ref byte planes, ref byte elements, int n)
    {
        ref var p1 = ref Unsafe.Add(ref planes, n);
        ref var p2 = ref Unsafe.Add(ref planes, 2 * n);
        ref var p3 = ref Unsafe.Add(ref planes, 3 * n);
        Vector512<byte> lo = Zip8Low, hi = Zip8High;
        Vector512<ushort> wlo = Zip16Low, whi = Zip16High;
        var e = 0;
        for (; e + 64 <= n; e += 64)
        {
            var a = Vector512.LoadUnsafe(ref Unsafe.Add(ref planes, e));
            var b = Vector512.LoadUnsafe(ref Unsafe.Add(ref p1, e));
            var c = Vector512.LoadUnsafe(ref Unsafe.Add(ref p2, e));
            var d = Vector512.LoadUnsafe(ref Unsafe.Add(ref p3, e));
            // Bytes 0|1 and 2|3 paired into 16-bit halves, then the halves paired into 32-bit elements.
            var ab0 = Avx512Vbmi.PermuteVar64x8x2(a, lo, b).AsUInt16();
            var ab1 = Avx512Vbmi.PermuteVar64x8x2(a, hi, b).AsUInt16();
            var cd0 = Avx512Vbmi.PermuteVar64x8x2(c, lo, d).AsUInt16();
            var cd1 = Avx512Vbmi.PermuteVar64x8x2(c, hi, d).AsUInt16();
            ref var o = ref Unsafe.Add(ref elements, 4 * e);
            Avx512BW.PermuteVar32x16x2(ab0, wlo, cd0).AsByte().StoreUnsafe(ref o);
            Avx512BW.PermuteVar32x16x2(ab0, whi, cd0).AsByte().StoreUnsafe(ref Unsafe.Add(ref o, 64));
            Avx512BW.PermuteVar32x16x2(ab1, wlo, cd1).AsByte().StoreUnsafe(ref Unsafe.Add(ref o, 128));
            Avx512BW.PermuteVar32x16x2(ab1, whi, cd1).AsByte().StoreUnsafe(ref Unsafe.Add(ref o, 192));
        }
        return e;
    }
}
