using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace OperandoXrd.Fitting.Tests;

/// <summary>Runs Debian's python3-lmfit (/usr/bin/python3, not the pyenv one on PATH) as an independent reference.</summary>
internal static class Lmfit
{
    internal sealed record Result(double[] Values, double[] Esd, double RedChi);

    public static Result GaussianPeak(double[] x, double[] y, double[] sigma, double[] start)
    {
        const string script = """
            import sys, json, numpy as np, lmfit
            d = json.load(sys.stdin)
            x, y, s = np.array(d['x']), np.array(d['y']), np.array(d['s'])
            def f(p):
                v = p.valuesdict()
                return (v['A'] * np.exp(-0.5 * ((x - v['mu']) / v['s'])**2) + v['b'] - y) / s
            p = lmfit.Parameters()
            for name, v0 in zip(['A', 'mu', 's', 'b'], d['start']):
                p.add(name, value=v0)
            p['s'].min = 1e-4
            r = lmfit.minimize(f, p, method='leastsq', xtol=1e-12, ftol=1e-12)
            names = ['A', 'mu', 's', 'b']
            print(json.dumps({'values': [r.params[n].value for n in names], 'esd': [r.params[n].stderr for n in names], 'redchi': r.redchi}))
            """;
        var input = new StringBuilder();
        input.Append("{\"x\":").Append(Json(x)).Append(",\"y\":").Append(Json(y)).Append(",\"s\":").Append(Json(sigma))
             .Append(",\"start\":").Append(Json(start)).Append('}');
        var output = Run(script, input.ToString());
        using var doc = System.Text.Json.JsonDocument.Parse(output);
        var root = doc.RootElement;
        return new Result(
            [.. root.GetProperty("values").EnumerateArray().Select(e => e.GetDouble())],
            [.. root.GetProperty("esd").EnumerateArray().Select(e => e.GetDouble())],
            root.GetProperty("redchi").GetDouble());
    }

    public static string Json(double[] values) => "[" + string.Join(",", values.Select(v => v.ToString("R", CultureInfo.InvariantCulture))) + "]";

    public static string Run(string script, string stdin)
    {
        var path = Path.Combine(Path.GetTempPath(), $"oxrd-lmfit-{Guid.NewGuid():N}.py");
        File.WriteAllText(path, script);
        try
        {
            var info = new ProcessStartInfo("/usr/bin/python3", path)
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var process = Process.Start(info)!;
            process.StandardInput.Write(stdin);
            process.StandardInput.Close();
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"lmfit reference failed: {stderr}");
            }

            return stdout.Result;
        }
        finally
        {
            File.Delete(path);
        }
    }
}
