using ConvNet.Core.Layers;
using ConvNet.Core.Tensors;

namespace ConvNet.Core.Tests.Layers;

public class WeightInitSchemeTests
{
    // A convolution weight [F, C, kh, kw] = [64, 32, 3, 3]: fan-in 32·9 = 288, fan-out 64·9 = 576.
    private static readonly TensorShape ConvolutionWeight = new(64, 32, 3, 3);

    [Fact]
    public void Fans_follow_the_convolution_and_affine_layouts()
    {
        WeightInitialization.Fans(new TensorShape(8, 3, 5, 5)).Should().Be((75, 200));
        WeightInitialization.Fans(new TensorShape(100, 10)).Should().Be((100, 10));
        FluentActions.Invoking(() => WeightInitialization.Fans(new TensorShape(10))).Should().Throw<ArgumentException>().WithMessage("*[10]*");
    }

    [Theory]
    [InlineData(WeightInitScheme.HeNormal, 2.0 / 288)]
    [InlineData(WeightInitScheme.HeUniform, 2.0 / 288)]
    [InlineData(WeightInitScheme.XavierNormal, 2.0 / (288 + 576))]
    [InlineData(WeightInitScheme.XavierUniform, 2.0 / (288 + 576))]
    [InlineData(WeightInitScheme.LeCunNormal, 1.0 / 288)]
    [InlineData(WeightInitScheme.LeCunUniform, 1.0 / 288)]
    public void Each_scheme_draws_zero_mean_values_with_its_variance(WeightInitScheme scheme, double expectedVariance)
    {
        var weight = new FloatTensor(ConvolutionWeight);

        WeightInitialization.Initialize(weight, scheme, new Random(1));

        float[] values = weight.ToArray();
        double mean = values.Average(v => (double)v);
        double variance = values.Average(v => ((double)v - mean) * ((double)v - mean));
        mean.Should().BeApproximately(0, 0.05 * Math.Sqrt(expectedVariance));
        variance.Should().BeApproximately(expectedVariance, 0.05 * expectedVariance);
    }

    [Theory]
    [InlineData(WeightInitScheme.HeUniform, 6.0 / 288)]
    [InlineData(WeightInitScheme.XavierUniform, 6.0 / (288 + 576))]
    [InlineData(WeightInitScheme.LeCunUniform, 3.0 / 288)]
    public void Uniform_schemes_stay_inside_their_limit_and_reach_near_it(WeightInitScheme scheme, double squaredLimit)
    {
        var weight = new FloatTensor(ConvolutionWeight);
        float limit = (float)Math.Sqrt(squaredLimit);

        WeightInitialization.Initialize(weight, scheme, new Random(2));

        float[] magnitudes = weight.ToArray().Select(MathF.Abs).ToArray();
        magnitudes.Max().Should().BeLessThanOrEqualTo(limit).And.BeGreaterThan(0.99f * limit);
    }

    [Fact]
    public void Affine_weights_use_their_input_size_as_fan_in()
    {
        var weight = new FloatTensor(400, 50);

        WeightInitialization.Initialize(weight, WeightInitScheme.HeUniform, new Random(3));

        weight.ToArray().Select(MathF.Abs).Max().Should().BeLessThanOrEqualTo(MathF.Sqrt(6f / 400f)).And.BeGreaterThan(0.99f * MathF.Sqrt(6f / 400f));
    }

    [Fact]
    public void The_same_seed_gives_the_same_weights()
    {
        var first = new FloatTensor(ConvolutionWeight);
        var second = new FloatTensor(ConvolutionWeight);
        var other = new FloatTensor(ConvolutionWeight);

        WeightInitialization.Initialize(first, WeightInitScheme.XavierNormal, new Random(4));
        WeightInitialization.Initialize(second, WeightInitScheme.XavierNormal, new Random(4));
        WeightInitialization.Initialize(other, WeightInitScheme.XavierNormal, new Random(5));

        second.ToArray().Should().Equal(first.ToArray());
        other.ToArray().Should().NotEqual(first.ToArray());
    }

    [Fact]
    public void Uniform_rejects_a_negative_limit()
    {
        FluentActions.Invoking(() => WeightInitialization.Uniform(new FloatTensor(3), -1f, new Random(1)))
            .Should().Throw<ArgumentOutOfRangeException>().WithParameterName("limit");
    }
}
