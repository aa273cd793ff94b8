namespace OperandoXrd.Core.Frames;

/// <summary>
/// What <c>--input</c> names, split for following a scan: the inputs there now (in the order given, up to the first
/// that does not exist yet), the folders among them (watched for new files) and the listed paths still to come, taken
/// in order once they exist. Offline a missing input is an error naming it. Shared by every frame format, so that all
/// wait alike for a listed file that the detector has not written yet.
/// </summary>
public sealed class FollowedInputs
{
    private readonly Queue<string> _pending;
    private readonly List<string> _folders;

    private FollowedInputs(List<string> present, List<string> folders, Queue<string> pending)
    {
        Present = present;
        _folders = folders;
        _pending = pending;
    }

    /// <summary>Inputs that exist now, in the order given, up to the first that does not.</summary>
    public IReadOnlyList<string> Present { get; }

    /// <summary>Folders among the inputs (grows when a listed path turns up as a folder).</summary>
    public IReadOnlyList<string> Folders => _folders;

    /// <summary>The next listed path not there yet (null: none).</summary>
    public string? NextListed => _pending.Count > 0 ? _pending.Peek() : null;

    /// <summary>Splits <paramref name="inputs"/>; offline (<paramref name="follow"/> false) a missing input throws.</summary>
    /// <exception cref="FrameSourceException">Offline, an input does not exist (names it).</exception>
    public static FollowedInputs Split(IReadOnlyList<string> inputs, bool follow)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        var present = new List<string>();
        var folders = new List<string>();
        var pending = new Queue<string>();
        foreach (var input in inputs)
        {
            var exists = Directory.Exists(input) || File.Exists(input);
            if (!exists && !follow)
            {
                throw new FrameSourceException(input, null, null, "file not found");
            }

            if (!exists || pending.Count > 0)
            {
                // Frames come in the order given: nothing listed after a file still to come is read before it.
                pending.Enqueue(input);
                continue;
            }

            present.Add(input);
            if (Directory.Exists(input))
            {
                folders.Add(input);
            }
        }

        return new FollowedInputs(present, folders, pending);
    }

    /// <summary>The next listed path once it exists (still listed until <see cref="Took"/>); false while it does not.</summary>
    public bool TryPeekNextListed(out string path)
    {
        path = _pending.Count > 0 ? _pending.Peek() : "";
        return _pending.Count > 0 && (File.Exists(path) || Directory.Exists(path));
    }

    /// <summary>The next listed path was read: it leaves the list (a folder joins <see cref="Folders"/>).</summary>
    public void Took()
    {
        var path = _pending.Dequeue();
        if (Directory.Exists(path))
        {
            _folders.Add(path);
        }
    }

    /// <summary>
    /// Puts listed files back in front of the list, in order: they are there but the first is not readable yet, and
    /// none may be read before it.
    /// </summary>
    public void Defer(IReadOnlyList<string> listed)
    {
        ArgumentNullException.ThrowIfNull(listed);
        var rest = _pending.ToArray();
        _pending.Clear();
        foreach (var p in listed.Concat(rest))
        {
            _pending.Enqueue(p);
        }
    }

    /// <summary>Whether more may come: a watched folder, or a listed path not read yet.</summary>
    public bool MayGrow => _folders.Count > 0 || _pending.Count > 0;

    /// <summary>What a source over these inputs waits for when it has nothing new (for the log).</summary>
    public string WaitingFor(string? lastFile)
    {
        if (NextListed is { } next)
        {
            return $"{next} (listed, not there or not complete yet)";
        }

        var where = _folders.Count == 1 ? _folders[0] : string.Join(", ", _folders);
        return lastFile is null
            ? $"the first frame file in {where}"
            : $"the next file in {where} (after {Path.GetFileName(lastFile)})";
    }
}
