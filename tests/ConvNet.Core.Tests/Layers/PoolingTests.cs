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

    [Fact]
    public void Max_pooling_of_all_negative_windows_is_negative()
    {
        // A zero padding would win these windows; the layer reads only real pixels.
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
