using System.CommandLine;
using OperandoXrd.Crystallography.Cif;
using OperandoXrd.Crystallography.Reflections;

namespace OperandoXrd.Cli.Commands;

/// <summary><c>oxrd hkl</c>: the reflection list of a CIF at a wavelength (h k l d 2θ multiplicity).</summary>
internal static class HklCommand
{
    public static Command Create()
    {
        var cif = new Option<FileInfo>("--cif") { Description = "The phase's CIF file." };
        var wavelength = new Option<double?>("--wavelength") { Description = "X-ray wavelength in Å (e.g. 0.24486)." };
        var tthMax = new Option<double?>("--tth-max") { Description = "List reflections up to this 2θ (degrees)." };
        var dMin = new Option<double?>("--dmin") { Description = "List reflections down to this d-spacing (Å). Default: 1 Å (or λ/2 if larger)." };
        var command = new Command("hkl", "List the reflections of a CIF at a wavelength: h k l d 2θ multiplicity, sorted by d descending.")
        {
            cif, wavelength, tthMax, dMin,
        };
        command.SetAction(parse =>
        {
            // Bad input is reported here rather than thrown: System.CommandLine's default handler would turn an
            // exception into a stack trace and exit code 1, and the contract says one line and exit code 2.
            try
            {
                return Run(parse.GetValue(cif), parse.GetValue(wavelength), parse.GetValue(tthMax), parse.GetValue(dMin));
            }
            catch (UsageException e)
            {
                Console.Error.WriteLine($"oxrd: {e.Message}");
                return ExitCodes.BadArguments;
            }
        });
        return command;
    }

    private static int Run(FileInfo? file, double? wavelength, double? tthMax, double? dMin)
    {
        if (file is null)
        {
            throw new UsageException("hkl: --cif FILE is required");
        }

        var lambda = wavelength ?? throw new UsageException("hkl: --wavelength Å is required");
        if (!(lambda > 0))
        {
            throw new UsageException($"hkl: --wavelength must be positive (got {lambda})");
        }

        if (tthMax is not null && dMin is not null)
        {
            throw new UsageException("hkl: give either --tth-max or --dmin, not both");
        }

        double limit;
        if (tthMax is double t)
        {
            if (!(t > 0 && t <= 180))
            {
                throw new UsageException($"hkl: --tth-max must be in (0, 180] degrees (got {t})");
            }

            limit = Bragg.DFromTwoTheta(t, lambda);
        }
        else if (dMin is double d)
        {
            if (!(d > 0))
            {
                throw new UsageException($"hkl: --dmin must be positive (got {d})");
            }

            limit = d;
        }
        else
        {
            limit = 1.0;
        }

        // Nothing below d = λ/2 can diffract.
        limit = Math.Max(limit, lambda / 2);
        if (!file.Exists)
        {
            throw new UsageException($"hkl: {file.FullName}: no such file");
        }

        try
        {
            var phase = CifPhaseReader.ReadFile(file.FullName);
            using var output = new StreamWriter(Console.OpenStandardOutput());
            ReflectionTable.Write(output, phase, lambda, limit);
        }
        catch (CifFormatException e)
        {
            throw new UsageException(e.Message, e);
        }

        return ExitCodes.Ok;
    }
}
