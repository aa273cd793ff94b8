using Xunit.Sdk;

namespace OperandoXrd.Core.Tests.Reference;

public sealed class PythonReferenceTests
{
    [Fact]
    public void Saved_arrays_and_text_come_back_exactly()
    {
        using var run = PythonReference.Run(
            """
            import numpy as np
            save_f64("a", np.array([[1.5, -2.0], [np.nan, 1e-300]]))
            save_f32("b", [0.1, 3.0])
            save_i32("c", np.arange(-2, 3))
            save_u8("d", np.array([0, 1, 255]))
            save_text("args", " ".join(ARGS))
            print("hello")
            """,
            "x y",
            "z");
        var a = run.F64("a");
        Assert.Equal(4, a.Length);
        Assert.Equal(1.5, a[0]);
        Assert.Equal(-2.0, a[1]);
        Assert.True(double.IsNaN(a[2]));
        Assert.Equal(1e-300, a[3]);
        Assert.Equal([0.1f, 3.0f], run.F32("b"));
        Assert.Equal([-2, -1, 0, 1, 2], run.I32("c"));
        Assert.Equal(new byte[] { 0, 1, 255 }, run.U8("d"));
        Assert.Equal("x y z", run.Text("args"));
        Assert.Contains("hello", run.StandardOutput, StringComparison.Ordinal);
        Assert.True(run.Has("a"));
        Assert.False(run.Has("nothing"));
    }

    [Fact]
    public void Input_arrays_reach_the_script()
    {
        var inputs = new Dictionary<string, Array>
        {
            ["frame"] = new[] { 1, -2, 3, 4, 5, 6 },
            ["weights"] = new[] { 0.5, 0.25 },
            ["mask"] = new byte[] { 0, 1 },
            ["flat"] = new[] { 2.0f },
        };
        using var run = PythonReference.Run(
            """
            f = load_i32("frame").reshape(2, 3)
            save_f64("row_sums", f.sum(axis=1) * load_f64("weights") + load_u8("mask") + load_f32("flat")[0])
            """,
            [],
            inputs,
            PythonReference.DefaultTimeout);
        Assert.Equal([(2 * 0.5) + 0 + 2, (15 * 0.25) + 1 + 2], run.F64("row_sums"));
    }

    [Fact]
    public void A_failing_script_reports_its_exit_code_and_stderr()
    {
        var ex = Assert.Throws<PythonReferenceException>(() => PythonReference.Run("raise ValueError('boom at pixel 7')"));
        Assert.Contains("exit code 1", ex.Message, StringComparison.Ordinal);
        Assert.Contains("ValueError: boom at pixel 7", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Asking_for_an_output_that_was_not_saved_lists_those_that_were()
    {
        using var run = PythonReference.Run("save_f64('present', [1.0])");
        var ex = Assert.Throws<PythonReferenceException>(() => run.F64("absent"));
        Assert.Contains("absent.f64", ex.Message, StringComparison.Ordinal);
        Assert.Contains("present.f64", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Dispose_removes_the_output_directory()
    {
        var run = PythonReference.Run("save_text('t', 'x')");
        Assert.True(Directory.Exists(run.OutputDirectory));
        run.Dispose();
        Assert.False(Directory.Exists(run.OutputDirectory));
    }

    [Fact]
    public void ArrayAgreement_is_relative_above_the_floor_and_absolute_below_it()
    {
        double[] expected = [100.0, 1e-12, double.NaN, -3.0];
        double[] actual = [100.0 + 1e-8, 2e-12, double.NaN, -3.0];

        // Element 0: 1e-10 relative. Element 1: 1e-12 absolute against a floor of 1.
        var d = ArrayAgreement.Compare(actual, expected, 1.0);
        Assert.Equal(0, d.WorstIndex);
        Assert.Equal(1e-10, d.MaxError, 1e-15);

        // With a tiny floor element 1 is 100 % off and is reported.
        var e = Assert.Throws<XunitException>(() => ArrayAgreement.AssertClose(actual, expected, 1e-6, 1e-20, "demo", columns: 2));
        Assert.Contains("[0, 1]", e.Message, StringComparison.Ordinal);
        Assert.Contains("demo", e.Message, StringComparison.Ordinal);

        // A NaN where a number is expected is an infinite error.
        Assert.Equal(double.PositiveInfinity, ArrayAgreement.Compare([double.NaN], [1.0], 1.0).MaxError);
        Assert.Throws<XunitException>(() => ArrayAgreement.Compare([1.0], [1.0, 2.0], 1.0));
    }
}
