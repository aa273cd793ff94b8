using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace OperandoXrd.Hdf5.Codecs;

/// <summary>Which kernel the bit transposition runs on; tests force each one.</summary>
internal enum BitTransposeIsa
{
    Scalar,
    Vector128,
    Vector256,
    /// <summary>AVX-512 VBMI byte permutes + GFNI affine 8x8 bit transposes.</summary>
    Avx512Gfni,
}

/// <summary>
/// Bitshuffle's transposition of one block of <c>n</c> elements (n a multiple of 8) of <c>es</c> bytes.
/// Shuffled layout: 8·es bit rows of n/8 bytes; row <c>8b + j</c>, byte <c>c</c>, bit <c>m</c> holds bit j of
/// byte b of element <c>8c + m</c> (verified against bitshuffle 0.3.5).
/// Both directions go through byte planes (plane b = byte b of every element): the bit stage works on 8x8 bit
/// tiles of one plane, the byte stage interleaves the planes into elements. For es = 1 the plane is the output.
/// </summary>
[SkipLocalsInit]
internal static class BitTranspose
{
    public static BitTransposeIsa Best { get; } =
        Avx512Vbmi.IsSupported && Gfni.V512.IsSupported ? BitTransposeIsa.Avx512Gfni
        : Vector256.IsHardwareAccelerated ? BitTransposeIsa.Vector256
        : Vector128.IsHardwareAccelerated ? BitTransposeIsa.Vector128
        : BitTransposeIsa.Scalar;

    public static bool IsSupported(BitTransposeIsa isa) => isa switch
    {
        BitTransposeIsa.Avx512Gfni => Avx512Vbmi.IsSupported && Gfni.V512.IsSupported,
        BitTransposeIsa.Vector256 => Vector256.IsHardwareAccelerated,
        BitTransposeIsa.Vector128 => Vector128.IsHardwareAccelerated,
        _ => true,
    };

    /// <summary>Bit rows → elements. <paramref name="planes"/> needs n·es bytes when es &gt; 1 (unused for es = 1).</summary>
    public static void Unshuffle(ReadOnlySpan<byte> rows, Span<byte> elements, int n, int es, Span<byte> planes, BitTransposeIsa isa)
    {
        var bytes = n * es;
        if ((n & 7) != 0 || rows.Length < bytes || elements.Length < bytes || (es > 1 && planes.Length < bytes))
        {
            throw new ArgumentException("bit transpose: block of " + n.ToString(System.Globalization.CultureInfo.InvariantCulture) + " elements does not fit its buffers");
        }

        if (n == 0)
        {
            return;
        }

        var target = es == 1 ? elements : planes;
        var rowLength = n / 8;
        ref var r = ref MemoryMarshal.GetReference(rows);
        ref var p = ref MemoryMarshal.GetReference(target);
        for (var b = 0; b < es; b++)
        {
            ref var rowsOfPlane = ref Unsafe.Add(ref r, b * 8 * rowLength);
            ref var plane = ref Unsafe.Add(ref p, b * n);
            var c = 0;
            switch (isa)
            {
                case BitTransposeIsa.Avx512Gfni:
                    c = Avx512Kernel.RowsToPlane(ref rowsOfPlane, ref plane, rowLength, 0);
                    c = LaneKernel<Lanes256, Vector256<ulong>>.RowsToPlane(ref rowsOfPlane, ref plane, rowLength, c);
                    break;
                case BitTransposeIsa.Vector256:
                    c = LaneKernel<Lanes256, Vector256<ulong>>.RowsToPlane(ref rowsOfPlane, ref plane, rowLength, 0);
                    break;
                case BitTransposeIsa.Vector128:
                    c = LaneKernel<Lanes128, Vector128<ulong>>.RowsToPlane(ref rowsOfPlane, ref plane, rowLength, 0);
                    break;
            }
            c = LaneKernel<Lanes64, ulong>.RowsToPlane(ref rowsOfPlane, ref plane, rowLength, c);
            ScalarRowsToPlane(ref rowsOfPlane, ref plane, rowLength, c);
        }

        if (es > 1)
        {
            PlaneInterleave.PlanesToElements(ref p, ref MemoryMarshal.GetReference(elements), n, es, isa);
        }
    }

    /// <summary>Elements → bit rows (the encoder's direction).</summary>
    public static void Shuffle(ReadOnlySpan<byte> elements, Span<byte> rows, int n, int es, Span<byte> planes, BitTransposeIsa isa)
    {
        var bytes = n * es;
        if ((n & 7) != 0 || rows.Length < bytes || elements.Length < bytes || (es > 1 && planes.Length < bytes))
        {
            throw new ArgumentException("bit transpose: block of " + n.ToString(System.Globalization.CultureInfo.InvariantCulture) + " elements does not fit its buffers");
        }

        if (n == 0)
        {
            return;
        }

        ref var p = ref es == 1 ? ref MemoryMarshal.GetReference(elements) : ref MemoryMarshal.GetReference(planes);
        if (es > 1)
        {
            PlaneInterleave.ElementsToPlanes(ref MemoryMarshal.GetReference(elements), ref p, n, es, isa);
        }

        var rowLength = n / 8;
        ref var r = ref MemoryMarshal.GetReference(rows);
        for (var b = 0; b < es; b++)
        {
            ref var rowsOfPlane = ref Unsafe.Add(ref r, b * 8 * rowLength);
            ref var plane = ref Unsafe.Add(ref p, b * n);
            var c = 0;
            switch (isa)
            {
                case BitTransposeIsa.Avx512Gfni:
                case BitTransposeIsa.Vector256:
                    c = LaneKernel<Lanes256, Vector256<ulong>>.PlaneToRows(ref plane, ref rowsOfPlane, rowLength, 0);
                    break;
                case BitTransposeIsa.Vector128:
                    c = LaneKernel<Lanes128, Vector128<ulong>>.PlaneToRows(ref plane, ref rowsOfPlane, rowLength, 0);
                    break;
            }
            c = LaneKernel<Lanes64, ulong>.PlaneToRows(ref plane, ref rowsOfPlane, rowLength, c);
            ScalarPlaneToRows(ref plane, ref rowsOfPlane, rowLength, c);
        }
    }

    /// <summary>Transposes the 8x8 bit matrix in each 64-bit word: byte m bit j ← byte j bit m (Hacker's Delight 7-3).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong TransposeBits8x8(ulong x)
    {
        var t = (x ^ (x >> 7)) & 0x00AA00AA00AA00AAUL;
        x ^= t ^ (t << 7);
        t = (x ^ (x >> 14)) & 0x0000CCCC0000CCCCUL;
        x ^= t ^ (t << 14);
        t = (x ^ (x >> 28)) & 0x00000000F0F0F0F0UL;
        x ^= t ^ (t << 28);
        return x;
    }

    // One column (8 elements) at a time: gathers the column's byte from each of the 8 rows.
    private static void ScalarRowsToPlane(ref byte rows, ref byte plane, int rowLength, int c)
    {
        for (; c < rowLength; c++)
        {
            ulong q = 0;
            for (var j = 0; j < 8; j++)
            {
                q |= (ulong)Unsafe.Add(ref rows, j * rowLength + c) << (8 * j);
            }

            Unsafe.WriteUnaligned(ref Unsafe.Add(ref plane, 8 * c), LittleEndian(TransposeBits8x8(q)));
        }
    }

    private static void ScalarPlaneToRows(ref byte plane, ref byte rows, int rowLength, int c)
    {
        for (; c < rowLength; c++)
        {
            var q = TransposeBits8x8(LittleEndian(Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref plane, 8 * c))));
            for (var j = 0; j < 8; j++)
            {
                Unsafe.Add(ref rows, j * rowLength + c) = (byte)(q >> (8 * j));
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong LittleEndian(ulong x) => BitConverter.IsLittleEndian ? x : System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(x);

    /// <summary>Slow bit-by-bit definition used by the tests as the reference for every kernel.</summary>
    internal static void ReferenceUnshuffle(ReadOnlySpan<byte> rows, Span<byte> elements, int n, int es)
    {
        var rowLength = n / 8;
        elements.Slice(0, n * es).Clear();
        for (var b = 0; b < es; b++)
        {
            for (var j = 0; j < 8; j++)
            {
                for (var e = 0; e < n; e++)
                {
                    var bit = (rows[(8 * b + j) * rowLength + e / 8] >> (e % 8)) & 1;
                    elements[e * es + b] |= (byte)(bit << j);
                }
            }
        }
    }
}

/// <summary>
/// 64-bit words in SIMD lanes: lane L of a row vector is the row's word at tile L, so a batch of tiles moves
/// through the two transposes with plain shifts and masks (no shuffles), on any vector width.
/// </summary>
internal interface IWordLanes<TSelf, TVector>
    where TSelf : IWordLanes<TSelf, TVector>
{
    static abstract int Count { get; }
    static abstract TVector Load(ref byte source);
    static abstract void Store(TVector value, ref byte destination);
    static abstract ulong GetLane(TVector value, int lane);
    static abstract TVector Gather(ref byte source, int stride);
    static abstract TVector Splat(ulong value);
    static abstract TVector And(TVector a, TVector b);
    static abstract TVector Xor(TVector a, TVector b);
    static abstract TVector ShiftLeft(TVector value, int count);
    static abstract TVector ShiftRight(TVector value, int count);
}

internal readonly struct Lanes64 : IWordLanes<Lanes64, ulong>
{
    public static int Count => 1;
    public static ulong Load(ref byte source) => BitTranspose.LittleEndian(Unsafe.ReadUnaligned<ulong>(ref source));
    public static void Store(ulong value, ref byte destination) => Unsafe.WriteUnaligned(ref destination, BitTranspose.LittleEndian(value));
    public static ulong GetLane(ulong value, int lane) => BitTranspose.LittleEndian(value);
    public static ulong Gather(ref byte source, int stride) => Load(ref source);
    public static ulong Splat(ulong value) => value;
    public static ulong And(ulong a, ulong b) => a & b;
    public static ulong Xor(ulong a, ulong b) => a ^ b;
    public static ulong ShiftLeft(ulong value, int count) => value << count;
    public static ulong ShiftRight(ulong value, int count) => value >> count;
}

internal readonly struct Lanes128 : IWordLanes<Lanes128, Vector128<ulong>>
{
    public static int Count => 2;
    public static Vector128<ulong> Load(ref byte source) => Vector128.LoadUnsafe(ref source).AsUInt64();
    public static void Store(Vector128<ulong> value, ref byte destination) => value.AsByte().StoreUnsafe(ref destination);
    public static ulong GetLane(Vector128<ulong> value, int lane) => value.GetElement(lane);
    public static Vector128<ulong> Gather(ref byte source, int stride) => Vector128.Create(
        Unsafe.ReadUnaligned<ulong>(ref source), Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref source, stride)));
    public static Vector128<ulong> Splat(ulong value) => Vector128.Create(value);
    public static Vector128<ulong> And(Vector128<ulong> a, Vector128<ulong> b) => a & b;
    public static Vector128<ulong> Xor(Vector128<ulong> a, Vector128<ulong> b) => a ^ b;
    public static Vector128<ulong> ShiftLeft(Vector128<ulong> value, int count) => value << count;
    public static Vector128<ulong> ShiftRight(Vector128<ulong> value, int count) => value >>> count;
}

internal readonly struct Lanes256 : IWordLanes<Lanes256, Vector256<ulong>>
{
    public static int Count => 4;
    public static Vector256<ulong> Load(ref byte source) => Vector256.LoadUnsafe(ref source).AsUInt64();
    public static void Store(Vector256<ulong> value, ref byte destination) => value.AsByte().StoreUnsafe(ref destination);
    public static ulong GetLane(Vector256<ulong> value, int lane) => value.GetElement(lane);
    public static Vector256<ulong> Gather(ref byte source, int stride) => Vector256.Create(
        Unsafe.ReadUnaligned<ulong>(ref source), Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref source, stride)),
        Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref source, 2 * stride)), Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref source, 3 * stride)));
    public static Vector256<ulong> Splat(ulong value) => Vector256.Create(value);
    public static Vector256<ulong> And(Vector256<ulong> a, Vector256<ulong> b) => a & b;
    public static Vector256<ulong> Xor(Vector256<ulong> a, Vector256<ulong> b) => a ^ b;
    public static Vector256<ulong> ShiftLeft(Vector256<ulong> value, int count) => value << count;
    public static Vector256<ulong> ShiftRight(Vector256<ulong> value, int count) => value >>> count;
}

/// <summary>
/// The bit stage over a batch of <c>TL.Count</c> tiles of 8 columns. Rows → plane: the 8 row words of each
/// tile are byte-transposed (word c byte j ← row j byte c) and then bit-transposed inside each word, which yields
/// the plane bytes of the tile's 64 elements in order. Plane → rows runs the same two steps backwards.
/// </summary>
[SkipLocalsInit]
internal static class LaneKernel<TL, TV>
    where TL : struct, IWordLanes<TL, TV>
{
    public static int RowsToPlane(ref byte rows, ref byte plane, int rowLength, int c)
    {
        var step = 8 * TL.Count;
        TV r0, r1, r2, r3, r4, r5, r6, r7;
        for (; c + step <= rowLength; c += step)
        {
            r0 = TL.Load(ref Unsafe.Add(ref rows, c));
            r1 = TL.Load(ref Unsafe.Add(ref rows, rowLength + c));
            r2 = TL.Load(ref Unsafe.Add(ref rows, 2 * rowLength + c));
            r3 = TL.Load(ref Unsafe.Add(ref rows, 3 * rowLength + c));
            r4 = TL.Load(ref Unsafe.Add(ref rows, 4 * rowLength + c));
            r5 = TL.Load(ref Unsafe.Add(ref rows, 5 * rowLength + c));
            r6 = TL.Load(ref Unsafe.Add(ref rows, 6 * rowLength + c));
            r7 = TL.Load(ref Unsafe.Add(ref rows, 7 * rowLength + c));
            TransposeBytes(ref r0, ref r1, ref r2, ref r3, ref r4, ref r5, ref r6, ref r7);
            r0 = TransposeBits(r0);
            r1 = TransposeBits(r1);
            r2 = TransposeBits(r2);
            r3 = TransposeBits(r3);
            r4 = TransposeBits(r4);
            r5 = TransposeBits(r5);
            r6 = TransposeBits(r6);
            r7 = TransposeBits(r7);
            ref var tile = ref Unsafe.Add(ref plane, 8 * c);
            // Word k of lane L belongs to column c + 8L + k; each lane's 8 words are 64 contiguous plane bytes.
            for (var lane = 0; lane < TL.Count; lane++)
            {
                ref var o = ref Unsafe.Add(ref tile, 64 * lane);
                Unsafe.WriteUnaligned(ref o, TL.GetLane(r0, lane));
                Unsafe.WriteUnaligned(ref Unsafe.Add(ref o, 8), TL.GetLane(r1, lane));
                Unsafe.WriteUnaligned(ref Unsafe.Add(ref o, 16), TL.GetLane(r2, lane));
                Unsafe.WriteUnaligned(ref Unsafe.Add(ref o, 24), TL.GetLane(r3, lane));
                Unsafe.WriteUnaligned(ref Unsafe.Add(ref o, 32), TL.GetLane(r4, lane));
                Unsafe.WriteUnaligned(ref Unsafe.Add(ref o, 40), TL.GetLane(r5, lane));
                Unsafe.WriteUnaligned(ref Unsafe.Add(ref o, 48), TL.GetLane(r6, lane));
                Unsafe.WriteUnaligned(ref Unsafe.Add(ref o, 56), TL.GetLane(r7, lane));
            }
        }
        return c;
    }

    public static int PlaneToRows(ref byte plane, ref byte rows, int rowLength, int c)
    {
        var step = 8 * TL.Count;
        for (; c + step <= rowLength; c += step)
        {
            ref var tile = ref Unsafe.Add(ref plane, 8 * c);
            // Lane L of word vector k: plane word of column c + 8L + k (stride 64 bytes between lanes).
            var r0 = TransposeBits(TL.Gather(ref tile, 64));
            var r1 = TransposeBits(TL.Gather(ref Unsafe.Add(ref tile, 8), 64));
            var r2 = TransposeBits(TL.Gather(ref Unsafe.Add(ref tile, 16), 64));
            var r3 = TransposeBits(TL.Gather(ref Unsafe.Add(ref tile, 24), 64));
            var r4 = TransposeBits(TL.Gather(ref Unsafe.Add(ref tile, 32), 64));
            var r5 = TransposeBits(TL.Gather(ref Unsafe.Add(ref tile, 40), 64));
            var r6 = TransposeBits(TL.Gather(ref Unsafe.Add(ref tile, 48), 64));
            var r7 = TransposeBits(TL.Gather(ref Unsafe.Add(ref tile, 56), 64));
            TransposeBytes(ref r0, ref r1, ref r2, ref r3, ref r4, ref r5, ref r6, ref r7);
            TL.Store(r0, ref Unsafe.Add(ref rows, c));
            TL.Store(r1, ref Unsafe.Add(ref rows, rowLength + c));
            TL.Store(r2, ref Unsafe.Add(ref rows, 2 * rowLength + c));
            TL.Store(r3, ref Unsafe.Add(ref rows, 3 * rowLength + c));
            TL.Store(r4, ref Unsafe.Add(ref rows, 4 * rowLength + c));
            TL.Store(r5, ref Unsafe.Add(ref rows, 5 * rowLength + c));
            TL.Store(r6, ref Unsafe.Add(ref rows, 6 * rowLength + c));
            TL.Store(r7, ref Unsafe.Add(ref rows, 7 * rowLength + c));
        }
        return c;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV TransposeBits(TV x)
    {
        var t = TL.And(TL.Xor(x, TL.ShiftRight(x, 7)), TL.Splat(0x00AA00AA00AA00AAUL));
        x = TL.Xor(x, TL.Xor(t, TL.ShiftLeft(t, 7)));
        t = TL.And(TL.Xor(x, TL.ShiftRight(x, 14)), TL.Splat(0x0000CCCC0000CCCCUL));
        x = TL.Xor(x, TL.Xor(t, TL.ShiftLeft(t, 14)));
        t = TL.And(TL.Xor(x, TL.ShiftRight(x, 28)), TL.Splat(0x00000000F0F0F0F0UL));
        return TL.Xor(x, TL.Xor(t, TL.ShiftLeft(t, 28)));
    }

    // 8x8 byte transpose across eight words (per lane): word j byte c ↔ word c byte j, by three delta swaps.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void TransposeBytes(ref TV r0, ref TV r1, ref TV r2, ref TV r3, ref TV r4, ref TV r5, ref TV r6, ref TV r7)
    {
        var m8 = TL.Splat(0x00FF00FF00FF00FFUL);
        Swap(ref r0, ref r1, 8, m8);
        Swap(ref r2, ref r3, 8, m8);
        Swap(ref r4, ref r5, 8, m8);
        Swap(ref r6, ref r7, 8, m8);
        var m16 = TL.Splat(0x0000FFFF0000FFFFUL);
        Swap(ref r0, ref r2, 16, m16);
        Swap(ref r1, ref r3, 16, m16);
        Swap(ref r4, ref r6, 16, m16);
        Swap(ref r5, ref r7, 16, m16);
        var m32 = TL.Splat(0x00000000FFFFFFFFUL);
        Swap(ref r0, ref r4, 32, m32);
        Swap(ref r1, ref r5, 32, m32);
        Swap(ref r2, ref r6, 32, m32);
        Swap(ref r3, ref r7, 32, m32);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Swap(ref TV a, ref TV b, int shift, TV mask)
    {
        var t = TL.And(TL.Xor(TL.ShiftRight(a, shift), b), mask);
        b = TL.Xor(b, t);
        a = TL.Xor(a, TL.ShiftLeft(t, shift));
    }
}
