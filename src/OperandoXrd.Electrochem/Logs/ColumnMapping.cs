using System.Globalization;
using System.Text;

namespace OperandoXrd.Electrochem.Logs;

/// <summary>
/// Which of the file's columns became time, voltage, current, charge and cycle, and the factors that brought them to
/// s, V, mA and mA·h. Null names: the file has no such column.
/// </summary>
public sealed record ColumnMapping(
    string? Time,
    string? Voltage,
    string? Current,
    string? Charge,
    string? Cycle,
    TimeKind TimeKind,
    double VoltageScale,
    double CurrentScale,
    double ChargeScale,
    string? ChargeNote)
{
    /// <summary>One line: <c>time ← 'time/s'; voltage ← '&lt;Ewe/V&gt;'; current ← 'I/mA'; charge ← '(Q-Qo)/C' × 0.277778 (C → mA·h); cycle ← 'cycle number'</c>.</summary>
    public string Describe()
    {
        var text = new StringBuilder();
        text.Append("time ← ").Append(Quote(Time)).Append(TimeKind switch
        {
            TimeKind.Duration => " (h:mm:ss)",
            TimeKind.Absolute => " (date and time)",
            TimeKind.Unix => " (seconds since 1970)",
            _ => "",
        });
        text.Append("; voltage ← ").Append(Quote(Voltage)).Append(Factor(Voltage, VoltageScale));
        text.Append("; current ← ").Append(Quote(Current)).Append(Factor(Current, CurrentScale));
        text.Append("; charge ← ").Append(Quote(Charge)).Append(Factor(Charge, ChargeScale));
        if (ChargeNote is not null && Charge is not null)
        {
            text.Append(" (").Append(ChargeNote).Append(')');
        }

        text.Append("; cycle ← ").Append(Quote(Cycle));
        return text.ToString();
    }

    private static string Quote(string? name) => name is null ? "none" : $"'{name}'";

    private static string Factor(string? name, double scale) =>
        name is null || scale == 1.0 ? "" : string.Create(CultureInfo.InvariantCulture, $" × {scale:G6}");
}
