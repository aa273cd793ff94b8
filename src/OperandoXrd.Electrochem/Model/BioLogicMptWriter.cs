using System.Globalization;
using System.Text;

namespace OperandoXrd.Electrochem.Model;

/// <summary>One row of an EC-Lab GCPL export. Mode 1 = galvanostatic, 3 = rest; ox/red 1 = oxidation (charge).</summary>
public readonly record struct MptRow(int Mode, int OxRed, int Step, bool StepChanged, double Time_s, double Ewe_V, double Current_mA, double Charge_mAh, double HalfCycleCharge_mAh, int HalfCycle, int Cycle);

/// <summary>How <see cref="BioLogicMptWriter"/> writes.</summary>
public sealed record MptWriterOptions
{
    /// <summary>Absolute time of <c>time/s</c> = 0 (the log's own clock, which need not agree with the beamline's).</summary>
    public DateTimeOffset AcquisitionStart { get; init; } = new(2024, 3, 14, 8, 0, 0, TimeSpan.Zero);

    /// <summary>The zone of the PC's wall clock that <c>Acquisition started on</c> is written in (EC-Lab writes local time, no zone).</summary>
    public TimeSpan WallClockUtcOffset { get; init; } = TimeSpan.Zero;

    /// <summary>Write numbers with a decimal comma, as EC-Lab does on French or German Windows.</summary>
    public bool DecimalComma { get; init; }

    /// <summary>Quantize Ewe to this step (V), like the potentiostat's ADC; 0 keeps EC-Lab's 8 significant digits.</summary>
    public double VoltageResolution_V { get; init; }

    public double ActiveMass_mg { get; init; } = 0.84;

    /// <summary>The .mpr name written in the header, for provenance only.</summary>
    public string SourceName { get; init; } = "simulated.mpr";
}

/// <summary>
/// Writes BioLogic EC-Lab ASCII (<c>.mpt</c>) files as EC-Lab exports them: ANSI text, CRLF, a header block whose
/// second line counts its lines, tab-separated columns each followed by a tab, E-notation numbers with 15 decimals
/// (8 significant digits for potentials). The header is written once and rows can be appended as they happen, so a
/// simulator can grow the file in step with its frames.
/// </summary>
public static class BioLogicMptWriter
{
    /// <summary>The column names line, in EC-Lab's GCPL order.</summary>
    public const string ColumnLine =
        "mode\tox/red\terror\tcontrol changes\tNs changes\tcounter inc.\tNs\ttime/s\tcontrol/mA\tEwe/V\t<I>/mA\tdq/mA.h\t(Q-Qo)/mA.h\tQ charge/discharge/mA.h\thalf cycle\tcycle number\tP/W\t";

    private static readonly Encoding s_ansi = Encoding.Latin1;

    /// <summary>Writes the header and all rows of a model run sampled every <paramref name="samplePeriod_s"/> seconds.</summary>
    public static void Write(string path, GalvanostaticFirstCycle model, double samplePeriod_s, MptWriterOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        options ??= new MptWriterOptions();
        using var writer = new StreamWriter(path, append: false, s_ansi);
        WriteHeader(writer, options);
        foreach (var row in ToRows(model.Record(samplePeriod_s)))
        {
            WriteRow(writer, row, options);
        }
    }

    /// <summary>Opens a file for writing rows as they happen (header written; append rows with <see cref="WriteRow"/>, flush as wanted).</summary>
    public static StreamWriter Create(string path, MptWriterOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var writer = new StreamWriter(path, append: false, s_ansi);
        WriteHeader(writer, options);
        return writer;
    }

    /// <summary>The header block, ending with the column names.</summary>
    public static void WriteHeader(TextWriter writer, MptWriterOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(options);
        var local = options.AcquisitionStart.ToOffset(options.WallClockUtcOffset);
        var start = local.ToString("MM/dd/yyyy HH:mm:ss.fff", CultureInfo.InvariantCulture);
        var mass = options.ActiveMass_mg.ToString("0.000", CultureInfo.InvariantCulture);
        if (options.DecimalComma)
        {
            start = start.Replace('.', ',');
            mass = mass.Replace('.', ',');
        }

        string[] lines =
        [
            "EC-Lab ASCII FILE",
            "", // the count, filled in below
            "",
            "Galvanostatic Cycling with Potential Limitation",
            "",
            "Run on channel : 1 (SN 0000)",
            "User : OperandoXrd simulator",
            "Ewe ctrl range : min = 0" + (options.DecimalComma ? "," : ".") + "00 V, max = 5" + (options.DecimalComma ? "," : ".") + "00 V",
            "Acquisition started on : " + start,
            "Loop 0 from point number 0 to 0",
            "Saved on :",
            "\tFile : " + options.SourceName,
            "\tDirectory : .",
            "Device : VMP3 (simulated)",
            "Electrode material : NCA",
            "Electrolyte : Li6PS5Cl",
            "Reference electrode : Li-In (0.62 V vs Li+/Li)",
            "Mass of active material : " + mass + " mg",
            ColumnLine,
        ];
        lines[1] = "Nb header lines : " + lines.Length.ToString(CultureInfo.InvariantCulture);
        foreach (var line in lines)
        {
            writer.Write(line);
            writer.Write("\r\n");
        }
    }

    /// <summary>One data row.</summary>
    public static void WriteRow(TextWriter writer, in MptRow row, MptWriterOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(options);
        var ewe = options.VoltageResolution_V > 0 ? Math.Round(row.Ewe_V / options.VoltageResolution_V) * options.VoltageResolution_V : row.Ewe_V;
        var sb = new StringBuilder(256);
        sb.Append(row.Mode).Append('\t')
          .Append(row.OxRed).Append('\t')
          .Append('0').Append('\t')
          .Append(row.StepChanged ? '1' : '0').Append('\t')
          .Append(row.StepChanged ? '1' : '0').Append('\t')
          .Append('0').Append('\t')
          .Append(row.Step).Append('\t');
        Number(sb, row.Time_s, 15);
        Number(sb, row.Current_mA, 15);
        Number(sb, ewe, 7);
        Number(sb, row.Current_mA, 15);
        Number(sb, 0.0, 15);
        Number(sb, row.Charge_mAh, 15);
        Number(sb, row.HalfCycleCharge_mAh, 15);
        sb.Append(row.HalfCycle).Append('\t');
        Number(sb, row.Cycle, 15);
        Number(sb, ewe * row.Current_mA * 1e-3, 7);
        if (options.DecimalComma)
        {
            sb.Replace('.', ',');
        }

        sb.Append("\r\n");
        writer.Write(sb);
    }

    /// <summary>
    /// Model states as EC-Lab rows: mode and ox/red from the step, (Q-Qo) the net charge, Q charge/discharge the
    /// charge within the current half cycle, half cycle 0 for the charge and 1 from the discharge on.
    /// </summary>
    public static IEnumerable<MptRow> ToRows(IEnumerable<CellState> states)
    {
        ArgumentNullException.ThrowIfNull(states);
        int previousStep = -1, oxRed = 0, halfCycle = 0;
        double halfCycleStartCharge = 0;
        foreach (var s in states)
        {
            var changed = s.Step != previousStep;
            if (changed && s.Kind != CellStepKind.Rest)
            {
                oxRed = s.Kind == CellStepKind.Charge ? 1 : 0;
                if (s.Kind == CellStepKind.Discharge)
                {
                    halfCycle = 1;
                    halfCycleStartCharge = s.Charge_mAh;
                }
            }

            previousStep = s.Step;
            yield return new MptRow(
                s.Kind == CellStepKind.Rest ? 3 : 1, oxRed, s.Step, changed, s.Time_s, s.Ewe_V, s.Current_mA,
                s.Charge_mAh, s.Charge_mAh - halfCycleStartCharge, halfCycle, 0);
        }
    }

    private static void Number(StringBuilder sb, double value, int decimals)
    {
        var format = decimals == 15 ? "0.000000000000000E+000" : "0.0000000E+000";
        sb.Append(value.ToString(format, CultureInfo.InvariantCulture)).Append('\t');
    }
}
