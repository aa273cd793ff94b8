using System.Buffers.Binary;
using System.Runtime.InteropServices;
using OperandoXrd.Core.Frames;

namespace OperandoXrd.Images.Formats;

/// <summary>
/// An uncompressed pixel type as TIFF and EDF store it (size, signedness, float or not, byte order) and its
/// conversion to counts or float32. Values are kept as fabio gives them: an unsigned 16-bit 65535 stays 65535 (the
/// HDF5 readers' Dectris convention of 0xFFFF = invalid does not apply to these files); an unsigned 32-bit value above
/// 2^31 − 1 reads as its int32 reinterpretation (0xFFFFFFFF = −1), as in the HDF5 readers.
/// </summary>
internal sealed record RawPixels(string Name, int Size, bool Signed, bool Float, bool BigEndian)
{
    /// <summary>What a source hands on: the stored type where the frame contract has it, else Int32 or Float32.</summary>
    public FrameDType Handed => (Float, Size, Signed) switch
    {
        (true, _, _) => FrameDType.Float32,
        (false, 2, false) => FrameDType.UInt16,
        (false, 4, false) => FrameDType.UInt32,
        _ => FrameDType.Int32,
    };

    public static RawPixels FromTiff(int bits, int sampleFormat, bool bigEndian) => (bits, sampleFormat) switch
    {
        (8, 1) => new("uint8", 1, false, false, bigEndian),
        (8, 2) => new("int8", 1, true, false, bigEndian),
        (16, 1) => new("uint16", 2, false, false, bigEndian),
        (16, 2) => new("int16", 2, true, false, bigEndian),
        (32, 1) => new("uint32", 4, false, false, bigEndian),
        (32, 2) => new("int32", 4, true, false, bigEndian),
        (32, 3) => new("float32", 4, true, true, bigEndian),
        (64, 3) => new("float64", 8, true, true, bigEndian),
        _ => throw new InvalidDataException($"TIFF with {bits}-bit samples of SampleFormat {sampleFormat} is not supported"),
    };

    /// <summary>EDF <c>DataType</c> names as fabio knows them (case-insensitive).</summary>
    public static RawPixels FromEdf(string dataType, bool bigEndian) => dataType.ToUpperInvariant() switch
    {
        "UNSIGNEDBYTE" or "UNSIGNEDCHAR" or "UNSIGNED8" => new("UnsignedByte", 1, false, false, bigEndian),
        "SIGNEDBYTE" or "SIGNEDCHAR" or "SIGNED8" => new("SignedByte", 1, true, false, bigEndian),
        "UNSIGNEDSHORT" or "UNSIGNEDSHORTINTEGER" or "UNSIGNED16" => new("UnsignedShort", 2, false, false, bigEndian),
        "SIGNEDSHORT" or "SIGNEDSHORTINTEGER" or "SIGNED16" => new("SignedShort", 2, true, false, bigEndian),
        "UNSIGNEDINTEGER" or "UNSIGNEDLONG" or "UNSIGNED32" => new("UnsignedInteger", 4, false, false, bigEndian),
        "SIGNEDINTEGER" or "SIGNEDLONG" or "SIGNED32" => new("SignedInteger", 4, true, false, bigEndian),
        "FLOATVALUE" or "FLOAT" or "REAL" or "FLOAT32" => new("FloatValue", 4, true, true, bigEndian),
        "DOUBLEVALUE" or "DOUBLE" or "FLOAT64" => new("DoubleValue", 8, true, true, bigEndian),
        _ => throw new InvalidDataException($"EDF DataType '{dataType}' is not supported"),
    };

    public void ToInt32(ReadOnlySpan<byte> raw, Span<int> destination)
    {
        if (Size == 4 && !BigEndian)
        {
            // Pilatus int32 little-endian: the bytes are the counts.
            MemoryMarshal.Cast<byte, int>(raw)[..destination.Length].CopyTo(destination);
            return;
        }

        for (var i = 0; i < destination.Length; i++)
        {
            destination[i] = (int)Integer(raw.Slice(i * Size, Size));
        }
    }

    public void ToSingle(ReadOnlySpan<byte> raw, Span<float> destination)
    {
        if (!Float)
        {
            throw new InvalidOperationException("integer pixels are read as counts");
        }

        if (Size == 4 && !BigEndian)
        {
            MemoryMarshal.Cast<byte, float>(raw)[..destination.Length].CopyTo(destination);
            return;
        }

        for (var i = 0; i < destination.Length; i++)
        {
            var b = raw.Slice(i * Size, Size);
            destination[i] = Size == 4
                ? BigEndian ? BinaryPrimitives.ReadSingleBigEndian(b) : BinaryPrimitives.ReadSingleLittleEndian(b)
                : (float)(BigEndian ? BinaryPrimitives.ReadDoubleBigEndian(b) : BinaryPrimitives.ReadDoubleLittleEndian(b));
        }
    }

    private long Integer(ReadOnlySpan<byte> b) => (Size, Signed, BigEndian) switch
    {
        (1, true, _) => (sbyte)b[0],
        (1, false, _) => b[0],
        (2, true, false) => BinaryPrimitives.ReadInt16LittleEndian(b),
        (2, true, true) => BinaryPrimitives.ReadInt16BigEndian(b),
        (2, false, false) => BinaryPrimitives.ReadUInt16LittleEndian(b),
        (2, false, true) => BinaryPrimitives.ReadUInt16BigEndian(b),
        (4, _, false) => BinaryPrimitives.ReadInt32LittleEndian(b),
        _ => BinaryPrimitives.ReadInt32BigEndian(b),
    };
}
