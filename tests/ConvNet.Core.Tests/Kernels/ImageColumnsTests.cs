using ConvNet.Core.Kernels;
using ConvNet.Core.Layers;
using ConvNet.Core.Tensors;

namespace ConvNet.Core.Tests.Kernels;

public class ImageColumnsTests
{
    [Fact]
    public void Im2Col_uses_the_seeds_row_and_column_order()
    {
        // Input [1, 2, 3, 3] holding 0..17; 2×2 windows, stride 1: 4 rows (y, x) and 8 columns (channel, ky, kx).
        float[] image = Enumerable.Range(0, 18).Select(i => (float)i).ToArray();
        var geometry = new WindowGeometry(2, 3, 3, 2, 2, Stride: 1, Padding: 0);
        var columns = new float[4 * 8];
        ImageColumns.Im2Col(image, columns, 1, geometry);
        columns[..8].Should().Equal(0, 1, 3, 4, 9, 10, 12, 13);
        columns[8..16].Should().Equal(1, 2, 4, 5, 10, 11, 13, 14);
        columns[24..].Should().Equal(4, 5, 7, 8, 13, 14, 16, 17);
    }

    [Fact]
    public void Im2Col_reads_padding_as_zero()
    {
        // Input [1, 1, 2, 2] = 1..4, 3×3 window, padding 1, stride 2: one window centred on pixel (0, 0)... and the rest padding.
        float[] image = [1, 2, 3, 4];
        var geometry = new WindowGeometry(1, 2, 2, 3, 3, Stride: 2, Padding: 1);
        geometry.OutputHeight.Should().Be(1);
        var columns = new float[9];
        ImageColumns.Im2Col(image, columns, 1, geometry);
        columns.Should().Equal(0, 0, 0, 0, 1, 2, 0, 3, 4);
    }

    [Theory]
    [InlineData(1, 0)]
    [InlineData(2, 0)]
    [InlineData(1, 1)]
    [InlineData(2, 1)]
    public void Col2Im_is_the_adjoint_of_Im2Col(int stride, int padding)
    {
        // <im2col(x), c> = <x, col2im(c)> for all x and c is exactly what backpropagation through im2col needs.
        var random = new Random(stride + (10 * padding));
        var geometry = new WindowGeometry(3, 7, 6, 3, 3, stride, padding);
        const int batch = 2;
        Tensor image = TestTensors.Uniform(random, batch, 3, 7, 6);
        Tensor columns = TestTensors.Uniform(random, batch * geometry.OutputPositions, geometry.PatchSize);
        var unrolled = new float[columns.Length];
        var folded = new float[image.Length];
        ImageColumns.Im2Col(image.ReadOnlySpan, unrolled, batch, geometry);
        ImageColumns.Col2Im(columns.ReadOnlySpan, folded, batch, geometry);
        // Float sums in col2im round differently from the double dot products, hence the small tolerance.
        Dot(unrolled, columns.ToArray()).Should().BeApproximately(Dot(image.ToArray(), folded), 1e-5);
    }

    [Theory]
    [InlineData(1, 0)]
    [InlineData(2, 0)]
    [InlineData(1, 1)]
    [InlineData(2, 1)]
    [InlineData(3, 2)]
    public void Im2Col_and_GEMM_convolution_equals_a_naive_direct_convolution(int stride, int padding)
    {
        var random = new Random(100 + stride + (10 * padding));
        const int batch = 2, channels = 3, filters = 4, kernel = 3, height = 7, width = 5;
        var layer = new Convolution("conv", channels, filters, kernel, stride, padding);
        WeightInitialization.Normal(layer.Weight.Value, 1f, random);
        WeightInitialization.Normal(layer.Bias.Value, 1f, random);
        Tensor input = TestTensors.Uniform(random, batch, channels, height, width);

        Tensor output = layer.Forward(input, training: false);

        Tensor expected = NaiveConvolution(input, layer.Weight.Value, layer.Bias.Value, stride, padding);
        output.Shape.Should().Be(expected.Shape);
        output.ToArray().Should().Equal(expected.ToArray(), (a, e) => Math.Abs(a - e) <= 1e-5f);
    }

    internal static Tensor NaiveConvolution(Tensor input, Tensor weight, Tensor bias, int stride, int padding)
    {
        int batch = input.Shape[0], channels = input.Shape[1], height = input.Shape[2], width = input.Shape[3];
        int filters = weight.Shape[0], kernel = weight.Shape[2];
        int outputHeight = ((height + (2 * padding) - kernel) / stride) + 1;
        int outputWidth = ((width + (2 * padding) - kernel) / stride) + 1;
        var output = new Tensor(batch, filters, outputHeight, outputWidth);
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
