using OperandoXrd.Core.Frames;
using OperandoXrd.Core.IO;
using OperandoXrd.Hdf5.Frames;
using OperandoXrd.Images.Formats;

namespace OperandoXrd.Images.Frames;

/// <summary>
/// Opens <c>--input</c> paths that name image files (<c>.cbf</c>, <c>.tif</c>/<c>.tiff</c>, <c>.edf</c>) or folders
/// of them as one scan: files in the order given, a folder's image files in natural numeric order
/// (<c>name_00001.cbf</c>, <c>name_00002.cbf</c>, …, <c>name_9.cbf</c> before <c>name_10.cbf</c>).
/// </summary>
public static class ImageFrameSources
{
    /// <summary>True when the inputs are image files or folders holding image files (and no HDF5 frame files).</summary>
    public static bool Handles(IReadOnlyList<string> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        return inputs.Count > 0 && inputs.All(input => Directory.Exists(input)
            ? ImageFilesIn([input]).Any() && !Directory.EnumerateFiles(input).Any(IsHdf5)
            : ImageFile.IsImageFileName(input));
    }

    /// <summary>The image source for <paramref name="inputs"/>, or null when they are not image files (HDF5 then).</summary>
    /// <exception cref="FrameSourceException">A file named on the command line does not exist, or no file parses.</exception>
    /// <exception cref="FramesNotYetException">Following: no complete image file yet.</exception>
    public static ImageFrameSource? TryOpen(IReadOnlyList<string> inputs, FrameTimeOptions? fallback = null, bool follow = false)
    {
        if (!Handles(inputs))
        {
            return null;
        }

        var split = FollowedInputs.Split(inputs, follow);
        var files = new List<(string File, bool Listed)>();
        foreach (var input in split.Present)
        {
            if (Directory.Exists(input))
            {
                files.AddRange(ImageFilesIn([input]).Select(f => (f, false)));
            }
            else
            {
                files.Add((input, true));
            }
        }

        return ImageFrameSource.Create(files, split, fallback, follow);
    }

    /// <summary>Image files of the folders, each folder in natural order.</summary>
    internal static IEnumerable<string> ImageFilesIn(string[] folders) =>
        folders.SelectMany(folder => Directory.EnumerateFiles(folder).Where(ImageFile.IsImageFileName)
            .OrderBy(f => Path.GetFileName(f), NaturalFileOrder.Instance));

    private static bool IsHdf5(string file) =>
        Path.GetExtension(file) is var e && (e.Equals(".h5", StringComparison.OrdinalIgnoreCase) || e.Equals(".hdf5", StringComparison.OrdinalIgnoreCase) || e.Equals(".nxs", StringComparison.OrdinalIgnoreCase));
}
