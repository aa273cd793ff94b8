using System.Text.Json;
using OperandoXrd.Core.IO;

namespace OperandoXrd.Pipeline.Checkpoints;

/// <summary>
/// How far a run got: the frames 0..FramesDone-1 are in the journal's first JournalBytes bytes. Written atomically
/// after the journal is flushed, so it never names data that is not on disk.
/// </summary>
public sealed record Checkpoint(int Version, int FramesDone, long JournalBytes, int Npt, string InputsKey, DateTimeOffset WrittenUtc)
{
    public const int CurrentVersion = 1;

    private static readonly JsonSerializerOptions s_json = new() { WriteIndented = true };

    public void Save(string path) => AtomicFile.WriteAllText(path, JsonSerializer.Serialize(this, s_json));

    public static Checkpoint? Load(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            var checkpoint = JsonSerializer.Deserialize<Checkpoint>(File.ReadAllText(path));
            return checkpoint is { Version: CurrentVersion } ? checkpoint : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
