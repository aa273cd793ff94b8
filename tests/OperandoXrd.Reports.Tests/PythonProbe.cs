using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace OperandoXrd.Reports.Tests;

/// <summary>Runs png_probe.py with Debian's python3 (zlib + struct PNG reader, matplotlib colour maps).</summary>
internal static class PythonProbe
{
    public static JsonNode Run(JsonObject query, [CallerFilePath] string here = "")
    {
        var queryFile = Path.Combine(Path.GetTempPath(), "oxrd-png-query-" + Guid.NewGuid().ToString("N")[..8] + ".json");
        File.WriteAllText(queryFile, query.ToJsonString());
        try
        {
            var start = new ProcessStartInfo("/usr/bin/python3")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            start.ArgumentList.Add(Path.Combine(Path.GetDirectoryName(here)!, "png_probe.py"));
            start.ArgumentList.Add(queryFile);
            start.Environment["MPLCONFIGDIR"] = Path.GetTempPath();
            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException("png_probe.py failed: " + stderr.Result);
            }

            return JsonNode.Parse(stdout.Result)!;
        }
        finally
        {
            File.Delete(queryFile);
        }
    }

    public static JsonObject File1(string path, params (int X, int Y)[] pixels) => new()
    {
        ["path"] = path,
        ["pixels"] = new JsonArray(pixels.Select(p => (JsonNode)new JsonArray(p.X, p.Y)).ToArray()),
    };

    public static int[] Ints(JsonNode node) => node.AsArray().Select(n => n!.GetValue<int>()).ToArray();
}
