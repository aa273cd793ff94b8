using System.Text.Json;
using OperandoXrd.Core.Geometry;
using OperandoXrd.Core.Tests.Reference;

namespace OperandoXrd.Core.Tests.Geometry;

/// <summary>
/// One pyFAI run that (1) loads the PONI files we wrote, plus a pyFAI 0.x style v1 file, and reports what it read,
/// and (2) writes PONI files of its own for us to read.
/// </summary>
public sealed class PoniPyFaiFixture : IDisposable
{
    private const string Script = """
        import os, json
        import pyFAI
        from pyFAI.azimuthalIntegrator import AzimuthalIntegrator
        from pyFAI import detectors

        loaded = []
        for path in ARGS:
            ai = pyFAI.load(path)
            d = ai.detector
            loaded.append(dict(file=os.path.basename(path), dist=ai.dist, poni1=ai.poni1, poni2=ai.poni2,
                               rot1=ai.rot1, rot2=ai.rot2, rot3=ai.rot3, wavelength=ai.wavelength,
                               detector=d.__class__.__name__, pixel1=d.pixel1, pixel2=d.pixel2,
                               max_shape=None if d.max_shape is None else [int(s) for s in d.max_shape]))
        save_text("loaded", json.dumps(loaded))

        cases = [
            ["Pilatus2M", None, 0.3123, 0.0914, 0.1832, -0.1212, 0.0876, -1.234, 2.4486e-11],
            ["Pilatus300k", None, 0.1 + 0.2, 1.0 / 3.0, -1e-05, 0.0, 0.0, 0.0, 1.5406e-10],
            ["Detector", {"pixel1": 7.5e-05, "pixel2": 8e-05, "max_shape": [514, 1030]}, 0.2, 0.01, 0.02, 0.1, 0.2, 0.3, 1e-10],
        ]
        for i, (name, config, dist, p1, p2, r1, r2, r3, wl) in enumerate(cases):
            det = detectors.detector_factory(name, config)
            ai = AzimuthalIntegrator(dist=dist, poni1=p1, poni2=p2, rot1=r1, rot2=r2, rot3=r3, detector=det, wavelength=wl)
            ai.save(os.path.join(OUT, "pyfai_%d.poni" % i))
        save_text("cases", json.dumps(cases))
        """;

    public PoniPyFaiFixture()
    {
        Directory = Path.Combine(Path.GetTempPath(), "oxrd-poni-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        Written =
        [
            ("ours_p2m_tilted.poni", TestGeometries.Pilatus2MTilted),
            ("ours_p300k.poni", TestGeometries.Pilatus300KTilted),
            ("ours_generic.poni", new Poni
            {
                Detector = Detector.Generic(300, 200, 1e-4, 1.1e-4),
                Distance = 0.1 + 0.2,
                Poni1 = 1.0 / 3.0,
                Poni2 = -1e-5,
                Rot1 = Math.PI / 7,
                Rot2 = -0.03,
                Rot3 = 1e-300,
                Wavelength = 2.4486e-11,
            }),
            ("ours_p2m_small_pixels.poni", new Poni
            {
                Detector = Detector.FromName("Pilatus2M", "{\"pixel1\": 1.7e-4, \"pixel2\": 1.71e-4}"),
                Distance = 0.35,
                Poni1 = 0.14,
                Poni2 = 0.12,
                Wavelength = 2.4486e-11,
            }),
        ];
        foreach (var (file, poni) in Written)
        {
            poni.Save(Path.Combine(Directory, file));
        }

        V1Path = Path.Combine(Directory, "v1.poni");
        File.WriteAllText(V1Path, "# Nota: C-Order\nPixelSize1: 0.000172\nPixelSize2: 0.00017\nDistance: 0.34457766219\nPoni1: 0.144627497658\nPoni2: 0.126004393654\nRot1: 0.00185838063393\nRot2: -0.00326720380734\nRot3: 2.20017233483e-09\nSplineFile: None\nWavelength: 2.4486e-11\n");

        Run = PythonReference.Run(Script, [.. Written.Select(w => Path.Combine(Directory, w.File)), V1Path], PythonReference.DefaultTimeout);
        using var doc = JsonDocument.Parse(Run.Text("loaded"));
        Loaded = doc.RootElement.EnumerateArray().ToDictionary(e => e.GetProperty("file").GetString()!, e => e.Clone());
    }

    public string Directory { get; }

    public IReadOnlyList<(string File, Poni Poni)> Written { get; }

    public string V1Path { get; }

    public ReferenceRun Run { get; }

    /// <summary>What pyFAI read from each file, by file name.</summary>
    public IReadOnlyDictionary<string, JsonElement> Loaded { get; }

    public void Dispose()
    {
        Run.Dispose();
        PythonReference.TryDelete(Directory);
    }
}

[Trait("Reference", "pyFAI")]
public sealed class PoniPyFaiInteropTests(PoniPyFaiFixture fixture) : IClassFixture<PoniPyFaiFixture>
{
    [Fact]
    public void pyFAI_loads_our_files_to_the_same_doubles_and_detector()
    {
        foreach (var (file, poni) in fixture.Written)
        {
            var e = fixture.Loaded[file];
            Assert.Equal(poni.Distance, e.GetProperty("dist").GetDouble());
            Assert.Equal(poni.Poni1, e.GetProperty("poni1").GetDouble());
            Assert.Equal(poni.Poni2, e.GetProperty("poni2").GetDouble());
            Assert.Equal(poni.Rot1, e.GetProperty("rot1").GetDouble());
            Assert.Equal(poni.Rot2, e.GetProperty("rot2").GetDouble());
            Assert.Equal(poni.Rot3, e.GetProperty("rot3").GetDouble());
            Assert.Equal(poni.Wavelength, e.GetProperty("wavelength").GetDouble());
            Assert.Equal(poni.Detector.Name, e.GetProperty("detector").GetString());
            Assert.Equal(poni.Detector.PixelSize1, e.GetProperty("pixel1").GetDouble());
            Assert.Equal(poni.Detector.PixelSize2, e.GetProperty("pixel2").GetDouble());
            var shape = e.GetProperty("max_shape");
            Assert.Equal([poni.Detector.Rows, poni.Detector.Columns], shape.EnumerateArray().Select(s => s.GetInt32()).ToArray());
        }
    }

    [Fact]
    public void We_read_pyFAI_written_files_to_the_same_doubles()
    {
        using var doc = JsonDocument.Parse(fixture.Run.Text("cases"));
        var i = 0;
        foreach (var c in doc.RootElement.EnumerateArray())
        {
            var path = Path.Combine(fixture.Run.OutputDirectory, $"pyfai_{i++}.poni");
            var poni = Poni.Load(path);
            var name = c[0].GetString()!;
            Assert.Equal(name, poni.Detector.Name);
            Assert.Equal(c[2].GetDouble(), poni.Distance);
            Assert.Equal(c[3].GetDouble(), poni.Poni1);
            Assert.Equal(c[4].GetDouble(), poni.Poni2);
            Assert.Equal(c[5].GetDouble(), poni.Rot1);
            Assert.Equal(c[6].GetDouble(), poni.Rot2);
            Assert.Equal(c[7].GetDouble(), poni.Rot3);
            Assert.Equal(c[8].GetDouble(), poni.Wavelength);
            if (c[1].ValueKind == JsonValueKind.Object)
            {
                Assert.Equal(c[1].GetProperty("pixel1").GetDouble(), poni.Detector.PixelSize1);
                Assert.Equal(c[1].GetProperty("pixel2").GetDouble(), poni.Detector.PixelSize2);
                Assert.Equal(c[1].GetProperty("max_shape")[0].GetInt32(), poni.Detector.Rows);
                Assert.Equal(c[1].GetProperty("max_shape")[1].GetInt32(), poni.Detector.Columns);
            }
            else
            {
                Assert.Same(name == "Pilatus2M" ? Detector.Pilatus2M : Detector.Pilatus300K, poni.Detector);
            }
        }

        Assert.Equal(3, i);
    }

    [Fact]
    public void A_v1_file_reads_the_same_in_pyFAI_and_here()
    {
        var ours = Poni.Load(fixture.V1Path);
        var e = fixture.Loaded["v1.poni"];
        Assert.Equal(e.GetProperty("dist").GetDouble(), ours.Distance);
        Assert.Equal(e.GetProperty("rot3").GetDouble(), ours.Rot3);
        Assert.Equal(e.GetProperty("pixel1").GetDouble(), ours.Detector.PixelSize1);
        Assert.Equal(e.GetProperty("pixel2").GetDouble(), ours.Detector.PixelSize2);
        Assert.Equal(JsonValueKind.Null, e.GetProperty("max_shape").ValueKind);
        Assert.False(ours.Detector.HasShape);
    }
}
