using OperandoXrd.Hdf5.Writers;
using OperandoXrd.Simulation.Rendering;

namespace OperandoXrd.Simulation.Operando;

/// <summary>What <c>oxrd simulate</c> and <c>oxrd demo</c> produce.</summary>
public sealed record SimulationOptions
{
    public required string OutputFolder { get; init; }

    /// <summary>Folder holding the phase CIFs (NCA.cif, LPSCl.cif, LIC.cif) and PEEK.json.</summary>
    public required string PhaseFolder { get; init; }

    public int Frames { get; init; } = 100;

    public int FramesPerFile { get; init; } = 25;

    public FrameCompression Compression { get; init; } = FrameCompression.BitshuffleLz4;

    /// <summary><c>pilatus2m</c> (the beamline's) or <c>pilatus300k</c> (a small detector for fast tests).</summary>
    public string Detector { get; init; } = "pilatus2m";

    public ulong Seed { get; init; } = 20240314;

    /// <summary>Counting noise on every pixel; off gives the expected counts rounded (for integrator checks).</summary>
    public bool PoissonNoise { get; init; } = true;

    public double ExposureTime_s { get; init; } = 10;

    /// <summary>Frames of the empty cell (PEEK housing only) written for the PEEK model.</summary>
    public int EmptyCellFrames { get; init; } = 3;

    /// <summary>Dead pixels (-2) scattered over the detector.</summary>
    public int BadPixels { get; init; } = 40;

    /// <summary>C-rate of the galvanostatic cycle. The frames are spread evenly over the whole first cycle.</summary>
    public double CRate { get; init; } = 0.1;

    /// <summary>Phases that appear during the run (<c>--emerge</c>); their truth goes to emergence_truth.csv.</summary>
    public IReadOnlyList<EmergingPhase> Emerging { get; init; } = [];

    /// <summary>The scattering volume (sample thickness, attenuation, beam size) the frames are rendered over; the
    /// written pipeline.json then fits with the instrument function and names the thickness and attenuation.</summary>
    public SampleVolume Sample { get; init; } = SampleVolume.Point;
}
