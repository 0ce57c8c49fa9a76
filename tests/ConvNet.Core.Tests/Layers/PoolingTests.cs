using ConvNet.Core.Layers;
using ConvNet.Core.Tensors;

namespace ConvNet.Core.Tests.Layers;

public class PoolingTests
{
    [Theory]
    [InlineData(PoolingMode.Max, 2, 2)]
    [InlineData(PoolingMode.Max, 3, 2)]
    [InlineData(PoolingMode.Average, 2, 2)]
    [InlineData(PoolingMode.Average, 3, 1)]
    public void Pooling_equals_a_naive_window_max_or_mean(PoolingMode mode, int poolSize, int stride)
    {
        FloatTensor input = TestTensors.Uniform(new Random(poolSize * stride), 2, 3, 7, 6);
        var layer = new Pooling("pool", poolSize, stride, mode);

        FloatTensor output = layer.Forward(input, training: false);

        int outputHeight = ((7 - poolSize) / stride) + 1, outputWidth = ((6 - poolSize) / stride) + 1;
        output.Shape.Should().Be(new TensorShape(2, 3, outputHeight, outputWidth));
        for (int n = 0; n < 2; n++)
        {
            for (int c = 0; c < 3; c++)
            {
                for (int oy = 0; oy < outputHeight; oy++)
                {
                    for (int ox = 0; ox < outputWidth; ox++)
                    {
                        var window = new List<float>();
                        for (int y = oy * stride; y < (oy * stride) + poolSize; y++)
                        {
                            for (int x = ox * stride; x < (ox * stride) + poolSize; x++)
                            {
                                window.Add(input[n, c, y, x]);
                            }
                        }

                        float expected = mode == PoolingMode.Max ? window.Max() : window.Average();
                        output[n, c, oy, ox].Should().BeApproximately(expected, 1e-6f);
                    }
                }
            }
        }
    }

    [Theory]
    [InlineData(PoolingMode.Max, 2, 3, 2, 1)]
    [InlineData(PoolingMode.Max, 3, 1, 1, 0)]
    [InlineData(PoolingMode.Max, 3, 3, 2, 2)]
    [InlineData(PoolingMode.Average, 3, 2, 1, 1)]
    [InlineData(PoolingMode.Average, 1, 4, 3, 0)]
    [InlineData(PoolingMode.Average, 3, 3, 2, 2)]
    public void Padded_rectangular_pooling_equals_a_naive_window_over_a_zero_border(PoolingMode mode, int poolHeight, int poolWidth, int stride, int padding)
    {
        FloatTensor input = TestTensors.Uniform(new Random(poolHeight + (5 * poolWidth) + (25 * padding)), 2, 3, 7, 6);
        var layer = new Pooling("pool", (poolHeight, poolWidth), stride, mode, padding);

        FloatTensor output = layer.Forward(input, training: false);

        // The seed's im2col: np.pad with zeros, then every window over the padded image, zeros included.
        int outputHeight = ((7 + (2 * padding) - poolHeight) / stride) + 1, outputWidth = ((6 + (2 * padding) - poolWidth) / stride) + 1;
        output.Shape.Should().Be(new TensorShape(2, 3, outputHeight, outputWidth));
        layer.Forward(input, training: true).ToArray().Should().Equal(output.ToArray(), "training and inference compute the same");
        for (int n = 0; n < 2; n++)
        {
            for (int c = 0; c < 3; c++)
            {
                for (int oy = 0; oy < outputHeight; oy++)
                {
                    for (int ox = 0; ox < outputWidth; ox++)
                    {
                        var window = new List<float>();
                        for (int y = (oy * stride) - padding; y < (oy * stride) - padding + poolHeight; y++)
                        {
                            for (int x = (ox * stride) - padding; x < (ox * stride) - padding + poolWidth; x++)
                            {
                                window.Add(y is >= 0 and < 7 && x is >= 0 and < 6 ? input[n, c, y, x] : 0f);
                            }
                        }

                        float expected = mode == PoolingMode.Max ? window.Max() : window.Average();
                        output[n, c, oy, ox].Should().BeApproximately(expected, 1e-6f);
                    }
                }
            }
        }
    }

    [Fact]
    public void Padded_max_pooling_of_all_negative_windows_is_zero_like_the_seed()
    {
        // The seed pads with zeros (np.pad 'constant'), so the border wins windows of negative pixels; PyTorch's
        // MaxPool2d(padding=1), which pads with −∞, would give −1, −2, −4, −5 here.
        var input = FloatTensor.FromSpan(new TensorShape(1, 1, 2, 3), [-1, -2, -3, -4, -5, -6]);
        new Pooling("pool", 2, 2, PoolingMode.Max, padding: 1).Forward(input, training: false).ToArray().Should().Equal(0f, 0f, 0f, 0f);
    }

    [Fact]
    public void Padded_max_pooling_gives_the_seeds_outputs_and_routes_no_gradient_to_the_border()
    {
        // Worked by hand on the zero-bordered 5×5 image, windows 2×2 at stride 1; the gradient of each output goes to the
        // first maximum of its window (numpy's argmax), and col2im drops what landed on the border.
        var input = FloatTensor.FromSpan(new TensorShape(1, 1, 3, 3), [-1, 2, -3, 4, -5, 6, -7, 8, -9]);
        var layer = new Pooling("pool", 2, 1, PoolingMode.Max, padding: 1);

        layer.Forward(input, training: true).ToArray().Should().Equal(
            0, 2, 2, 0,
            4, 4, 6, 6,
            4, 8, 8, 6,
            0, 8, 8, 0);
        var ones = new FloatTensor(1, 1, 4, 4);
        ones.Span.Fill(1f);
        layer.Backward(ones).ToArray().Should().Equal(
            0, 2, 0,
            3, 0, 3,
            0, 4, 0);
    }

    [Fact]
    public void Padded_average_pooling_divides_by_the_whole_window_like_the_seed()
    {
        // Worked by hand: 2×3 windows at stride 1 over the zero-bordered 4×6 image; every sum is divided by 6, border included.
        var input = FloatTensor.FromSpan(new TensorShape(1, 1, 2, 4), [1, -2, 3, -4, -5, 6, -7, 8]);
        float[] sums = [-1, 2, -3, -1, 0, -4, 4, 0, 1, -6, 7, 1];

        FloatTensor output = new Pooling("pool", (2, 3), 1, PoolingMode.Average, padding: 1).Forward(input, training: false);

        output.Shape.Should().Be(new TensorShape(1, 1, 3, 4));
        output.ToArray().Should().Equal(sums.Select(sum => sum / 6f), (actual, expected) => Math.Abs(actual - expected) < 1e-6f);
    }

    [Fact]
    public void Padding_must_be_smaller_than_the_window()
    {
        FluentActions.Invoking(() => new Pooling("pool", (1, 3), 1, padding: 1))
            .Should().Throw<ArgumentOutOfRangeException>().WithMessage("*smaller than the 1×3 window*").Which.ParamName.Should().Be("padding");
    }

    [Fact]
    public void Max_pooling_of_all_negative_windows_is_negative()
    {
        // Without padding the layer reads only real pixels.
        var input = FloatTensor.FromSpan(new TensorShape(1, 1, 2, 4), [-5, -4, -3, -2, -8, -7, -6, -1]);
        new Pooling("pool", 2, 2).Forward(input, training: false).ToArray().Should().Equal(-4f, -1f);
    }

    [Fact]
    public void Max_pooling_sends_the_gradient_to_the_maximum_only()
    {
        var input = FloatTensor.FromSpan(new TensorShape(1, 1, 2, 2), [1, 4, 3, 2]);
        var layer = new Pooling("pool", 2, 2);
        layer.Forward(input, training: true);
        layer.Backward(FloatTensor.FromSpan(new TensorShape(1, 1, 1, 1), [7])).ToArray().Should().Equal(0f, 7f, 0f, 0f);
    }

    [Fact]
    public void Pooling_rejects_windows_larger_than_the_input()
    {
        FluentActions.Invoking(() => new Pooling("pool1", 3, 1).GetOutputShape(new TensorShape(1, 1, 2, 5)))
            .Should().Throw<ArgumentException>().WithMessage("*pool1*[1, 1, 2, 5]*");
    }
}
