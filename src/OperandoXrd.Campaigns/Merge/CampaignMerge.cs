using OperandoXrd.Campaigns.Execution;
using OperandoXrd.Campaigns.Files;
using OperandoXrd.Core.IO;
using OperandoXrd.Hdf5;

namespace OperandoXrd.Campaigns.Merge;

/// <summary>What a merge wrote and which scans it left out (not finished: failed, cancelled, still running).</summary>
public sealed record MergeResult(IReadOnlyList<string> Merged, IReadOnlyList<string> Missing, IReadOnlyList<string> Outputs);

/// <summary>
/// The campaign result from every finished scan, in the campaign file's order (never the order tasks ended, so the
/// same scans give the same bytes): <c>campaign.csv</c>, <c>campaign.h5</c> and <c>figures/campaign_*</c>.
/// campaign.h5 holds one NXentry per scan (<c>/&lt;label&gt;</c>: title, its lattice table as NXdata, and an external
/// link <c>reduced</c> to the scan's own reduced.h5 /entry for patterns, fits and provenance, which are not copied:
/// a hundred cells of integrated patterns are the scans' own files) and the NXcollection <c>/lattice</c> with every
/// scan's lattice table, one group per scan, one dataset per column.
/// </summary>
public static class CampaignMerge
{
    public static MergeResult Merge(Campaign campaign, string output)
    {
        ArgumentNullException.ThrowIfNull(campaign);
        var merged = new List<(string Label, string Path)>();
        var missing = new List<string>();
        foreach (var scan in campaign.Scans)
        {
            var lattice = Path.Combine(scan.Folder(output), "lattice.csv");
            if (ScanRecords.ReadExit(output, scan.Label) is { Finished: true } && File.Exists(lattice))
            {
                merged.Add((scan.Label, lattice));
            }
            else
            {
                missing.Add(scan.Label);
            }
        }

        var outputs = new List<string>();
        if (merged.Count == 0)
        {
            return new MergeResult([], missing, outputs);
        }

        var table = CampaignTable.Read(merged);
        var csv = Path.Combine(output, "campaign.csv");
        AtomicFile.Write(csv, stream =>
        {
            using var writer = new StreamWriter(stream, new System.Text.UTF8Encoding(false), 1 << 16, leaveOpen: true);
            table.Write(writer);
        });
        outputs.Add(csv);
        var h5 = Path.Combine(output, "campaign.h5");
        WriteHdf5(h5, campaign, table);
        outputs.Add(h5);
        outputs.AddRange(CampaignFigures.Write(Path.Combine(output, "figures"), table));
        return new MergeResult([.. merged.Select(m => m.Label)], missing, outputs);
    }

    private static void WriteHdf5(string path, Campaign campaign, CampaignTable table)
    {
        var temp = AtomicFile.TemporaryPathFor(path);
        try
        {
            using (var file = Hdf5File.Create(temp))
            {
                file.WriteAttribute("default", table.Scans[0].Label);
                using (var lattice = file.CreateGroup("lattice", "NXcollection"))
                {
                    lattice.WriteAttribute("campaign", campaign.Name);
                    foreach (var scan in table.Scans)
                    {
                        using var group = lattice.CreateGroup(scan.Label, "NXcollection");
                        group.WriteAttribute("columns", string.Join(',', table.Columns));
                        foreach (var column in table.Columns)
                        {
                            if (CampaignTable.IsText(column))
                            {
                                group.WriteString(column, string.Join('\n', table.Texts(scan, column)));
                            }
                            else
                            {
                                group.WriteDataset<double>(column, table.Numbers(scan, column));
                            }
                        }
                    }
                }

                var signal = table.Columns.FirstOrDefault(CampaignFigures.IsCellParameter);
                foreach (var scan in table.Scans)
                {
                    using var entry = file.CreateGroup(scan.Label, "NXentry");
                    entry.WriteString("title", $"{campaign.Name}: {scan.Label}");
                    entry.CreateExternalLink("reduced", $"{scan.Label}/reduced.h5", "/entry");
                    using var data = entry.CreateGroup("lattice", "NXdata");
                    foreach (var column in table.Columns.Where(c => !CampaignTable.IsText(c)))
                    {
                        data.CreateSoftLink(column, $"/lattice/{scan.Label}/{column}");
                    }

                    if (signal is not null)
                    {
                        entry.WriteAttribute("default", "lattice");
                        data.WriteAttribute("signal", signal);
                        data.WriteAttribute("axes", ["x_Li"]);
                    }
                }
            }

            File.Move(temp, path, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }
}
