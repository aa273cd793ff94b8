using System.Globalization;
using OperandoXrd.Core.Geometry;
using OperandoXrd.Core.Patterns;
using OperandoXrd.Hdf5;
using OperandoXrd.Pipeline.Configuration;

namespace OperandoXrd.Cli.Commands;

/// <summary>The integrated patterns of <c>oxrd integrate</c>: /entry/integrated/{radial, intensity, sigma, time, frame_index}.</summary>
internal sealed class IntegratedPatterns
{
    private readonly double[] _intensity;
    private readonly double[] _sigma;

    private IntegratedPatterns(double[] twoTheta, double[] intensity, double[] sigma, double[] time, double[] timeUnix, int[] frameIndex, double wavelength, string wavelengthSource)
    {
        TwoTheta = twoTheta;
        _intensity = intensity;
        _sigma = sigma;
        Time = time;
        TimeUnix = timeUnix;
        FrameIndex = frameIndex;
        Wavelength = wavelength;
        WavelengthSource = wavelengthSource;
    }

    /// <summary>Mid-exposure time of each pattern in seconds since 1970 UTC (NaN when unknown).</summary>
    public double[] TimeUnix { get; }

    /// <summary>Where λ came from: the file's header, the pipeline's PONI or its "wavelength".</summary>
    public string WavelengthSource { get; }

    /// <summary>The file each pattern came from (one per pattern for text files, the HDF5 file otherwise).</summary>
    public IReadOnlyList<string> Sources { get; private init; } = [];

    public double[] TwoTheta { get; }

    public double[] Time { get; }

    public int[] FrameIndex { get; }

    public double Wavelength { get; }

    public int FrameCount => FrameIndex.Length;

    public double[] Intensity(int frame) => _intensity.AsSpan(frame * TwoTheta.Length, TwoTheta.Length).ToArray();

    public double[] Sigma(int frame) => _sigma.AsSpan(frame * TwoTheta.Length, TwoTheta.Length).ToArray();

    /// <summary>
    /// The patterns of <c>--patterns</c>: one HDF5 file from <c>oxrd integrate</c>, or text patterns (files and folders,
    /// see <see cref="PatternFiles"/>), which must share one radial grid.
    /// </summary>
    public static IntegratedPatterns Load(IReadOnlyList<string> inputs, PipelineConfig config, RadialUnit? unit, DateTimeOffset? start, double? period, Action<string> log)
    {
        if (inputs.Count == 1 && IsHdf5(inputs[0]))
        {
            return Read(inputs[0], config);
        }

        try
        {
            var files = PatternFiles.Expand(inputs);
            if (files.FirstOrDefault(IsHdf5) is { } h5)
            {
                throw new UsageException($"--patterns: {h5} is HDF5; give one HDF5 file from oxrd integrate, or text patterns, not both");
            }

            return ReadText(files, config, unit, start, period, log);
        }
        catch (PatternFormatException e)
        {
            throw new UsageException(e.Message, e);
        }
    }

    private static bool IsHdf5(string path) => Path.GetExtension(path).ToLowerInvariant() is ".h5" or ".hdf5" or ".nxs" or ".hdf";

    private static IntegratedPatterns ReadText(IReadOnlyList<string> files, PipelineConfig config, RadialUnit? unitOverride, DateTimeOffset? start, double? period, Action<string> log)
    {
        var patterns = files.Select(PatternFiles.Read).ToList();
        var first = patterns[0];
        var unit = unitOverride ?? first.Unit ?? RadialUnit.TwoThetaDeg;
        var unitSource = unitOverride is not null ? "--unit" : first.Unit is not null ? "the file" : "assumed (no unit in the header; --unit to change)";
        var (wavelength, source) = first.WavelengthA is double w ? (w, $"the header of {first.Source}") : WavelengthFromPipeline(config);
        foreach (var p in patterns.Where(p => p.WavelengthA is double pw && Math.Abs(pw - wavelength) > 1e-6 * wavelength))
        {
            log(string.Create(CultureInfo.InvariantCulture, $"fit: warning: {p.Source} gives λ = {p.WavelengthA} Å; all patterns are fitted with {wavelength} Å"));
        }

        log(string.Create(CultureInfo.InvariantCulture,
            $"fit: {patterns.Count} {first.Format} pattern{(patterns.Count == 1 ? "" : "s")} ({files[0]}{(files.Count > 1 ? $" … {Path.GetFileName(files[^1])}" : "")}); radial unit {RadialUnits.Name(unit)} from {unitSource}; λ = {wavelength} Å from {source}{(first.Sigma is null ? "; no σ column: σ = √max(I, 1)" : "")}"));
        var (twoTheta, _, _) = first.ToTwoThetaDegrees(unit, wavelength);
        var n = twoTheta.Length;
        var intensity = new double[patterns.Count * n];
        var sigma = new double[patterns.Count * n];
        for (var k = 0; k < patterns.Count; k++)
        {
            var (x, y, s) = patterns[k].ToTwoThetaDegrees(unit, wavelength);
            if (x.Length != n || Enumerable.Range(0, n).Any(i => Math.Abs(x[i] - twoTheta[i]) > 1e-9 * Math.Max(1, Math.Abs(x[i]))))
            {
                throw new UsageException(string.Create(CultureInfo.InvariantCulture,
                    $"{patterns[k].Source}: its radial grid ({x.Length} points, {x[0]:0.#####}–{x[^1]:0.#####}°) differs from {first.Source}'s ({n} points, {twoTheta[0]:0.#####}–{twoTheta[^1]:0.#####}°); the patterns of one fit share one grid"));
            }

            y.CopyTo(intensity, k * n);
            s.CopyTo(sigma, k * n);
        }

        // Text patterns carry no acquisition time: --start-time and --frame-period give one (mid-exposure), else NaN.
        var time = new double[patterns.Count];
        var unix = new double[patterns.Count];
        for (var k = 0; k < patterns.Count; k++)
        {
            time[k] = period is double dt ? k * dt : double.NaN;
            unix[k] = start is { } t0 && period is double p ? (t0 - DateTimeOffset.UnixEpoch).TotalSeconds + k * p : double.NaN;
        }

        return new IntegratedPatterns(twoTheta, intensity, sigma, time, unix, [.. Enumerable.Range(0, patterns.Count)], wavelength, source) { Sources = files };
    }

    /// <summary>Reads the file; λ from its PONI (/entry/process/poni), else from the pipeline's "poni", else its "wavelength".</summary>
    public static IntegratedPatterns Read(string path, PipelineConfig config)
    {
        if (!File.Exists(path))
        {
            throw new UsageException($"--patterns: {path} does not exist");
        }

        try
        {
            using var file = Hdf5File.Open(path);
            const string group = "/entry/integrated";
            foreach (var name in new[] { "radial", "intensity", "sigma" })
            {
                if (!file.Exists($"{group}/{name}"))
                {
                    throw new UsageException($"{path}: {group}/{name} is missing (expected the output of oxrd integrate)");
                }
            }

            double[] radial;
            using (var r = file.OpenDataset($"{group}/radial"))
            {
                var units = r.ReadStringAttribute("units");
                // oxrd integrate writes "degrees", oxrd reduce the pyFAI unit name "2th_deg": both are 2θ in degrees.
                if (units is not null && units is not ("degrees" or "2th_deg" or "deg"))
                {
                    throw new UsageException($"{path}: {group}/radial is in '{units}'; oxrd fit needs 2θ in degrees (integrate with --unit 2th_deg)");
                }

                radial = new double[r.ElementCount];
                r.Read<double>(radial);
            }

            if (radial.Length == 0)
            {
                throw new UsageException($"{path}: {group}/radial is empty");
            }

            double[] intensity, sigma;
            int frames;
            using (var d = file.OpenDataset($"{group}/intensity"))
            {
                if (d.Rank != 2 || d.Dims[1] != radial.Length)
                {
                    throw new UsageException($"{path}: {group}/intensity has shape ({string.Join(", ", d.Dims)}), expected (frames, {radial.Length})");
                }

                frames = (int)d.Dims[0];
                intensity = new double[d.ElementCount];
                d.Read<double>(intensity);
            }

            using (var d = file.OpenDataset($"{group}/sigma"))
            {
                if (d.ElementCount != intensity.Length)
                {
                    throw new UsageException($"{path}: {group}/sigma has {d.ElementCount} values, intensity {intensity.Length}");
                }

                sigma = new double[d.ElementCount];
                d.Read<double>(sigma);
            }

            if (frames == 0)
            {
                throw new UsageException($"{path}: {group}/intensity holds no frames");
            }

            var time = file.Exists($"{group}/time") ? file.Read<double>($"{group}/time") : new double[frames];
            var unix = file.Exists($"{group}/time_unix") ? file.Read<double>($"{group}/time_unix") : [.. Enumerable.Repeat(double.NaN, frames)];
            var index = file.Exists($"{group}/frame_index") ? file.Read<int>($"{group}/frame_index") : [.. Enumerable.Range(0, frames)];
            if (time.Length != frames || index.Length != frames || unix.Length != frames)
            {
                throw new UsageException($"{path}: {group}/time or frame_index does not have one value per frame ({frames})");
            }

            var (wavelength, source) = file.Exists("/entry/process/poni")
                ? (Poni.Parse(file.ReadString("/entry/process/poni"), $"{path}:/entry/process/poni").Wavelength * 1e10, $"{path}:/entry/process/poni")
                : WavelengthFromPipeline(config);
            return new IntegratedPatterns(radial, intensity, sigma, time, unix, index, wavelength, source) { Sources = [path] };
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or PoniFormatException or ArgumentException)
        {
            throw new UsageException($"{path}: {e.Message}", e);
        }
    }

    /// <summary>λ when the patterns do not give it: the pipeline's PONI, else its top-level "wavelength" (Å).</summary>
    private static (double Wavelength, string Source) WavelengthFromPipeline(PipelineConfig config)
    {
        if (config.Poni is { } poniPath)
        {
            try
            {
                return (Poni.Load(poniPath).Wavelength * 1e10, poniPath);
            }
            catch (Exception e) when (e is IOException or PoniFormatException or UnauthorizedAccessException)
            {
                throw new UsageException($"{config.Source}: cannot get the wavelength from its \"poni\" {poniPath}: {e.Message}", e);
            }
        }

        if (config.Wavelength_A is double w)
        {
            return (w, $"{config.Source} \"wavelength\"");
        }

        throw new UsageException($"the wavelength is unknown: the patterns' header gives none, and {config.Source} has neither a \"poni\" nor a top-level \"wavelength\" (Å)");
    }
}

