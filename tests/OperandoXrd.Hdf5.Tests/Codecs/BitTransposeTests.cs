using OperandoXrd.Hdf5.Codecs;

namespace OperandoXrd.Hdf5.Tests.Codecs;

/// <summary>Every kernel of the bit transposition against the bit-by-bit definition, forced one by one.</summary>
public class BitTransposeTests
{
    public static TheoryData<string, int, int> Cases()
    {
        var data = new TheoryData<string, int, int>();
        foreach (var isa in Enum.GetValues<BitTransposeIsa>())
        {
            foreach (var es in new[] { 1, 2, 3, 4, 8 })
            {
                // Column counts that hit every batch width and its tails: 1, 8, 15, 64, 72, 256, 263.
                foreach (var n in new[] { 8, 64, 120, 512, 576, 2048, 2104 })
                {
                    data.Add(isa.ToString(), es, n);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Unshuffle_matches_the_bit_by_bit_definition_and_shuffle_inverts_it(string kernel, int es, int n)
    {
        var isa = Enum.Parse<BitTransposeIsa>(kernel);
        var rng = new Random(n * 31 + es);
        var rows = new byte[n * es];
        rng.NextBytes(rows);
        var expected = new byte[n * es];
        BitTranspose.ReferenceUnshuffle(rows, expected, n, es);

        var planes = new byte[n * es];
        var actual = new byte[n * es];
        BitTranspose.Unshuffle(rows, actual, n, es, planes, isa);
        Assert.Equal(expected, actual);

        var back = new byte[n * es];
        BitTranspose.Shuffle(actual, back, n, es, planes, isa);
        Assert.Equal(rows, back);
    }

    [Fact]
    public void This_machine_runs_the_avx512_kernel_when_it_has_vbmi_and_gfni()
    {
        var avx512 = System.Runtime.Intrinsics.X86.Avx512Vbmi.IsSupported && System.Runtime.Intrinsics.X86.Gfni.V512.IsSupported;
        Assert.Equal(avx512, BitTranspose.Best == BitTransposeIsa.Avx512Gfni);
    }

    [Fact]
    public void Single_set_bits_land_where_bitshuffle_puts_them()
    {
        // Hand-checked against bitshuffle.bitshuffle(np.array([1, 2, 0, 0, 0, 0, 0, 0], np.uint32)):
        // row 0 (byte 0, bit 0) = 0x01 (element 0), row 1 (byte 0, bit 1) = 0x02 (element 1), all else 0.
        var elements = new byte[32];
        elements[0] = 1;
        elements[4] = 2;
        var rows = new byte[32];
        BitTranspose.Shuffle(elements, rows, 8, 4, new byte[32], BitTranspose.Best);
        var expected = new byte[32];
        expected[0] = 0x01;
        expected[1] = 0x02;
        Assert.Equal(expected, rows);
    }
}
