using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using OperandoXrd.Core.Frames;
using OperandoXrd.Hdf5;
using OperandoXrd.Hdf5.Frames;
using OperandoXrd.Images.Formats;

namespace OperandoXrd.Cli.Commands;

/// <summary>Mask, dark and flat images: NumPy .npy, ESRF .edf, Pilatus .cbf, .tif, or an HDF5 dataset (FILE.h5:/path, or a frame file's first frame).</summary>
internal static class AuxiliaryImage
{
    public static float[] Read(string spec, int rows, int columns, string what)
    {
        var path = spec;
        string? h5Path = null;
        var colon = spec.IndexOf(".h5:", StringComparison.OrdinalIgnoreCase);
        if (colon >= 0)
        {
            path = spec[..(colon + 3)];
            h5Path = spec[(colon + 4)..];
        }

        if (!File.Exists(path))
        {
            throw new UsageException($"--{what}: {path} does not exist");
        }

        float[] values;
        int r, c;
        try
        {
            var extension = Path.GetExtension(path).ToLowerInvariant();
            (values, r, c) = extension switch
            {
                ".npy" => ReadNpy(path),
                _ when h5Path is null && ImageFile.IsImageFileName(path) => ReadImage(path),
                _ => ReadHdf5(path, h5Path),
            };
        }
        catch (Exception e) when (e is IOException or InvalidDataException or FormatException or FrameSourceException)
        {
            throw new UsageException($"--{what}: {spec}: {e.Message}", e);
        }

        // rows = columns = 0: the detector's shape is not known yet (a PONI without a Detector line); the image brings its own.
        if ((r != rows || c != columns) && rows * columns > 0)
        {
            throw new UsageException(string.Create(CultureInfo.InvariantCulture, $"--{what}: {spec} is {r}x{c}, the detector is {rows}x{columns}"));
        }

        return values;
    }

    private static (float[], int, int) ReadHdf5(string path, string? dataset)
    {
        if (dataset is not null)
        {
            using var file = Hdf5File.Open(path);
            using var d = file.OpenDataset(dataset);
            if (d.Rank < 2)
            {
                throw new InvalidDataException($"{dataset} has rank {d.Rank}, expected a 2D image");
            }

            var rows = (int)d.Dims[^2];
            var columns = (int)d.Dims[^1];
            var all = new float[d.ElementCount];
            d.Read<float>(all);
            return (all[..(rows * columns)], rows, columns);
        }

        using var source = FrameSources.Open(path);
        var frame = new float[source.Rows * source.Columns];
        source.ReadFrame(0, frame);
        return (frame, source.Rows, source.Columns);
    }

    /// <summary>NumPy format 1.0–3.0, C order, little-endian bool/int8/uint8/int16/uint16/int32/uint32/float32/float64.</summary>
    private static (float[], int, int) ReadNpy(string path)
    {
        var bytes = File.ReadAllBytes(path);
        if (bytes.Length < 10 || bytes[0] != 0x93 || Encoding.ASCII.GetString(bytes, 1, 5) != "NUMPY")
        {
            throw new InvalidDataException("not a .npy file");
        }

        var major = bytes[6];
        int headerLength, offset;
        if (major == 1)
        {
            headerLength = BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8));
            offset = 10;
        }
        else
        {
            headerLength = (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8));
            offset = 12;
        }

        var header = Encoding.Latin1.GetString(bytes, offset, headerLength);
        var descr = Between(header, "'descr':", ",").Trim().Trim('\'');
        if (header.Contains("'fortran_order': True", StringComparison.Ordinal))
        {
            throw new InvalidDataException("Fortran-ordered arrays are not supported");
        }

        var shape = Between(header, "'shape':", ")").Trim().TrimStart('(').Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        if (shape.Length != 2)
        {
            throw new InvalidDataException($"shape ({string.Join(',', shape)}) is not a 2D image");
        }

        return (Convert(bytes.AsSpan(offset + headerLength), descr, shape[0] * shape[1]), shape[0], shape[1]);
    }

    /// <summary>EDF, Pilatus CBF or TIFF: the first image, as fabio reads it (one reader per format: OperandoXrd.Images).</summary>
    private static (float[], int, int) ReadImage(string path)
    {
        var image = ImageFile.Open(path);
        var values = new float[image.Rows * image.Columns];
        image.Read(0, values);
        return (values, image.Rows, image.Columns);
    }

    private static float[] Convert(ReadOnlySpan<byte> data, string descr, int count)
    {
        var size = descr[^1] - '0';
        if (descr.StartsWith('>'))
        {
            throw new InvalidDataException($"big-endian dtype {descr} is not supported");
        }

        if (data.Length < (long)count * size)
        {
            throw new InvalidDataException($"holds {data.Length} bytes of data, {count} values of {descr} need {(long)count * size}");
        }

        var values = new float[count];
        for (var i = 0; i < count; i++)
        {
            var d = data.Slice(i * size, size);
            values[i] = descr[1..] switch
            {
                "b1" or "u1" => d[0],
                "i1" => (sbyte)d[0],
                "i2" => BinaryPrimitives.ReadInt16LittleEndian(d),
                "u2" => BinaryPrimitives.ReadUInt16LittleEndian(d),
                "i4" => BinaryPrimitives.ReadInt32LittleEndian(d),
                "u4" => BinaryPrimitives.ReadUInt32LittleEndian(d),
                "f4" => BinaryPrimitives.ReadSingleLittleEndian(d),
                "f8" => (float)BinaryPrimitives.ReadDoubleLittleEndian(d),
                _ => throw new InvalidDataException($"dtype {descr} is not supported"),
            };
        }

        return values;
    }

    private static string Between(string text, string start, string end)
    {
        var i = text.IndexOf(start, StringComparison.Ordinal);
        if (i < 0)
        {
            throw new InvalidDataException($"header lacks {start}");
        }

        i += start.Length;
        var j = text.IndexOf(end, i, StringComparison.Ordinal);
        return j < 0 ? text[i..] : text[i..j];
    }
}
