using System.Runtime.Intrinsics;
using ConvNet.Core.Kernels;

namespace ConvNet.Core.Tests.Kernels;

public sealed class GemmTests
{
    public enum Form
    {
        Plain,
        TransposedA,
        TransposedB,
    }

    // (m, k, n): ones, sizes around the 6-row and 8/16/32-column panels, the depth block (256), and the shapes
    // SimpleConvNet multiplies (convolution forward, weight and input gradients; affine layers at batch 100).
    public static TheoryData<int, int, int> Shapes => new()
    {
        { 1, 1, 1 },
        { 1, 7, 1 },
        { 1, 1, 33 },
        { 5, 1, 3 },
        { 6, 16, 32 },
        { 7, 17, 33 },
        { 13, 3, 47 },
        { 12, 300, 65 },
        { 97, 513, 31 },
        { 200, 40, 129 },

        // Narrow edges past the last full panel: one AVX-512 register (16 columns) or less, one AVX2 register (8) or less.
        { 9, 20, 48 },
        { 11, 30, 40 },
        { 13, 300, 44 },
        { 57600, 25, 30 },
        { 30, 57600, 25 },
        { 25, 57600, 30 },
        { 57600, 30, 25 },
        { 100, 4320, 100 },
        { 4320, 100, 100 },
        { 100, 100, 4320 },

        // A wide C whose rows all go into one A block (up to 128 rows at full depth: the packed-A scratch must hold them).
        { 100, 256, 6272 },
        { 128, 300, 1024 },
    };

    public static TheoryData<Form, bool> FormsAndModes => new()
    {
        { Form.Plain, false },
        { Form.Plain, true },
        { Form.TransposedA, false },
        { Form.TransposedA, true },
        { Form.TransposedB, false },
        { Form.TransposedB, true },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Every_form_matches_a_double_precision_triple_loop(int m, int k, int n)
    {
        var problem = Problem.Create(m, k, n, seed: (m * 31) + (k * 7) + n);
        foreach (Form form in Enum.GetValues<Form>())
        {
            foreach (bool accumulate in new[] { false, true })
            {
                float[] c = problem.StartingOutput(accumulate);
                switch (form)
                {
                    case Form.Plain:
                        Gemm.Multiply(problem.A, problem.B, c, m, k, n, accumulate);
                        break;
                    case Form.TransposedA:
                        Gemm.MultiplyTransposedA(problem.ATransposed, problem.B, c, m, k, n, accumulate);
                        break;
                    default:
                        Gemm.MultiplyTransposedB(problem.A, problem.BTransposed, c, m, k, n, accumulate);
                        break;
                }

                problem.AssertMatches(c, accumulate, $"{form} accumulate={accumulate}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void The_training_product_matches_a_double_precision_triple_loop(int m, int k, int n)
    {
        // Splits the depth between the threads where C is small and the depth long (100 × 4320 · 4320 × 100).
        var problem = Problem.Create(m, k, n, seed: (m * 17) + (k * 5) + n);
        float[] c = problem.StartingOutput(accumulate: false);
        Gemm.MultiplyForTraining(problem.A, problem.B, c, m, k, n);
        problem.AssertMatches(c, accumulate: false, "training product");
    }

    [Fact]
    public void The_training_product_splits_a_long_depth_only_when_asked()
    {
        GemmDriver<Vector512<float>, Lanes512>.SplitsDepth(100, 4320, 100, threads: 2, splitLongDepth: true).Should().BeTrue();
        GemmDriver<Vector512<float>, Lanes512>.SplitsDepth(100, 4320, 100, threads: 2).Should().BeFalse("inference keeps bits that do not depend on the thread count");
        GemmDriver<Vector512<float>, Lanes512>.SplitsDepth(100, 4320, 100, threads: 1, splitLongDepth: true).Should().BeFalse();
        GemmDriver<Vector512<float>, Lanes512>.SplitsDepth(100, 1024, 100, threads: 2, splitLongDepth: true).Should().BeFalse("4 depth blocks are not a long depth");
    }

    [Theory]
    [MemberData(nameof(FormsAndModes))]
    public void Every_instruction_set_this_machine_runs_matches_the_triple_loop(Form form, bool accumulate)
    {
        // The dispatcher picks one instruction set; drive the others directly so each is tested where it can run.
        foreach ((int m, int k, int n) in new[] { (1, 1, 1), (7, 17, 33), (97, 513, 31), (300, 90, 70), (30, 2000, 25), (13, 40, 100), (8, 20, 44) })
        {
            var problem = Problem.Create(m, k, n, seed: m + k + n);
            if (Lanes512.IsSupported)
            {
                float[] c = problem.StartingOutput(accumulate);
                RunDriver<Vector512<float>, Lanes512>(form, problem, c, accumulate);
                problem.AssertMatches(c, accumulate, $"AVX-512 {form}");
            }

            if (Lanes256.IsSupported)
            {
                float[] c = problem.StartingOutput(accumulate);
                RunDriver<Vector256<float>, Lanes256>(form, problem, c, accumulate);
                problem.AssertMatches(c, accumulate, $"AVX2 {form}");
            }

            float[] portable = problem.StartingOutput(accumulate);
            RunDriver<Vector128<float>, Lanes128>(form, problem, portable, accumulate);
            problem.AssertMatches(portable, accumulate, $"128-bit {form}");
        }
    }

    [Fact]
    public void Zero_depth_clears_or_keeps_the_output()
    {
        float[] c = [1, 2, 3, 4, 5, 6];
        Gemm.Multiply([], [], c, 2, 0, 3, accumulate: true);
        c.Should().Equal(1, 2, 3, 4, 5, 6);
        Gemm.MultiplyTransposedB([], [], c, 2, 0, 3);
        c.Should().OnlyContain(value => value == 0);
    }

    [Theory]
    [InlineData(19)]
    [InlineData(12)]
    [InlineData(6)]
    public void Elements_past_the_output_are_not_touched(int n)
    {
        var problem = Problem.Create(7, 5, n, seed: 3);
        float[] padded = new float[(7 * n) + 40];
        padded.AsSpan(7 * n).Fill(float.NaN);
        Gemm.Multiply(problem.A, problem.B, padded, 7, 5, n);
        problem.AssertMatches(padded[..(7 * n)], accumulate: false, "padded output");
        padded[(7 * n)..].Should().OnlyContain(value => float.IsNaN(value));
    }

    [Fact]
    public void Too_small_an_operand_throws_naming_the_sizes()
    {
        Action act = () => Gemm.Multiply(new float[5], new float[6], new float[6], 2, 3, 2);
        act.Should().Throw<ArgumentException>().WithMessage("*A is 2×3 in 5*");
    }

    [Fact]
    public void Concurrent_callers_get_the_same_results_as_one_caller()
    {
        var problem = Problem.Create(300, 200, 100, seed: 11);
        float[] a = problem.A, b = problem.B;
        float[] sequential = new float[300 * 100];
        Gemm.Multiply(a, b, sequential, 300, 200, 100);
        float[][] results = Enumerable.Range(0, 8).Select(_ => new float[300 * 100]).ToArray();
        Parallel.For(0, results.Length, index =>
        {
            for (int repeat = 0; repeat < 5; repeat++)
            {
                Gemm.Multiply(a, b, results[index], 300, 200, 100);
            }
        });
        foreach (float[] result in results)
        {
            result.Should().Equal(sequential);
        }
    }

    private static unsafe void RunDriver<TVector, TLanes>(Form form, Problem problem, float[] c, bool accumulate)
        where TVector : struct
        where TLanes : struct, IFloatLanes<TVector>
    {
        int m = problem.M, k = problem.K, n = problem.N;
        fixed (float* a = problem.A, aTransposed = problem.ATransposed, b = problem.B, bTransposed = problem.BTransposed, cData = c)
        {
            StridedMatrix left = form == Form.TransposedA ? StridedMatrix.Transposed(aTransposed, m) : StridedMatrix.RowMajor(a, k);
            StridedMatrix right = form == Form.TransposedB ? StridedMatrix.Transposed(bTransposed, k) : StridedMatrix.RowMajor(b, n);
            GemmDriver<TVector, TLanes>.Multiply(left, right, cData, m, k, n, accumulate);
        }
    }

    /// <summary>Random operands (and their stored transposes) with the product and its rounding scale in double precision.</summary>
    private sealed record Problem(int M, int K, int N, float[] A, float[] ATransposed, float[] B, float[] BTransposed, float[] Start, double[] Product, double[] Magnitude)
    {
        public static Problem Create(int m, int k, int n, int seed)
        {
            var random = new Random(seed);
            float[] a = RandomValues(random, m * k);
            float[] b = RandomValues(random, k * n);
            float[] start = RandomValues(random, m * n);
            var product = new double[m * n];
            var magnitude = new double[m * n];
            for (int row = 0; row < m; row++)
            {
                for (int p = 0; p < k; p++)
                {
                    double left = a[(row * k) + p];
                    for (int column = 0; column < n; column++)
                    {
                        double term = left * b[(p * n) + column];
                        product[(row * n) + column] += term;
                        magnitude[(row * n) + column] += Math.Abs(term);
                    }
                }
            }

            return new Problem(m, k, n, a, Transpose(a, m, k), b, Transpose(b, k, n), start, product, magnitude);
        }

        public float[] StartingOutput(bool accumulate) => accumulate ? (float[])Start.Clone() : Enumerable.Repeat(float.NaN, M * N).ToArray();

        public void AssertMatches(float[] actual, bool accumulate, string what)
        {
            for (int index = 0; index < M * N; index++)
            {
                double expected = Product[index] + (accumulate ? Start[index] : 0);

                // Float rounding grows with the sum of |terms|; allow a few ulps of that magnitude.
                double tolerance = 1e-6 * (Magnitude[index] + 1) * Math.Sqrt(K + 1);
                if (!(Math.Abs(actual[index] - expected) <= tolerance))
                {
                    Assert.Fail($"{what} {M}×{K}×{N}: C[{index / N},{index % N}] = {actual[index]}, expected {expected}");
                }
            }
        }

        private static float[] Transpose(float[] matrix, int rows, int columns)
        {
            float[] transposed = new float[matrix.Length];
            for (int row = 0; row < rows; row++)
            {
                for (int column = 0; column < columns; column++)
                {
                    transposed[(column * rows) + row] = matrix[(row * columns) + column];
                }
            }

            return transposed;
        }

        private static float[] RandomValues(Random random, int count)
        {
            float[] values = new float[count];
            for (int index = 0; index < count; index++)
            {
                values[index] = (float)((random.NextDouble() * 2) - 1);
            }

            return values;
        }
    }
}
