using System.Text;
using OperandoXrd.Core.IO;
using Xunit;

namespace OperandoXrd.Core.Tests.IO;

/// <summary><see cref="AtomicFile.WriteAll"/>: every file new and whole, or (when one cannot be written) every target as it was.</summary>
public sealed class AtomicFileTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "oxrd-atomic-" + Guid.NewGuid().ToString("N"));

    public AtomicFileTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void A_batch_replaces_every_file_and_leaves_no_temporary_behind()
    {
        var a = Path.Combine(_folder, "a.svg");
        var b = Path.Combine(_folder, "b.png");
        File.WriteAllText(a, "old a");
        var big = new byte[3_000_001];
        new Random(5).NextBytes(big);
        AtomicFile.WriteAll([(a, Encoding.UTF8.GetBytes("new a")), (b, big)]);

        Assert.Equal("new a", File.ReadAllText(a));
        Assert.Equal(big, File.ReadAllBytes(b));
        Assert.Equal(["a.svg", "b.png"], Directory.GetFiles(_folder).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_batch_with_a_file_that_cannot_be_written_changes_no_target()
    {
        var a = Path.Combine(_folder, "a.svg");
        File.WriteAllText(a, "old a");
        var missing = Path.Combine(_folder, "no-such-folder", "b.png");

        Assert.ThrowsAny<IOException>(() => AtomicFile.WriteAll([(a, Encoding.UTF8.GetBytes("new a")), (missing, new byte[10])]));
        Assert.Equal("old a", File.ReadAllText(a));
        Assert.Equal(["a.svg"], Directory.GetFiles(_folder).Select(Path.GetFileName));
    }
}
