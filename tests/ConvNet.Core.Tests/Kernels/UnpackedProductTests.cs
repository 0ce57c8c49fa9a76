using System.Runtime.Intrinsics;
using ConvNet.Core.Kernels;

namespace ConvNet.Core.Tests.Kernels;

/// <summary>
/// The inference product that reads both operands in place against a scalar reference of the GEMM's blocked order (one
/// fused multiply-add chain from zero per output and 256-deep block, each block added onto the output): bit for bit, on
/// every instruction set the machine runs.
/// </summary>
public sealed class UnpackedProductTests
{
    // (rows, depth, columns): the seed's affine layers at batch 100, short row tiles (1, 2, 4 rows), every register count
    // of a column group (1–7, a partial last register), two column groups (130 = 112 + 18 on AVX-512), columns fewer than
    // a register (the last weight rows padded), depths around the 256-deep blocks.
    public static TheoryData<int, int, int> Shapes => new()
    {
        { 100, 4320, 100 },
        { 100, 100, 10 },
        { 1, 1, 1 },
        { 2, 513, 3 },
        { 4, 256, 16 },
        { 5, 257, 17 },
        { 7, 300, 33 },
        { 11, 90, 64 },
        { 13, 700, 81 },
        { 9, 40, 97 },
        { 8, 255, 112 },
        { 31, 600, 130 },
        { 257, 300, 130 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Every_instruction_set_this_machine_runs_gives_the_blocked_products_bits(int rows, int depth, int columns)
    {
        var random = new Random(rows + (3 * depth) + (7 * columns));
        float[] input = Values(random, rows * depth, zeroEvery: 3);
        for (int i = 0; i < input.Length; i++)
        {
            // Every fifth depth zero in every row (a whole tile's, whose weight row is skipped), and some of them −0.
            input[i] = i % depth % 5 == 0 ? (i % 3 == 0 ? -0f : 0f) : input[i];
        }

        float[] weight = Values(random, depth * columns, zeroEvery: 0);
        int[] expected = Bits(Reference(input, weight, rows, depth, columns));
        if (Lanes512.IsSupported)
        {
            Bits(Run<Vector512<float>, Lanes512>(input, weight, rows, depth, columns)).Should().Equal(expected, "AVX-512");
        }

        if (Lanes256.IsSupported)
        {
            Bits(Run<Vector256<float>, Lanes256>(input, weight, rows, depth, columns)).Should().Equal(expected, "AVX2");
        }

        Bits(Run<Vector128<float>, Lanes128>(input, weight, rows, depth, columns)).Should().Equal(expected, "128-bit");
    }

    [Fact]
    public void Elements_past_the_output_are_not_touched()
    {
        var random = new Random(2);
        float[] input = Values(random, 7 * 300, zeroEvery: 0);
        float[] weight = Values(random, 300 * 37, zeroEvery: 0);
        float[] padded = new float[(7 * 37) + 40];
        padded.AsSpan().Fill(float.NaN);
        if (Lanes512.IsSupported)
        {
            RunInto<Vector512<float>, Lanes512>(input, weight, 7, 300, 37, padded);
        }
        else
        {
            RunInto<Vector128<float>, Lanes128>(input, weight, 7, 300, 37, padded);
        }

        Bits(padded[..(7 * 37)]).Should().Equal(Bits(Reference(input, weight, 7, 300, 37)));
        padded[(7 * 37)..].Should().OnlyContain(value => float.IsNaN(value));
    }

    /// <summary>The GEMM's blocked order written out: per output, a chain per 256-deep block, blocks added in order.</summary>
    private static float[] Reference(float[] input, float[] weight, int rows, int depth, int columns)
    {
        float[] output = new float[rows * columns];
        for (int row = 0; row < rows; row++)
        {
            for (int column = 0; column < columns; column++)
            {
                float total = 0f;
                for (int firstDepth = 0; firstDepth < depth; firstDepth += 256)
                {
                    float chain = 0f;
                    for (int p = firstDepth; p < Math.Min(depth, firstDepth + 256); p++)
                    {
                        chain = MathF.FusedMultiplyAdd(input[(row * depth) + p], weight[(p * columns) + column], chain);
                    }

                    total = firstDepth == 0 ? chain : chain + total;
                }

                output[(row * columns) + column] = total;
            }
        }

        return output;
    }

    private static float[] Values(Random random, int count, int zeroEvery)
    {
        float[] values = new float[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = zeroEvery > 0 && random.Next(zeroEvery) == 0 ? 0f : (float)((random.NextDouble() * 2.0) - 1.0);
        }

        return values;
    }

    private static int[] Bits(float[] values) => [.. values.Select(BitConverter.SingleToInt32Bits)];

    private static float[] Run<TVector, TLanes>(float[] input, float[] weight, int rows, int depth, int columns)
        where TVector : struct
        where TLanes : struct, IFloatLanes<TVector>
    {
        float[] output = new float[rows * columns];
        RunInto<TVector, TLanes>(input, weight, rows, depth, columns, output);
        return output;
    }

    private static unsafe void RunInto<TVector, TLanes>(float[] input, float[] weight, int rows, int depth, int columns, float[] output)
        where TVector : struct
        where TLanes : struct, IFloatLanes<TVector>
    {
        fixed (float* inputData = input, weightData = weight, outputData = output)
        {
            UnpackedProduct<TVector, TLanes>.Multiply(inputData, weightData, outputData, rows, depth, columns);
        }
    }
}
