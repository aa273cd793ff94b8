namespace OperandoXrd.Core.Integration;

/// <summary>
/// One integrated pattern: bin centres, intensity, σ and the per-bin sums they come from. Allocated once per
/// integrator (or per worker) and overwritten by every <see cref="AzimuthalIntegrator.Integrate(ReadOnlySpan{int}, Pattern1D, ReadOnlySpan{float})"/>
/// so that a run over thousands of frames allocates nothing per frame.
/// </summary>
public sealed class Pattern1D
{
    public Pattern1D(int npt)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(npt);
        Npt = npt;
        Radial = new double[npt];
        Intensity = new double[npt];
        Sigma = new double[npt];
        Count = new double[npt];
        SumSignal = new double[npt];
        SumVariance = new double[npt];
        SumNormalization = new double[npt];
    }

    public int Npt { get; }

    /// <summary>Bin centres in the integration unit.</summary>
    public double[] Radial { get; }

    /// <summary>Σ c·(raw − dark) / Σ c·norm, with norm = solid angle × polarization × flat; 0 where no pixel contributes.</summary>
    public double[] Intensity { get; }

    /// <summary>Poisson σ: √(Σ c²·max(raw, 1)) / Σ c·norm (pyFAI 0.21 <c>error_model="poisson"</c>).</summary>
    public double[] Sigma { get; }

    /// <summary>Σ c over the valid pixels of this frame: the number of pixels a bin holds (fractional with splitting).</summary>
    public double[] Count { get; }

    /// <summary>Σ c·(raw − dark).</summary>
    public double[] SumSignal { get; }

    /// <summary>Σ c²·max(raw, 1).</summary>
    public double[] SumVariance { get; }

    /// <summary>Σ c·norm over the valid pixels of this frame.</summary>
    public double[] SumNormalization { get; }
}
