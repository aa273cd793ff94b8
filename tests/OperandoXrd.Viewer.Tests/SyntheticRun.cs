using System.Globalization;
using System.Text;
using OperandoXrd.Hdf5;

namespace OperandoXrd.Viewer.Tests;

/// <summary>
/// A run folder written the way the pipeline writes it (reduced.h5 and lattice.csv, each replaced atomically):
/// three Gaussian peaks drifting in 2θ over a flat background, the noise-free model as the "fit", per-phase tick
/// positions at the peak centres, a voltage ramp and lattice parameters moving linearly. Every number is a closed
/// form of the frame index, so the tests know what each pixel should show without asking the viewer.
/// </summary>
internal static class SyntheticRun
{
    public const int Npt = 1200;
    public const double TwoThetaMin = 1.0, TwoThetaMax = 12.0;
    public const double StartTime = 1_760_000_000;
    public const double Period = 60;

    public static double Radial(int bin) => TwoThetaMin + (bin + 0.5) * (TwoThetaMax - TwoThetaMin) / Npt;

    /// <summary>The strongest peak's centre in frame <paramref name="k"/> (2θ, degrees).</summary>
    public static double StrongPeak(int k) => 3.0 + 0.02 * k;

    public static double SecondPeak(int k) => 6.0 - 0.015 * k;

    public static double ThirdPeak(int k) => 9.0 + 0.005 * k;

    public static double Voltage(int k) => 3.0 + 0.02 * k;

    public static double NcaA(int k) => 2.865 - 0.0005 * k;

    public static double NcaC(int k) => 14.18 + 0.004 * k;

    public static double LpsclA(int k) => 9.85 + 0.0001 * k;

    /// <summary>The noise-free model (the "calculated" pattern).</summary>
    public static double Model(int k, int bin)
    {
        var t = Radial(bin);
        return 20 + 2 * t
            + 1000 * Gauss(t, StrongPeak(k), 0.03)
            + 600 * Gauss(t, SecondPeak(k), 0.04)
            + 300 * Gauss(t, ThirdPeak(k), 0.05);
    }

    /// <summary>Observed = model + a small deterministic ripple (±3 counts), so obs − calc is not identically zero.</summary>
    public static double Observed(int k, int bin) => Model(k, bin) + 3 * Math.Sin(0.7 * bin + k);

    public const string LatticeHeader =
        "frame,time_s,voltage_V,current_mA,capacity_mAh_g,x_Li,NCA_a,NCA_a_esd,NCA_c,NCA_c_esd,NCA_V,NCA_V_esd,LPSCl_a,LPSCl_a_esd,NCA_scale,LPSCl_scale,PEEK_scale,Rwp,GoF,status";

    public static string LatticeLine(int k) => string.Create(CultureInfo.InvariantCulture,
        $"{k},{k * Period},{Voltage(k):R},0.084,{k * 0.4:R},{1 - k * 0.0014:R},{NcaA(k):R},0.0002,{NcaC(k):R},0.001,{100.8 - 0.01 * k:R},0.02,{LpsclA(k):R},0.0005,1.5,0.6,0.2,{0.04 + 0.0001 * k:R},1.2,ok");

    /// <summary>Writes (replacing atomically) the files of a run that has reached <paramref name="frames"/> frames.</summary>
    /// <param name="latticeTail">Raw text appended after the complete lattice rows (e.g. a half-written row).</param>
    /// <param name="latticeFrames">Rows in lattice.csv (default: <paramref name="frames"/>).</param>
    /// <param name="emergence">Events for emergence.csv and /entry/emergence (the phase, its first frame, score, d and observed 2θ of its peaks).</param>
    public static void Write(string folder, int frames, string latticeTail = "", int? latticeFrames = null, bool withFit = true,
        IReadOnlyList<(string Phase, int FirstFrame, double Score, double[] D, double[] TwoTheta)>? emergence = null)
    {
        Directory.CreateDirectory(folder);
        var tmp = Path.Combine(folder, $".reduced.{Guid.NewGuid():N}.tmp");
        using (var file = Hdf5File.Create(tmp))
        {
            var radial = Enumerable.Range(0, Npt).Select(Radial).ToArray();
            file.WriteDataset<double>("/entry/integrated/radial", radial);
            using (var r = file.OpenDataset("/entry/integrated/radial"))
            {
                r.WriteAttribute("units", "2th_deg");
            }

            var obs = new double[frames * Npt];
            var calc = new double[frames * Npt];
            for (var k = 0; k < frames; k++)
            {
                for (var i = 0; i < Npt; i++)
                {
                    obs[k * Npt + i] = Observed(k, i);
                    calc[k * Npt + i] = Model(k, i);
                }
            }

            file.WriteDataset<double>("/entry/integrated/intensity", obs, frames, Npt);
            file.WriteDataset<double>("/entry/integrated/sigma", obs.Select(v => Math.Sqrt(Math.Max(v, 1))).ToArray(), frames, Npt);
            file.WriteDataset<double>("/entry/integrated/time", Enumerable.Range(0, frames).Select(k => StartTime + k * Period).ToArray());
            file.WriteDataset<double>("/entry/echem/voltage", Enumerable.Range(0, frames).Select(Voltage).ToArray());
            if (withFit)
            {
                file.WriteDataset<double>("/entry/fit/calculated", calc, frames, Npt);
                file.WriteDataset<double>("/entry/fit/NCA/ticks", Enumerable.Range(0, frames).SelectMany(k => new[] { StrongPeak(k), ThirdPeak(k) }).ToArray(), frames, 2);
                file.WriteDataset<double>("/entry/fit/LPSCl/ticks", Enumerable.Range(0, frames).Select(SecondPeak).ToArray(), frames, 1);
            }

            if (emergence is not null)
            {
                using var entry = file.OpenGroup("/entry");
                using var group = entry.CreateGroup("emergence", "NXcollection");
                group.WriteString("phase", string.Join('\n', emergence.Select(e => e.Phase)));
                group.WriteString("peaks_two_theta_deg", string.Join('\n', emergence.Select(e => string.Join(' ', e.TwoTheta.Select(t => t.ToString("F4", CultureInfo.InvariantCulture))))));
            }
        }

        File.Move(tmp, Path.Combine(folder, "reduced.h5"), overwrite: true);

        var csv = new StringBuilder(LatticeHeader).Append('\n');
        for (var k = 0; k < (latticeFrames ?? frames); k++)
        {
            csv.Append(LatticeLine(k)).Append('\n');
        }

        csv.Append(latticeTail);
        var csvTmp = Path.Combine(folder, $".lattice.{Guid.NewGuid():N}.tmp");
        File.WriteAllText(csvTmp, csv.ToString());
        File.Move(csvTmp, Path.Combine(folder, "lattice.csv"), overwrite: true);
        if (emergence is not null)
        {
            var events = emergence.Select(e => new Fitting.Emergence.EmergenceEvent(e.Phase, e.FirstFrame, e.FirstFrame + 3, e.Score, 0,
                [.. e.D.Zip(e.TwoTheta, (d, t) => new Fitting.Emergence.UnexplainedPeak(t, d, 0.03, 50, 8, 5, e.FirstFrame))], null));
            File.WriteAllText(Path.Combine(folder, "emergence.csv"), Fitting.Emergence.EmergenceCsv.Format(events));
        }
    }

    private static double Gauss(double x, double centre, double sigma) => Math.Exp(-0.5 * Math.Pow((x - centre) / sigma, 2));
}

/// <summary>A temporary folder removed with the test.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "oxrd-viewer-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
