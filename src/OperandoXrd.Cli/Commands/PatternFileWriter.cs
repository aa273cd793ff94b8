using System.Globalization;
using OperandoXrd.Core.Frames;
using OperandoXrd.Core.Geometry;
using OperandoXrd.Core.Integration;
using OperandoXrd.Hdf5;

namespace OperandoXrd.Cli.Commands;

/// <summary>
/// <c>/entry/integrated</c> (NXdata): <c>radial</c> (npt), <c>intensity</c>, <c>sigma</c>, <c>count</c> (frame × npt),
/// <c>time</c> (mid-exposure, s after the first frame's start), <c>frame_index</c> (global index); and
/// <c>/entry/process</c> with the PONI text, options and program version. Rows are appended as frames arrive.
/// </summary>
internal sealed class PatternFileWriter : IDisposable
{
    private readonly Hdf5File _file;
    private readonly Hdf5Group _data;
    private readonly Hdf5Dataset _intensity;
    private readonly Hdf5Dataset _sigma;
    private readonly Hdf5Dataset _count;
    private readonly Hdf5Dataset _time;
    private readonly Hdf5Dataset _index;
    private readonly Hdf5Dataset _unix;
    private double? _origin;

    public PatternFileWriter(string path, AzimuthalIntegrator integrator, Poni poni, IntegrateCommand.IntegrateRequest request)
    {
        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null)
        {
            Directory.CreateDirectory(folder);
        }

        _file = Hdf5File.Create(path);
        // NeXus' default chain (NXroot@default → NXentry@default → NXdata), so that silx and other readers plot the patterns.
        _file.WriteAttribute("default", "entry");
        using var entry = _file.CreateGroup("/entry", "NXentry");
        entry.WriteAttribute("default", "integrated");
        _data = _file.CreateGroup("/entry/integrated", "NXdata");
        var npt = integrator.Npt;
        _data.WriteDataset<double>("radial", integrator.Radial, npt);
        using (var radial = _data.OpenDataset("radial"))
        {
            radial.WriteAttribute("units", request.Unit switch
            {
                RadialUnit.TwoThetaDeg => "degrees",
                RadialUnit.TwoThetaRad => "radians",
                RadialUnit.QA => "1/angstrom",
                RadialUnit.QNm => "1/nm",
                RadialUnit.DA => "angstrom",
                _ => "mm",
            });
            radial.WriteAttribute("long_name", RadialUnits.Name(request.Unit));
        }

        _intensity = _data.CreateExtendable<double>("intensity", npt);
        _sigma = _data.CreateExtendable<double>("sigma", npt);
        _count = _data.CreateExtendable<double>("count", npt);
        _time = _data.CreateExtendable<double>("time");
        _unix = _data.CreateExtendable<double>("time_unix");
        _index = _data.CreateExtendable<int>("frame_index");
        _data.WriteAttribute("signal", "intensity");
        _data.WriteAttribute("axes", ["time", "radial"]);
        _data.WriteAttribute("radial_indices", 1);
        _data.WriteAttribute("time_indices", 0);
        _time.WriteAttribute("units", "s");
        _unix.WriteAttribute("units", "s since 1970-01-01T00:00:00Z (mid-exposure)");

        using var process = _file.CreateGroup("/entry/process", "NXprocess");
        process.WriteString("program", "OperandoXrd oxrd integrate");
        process.WriteString("version", typeof(PatternFileWriter).Assembly.GetName().Version?.ToString() ?? "unknown");
        process.WriteString("poni", poni.ToPoniText());
        var o = integrator.Options;
        process.WriteString("options", string.Create(CultureInfo.InvariantCulture,
            $"npt={o.Npt} unit={RadialUnits.Name(o.Unit)} split={PixelSplits.Name(o.Split)} range={o.RadialRange?.ToString() ?? "auto"} azimuth={o.AzimuthRangeDegrees?.ToString() ?? "all"} polarization={o.PolarizationFactor?.ToString(CultureInfo.InvariantCulture) ?? "none"} solid_angle={o.CorrectSolidAngle} dummy={o.Dummy?.ToString(CultureInfo.InvariantCulture) ?? "none"}±{o.DeltaDummy.ToString(CultureInfo.InvariantCulture)} error_model=poisson"));
        process.WriteString("inputs", string.Join('\n', request.Inputs));
        process.WriteString("mask", request.MaskPath ?? "");
        process.WriteString("dark", request.DarkPath ?? "");
        process.WriteString("flat", request.FlatPath ?? "");
    }

    public void Append(int index, FrameTiming timing, Pattern1D pattern)
    {
        _origin ??= timing.StartUnixSeconds;
        _intensity.AppendRows<double>(pattern.Intensity);
        _sigma.AppendRows<double>(pattern.Sigma);
        _count.AppendRows<double>(pattern.Count);
        _time.AppendRows<double>([timing.MidExposureUnixSeconds - _origin.Value]);
        _unix.AppendRows<double>([timing.MidExposureUnixSeconds]);
        _index.AppendRows<int>([index]);
    }

    public void Dispose()
    {
        _intensity.Dispose();
        _sigma.Dispose();
        _count.Dispose();
        _time.Dispose();
        _unix.Dispose();
        _index.Dispose();
        _data.Dispose();
        _file.Dispose();
    }
}
