using System.Globalization;
using System.Text;
using OperandoXrd.Fitting.Model;
using OperandoXrd.Fitting.Sequential;

namespace OperandoXrd.Fitting.Output;

/// <summary>Electrochemistry at a frame's mid-exposure time; NaN where unknown (written as empty cells).</summary>
public readonly record struct FrameEchem(double Voltage, double Current, double Capacity, double XLi)
{
    public static FrameEchem Unknown { get; } = new(double.NaN, double.NaN, double.NaN, double.NaN);
}

/// <summary>
/// <c>lattice.csv</c>, the one owner of its format (docs/formats.md): this type writes it (the host, <c>oxrd fit</c>)
/// and reads it (the viewer, the tests; see LatticeCsvReader.cs):
/// <c>frame,time_s,voltage_V,current_mA,capacity_mAh_g,x_Li,&lt;phase&gt;_&lt;param&gt;,&lt;phase&gt;_&lt;param&gt;_esd,...,&lt;phase&gt;_scale,PEEK_scale,Rwp,GoF,status</c>,
/// then three added columns: <c>iterations</c>, <c>esd_factor_&lt;convention&gt;</c> (the header names which esd the
/// <c>_esd</c> columns hold — <c>scaled</c>, <c>least-squares</c> or <c>berar-lelann</c>, docs/uncertainty.md — and
/// each row holds the factor over the least-squares esd) and <c>note</c> (why a frame is gated or failed). Files
/// written before the esd column are read as <c>scaled</c>, which is what they hold. Cell columns per
/// phase: the lattice system's parameters (a, b, c, alpha, beta, gamma as applicable) and V. Values of failed
/// frames are left empty; gated frames keep theirs (the status says not to trust them blindly).
/// </summary>
public sealed partial class LatticeCsv
{
    private static readonly string[] Leading = ["frame", "time_s", "voltage_V", "current_mA", "capacity_mAh_g", "x_Li"];
    private static readonly string[] Trailing = ["Rwp", "GoF", "status"];
    private static readonly string[] Added = ["iterations", "note"];

    private readonly TextWriter _writer;
    private readonly (string Phase, string[] Cell)[] _columns;
    private readonly bool _peek;
    private readonly EsdConvention _esd;

    /// <param name="writer">Destination; the header is written at once.</param>
    /// <param name="phases">Phase names with the cell quantities of their lattice system, in output order.</param>
    /// <param name="hasPeek">Whether a PEEK model is fitted (otherwise PEEK_scale stays empty).</param>
    /// <param name="esd">Which esd the <c>_esd</c> columns hold (named in the header).</param>
    public LatticeCsv(TextWriter writer, IReadOnlyList<(string Phase, IReadOnlyList<string> Cell)> phases, bool hasPeek, EsdConvention esd = EsdConvention.Scaled)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(phases);
        _writer = writer;
        _columns = [.. phases.Select(p => (p.Phase, p.Cell.Where(c => c != "c/a").ToArray()))];
        _peek = hasPeek;
        _esd = esd;
        _writer.WriteLine(Header);
    }

    /// <summary>The phase columns of a model: each phase's lattice-system parameters and V, in the model's order.</summary>
    public static IReadOnlyList<(string Phase, IReadOnlyList<string> Cell)> Columns(WholePatternModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return Enumerable.Range(0, model.PhaseCount)
            .Select(p => (model.Phase(p).Name, (IReadOnlyList<string>)[.. model.Phase(p).LatticeSystem.CellParameters, "V"]))
            .ToList();
    }

    /// <summary>The header line.</summary>
    public string Header
    {
        get
        {
            var sb = new StringBuilder(string.Join(',', Leading));
            foreach (var (phase, cell) in _columns)
            {
                foreach (var c in cell)
                {
                    sb.Append(',').Append(phase).Append('_').Append(c).Append(',').Append(phase).Append('_').Append(c).Append("_esd");
                }
            }

            foreach (var (phase, _) in _columns)
            {
                sb.Append(',').Append(phase).Append("_scale");
            }

            sb.Append(",PEEK_scale,").Append(string.Join(',', Trailing)).Append(',').Append(Added[0]).Append(',').Append(_esd.ColumnName()).Append(',').Append(Added[1]);
            return sb.ToString();
        }
    }

    /// <summary>
    /// Writes a whole table into <paramref name="stream"/> (UTF-8 without BOM, '\n' line ends), streamed through
    /// <paramref name="rows"/>, which calls <see cref="Write"/> or <see cref="WriteUnfitted"/> for each frame. Callers
    /// give it the stream of an atomic write, so that a reader never sees half a table.
    /// </summary>
    public static void WriteTo(Stream stream, IReadOnlyList<(string Phase, IReadOnlyList<string> Cell)> phases, bool hasPeek, EsdConvention esd, Action<LatticeCsv> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        using var writer = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true) { NewLine = "\n" };
        rows(new LatticeCsv(writer, phases, hasPeek, esd));
    }

    /// <summary>Writes one frame's row.</summary>
    public void Write(FrameFit fit, double timeSeconds, FrameEchem echem)
    {
        ArgumentNullException.ThrowIfNull(fit);
        if (fit.Status != FrameStatus.Failed && fit.EsdConvention != _esd)
        {
            throw new InvalidOperationException($"frame {fit.Frame}: its esds are {fit.EsdConvention.Name()}, the table's header says {_esd.Name()}");
        }

        var sb = new StringBuilder();
        sb.Append(fit.Frame.ToString(CultureInfo.InvariantCulture));
        Number(sb, timeSeconds, "G10");
        Number(sb, echem.Voltage, "G8");
        Number(sb, echem.Current, "G8");
        Number(sb, echem.Capacity, "G8");
        Number(sb, echem.XLi, "G8");
        var failed = fit.Status == FrameStatus.Failed;
        foreach (var (phase, cell) in _columns)
        {
            var result = fit.Phases.FirstOrDefault(p => string.Equals(p.Name, phase, StringComparison.Ordinal));
            foreach (var c in cell)
            {
                var q = result?.Cell.FirstOrDefault(x => string.Equals(x.Name, c, StringComparison.Ordinal));
                Number(sb, failed || q is null ? double.NaN : q.Value.Value, "G10");
                Number(sb, failed || q is null ? double.NaN : q.Value.Esd, "G4");
            }
        }

        foreach (var (phase, _) in _columns)
        {
            var result = fit.Phases.FirstOrDefault(p => string.Equals(p.Name, phase, StringComparison.Ordinal));
            Number(sb, failed || result is null ? double.NaN : result.Scale, "G8");
        }

        Number(sb, failed || !_peek ? double.NaN : fit.PeekScale, "G8");
        Number(sb, fit.Rwp, "G6");
        Number(sb, fit.GoF, "G6");
        sb.Append(',').Append(Status(fit.Status));
        sb.Append(',').Append(fit.Iterations.ToString(CultureInfo.InvariantCulture));
        Number(sb, failed ? double.NaN : fit.EsdFactor, "G6");
        sb.Append(',').Append(Note(fit.Reason));
        _writer.WriteLine(sb.ToString());
    }

    /// <summary>
    /// A frame that never reached the fitter (unreadable, not integrated): its time and electrochemistry, empty
    /// fit columns, status <c>failed</c> and why.
    /// </summary>
    public void WriteUnfitted(int frame, double timeSeconds, FrameEchem echem, string note)
    {
        var sb = new StringBuilder();
        sb.Append(frame.ToString(CultureInfo.InvariantCulture));
        Number(sb, timeSeconds, "G10");
        Number(sb, echem.Voltage, "G8");
        Number(sb, echem.Current, "G8");
        Number(sb, echem.Capacity, "G8");
        Number(sb, echem.XLi, "G8");
        var empty = 2 * _columns.Sum(c => c.Cell.Length) + _columns.Length + 3;
        sb.Append(',', empty);
        sb.Append(',').Append(FrameStatuses.Failed).Append(",0,,").Append(Note(note));
        _writer.WriteLine(sb.ToString());
    }

    /// <summary>"ok", "gated", "failed" (<see cref="FrameStatuses"/>).</summary>
    public static string Status(FrameStatus status) => status.Name();

    private static void Number(StringBuilder sb, double value, string format)
    {
        sb.Append(',');
        if (double.IsFinite(value))
        {
            sb.Append(value.ToString(format, CultureInfo.InvariantCulture));
        }
    }

    /// <summary>
    /// The note column is last and free text; commas and line breaks become '; ' and ' ' so that every reader,
    /// down to a plain split on commas (the viewer's, awk's), sees the same number of fields in every row.
    /// </summary>
    private static string Note(string text) =>
        text.Replace("\r", " ", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal).Replace(",", ";", StringComparison.Ordinal).Replace("\"", "'", StringComparison.Ordinal);
}
