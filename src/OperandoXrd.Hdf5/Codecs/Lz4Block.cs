using System.Buffers;
using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace OperandoXrd.Hdf5.Codecs;

/// <summary>
/// The raw LZ4 block format (no frame header), as used inside HDF5 filters 32004 and 32008.
/// The decoder must be safe against hostile chunks: every length and offset is checked against both buffers
/// before memory is touched, and a violation is an <see cref="InvalidDataException"/>.
/// </summary>
[SkipLocalsInit]
internal static class Lz4Block
{
    // LZ4's end-of-block rules (the reference decoder relies on them, so our encoder honours them):
    // the last 5 bytes are always literals and no match starts in the last 12 bytes.
    private const int MinMatch = 4;
    private const int LastLiterals = 5;
    private const int MatchFindLimit = 12;
    private const int HashLog = 14;

    // The fast decode loop copies in fixed 32-byte strides past the real end of a literal run or match
    // ("wild copies"); it is only entered while this much slack remains in both buffers, so a wild copy can
    // never leave them. Near the ends the careful loop takes over.
    private const int WildSlack = 32;

    /// <summary>LZ4_compressBound: the worst case for incompressible input.</summary>
    public static int MaxEncodedLength(int sourceLength) => sourceLength + sourceLength / 255 + 16;

    /// <summary>Decodes one block; returns the number of bytes written. The caller checks the count it expects.</summary>
    public static int Decode(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        ref var src = ref MemoryMarshal.GetReference(source);
        ref var dst = ref MemoryMarshal.GetReference(destination);
        nint ip = 0, op = 0;
        nint iend = source.Length, oend = destination.Length;
        nint ifast = iend - WildSlack, ofast = oend - WildSlack;
        // The shortcut below reads 16 literal bytes + a 2-byte offset and writes 16 + 18 bytes past op.
        nint ishort = iend - 18, oshort = oend - 34;

        while (true)
        {
            if (ip >= iend)
            {
                throw Corrupt("the block ends before its last literal run");
            }

            uint token = Unsafe.Add(ref src, ip++);

            var literalLength = (nint)(token >> 4);

            // Shortcut for the commonest sequence (a literal run under 15, a match of at most 18 bytes at offset
            // 8 or more) away from both ends: fixed-size copies and one combined check instead of loops, which is
            // what unshuffled integer data (millions of 4-5 byte matches per frame) spends its time on.
            if (literalLength != 15 && ip <= ishort && op <= oshort)
            {
                Vector128.LoadUnsafe(ref src, (nuint)ip).StoreUnsafe(ref dst, (nuint)op);
                ip += literalLength;
                op += literalLength;
                nint shortOffset = Unsafe.ReadUnaligned<ushort>(ref Unsafe.Add(ref src, ip));
                if (!BitConverter.IsLittleEndian)
                {
                    shortOffset = BinaryPrimitives.ReverseEndianness((ushort)shortOffset);
                }

                var code = (nint)(token & 15);
                if (code != 15 && shortOffset >= 8 && shortOffset <= op)
                {
                    ip += 2;
                    // Three copies, each reading at least 8 bytes behind what it writes, so overlap is harmless.
                    ref var to = ref Unsafe.Add(ref dst, op);
                    ref var from = ref Unsafe.Add(ref dst, op - shortOffset);
                    Unsafe.WriteUnaligned(ref to, Unsafe.ReadUnaligned<ulong>(ref from));
                    Unsafe.WriteUnaligned(ref Unsafe.Add(ref to, 8), Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref from, 8)));
                    Unsafe.WriteUnaligned(ref Unsafe.Add(ref to, 16), Unsafe.ReadUnaligned<ushort>(ref Unsafe.Add(ref from, 16)));
                    op += code + MinMatch;
                    continue;
                }
                goto Match; // literals are done; the general path checks and copies this match
            }

            if (literalLength == 15)
            {
                literalLength += ReadLengthExtension(ref src, ref ip, iend);
            }

            // Literals: one wild 32-byte-stride copy when both buffers have room, else an exact copy.
            if (literalLength <= ifast - ip && literalLength <= ofast - op)
            {
                WildCopy32(ref Unsafe.Add(ref dst, op), ref Unsafe.Add(ref src, ip), literalLength);
            }
            else
            {
                if (literalLength > iend - ip)
                {
                    throw Corrupt($"a literal run of {literalLength} bytes overruns the block ({iend - ip} left)");
                }

                if (literalLength > oend - op)
                {
                    throw Corrupt($"a literal run of {literalLength} bytes overruns the output ({oend - op} left)");
                }

                Unsafe.CopyBlockUnaligned(ref Unsafe.Add(ref dst, op), ref Unsafe.Add(ref src, ip), (uint)literalLength);
            }

            ip += literalLength;
            op += literalLength;
            if (ip == iend)
            {
                return (int)op; // the last sequence is literals only
            }

        Match:
            if (iend - ip < 2)
            {
                throw Corrupt("a match offset is cut off by the end of the block");
            }

            nint offset = Unsafe.ReadUnaligned<ushort>(ref Unsafe.Add(ref src, ip));
            if (!BitConverter.IsLittleEndian)
            {
                offset = BinaryPrimitives.ReverseEndianness((ushort)offset);
            }

            ip += 2;
            if (offset == 0 || offset > op)
            {
                throw Corrupt($"match offset {offset} points before the start of the output (at {op})");
            }

            var matchLength = (nint)(token & 15);
            if (matchLength == 15)
            {
                matchLength += ReadLengthExtension(ref src, ref ip, iend);
            }

            matchLength += MinMatch;
            if (matchLength > oend - op)
            {
                throw Corrupt($"a match of {matchLength} bytes overruns the output ({oend - op} left)");
            }

            CopyMatch(ref dst, op, offset, matchLength, ofast);
            op += matchLength;
        }
    }

    private static nint ReadLengthExtension(ref byte src, ref nint ip, nint iend)
    {
        nint length = 0;
        uint s;
        do
        {
            if (ip >= iend)
            {
                throw Corrupt("a length extension runs past the end of the block");
            }

            s = Unsafe.Add(ref src, ip++);
            length += (nint)s;
        }
        while (s == 255);
        // A length can never exceed a span's length; larger values are corrupt and must not wrap around.
        if (length > int.MaxValue)
        {
            throw Corrupt("a length extension is larger than any buffer");
        }

        return length;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void WildCopy32(ref byte destination, ref byte source, nint length)
    {
        // Copies ceil(length/32)*32 bytes; the caller guarantees the slack. Vector256 loads/stores are plain
        // unaligned moves on every platform (two 128-bit moves where 256-bit does not exist).
        nint i = 0;
        do
        {
            Vector256.LoadUnsafe(ref source, (nuint)i).StoreUnsafe(ref destination, (nuint)i);
            i += 32;
        }
        while (i < length);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void WildCopy16(ref byte destination, ref byte source, nint length)
    {
        nint i = 0;
        do
        {
            Vector128.LoadUnsafe(ref source, (nuint)i).StoreUnsafe(ref destination, (nuint)i);
            i += 16;
        }
        while (i < length);
    }

    // Index vectors that repeat the first `offset` bytes across 16 (row `offset` of the table), and the largest
    // multiple of `offset` that fits in 16: after storing one pattern vector, the next store that starts in phase
    // is that far on.
    private static ReadOnlySpan<byte> RepeatIndex => [
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1,
        0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0, 1, 2, 0,
        0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3,
        0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 0,
        0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 5, 0, 1, 2, 3,
        0, 1, 2, 3, 4, 5, 6, 0, 1, 2, 3, 4, 5, 6, 0, 1,
        0, 1, 2, 3, 4, 5, 6, 7, 0, 1, 2, 3, 4, 5, 6, 7,
        0, 1, 2, 3, 4, 5, 6, 7, 8, 0, 1, 2, 3, 4, 5, 6,
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5,
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 0, 1, 2, 3, 4,
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0, 1, 2, 3,
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 0, 1, 2,
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 0, 1,
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 0,
    ];

    private static ReadOnlySpan<byte> RepeatStride => [16, 16, 16, 15, 16, 15, 12, 14, 16, 9, 10, 11, 12, 13, 14, 15];

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void CopyMatch(ref byte dst, nint op, nint offset, nint length, nint ofast)
    {
        ref var to = ref Unsafe.Add(ref dst, op);
        ref var from = ref Unsafe.Add(ref dst, op - offset);
        if (length <= ofast - op)
        {
            // Wild zone: up to 32 bytes past the match may be scribbled on (later sequences overwrite them).
            if (offset >= 32)
            {
                // Each step reads bytes written at least one step earlier, so the overlap is harmless.
                WildCopy32(ref to, ref from, length);
                return;
            }
            if (offset >= 16)
            {
                WildCopy16(ref to, ref from, length);
                return;
            }
            if (Vector128.IsHardwareAccelerated)
            {
                // Short periods (runs of one byte dominate bit-shuffled detector data): build the repeating
                // pattern in a register once with a byte shuffle, then store it at in-phase positions.
                // The 16-byte load may read past `to`; the shuffle only keeps its first `offset` bytes.
                // ShuffleNative: our indices are all in 0..15, so the single pshufb/tbl semantics suffice.
                var pattern = Vector128.ShuffleNative(Vector128.LoadUnsafe(ref from),
                    Vector128.LoadUnsafe(ref MemoryMarshal.GetReference(RepeatIndex), (nuint)(offset * 16)));
                nint done = 0;
                if (length >= 64 && (32 % offset) == 0)
                {
                    var wide = Vector256.Create(pattern, pattern);
                    do
                    {
                        wide.StoreUnsafe(ref to, (nuint)done);
                        done += 32;
                    }
                    while (done < length);
                    return;
                }
                nint stride = RepeatStride[(int)offset];
                do
                {
                    pattern.StoreUnsafe(ref to, (nuint)done);
                    done += stride;
                }
                while (done < length);
                return;
            }
        }

        CopyMatchCarefully(ref to, ref from, offset, length);
    }

    private static void CopyMatchCarefully(ref byte to, ref byte from, nint offset, nint length)
    {
        if (offset == 1)
        {
            Unsafe.InitBlockUnaligned(ref to, from, (uint)length);
            return;
        }

        // The pattern repeats, so copy it in non-overlapping pieces that double in size; `done` is always a
        // multiple of offset, so every piece starts from `from`.
        nint done = 0;
        while (done < length)
        {
            var piece = Math.Min(length - done, offset + done);
            Unsafe.CopyBlockUnaligned(ref Unsafe.Add(ref to, done), ref from, (uint)piece);
            done += piece;
        }
    }

    /// <summary>
    /// Greedy LZ4 compressor (one hash probe per position, LZ4's skip acceleration on misses). Returns the number
    /// of bytes written; the destination must hold <see cref="MaxEncodedLength"/>(source.Length) bytes.
    /// </summary>
    public static int Encode(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        if (destination.Length < MaxEncodedLength(source.Length))
        {
            throw new ArgumentException($"destination holds {destination.Length} bytes, LZ4 needs up to {MaxEncodedLength(source.Length)}", nameof(destination));
        }

        var table = ArrayPool<int>.Shared.Rent(1 << HashLog);
        try
        {
            Array.Clear(table, 0, 1 << HashLog);
            return EncodeCore(source, destination, table);
        }
        finally
        {
            ArrayPool<int>.Shared.Return(table);
        }
    }

    private static int EncodeCore(ReadOnlySpan<byte> source, Span<byte> destination, int[] table)
    {
        var n = source.Length;
        var op = 0;
        var anchor = 0;
        if (n >= MatchFindLimit + 1)
        {
            ref var src = ref MemoryMarshal.GetReference(source);
            var matchLimit = n - LastLiterals;   // a match must end before this
            var searchLimit = n - MatchFindLimit; // a match must start before this
            var ip = 1;
            // Positions are stored +1 so that the cleared table (0) means "empty".
            table[Hash(Unsafe.ReadUnaligned<uint>(ref src))] = 1;
            while (ip < searchLimit)
            {
                // Find a match, stepping faster the longer we miss (LZ4's acceleration).
                var misses = 1 << 6;
                int candidate;
                while (true)
                {
                    var sequence = Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref src, ip));
                    var h = Hash(sequence);
                    candidate = table[h] - 1;
                    table[h] = ip + 1;
                    if (candidate >= 0 && ip - candidate <= 65535
                        && Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref src, candidate)) == sequence)
                    {
                        break;
                    }

                    ip += misses++ >> 6;
                    if (ip >= searchLimit)
                    {
                        goto LastLiteralsRun;
                    }
                }

                // Extend backwards over equal bytes the literal run would otherwise carry.
                while (ip > anchor && candidate > 0 && Unsafe.Add(ref src, ip - 1) == Unsafe.Add(ref src, candidate - 1))
                {
                    ip--;
                    candidate--;
                }

                var matchLength = MinMatch + CommonLength(ref src, ip + MinMatch, candidate + MinMatch, matchLimit);
                op = WriteSequence(destination, op, source.Slice(anchor, ip - anchor), ip - candidate, matchLength);
                ip += matchLength;
                anchor = ip;
                if (ip < searchLimit)
                {
                    table[Hash(Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref src, ip - 2)))] = ip - 2 + 1;
                }
            }
        }

    LastLiteralsRun:
        var literals = n - anchor;
        op = WriteLiteralLength(destination, op, literals, 0);
        source.Slice(anchor).CopyTo(destination.Slice(op));
        return op + literals;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Hash(uint sequence) => (int)((sequence * 2654435761u) >> (32 - HashLog));

    private static int CommonLength(ref byte src, int a, int b, int limit)
    {
        var start = a;
        while (a + 8 <= limit)
        {
            var diff = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref src, a)) ^ Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref src, b));
            if (diff != 0)
            {
                var same = BitConverter.IsLittleEndian ? BitOperations.TrailingZeroCount(diff) >> 3 : BitOperations.LeadingZeroCount(diff) >> 3;
                return a + same - start;
            }
            a += 8;
            b += 8;
        }
        while (a < limit && Unsafe.Add(ref src, a) == Unsafe.Add(ref src, b))
        {
            a++;
            b++;
        }
        return a - start;
    }

    private static int WriteSequence(Span<byte> destination, int op, ReadOnlySpan<byte> literals, int offset, int matchLength)
    {
        var matchCode = matchLength - MinMatch;
        op = WriteLiteralLength(destination, op, literals.Length, Math.Min(matchCode, 15));
        literals.CopyTo(destination.Slice(op));
        op += literals.Length;
        destination[op++] = (byte)offset;
        destination[op++] = (byte)(offset >> 8);
        if (matchCode >= 15)
        {
            op = WriteLengthExtension(destination, op, matchCode - 15);
        }

        return op;
    }

    private static int WriteLiteralLength(Span<byte> destination, int op, int literalLength, int matchNibble)
    {
        var tokenOp = op++;
        destination[tokenOp] = (byte)((Math.Min(literalLength, 15) << 4) | matchNibble);
        if (literalLength >= 15)
        {
            op = WriteLengthExtension(destination, op, literalLength - 15);
        }

        return op;
    }

    private static int WriteLengthExtension(Span<byte> destination, int op, int remainder)
    {
        while (remainder >= 255)
        {
            destination[op++] = 255;
            remainder -= 255;
        }
        destination[op++] = (byte)remainder;
        return op;
    }

    private static InvalidDataException Corrupt(string what) => new($"corrupt LZ4 block: {what}");
}
