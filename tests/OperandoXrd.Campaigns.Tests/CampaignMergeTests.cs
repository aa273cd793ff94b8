using System.Diagnostics;
using OperandoXrd.Campaigns.Execution;
using OperandoXrd.Campaigns.Files;
using OperandoXrd.Campaigns.Merge;

namespace OperandoXrd.Campaigns.Tests;

public sealed class CampaignMergeTests : IDisposable
{
    private const string Header = "frame,time_s,voltage_V,current_mA,capacity_mAh_g,x_Li,NCA_a,NCA_a_esd,NCA_c,NCA_c_esd,NCA_V,NCA_V_esd,NCA_scale,PEEK_scale,Rwp,GoF,status,iterations,note";

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "oxrd-campaign-merge-" + Guid.NewGuid().ToString("N"));

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>A campaign of three scans whose lattice.csv files are written by hand; cell02 did not finish.</summary>
    private (Campaign Campaign, string Output) Prepare(string name, bool reverse)
    {
        var root = Path.Combine(_folder, name);
        var output = Path.Combine(root, "out");
        Directory.CreateDirectory(Path.Combine(root, "data"));
        File.WriteAllText(Path.Combine(root, "pipeline.json"), "{}");
        File.WriteAllText(Path.Combine(root, "campaign.json"), """
            { "name": "merge-test", "pipeline": "pipeline.json",
              "scans": [ { "label": "cell01", "input": ["data"] }, { "label": "cell02", "input": ["data"] }, { "label": "cell03", "input": ["data"] } ] }
            """);
        var campaign = Campaign.Load(Path.Combine(root, "campaign.json"));
        Directory.CreateDirectory(ScanRecords.Folder(output));
        var labels = reverse ? new[] { "cell03", "cell02", "cell01" } : ["cell01", "cell02", "cell03"];
        foreach (var label in labels)
        {
            // The same scans, finished in another order and at another time.
            Directory.CreateDirectory(Path.Combine(output, label));
            var k = label[^1] - '0';
            var rows = Enumerable.Range(0, 4).Select(f => string.Join(',',
                f, 10.5 * f, 3.6 + (0.1 * f), 0.02, 50.0 * f, 1 - (0.1 * f * k), 2.8650 - (0.001 * f * k), 3.2e-5, 14.18 + (0.01 * f), 0.0003, 100.7, 0.004, 1.0, 1.01, 0.0156, 7.5, f == 2 ? "gated" : "ok", 7, f == 2 ? "esd; large" : ""));
            File.WriteAllText(Path.Combine(output, label, "lattice.csv"), string.Join('\n', [Header, .. rows]) + "\n");
            ScanRecords.WriteExit(output, label, label == "cell02" ? null : 0);
            if (reverse)
            {
                Thread.Sleep(1100);
            }
        }

        return (campaign, output);
    }

    [Fact]
    public void The_same_scans_give_the_same_bytes_whatever_order_they_finished_in()
    {
        var (c1, out1) = Prepare("first", reverse: false);
        var (c2, out2) = Prepare("second", reverse: true);
        var r1 = CampaignMerge.Merge(c1, out1);
        var r2 = CampaignMerge.Merge(c2, out2);
        Assert.Equal(["cell01", "cell03"], r1.Merged);
        Assert.Equal(["cell02"], r1.Missing);
        Assert.Equal(File.ReadAllBytes(Path.Combine(out1, "campaign.csv")), File.ReadAllBytes(Path.Combine(out2, "campaign.csv")));
        Assert.Equal(File.ReadAllBytes(Path.Combine(out1, "campaign.h5")), File.ReadAllBytes(Path.Combine(out2, "campaign.h5")));
        Assert.True(File.Exists(Path.Combine(out1, "figures", "campaign_lattice_vs_xli.svg")));
        Assert.True(File.Exists(Path.Combine(out1, "figures", "campaign_lattice_vs_voltage.svg")));

        // campaign.csv: the scan column, then each finished scan's lattice.csv lines unchanged, in campaign order.
        var expected = new List<string> { "scan," + Header };
        foreach (var label in new[] { "cell01", "cell03" })
        {
            expected.AddRange(File.ReadAllLines(Path.Combine(out1, label, "lattice.csv")).Skip(1).Select(l => label + "," + l));
        }

        Assert.Equal(expected, File.ReadAllLines(Path.Combine(out1, "campaign.csv")));
    }

    [Fact]
    public void Campaign_h5_reads_in_h5py_with_one_entry_per_scan_and_every_lattice_table()
    {
        var (campaign, output) = Prepare("h5py", reverse: false);
        CampaignMerge.Merge(campaign, output);
        // h5py, an independent reader: NX classes, the entries, every column of the lattice table as written in the csv.
        var script = """
            import h5py, sys, csv
            import numpy as np
            from silx.io import nxdata
            f = h5py.File(sys.argv[1], "r")
            rows = list(csv.DictReader(open(sys.argv[2])))
            assert sorted(k for k in f.keys()) == ["cell01", "cell03", "lattice"], list(f.keys())
            assert f["lattice"].attrs["NX_class"] == "NXcollection"
            for label in ["cell01", "cell03"]:
                e = f[label]
                assert e.attrs["NX_class"] == "NXentry"
                assert e["lattice"].attrs["NX_class"] == "NXdata" and e["lattice"].attrs["signal"] == "NCA_a"
                # NeXus: axes is an array of strings (one per dimension of the signal), not one comma-separated string.
                axes = e["lattice"].attrs["axes"]
                assert isinstance(axes, np.ndarray) and [a.decode() if isinstance(a, bytes) else a for a in axes] == ["x_Li"], repr(axes)
                assert e.get("reduced", getlink=True).filename == label + "/reduced.h5"
                t = f["lattice/" + label]
                mine = [r for r in rows if r["scan"] == label]
                assert len(t["NCA_a"]) == len(mine) == 4
                for k, r in enumerate(mine):
                    assert t["NCA_a"][k] == float(r["NCA_a"]) and t["x_Li"][k] == float(r["x_Li"])
                assert t["status"][()].decode().split("\n") == [r["status"] for r in mine]
            # silx follows the default chain (root → first scan's entry → its lattice NXdata) and finds a valid plot.
            d = nxdata.get_default(f)
            assert d is not None and d.group.name == "/cell01/lattice" and list(d.axes_names) == ["x_Li"], d
            print("ok")
            """;
        var path = Path.Combine(_folder, "check.py");
        File.WriteAllText(path, script);
        using var python = Process.Start(new ProcessStartInfo("/usr/bin/python3", [path, Path.Combine(output, "campaign.h5"), Path.Combine(output, "campaign.csv")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var stdout = python.StandardOutput.ReadToEnd();
        var stderr = python.StandardError.ReadToEnd();
        python.WaitForExit();
        Assert.True(python.ExitCode == 0, stderr);
        Assert.Equal("ok", stdout.Trim());
    }
}
