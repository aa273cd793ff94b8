using System.Diagnostics;
using System.Globalization;
using System.Text;
using OperandoXrd.Reports.Plotting;
using OperandoXrd.Reports.Png;

namespace OperandoXrd.Reports;

/// <summary>How a figure's PNG was produced.</summary>
public enum PngRenderer
{
    /// <summary>rsvg-convert if it is on PATH, else <see cref="Builtin"/>.</summary>
    Auto,
    /// <summary>librsvg's rsvg-convert rendering the SVG (best text quality).</summary>
    Rsvg,
    /// <summary>Our own rasterizer of the same drawing (no external tool).</summary>
    Builtin,
}

/// <summary>Writes figures as SVG and PNG files.</summary>
public static class FigureWriter
{
    /// <summary>Writes <c>path.svg</c> and <c>path.png</c> (path without extension); returns the PNG renderer used.</summary>
    public static PngRenderer Write(Figure figure, string pathWithoutExtension, PngRenderer renderer = PngRenderer.Auto, double scale = 1)
    {
        ArgumentNullException.ThrowIfNull(figure);
        ArgumentException.ThrowIfNullOrEmpty(pathWithoutExtension);
        string svgPath = pathWithoutExtension + ".svg", pngPath = pathWithoutExtension + ".png";
        string? folder = Path.GetDirectoryName(Path.GetFullPath(svgPath));
        if (folder is not null)
            Directory.CreateDirectory(folder);
        string svg = figure.ToSvg();
        File.WriteAllText(svgPath, svg, new UTF8Encoding(false));

        string? rsvg = renderer == PngRenderer.Builtin ? null : FindOnPath("rsvg-convert");
        if (renderer == PngRenderer.Rsvg && rsvg is null)
            throw new InvalidOperationException("rsvg-convert is not on PATH (Debian package librsvg2-bin)");
        if (rsvg is not null)
        {
            RunRsvg(rsvg, svgPath, pngPath, scale);
            return PngRenderer.Rsvg;
        }
        using FileStream png = File.Create(pngPath);
        PngEncoder.Write(png, figure.Rasterize(scale), alpha: false);
        return PngRenderer.Builtin;
    }

    /// <summary>Full path of an executable on PATH, or null.</summary>
    public static string? FindOnPath(string name)
    {
        string? path = Environment.GetEnvironmentVariable("PATH");
        if (string.IsNullOrEmpty(path))
            return null;
        foreach (string dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(dir, name);
            if (File.Exists(candidate))
                return candidate;
        }
        return null;
    }

    private static void RunRsvg(string rsvg, string svgPath, string pngPath, double scale)
    {
        var start = new ProcessStartInfo(rsvg)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (string arg in new[] { "--format", "png", "--zoom", scale.ToString("R", CultureInfo.InvariantCulture), "--background-color", "white", "--output", pngPath, svgPath })
            start.ArgumentList.Add(arg);
        using Process process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {rsvg}");
        string errors = process.StandardError.ReadToEnd();
        process.StandardOutput.ReadToEnd();
        if (!process.WaitForExit(60_000))
        {
            process.Kill();
            throw new InvalidOperationException($"rsvg-convert took more than 60 s on {svgPath}");
        }
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"rsvg-convert failed on {svgPath} (exit {process.ExitCode}): {errors.Trim()}");
    }
}
