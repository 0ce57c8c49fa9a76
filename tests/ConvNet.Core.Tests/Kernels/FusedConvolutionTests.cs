using System.Runtime.Intrinsics;
using ConvNet.Core.Kernels;
using ConvNet.Core.Layers;
using ConvNet.Core.Tensors;

namespace ConvNet.Core.Tests.Kernels;

/// <summary>
/// The fused inference convolution (+ bias, ReLU, max pooling) against the layers it replaces, run one after another:
/// the same values bit for bit, for every geometry, epilogue and instruction set.
/// </summary>
public sealed class FusedConvolutionTests
{
    // (channels, height, width, filters, kernel height, kernel width, stride, padding): the seed's layer, odd sizes around the
    // micro-kernel's 6-filter panels and 8/16/32-column panels, strides and padding, rectangular kernels (the seed's FH ≠ FW),
    // and a patch deeper than one GEMM depth block (40·3·3 = 360).
    public static TheoryData<int, int, int, int, int, int, int, int> Geometries => new()
    {
        { 1, 28, 28, 30, 5, 5, 1, 0 },
        { 1, 9, 7, 1, 3, 3, 1, 0 },
        { 3, 11, 13, 7, 3, 3, 1, 1 },
        { 2, 12, 10, 13, 3, 3, 2, 1 },
        { 4, 10, 10, 16, 1, 1, 1, 0 },
        { 3, 15, 9, 6, 5, 5, 2, 2 },
        { 40, 8, 8, 9, 3, 3, 1, 1 },
        { 16, 14, 14, 32, 3, 3, 1, 1 },
        { 3, 13, 17, 7, 3, 5, 2, 1 },
        { 2, 16, 9, 10, 5, 1, 1, 0 },
    };

    [Theory]
    [MemberData(nameof(Geometries))]
    public void Every_epilogue_equals_the_layers_bit_for_bit(
        int channels, int height, int width, int filters, int kernelHeight, int kernelWidth, int stride, int padding)
    {
        var random = new Random(channels + (7 * height) + (31 * filters) + kernelHeight + (3 * kernelWidth) + (100 * stride) + (1000 * padding));
        Convolution convolution = RandomConvolution(random, channels, filters, (kernelHeight, kernelWidth), stride, padding);
        foreach (int batchSize in new[] { 1, 3 })
        {
            FloatTensor input = TestTensors.Uniform(random, batchSize, channels, height, width);
            WindowGeometry geometry = convolution.GeometryFor(input.Shape);
            foreach (bool relu in new[] { false, true })
            {
                foreach (int pool in new[] { 1, 2, 3 }.Where(size => size <= geometry.OutputHeight && size <= geometry.OutputWidth))
                {
                    var epilogue = new ConvolutionEpilogue(relu, pool);
                    float[] expected = LayerByLayer(convolution, input, epilogue);
                    float[] actual = new float[expected.Length];
                    FusedConvolution.Forward(
                        input.ReadOnlySpan, convolution.Weight.Value.ReadOnlySpan, convolution.Bias.Value.ReadOnlySpan, actual, batchSize, geometry, epilogue);
                    actual.Should().Equal(expected, $"batch {batchSize}, ReLU {relu}, pool {pool}");
                }
            }
        }
    }

    [Fact]
    public void Every_instruction_set_this_machine_runs_equals_the_layers_bit_for_bit()
    {
        // The dispatcher picks one instruction set; drive the others directly so each is tested where it can run.
        var random = new Random(5);
        foreach ((int channels, int size, int filters, int kernel, int padding) in new[] { (1, 28, 30, 5, 0), (3, 13, 7, 3, 1), (40, 7, 9, 3, 1) })
        {
            Convolution convolution = RandomConvolution(random, channels, filters, (kernel, kernel), stride: 1, padding);
            FloatTensor input = TestTensors.Uniform(random, 2, channels, size, size);
            var epilogue = new ConvolutionEpilogue(Relu: true, PoolSize: 2);
            float[] expected = LayerByLayer(convolution, input, epilogue);
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

    [Fact]
    public void Windows_of_equal_zeros_give_the_layers_bits()
    {
        // Zero weights make every window a tie of zeros, and a bias of −0 meets them in the last add: any other order
        // of the bias, the maximum and the ReLU could show as a different sign of zero.
        var convolution = new Convolution("conv", 1, 6, 3);
        convolution.Bias.Value.Span.Fill(-0f);
        FloatTensor input = TestTensors.Uniform(new Random(3), 2, 1, 10, 10);
        WindowGeometry geometry = convolution.GeometryFor(input.Shape);
        foreach (bool relu in new[] { false, true })
        {
            var epilogue = new ConvolutionEpilogue(relu, 2);
            float[] expected = LayerByLayer(convolution, input, epilogue);
            float[] actual = new float[expected.Length];
            FusedConvolution.Forward(input.ReadOnlySpan, convolution.Weight.Value.ReadOnlySpan, convolution.Bias.Value.ReadOnlySpan, actual, 2, geometry, epilogue);
            actual.Select(BitConverter.SingleToInt32Bits).Should().Equal(expected.Select(BitConverter.SingleToInt32Bits), $"ReLU {relu}");
        }
    }

    [Fact]
    public void Operands_of_the_wrong_size_throw_naming_the_sizes()
    {
        var geometry = new WindowGeometry(1, 6, 6, 3, 3, 1, 0);
        Action act = () => FusedConvolution.Forward(new float[36], new float[18], new float[2], new float[7], 1, geometry, new ConvolutionEpilogue(false, 2));
        act.Should().Throw<ArgumentException>().WithMessage("*output 7 of 8 elements*");
    }

    /// <summary>Convolution, then a ReLU layer and a max Pooling layer as the epilogue asks: the reference.</summary>
    internal static float[] LayerByLayer(Convolution convolution, FloatTensor input, ConvolutionEpilogue epilogue)
    {
        FloatTensor output = convolution.Forward(input, training: false);
        if (epilogue.Relu)
        {
            output = new Relu("relu").Forward(output, training: false);
        }

        if (epilogue.PoolSize > 1)
        {
            output = new Pooling("pool", epilogue.PoolSize, epilogue.PoolSize).Forward(output, training: false);
        }

        return output.ToArray();
    }

    private static unsafe float[] Run<TVector, TLanes>(Convolution convolution, FloatTensor input, ConvolutionEpilogue epilogue)
        where TVector : struct
        where TLanes : struct, IFloatLanes<TVector>
    {
        WindowGeometry geometry = convolution.GeometryFor(input.Shape);
        int batchSize = input.Shape[0];
        float[] output = new float[batchSize * convolution.FilterCount * epilogue.OutputHeight(geometry) * epilogue.OutputWidth(geometry)];
        fixed (float* inputData = input.ReadOnlySpan, weight = convolution.Weight.Value.ReadOnlySpan, bias = convolution.Bias.Value.ReadOnlySpan, outputData = output)
        {
            FusedConvolution<TVector, TLanes>.Forward(inputData, weight, bias, outputData, null, batchSize, convolution.FilterCount, geometry, epilogue);
        }

        return output;
    }

    internal static Convolution RandomConvolution(Random random, int channels, int filters, (int Height, int Width) kernel, int stride, int padding)
    {
        var convolution = new Convolution("conv", channels, filters, kernel, stride, padding);
        WeightInitialization.Normal(convolution.Weight.Value, 0.5f, random);
        WeightInitialization.Normal(convolution.Bias.Value, 0.5f, random);
        return convolution;
    }
}
