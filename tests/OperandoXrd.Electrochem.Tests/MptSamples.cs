namespace OperandoXrd.Electrochem.Tests;

/// <summary>
/// EC-Lab ASCII exports as a French/German-locale VMP3 writes them (decimal comma, ANSI, CRLF, a tab after every
/// field), laid out from real GCPL exports: the header block, 'Nb header lines' counting the column line itself.
/// </summary>
internal static class MptSamples
{
    public const string Columns =
        "mode\tox/red\terror\tcontrol changes\tNs changes\tcounter inc.\tNs\ttime/s\tcontrol/V/mA\tEwe/V\t<I>/mA\tdq/mA.h\t(Q-Qo)/mA.h\tQ charge/discharge/mA.h\thalf cycle\tcycle number\tP/W\t";

    public static string Header(string acquisitionStart, string columns = Columns)
    {
        string[] lines =
        [
            "EC-Lab ASCII FILE",
            "Nb header lines : 24",
            "",
            "Galvanostatic Cycling with Potential Limitation",
            "",
            "Run on channel : 3 (SN 12345)",
            "User : ",
            "Ewe ctrl range : min = -10,00 V, max = 10,00 V",
            "Safety Limits :",
            "\tEwe min = 0,00 V",
            "Acquisition started on : " + acquisitionStart,
            "Loop 0 from point number 0 to 5",
            "Saved on :",
            "\tFile : NCA_LPSCl_LiIn_C10.mpr",
            "\tDirectory : C:\\Users\\bm31\\Documents\\EC-Lab\\Data\\",
            "\tHost : 192.168.1.20",
            "Device : VMP3 (SN 0284)",
            "Address : USB",
            "EC-Lab for windows v11.33 (software)",
            "Internet server v11.33 (firmware)",
            "Command interpretor v11.33 (firmware)",
            "Electrode material : NCA",
            "Mass of active material : 0,840 mg",
            columns,
        ];
        return string.Join("\r\n", lines) + "\r\n";
    }

    /// <summary>One data row in the column order of <see cref="Columns"/>, decimal comma.</summary>
    public static string Row(int mode, int oxRed, double time, double ewe, double current, double q, int cycle)
    {
        static string E(double v, int digits) => v.ToString((digits == 15 ? "0.000000000000000" : "0.0000000") + "E+000", System.Globalization.CultureInfo.InvariantCulture).Replace('.', ',');
        return string.Join('\t',
            mode.ToString(System.Globalization.CultureInfo.InvariantCulture), oxRed.ToString(System.Globalization.CultureInfo.InvariantCulture), "0", "0", "0", "0", "1",
            E(time, 15), E(current, 15), E(ewe, 7), E(current, 15), E(0, 15), E(q, 15), E(q, 15), "0", E(cycle, 15), E(ewe * current * 1e-3, 7)) + "\t\r\n";
    }
}
