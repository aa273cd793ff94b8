using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace OperandoXrd.Images.Codecs;

/// <summary>
/// CBF "x-CBF_BYTE_OFFSET" compression, as Pilatus detectors write it: each pixel is stored as its difference from the
/// previous pixel (the first from 0), in one signed byte when it fits in −127..127; otherwise the byte 0x80 escapes to
/// a little-endian int16, whose value −32768 escapes to an int32, whose value −2^31 escapes to an int64.
/// </summary>
[SkipLocalsInit]
public static class ByteOffset
{
    private const byte Escape8 = 0x80;

    /// <summary>Worst case of <see cref="Encode"/>: 1 + 2 + 4 + 8 bytes per value.</summary>
    public static int MaxEncodedLength(int values) => checked(values * 15);

    /// <summary>
    /// Decodes exactly <paramref name="destination"/>.Length values and returns the bytes consumed. Input that ends
    /// first throws <see cref="InvalidDataException"/> saying how far it got (a truncated file).
    /// </summary>
    public static int Decode(ReadOnlySpan<byte> source, Span<int> destination)
    {
        ref var src = ref MemoryMarshal.GetReference(source);
        ref var dst = ref MemoryMarshal.GetReference(destination);
        nuint n = (nuint)source.Length, m = (nuint)destination.Length, ip = 0, op = 0;
        var current = 0;
        while (op < m)
        {
            // Fast path: 16 deltas at once when none of the 16 bytes is an escape — nearly all of a Pilatus frame,
            // whose neighbouring pixels rarely differ by more than 127 counts. A block holding an escape is taken
            // one value at a time up to and including the escape, then the vector path resumes.
            if (Sse2.IsSupported && ip + 16 <= n && op + 16 <= m)
            {
                var bytes = Vector128.LoadUnsafe(ref src, ip);
                var escapes = Vector128.Equals(bytes, Vector128.Create(Escape8)).ExtractMostSignificantBits();
                if (escapes == 0)
                {
                    current = PrefixSum16(bytes.AsSByte(), current, ref Unsafe.Add(ref dst, op));
                    ip += 16;
                    op += 16;
                    continue;
                }

                // The plain deltas before the first escape, then the escape itself below.
                var plain = (nuint)BitOperations.TrailingZeroCount(escapes);
                for (nuint k = 0; k < plain; k++)
                {
                    current += (sbyte)Unsafe.Add(ref src, ip + k);
                    Unsafe.Add(ref dst, op + k) = current;
                }

                ip += plain;
                op += plain;
            }

            if (ip >= n)
            {
                throw Truncated(op, m);
            }

            int delta = (sbyte)Unsafe.Add(ref src, ip++);
            if (delta == -128)
            {
                delta = ReadEscaped(source, ref ip, op, m);
            }

            // Unchecked: a 64-bit delta between two int32 values wraps to the right int32.
            current = unchecked(current + delta);
            Unsafe.Add(ref dst, op++) = current;
        }

        return (int)ip;
    }

    /// <summary>Encodes <paramref name="source"/> into <paramref name="destination"/> (≥ <see cref="MaxEncodedLength"/>) and returns the length, choosing each width as fabio and CBFlib do.</summary>
    public static int Encode(ReadOnlySpan<int> source, Span<byte> destination)
    {
        var o = 0;
        long previous = 0;
        foreach (var value in source)
        {
            var delta = value - previous;
            previous = value;
            if (delta is >= -127 and <= 127)
            {
                destination[o++] = (byte)(sbyte)delta;
                continue;
            }

            destination[o++] = Escape8;
            if (delta is >= -32767 and <= 32767)
            {
                BinaryPrimitives.WriteInt16LittleEndian(destination[o..], (short)delta);
                o += 2;
                continue;
            }

            BinaryPrimitives.WriteInt16LittleEndian(destination[o..], short.MinValue);
            o += 2;
            if (delta is >= -int.MaxValue and <= int.MaxValue)
            {
                BinaryPrimitives.WriteInt32LittleEndian(destination[o..], (int)delta);
                o += 4;
                continue;
            }

            BinaryPrimitives.WriteInt32LittleEndian(destination[o..], int.MinValue);
            BinaryPrimitives.WriteInt64LittleEndian(destination[(o + 4)..], delta);
            o += 12;
        }

        return o;
    }

    /// <summary>The wider delta after an 0x80 byte (cold: a few per frame).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int ReadEscaped(ReadOnlySpan<byte> source, ref nuint ip, nuint op, nuint m)
    {
        var at = (int)ip;
        if (at + 2 > source.Length)
        {
            throw Truncated(op, m);
        }

        int delta = BinaryPrimitives.ReadInt16LittleEndian(source[at..]);
        at += 2;
        if (delta == short.MinValue)
        {
            if (at + 4 > source.Length)
            {
                throw Truncated(op, m);
            }

            delta = BinaryPrimitives.ReadInt32LittleEndian(source[at..]);
            at += 4;
            if (delta == int.MinValue)
            {
                if (at + 8 > source.Length)
                {
                    throw Truncated(op, m);
                }

                delta = unchecked((int)BinaryPrimitives.ReadInt64LittleEndian(source[at..]));
                at += 8;
            }
        }

        ip = (nuint)at;
        return delta;
    }

    /// <summary>
    /// Running sum of 16 signed-byte deltas on top of <paramref name="carry"/>, stored as 16 int32. The prefix sum is
    /// taken in 16-bit lanes (16 × 128 fits in a short) with three shift-and-add steps per 8 lanes, then widened once:
    /// half the work of summing in 32-bit lanes.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int PrefixSum16(Vector128<sbyte> deltas, int carry, ref int destination)
    {
        var (lo, hi) = Vector128.Widen(deltas);
        lo += Sse2.ShiftLeftLogical128BitLane(lo, 2);
        hi += Sse2.ShiftLeftLogical128BitLane(hi, 2);
        lo += Sse2.ShiftLeftLogical128BitLane(lo, 4);
        hi += Sse2.ShiftLeftLogical128BitLane(hi, 4);
        lo += Sse2.ShiftLeftLogical128BitLane(lo, 8);
        hi += Sse2.ShiftLeftLogical128BitLane(hi, 8);
        hi += Vector128.Create(lo.GetElement(7));
        var start = Vector128.Create(carry);
        var (a, b) = Vector128.Widen(lo);
        var (c, d) = Vector128.Widen(hi);
        d += start;
        (a + start).StoreUnsafe(ref destination);
        (b + start).StoreUnsafe(ref destination, 4);
        (c + start).StoreUnsafe(ref destination, 8);
        d.StoreUnsafe(ref destination, 12);
        return d.GetElement(3);
    }

    private static InvalidDataException Truncated(nuint done, nuint wanted) =>
        new($"the byte-offset data ends after {done} of {wanted} pixels (file truncated?)");
}
