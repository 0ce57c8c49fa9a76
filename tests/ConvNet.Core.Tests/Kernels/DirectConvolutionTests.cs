using System.Runtime.Intrinsics;
using ConvNet.Core.Kernels;
using ConvNet.Core.Layers;
using ConvNet.Core.Tensors;

namespace ConvNet.Core.Tests.Kernels;

/// <summary>
/// The direct inference convolution (+ bias, ReLU, max pooling) against the layers it replaces, run one after another: the
/// same values bit for bit, for every geometry it takes, epilogue, batch size and instruction set, on images whose zero
/// regions it skips.
/// </summary>
public sealed class DirectConvolutionTests
{
    // (channels, height, width, filters, kernel height, kernel width, stride): the seed's layer, a single filter, strides,
    // 1×1 and rectangular kernels, more filters than two registers hold (40, 70), a patch deeper than one GEMM depth block
    // (40·3·3 = 360), and an image wider than 64 pixels (no skipping).
    public static TheoryData<int, int, int, int, int, int, int> Geometries => new()
    {
        { 1, 28, 28, 30, 5, 5, 1 },
        { 1, 9, 7, 1, 3, 3, 1 },
        { 2, 12, 10, 13, 3, 3, 2 },
        { 4, 10, 10, 16, 1, 1, 1 },
        { 3, 15, 9, 6, 5, 5, 2 },
        { 40, 8, 8, 9, 3, 3, 1 },
        { 3, 10, 11, 40, 3, 3, 1 },
        { 2, 9, 9, 70, 2, 2, 1 },
        { 3, 13, 17, 7, 3, 5, 2 },
        { 2, 16, 9, 10, 5, 1, 1 },
        { 1, 6, 70, 4, 3, 3, 1 },
    };

    [Theory]
    [MemberData(nameof(Geometries))]
    public void Every_epilogue_and_batch_size_equals_the_layers_bit_for_bit(
        int channels, int height, int width, int filters, int kernelHeight, int kernelWidth, int stride)
    {
        var random = new Random(channels + (7 * height) + (31 * filters) + kernelHeight + (3 * kernelWidth) + (100 * stride));
        Convolution convolution = FusedConvolutionTests.RandomConvolution(random, channels, filters, (kernelHeight, kernelWidth), stride, padding: 0);
        foreach (int batchSize in new[] { 1, 2, 3, 9 })
        {
            FloatTensor input = WithZeroRegions(random, batchSize, channels, height, width);
            WindowGeometry geometry = convolution.GeometryFor(input.Shape);
            foreach (bool relu in new[] { false, true })
            {
                foreach (int pool in new[] { 1, 2, 3 }.Where(size => size <= geometry.OutputHeight && size <= geometry.OutputWidth))
                {
                    var epilogue = new ConvolutionEpilogue(relu, pool);
                    float[] expected = FusedConvolutionTests.LayerByLayer(convolution, input, epilogue);
                    float[] actual = new float[expected.Length];
                    DirectConvolution.Forward(
                        input.ReadOnlySpan, convolution.Weight.Value.ReadOnlySpan, convolution.Bias.Value.ReadOnlySpan, actual, batchSize, geometry, epilogue);
                    Bits(actual).Should().Equal(Bits(expected), $"batch {batchSize}, ReLU {relu}, pool {pool}");
                }
            }
        }
    }

    [Fact]
    public void Every_instruction_set_this_machine_runs_equals_the_layers_bit_for_bit()
    {
        // The dispatcher picks one instruction set; drive the others directly so each is tested where it can run.
        var random = new Random(5);
        foreach ((int channels, int size, int filters, int kernel) in new[] { (1, 28, 30, 5), (3, 13, 7, 3), (40, 7, 9, 3), (2, 9, 40, 2) })
        {
            Convolution convolution = FusedConvolutionTests.RandomConvolution(random, channels, filters, (kernel, kernel), stride: 1, padding: 0);
            FloatTensor input = WithZeroRegions(random, 3, channels, size, size);
            var epilogue = new ConvolutionEpilogue(Relu: true, PoolSize: 2);
            float[] expected = FusedConvolutionTests.LayerByLayer(convolution, input, epilogue);
            if (Lanes512.IsSupported)
            {
                Run<Vector512<float>, Lanes512>(convolution, input, epilogue).Should().Equal(expected, "AVX-512");
            }

            if (Lanes256.IsSupported)
            {
                Run<Vector256<float>, Lanes256>(convolution, input, epilogue).Should().Equal(expected, "AVX2");
            }

            Run<Vector128<float>, Lanes128>(convolution, input, epilogue).Should().Equal(expected, "128-bit");
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(40)]
    public void Windows_of_zeros_give_the_layers_bits(int channels)
    {
        // An image of zeros but for one pixel: almost every window is skipped, and a bias of −0 meets their +0 in the
        // last add (with 40 channels the patch is deeper than a depth block and the windows start from the bias).
        var convolution = new Convolution("conv", channels, 6, 3);
        WeightInitialization.Normal(convolution.Weight.Value, 0.5f, new Random(3));
        convolution.Bias.Value.Span.Fill(-0f);
        convolution.Bias.Value.Span[1] = 0.25f;
        convolution.Bias.Value.Span[2] = -0.25f;
        var input = new FloatTensor(2, channels, 10, 10);
        input.Span[(channels * 100) + 55] = 1f;
        input.Span[3] = -0f;
        WindowGeometry geometry = convolution.GeometryFor(input.Shape);
        foreach (bool relu in new[] { false, true })
        {
            foreach (int pool in new[] { 1, 2 })
            {
                var epilogue = new ConvolutionEpilogue(relu, pool);
                float[] expected = FusedConvolutionTests.LayerByLayer(convolution, input, epilogue);
                float[] actual = new float[expected.Length];
                DirectConvolution.Forward(input.ReadOnlySpan, convolution.Weight.Value.ReadOnlySpan, convolution.Bias.Value.ReadOnlySpan, actual, 2, geometry, epilogue);
                Bits(actual).Should().Equal(Bits(expected), $"ReLU {relu}, pool {pool}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Geometries))]
    public void Training_max_indices_equal_the_fused_convolutions(
        int channels, int height, int width, int filters, int kernelHeight, int kernelWidth, int stride)
    {
        // The training plan takes either kernel, so they must name the same maximum. Pixels and weights are small
        // integers, so that windows tie often (the first maximum in row-major order wins), besides the skipped zeros.
        var random = new Random(channels + (5 * height) + (13 * filters) + kernelWidth + (100 * stride));
        Convolution convolution = FusedConvolutionTests.RandomConvolution(random, channels, filters, (kernelHeight, kernelWidth), stride, padding: 0);
        Span<float> weights = convolution.Weight.Value.Span;
        for (int i = 0; i < weights.Length; i++)
        {
            weights[i] = random.Next(-2, 3);
        }

        FloatTensor input = WithZeroRegions(random, 3, channels, height, width);
        Span<float> pixels = input.Span;
        for (int i = 0; i < pixels.Length; i++)
        {
            pixels[i] = pixels[i] == 0f ? pixels[i] : random.Next(0, 3);
        }

        WindowGeometry geometry = convolution.GeometryFor(input.Shape);
        foreach (bool relu in new[] { false, true })
        {
            foreach (int pool in new[] { 2, 3 }.Where(size => size <= geometry.OutputHeight && size <= geometry.OutputWidth))
            {
                var epilogue = new ConvolutionEpilogue(relu, pool);
                int outputLength = 3 * filters * epilogue.OutputHeight(geometry) * epilogue.OutputWidth(geometry);
                (float[] fusedOutput, int[] fusedIndices) = (new float[outputLength], new int[outputLength]);
                (float[] directOutput, int[] directIndices) = (new float[outputLength], new int[outputLength]);
                FusedConvolution.Forward(
                    input.ReadOnlySpan, convolution.Weight.Value.ReadOnlySpan, convolution.Bias.Value.ReadOnlySpan, fusedOutput, fusedIndices, 3, geometry, epilogue);
                DirectConvolution.Forward(
                    input.ReadOnlySpan, convolution.Weight.Value.ReadOnlySpan, convolution.Bias.Value.ReadOnlySpan, directOutput, directIndices, 3, geometry, epilogue);
                Bits(directOutput).Should().Equal(Bits(fusedOutput), $"ReLU {relu}, pool {pool}");
                directIndices.Should().Equal(fusedIndices, $"ReLU {relu}, pool {pool}");
            }
        }
    }

    [Fact]
    public void Weights_changed_between_calls_are_packed_again()
    {
        // The packed weights are kept from call to call while they stay the same: each change below (the last weight,
        // one bias, the image shape) must reach the next call's output.
        var random = new Random(11);
        Convolution convolution = FusedConvolutionTests.RandomConvolution(random, 1, 30, (5, 5), stride: 1, padding: 0);
        FloatTensor input = WithZeroRegions(random, 1, 1, 28, 28);
        var epilogue = new ConvolutionEpilogue(Relu: false, PoolSize: 2);
        var changes = new (string Change, Action<Convolution> Apply)[]
        {
            ("none", _ => { }),
            ("last weight", layer => layer.Weight.Value.Span[^1] += 0.5f),
            ("one bias", layer => layer.Bias.Value.Span[7] = -0.75f),
        };
        foreach ((string change, Action<Convolution> apply) in changes)
        {
            apply(convolution);
            float[] expected = FusedConvolutionTests.LayerByLayer(convolution, input, epilogue);
            float[] actual = new float[expected.Length];
            WindowGeometry geometry = convolution.GeometryFor(input.Shape);
            DirectConvolution.Forward(input.ReadOnlySpan, convolution.Weight.Value.ReadOnlySpan, convolution.Bias.Value.ReadOnlySpan, actual, 1, geometry, epilogue);
            Bits(actual).Should().Equal(Bits(expected), $"after changing {change}");
        }

        // A layer of all-zero weights and biases with another filter count after it, on the same image: its packing must
        // not be taken for the last one's because a fresh copy of the source compares equal to zeros.
        var zeros = new Convolution("zeros", 1, 20, 5);
        zeros.Weight.Value.Span.Clear();
        zeros.Bias.Value.Span.Clear();
        float[] zerosExpected = FusedConvolutionTests.LayerByLayer(zeros, input, epilogue);
        float[] zerosActual = new float[zerosExpected.Length];
        DirectConvolution.Forward(
            input.ReadOnlySpan, zeros.Weight.Value.ReadOnlySpan, zeros.Bias.Value.ReadOnlySpan, zerosActual, 1, zeros.GeometryFor(input.Shape), epilogue);
        Bits(zerosActual).Should().Equal(Bits(zerosExpected), "a layer of zeros with 20 filters after one with 30");

        // Same weights and biases, another image size: the tap offsets follow the geometry.
        FloatTensor wider = WithZeroRegions(random, 1, 1, 28, 31);
        float[] widerExpected = FusedConvolutionTests.LayerByLayer(convolution, wider, epilogue);
        float[] widerActual = new float[widerExpected.Length];
        DirectConvolution.Forward(
            wider.ReadOnlySpan, convolution.Weight.Value.ReadOnlySpan, convolution.Bias.Value.ReadOnlySpan, widerActual, 1, convolution.GeometryFor(wider.Shape), epilogue);
        Bits(widerActual).Should().Equal(Bits(widerExpected), "a wider image with the same weights");
    }

    [Fact]
    public void Padding_is_refused()
    {
        var geometry = new WindowGeometry(1, 6, 6, 3, 3, 1, 1);
        DirectConvolution.Supports(geometry).Should().BeFalse();
        Action act = () => DirectConvolution.Forward(new float[36], new float[18], new float[2], new float[2 * 36], 1, geometry, new ConvolutionEpilogue(false, 1));
        act.Should().Throw<ArgumentException>().WithMessage("*padding 1*");
    }

    /// <summary>Uniform values with zero rows, columns, blocks and single pixels (some −0), as a digit's background has.</summary>
    private static FloatTensor WithZeroRegions(Random random, int batchSize, int channels, int height, int width)
    {
        FloatTensor tensor = TestTensors.Uniform(random, batchSize, channels, height, width);
        Span<float> values = tensor.Span;
        for (int image = 0; image < batchSize; image++)
        {
            int top = random.Next(height), left = random.Next(width);
            int bottom = Math.Min(height, top + 1 + random.Next(height)), right = Math.Min(width, left + 1 + random.Next(width));
            for (int channel = 0; channel < channels; channel++)
            {
                Span<float> plane = values.Slice(((image * channels) + channel) * height * width, height * width);
                for (int y = 0; y < height; y++)
                {
                    for (int x = 0; x < width; x++)
                    {
                        bool border = y < height / 4 || x >= width - (width / 4);
                        bool block = y >= top && y < bottom && x >= left && x < right;
                        if (border || block || random.Next(10) == 0)
                        {
                            plane[(y * width) + x] = random.Next(4) == 0 ? -0f : 0f;
                        }
                    }
                }
            }
        }

        return tensor;
    }

    private static int[] Bits(float[] values) => [.. values.Select(BitConverter.SingleToInt32Bits)];

    private static unsafe float[] Run<TVector, TLanes>(Convolution convolution, FloatTensor input, ConvolutionEpilogue epilogue)
        where TVector : struct
        where TLanes : struct, IFloatLanes<TVector>
    {
        WindowGeometry geometry = convolution.GeometryFor(input.Shape);
        int batchSize = input.Shape[0];
        float[] output = new float[batchSize * convolution.FilterCount * epilogue.OutputHeight(geometry) * epilogue.OutputWidth(geometry)];
        fixed (float* inputData = input.ReadOnlySpan, weight = convolution.Weight.Value.ReadOnlySpan, bias = convolution.Bias.Value.ReadOnlySpan, outputData = output)
        {
            DirectConvolution<TVector, TLanes>.Forward(inputData, weight, bias, outputData, null, batchSize, convolution.FilterCount, geometry, epilogue);
        }

        return output;
    }
}
