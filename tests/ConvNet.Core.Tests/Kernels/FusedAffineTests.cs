using System.Runtime.Intrinsics;
using ConvNet.Core.Kernels;
using ConvNet.Core.Layers;
using ConvNet.Core.Tensors;

namespace ConvNet.Core.Tests.Kernels;

/// <summary>
/// The fused inference affine layer (+ ReLU) against an Affine and a Relu layer run one after another: bit for bit on
/// the GEMM path, within float rounding (1e-5 of the row's largest output) on the streamed path for a few rows.
/// </summary>
public sealed class FusedAffineTests
{
    // (rows, inputs, outputs): single predictions of the seed's affine layers, sizes around the vector widths and the
    // 256-deep blocks, and the first batch sizes that take the GEMM.
    public static TheoryData<int, int, int> Shapes => new()
    {
        { 1, 4320, 100 },
        { 1, 100, 10 },
        { 2, 4320, 100 },
        { 3, 300, 37 },
        { 4, 5, 3 },
        { 1, 1, 1 },
        { 2, 513, 129 },
        { FusedAffine.MaxStreamedRows + 1, 4320, 100 },
        { 17, 70, 33 },
        { 100, 4320, 100 },
        { 100, 100, 10 },
        { 257, 300, 130 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Equals_the_layers_with_and_without_relu(int rows, int inputs, int outputs)
    {
        var random = new Random(rows + (3 * inputs) + (7 * outputs));
        Affine affine = RandomAffine(random, inputs, outputs);
        FloatTensor input = SparseInput(random, rows, inputs);
        foreach (bool relu in new[] { false, true })
        {
            float[] expected = LayerByLayer(affine, input, relu);
            float[] actual = new float[rows * outputs];
            FusedAffine.Forward(input.ReadOnlySpan, affine.Weight.Value.ReadOnlySpan, affine.Bias.Value.ReadOnlySpan, actual, rows, relu);
            if (rows > FusedAffine.MaxStreamedRows)
            {
                actual.Should().Equal(expected, $"the GEMM path, ReLU {relu}");
            }
            else
            {
                AssertClose(actual, expected, outputs, $"the streamed path, ReLU {relu}");
            }
        }
    }

    [Fact]
    public void Every_instruction_set_this_machine_runs_streams_the_same_product()
    {
        // The dispatcher picks one instruction set; drive the others directly so each is tested where it can run.
        var random = new Random(9);
        foreach ((int rows, int inputs, int outputs) in new[] { (1, 4320, 100), (2, 700, 45), (3, 9, 5) })
        {
            Affine affine = RandomAffine(random, inputs, outputs);
            affine.Bias.Value.Clear();
            FloatTensor input = SparseInput(random, rows, inputs);
            float[] expected = LayerByLayer(affine, input, relu: false);
            if (Lanes512.IsSupported)
            {
                AssertClose(Stream<Vector512<float>, Lanes512>(affine, input), expected, outputs, "AVX-512");
            }

            if (Lanes256.IsSupported)
            {
                AssertClose(Stream<Vector256<float>, Lanes256>(affine, input), expected, outputs, "AVX2");
            }

            AssertClose(Stream<Vector128<float>, Lanes128>(affine, input), expected, outputs, "128-bit");
        }
    }

    [Fact]
    public void A_non_finite_input_reaches_its_row_as_in_the_layer()
    {
        // Skipping zero inputs must not skip NaN or infinity: 0 · w is skipped, NaN · w is not.
        var random = new Random(4);
        Affine affine = RandomAffine(random, 600, 20);
        FloatTensor input = SparseInput(random, 2, 600);
        input[0, 5] = float.NaN;
        input[1, 301] = float.PositiveInfinity;
        float[] actual = new float[2 * 20];
        FusedAffine.Forward(input.ReadOnlySpan, affine.Weight.Value.ReadOnlySpan, affine.Bias.Value.ReadOnlySpan, actual, 2, relu: false);
        actual[..20].Should().OnlyContain(value => float.IsNaN(value));
        actual[20..].Should().OnlyContain(value => float.IsInfinity(value) || float.IsNaN(value));
    }

    [Fact]
    public void Operands_of_the_wrong_size_throw_naming_the_sizes()
    {
        Action act = () => FusedAffine.Forward(new float[6], new float[6], new float[2], new float[5], 2, relu: true);
        act.Should().Throw<ArgumentException>().WithMessage("*2 rows*output 5 elements*");
    }

    /// <summary>An Affine layer, then a Relu layer when asked: the reference.</summary>
    private static float[] LayerByLayer(Affine affine, FloatTensor input, bool relu)
    {
        FloatTensor output = affine.Forward(input, training: false);
        return (relu ? new Relu("relu").Forward(output, training: false) : output).ToArray();
    }

    private static unsafe float[] Stream<TVector, TLanes>(Affine affine, FloatTensor input)
        where TVector : struct
        where TLanes : struct, IFloatLanes<TVector>
    {
        int rows = input.Shape[0];
        float[] output = new float[rows * affine.OutputSize];
        fixed (float* inputData = input.ReadOnlySpan, weight = affine.Weight.Value.ReadOnlySpan, outputData = output)
        {
            StreamedProduct<TVector, TLanes>.Multiply(inputData, weight, outputData, rows, affine.InputSize, affine.OutputSize);
        }

        return output;
    }

    /// <summary>Each output within 1e-5 of the largest magnitude in its row (the criterion the ONNX tests use).</summary>
    private static void AssertClose(float[] actual, float[] expected, int rowLength, string because)
    {
        for (int row = 0; row < expected.Length / rowLength; row++)
        {
            float scale = Math.Max(1e-30f, expected.AsSpan(row * rowLength, rowLength).ToArray().Max(MathF.Abs));
            for (int column = 0; column < rowLength; column++)
            {
                int index = (row * rowLength) + column;
                actual[index].Should().BeApproximately(expected[index], 1e-5f * scale, $"{because}: row {row}, column {column}");
            }
        }
    }

    /// <summary>Inputs like a ReLU's output: about half exactly zero.</summary>
    private static FloatTensor SparseInput(Random random, int rows, int inputs)
    {
        FloatTensor input = TestTensors.Uniform(random, rows, inputs);
        Span<float> values = input.Span;
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = Math.Max(values[i], 0f);
        }

        return input;
    }

    private static Affine RandomAffine(Random random, int inputs, int outputs)
    {
        var affine = new Affine("affine", inputs, outputs);
        WeightInitialization.Normal(affine.Weight.Value, 0.1f, random);
        WeightInitialization.Normal(affine.Bias.Value, 0.1f, random);
        return affine;
    }
}
