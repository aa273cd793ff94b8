using System.Security.Cryptography;
using OperandoXrd.Pipeline.Outputs;

namespace OperandoXrd.Pipeline.Tests;

public sealed class ProvenanceTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("oxrd-provenance-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Input_hashes_are_reused_while_a_file_is_unchanged_and_redone_when_it_grows()
    {
        var file = Path.Combine(_folder, "scan_0000.h5");
        File.WriteAllBytes(file, [1, 2, 3, 4]);
        var cache = new Dictionary<string, (long Length, DateTime Modified, string Line)>(StringComparer.Ordinal);
        var first = ReducedFileWriter.DescribeInputs([file], cache).Single();
        Assert.Equal($"{file} 4 sha256:{Convert.ToHexStringLower(SHA256.HashData(new byte[] { 1, 2, 3, 4 }))}", first);

        // Same size and time: taken from the cache, not read again (the changed bytes prove it was not re-hashed).
        var modified = File.GetLastWriteTimeUtc(file);
        File.WriteAllBytes(file, [9, 9, 9, 9]);
        File.SetLastWriteTimeUtc(file, modified);
        Assert.Equal(first, ReducedFileWriter.DescribeInputs([file], cache).Single());

        // A growing file (live mode): hashed again.
        File.WriteAllBytes(file, [9, 9, 9, 9, 5]);
        var grown = ReducedFileWriter.DescribeInputs([file], cache).Single();
        Assert.Equal($"{file} 5 sha256:{Convert.ToHexStringLower(SHA256.HashData(new byte[] { 9, 9, 9, 9, 5 }))}", grown);
    }
}
