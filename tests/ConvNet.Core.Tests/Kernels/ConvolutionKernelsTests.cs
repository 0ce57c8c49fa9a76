using ConvNet.Core.Kernels;
using ConvNet.Core.Layers;
using ConvNet.Core.Tensors;

namespace ConvNet.Core.Tests.Kernels;

public class ConvolutionKernelsTests
{
    [Fact]
    public unsafe void Unroll_puts_one_filter_tap_per_row_and_one_output_position_per_column()
    {
        // Input [2, 3, 3] holding 0..17; 2×2 windows, stride 1: 8 rows (channel, ky, kx) and 4 columns (y, x).
        float[] image = Enumerable.Range(0, 18).Select(i => (float)i).ToArray();
        var geometry = new WindowGeometry(2, 3, 3, 2, 2, Stride: 1, Padding: 0);
        var patches = new float[8 * 4];
        fixed (float* imageData = image, patchData = patches)
        {
            PatchMatrix.Unroll(imageData, patchData, geometry);
        }

        patches[..4].Should().Equal(0, 1, 3, 4);
        patches[4..8].Should().Equal(1, 2, 4, 5);
        patches[28..].Should().Equal(13, 14, 16, 17);
        Enumerable.Range(0, 8).Select(row => patches[row * 4]).Should().Equal(0, 1, 3, 4, 9, 10, 12, 13);
    }

    [Fact]
    public unsafe void Unroll_reads_padding_as_zero()
    {
        // Input [1, 2, 2] = 1..4, 3×3 window, padding 1, stride 2: one window centred on pixel (0, 0), the rest padding.
        float[] image = [1, 2, 3, 4];
        var geometry = new WindowGeometry(1, 2, 2, 3, 3, Stride: 2, Padding: 1);
        geometry.OutputPositions.Should().Be(1);
        float[] patches = Enumerable.Repeat(float.NaN, 9).ToArray();
        fixed (float* imageData = image, patchData = patches)
        {
            PatchMatrix.Unroll(imageData, patchData, geometry);
        }

        patches.Should().Equal(0, 0, 0, 0, 1, 2, 0, 3, 4);
    }

    [Theory]
    [InlineData(1, 0)]
    [InlineData(2, 0)]
    [InlineData(1, 1)]
    [InlineData(2, 1)]
    [InlineData(3, 2)]
    public unsafe void FoldAdd_is_the_adjoint_of_Unroll(int stride, int padding)
    {
        // <unroll(x), p> = <x, fold(p)> for all x and p is exactly what backpropagation through the unroll needs.
        var random = new Random(stride + (10 * padding));
        var geometry = new WindowGeometry(3, 7, 6, 3, 3, stride, padding);
        float[] image = TestTensors.Uniform(random, 3, 7, 6).ToArray();
        float[] patches = TestTensors.Uniform(random, geometry.PatchSize, geometry.OutputPositions).ToArray();
        var unrolled = new float[patches.Length];
        var folded = new float[image.Length];
        fixed (float* imageData = image, patchData = patches, unrolledData = unrolled, foldedData = folded)
        {
            PatchMatrix.Unroll(imageData, unrolledData, geometry);
            PatchMatrix.FoldAdd(patchData, foldedData, geometry);
        }

        Dot(unrolled, patches).Should().BeApproximately(Dot(image, folded), 1e-5);
    }

    [Theory]
    [InlineData(1, 0)]
    [InlineData(2, 0)]
    [InlineData(1, 1)]
    [InlineData(2, 1)]
    [InlineData(3, 2)]
    public void Convolution_equals_a_naive_direct_convolution(int stride, int padding)
    {
        var random = new Random(100 + stride + (10 * padding));
        const int batch = 2, channels = 3, filters = 4, kernel = 3, height = 7, width = 5;
        var layer = new Convolution("conv", channels, filters, kernel, stride, padding);
        WeightInitialization.Normal(layer.Weight.Value, 1f, random);
        WeightInitialization.Normal(layer.Bias.Value, 1f, random);
        FloatTensor input = TestTensors.Uniform(random, batch, channels, height, width);

        FloatTensor output = layer.Forward(input, training: false);

        FloatTensor expected = NaiveConvolution(input, layer.Weight.Value, layer.Bias.Value, stride, padding);
        output.Shape.Should().Be(expected.Shape);
        output.ToArray().Should().Equal(expected.ToArray(), (a, e) => Math.Abs(a - e) <= 1e-5f);
    }

    [Theory]
    [InlineData(1, 12, 11)]
    [InlineData(13, 12, 11)]
    [InlineData(100, 12, 11)]
    [InlineData(13, 28, 22)]
    public void Parameter_gradients_sum_every_image_of_the_batch(int batch, int height, int width)
    {
        // The batch is split into chunks with their own partial sums; every image must be counted exactly once. 12×11
        // images have 56 output positions (one GEMM per image), 28×22 have 432 (blocks of dot products).
        var random = new Random(batch + height);
        const int channels = 2, filters = 3, kernel = 5;
        var geometry = new WindowGeometry(channels, height, width, kernel, kernel, Stride: 1, Padding: 0);
        float[] input = TestTensors.Uniform(random, batch, channels, height, width).ToArray();
        float[] outputGradient = TestTensors.Uniform(random, batch, filters, geometry.OutputHeight, geometry.OutputWidth).ToArray();
        var weightGradient = Enumerable.Repeat(float.NaN, filters * geometry.PatchSize).ToArray();
        var biasGradient = Enumerable.Repeat(float.NaN, filters).ToArray();

        ConvolutionKernels.ParameterGradients(input, outputGradient, weightGradient, biasGradient, batch, geometry);

        for (int filter = 0; filter < filters; filter++)
        {
            double biasSum = 0;
            for (int n = 0; n < batch; n++)
            {
                for (int position = 0; position < geometry.OutputPositions; position++)
                {
                    biasSum += outputGradient[(((n * filters) + filter) * geometry.OutputPositions) + position];
                }
            }

            biasGradient[filter].Should().BeApproximately((float)biasSum, 1e-3f);
            for (int tap = 0; tap < geometry.PatchSize; tap++)
            {
                int channel = Math.DivRem(tap, kernel * kernel, out int ky);
                ky = Math.DivRem(ky, kernel, out int kx);
                double sum = 0;
                for (int n = 0; n < batch; n++)
                {
                    for (int oy = 0; oy < geometry.OutputHeight; oy++)
                    {
                        for (int ox = 0; ox < geometry.OutputWidth; ox++)
                        {
                            float gradient = outputGradient[(((n * filters) + filter) * geometry.OutputPositions) + (oy * geometry.OutputWidth) + ox];
                            sum += (double)gradient * input[(((n * channels) + channel) * height * width) + ((oy + ky) * width) + ox + kx];
                        }
                    }
                }

                weightGradient[(filter * geometry.PatchSize) + tap].Should().BeApproximately((float)sum, 2e-3f);
            }
        }
    }

    internal static FloatTensor NaiveConvolution(FloatTensor input, FloatTensor weight, FloatTensor bias, int stride, int padding)
    {
        int batch = input.Shape[0], channels = input.Shape[1], height = input.Shape[2], width = input.Shape[3];
        int filters = weight.Shape[0], kernel = weight.Shape[2];
        int outputHeight = ((height + (2 * padding) - kernel) / stride) + 1;
        int outputWidth = ((width + (2 * padding) - kernel) / stride) + 1;
        var output = new FloatTensor(batch, filters, outputHeight, outputWidth);
        for (int n = 0; n < batch; n++)
        {
            for (int f = 0; f < filters; f++)
            {
                for (int oy = 0; oy < outputHeight; oy++)
                {
                    for (int ox = 0; ox < outputWidth; ox++)
                    {
                        double sum = bias.ReadOnlySpan[f];
                        for (int c = 0; c < channels; c++)
                        {
                            for (int ky = 0; ky < kernel; ky++)
                            {
                                for (int kx = 0; kx < kernel; kx++)
                                {
                                    int y = (oy * stride) - padding + ky, x = (ox * stride) - padding + kx;
                                    if (y >= 0 && y < height && x >= 0 && x < width)
                                    {
                                        sum += (double)input[n, c, y, x] * weight[f, c, ky, kx];
                                    }
                                }
                            }
                        }

                        output[n, f, oy, ox] = (float)sum;
                    }
                }
            }
        }

        return output;
    }

    private static double Dot(float[] a, float[] b) => a.Zip(b, (x, y) => (double)x * y).Sum();
}
