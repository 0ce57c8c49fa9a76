using ConvNet.Core.Layers;
using ConvNet.Core.Tensors;

namespace ConvNet.Core.Tests.Layers;

public class WeightInitializationTests
{
    [Fact]
    public void Normal_draws_have_the_requested_spread_and_repeat_with_the_seed()
    {
        var first = new FloatTensor(20_001);
        var second = new FloatTensor(20_001);
        WeightInitialization.Normal(first, 0.5f, new Random(7));
        WeightInitialization.Normal(second, 0.5f, new Random(7));

        float[] values = first.ToArray();
        double mean = values.Average();
        double deviation = Math.Sqrt(values.Select(v => (v - mean) * (v - mean)).Average());
        mean.Should().BeApproximately(0, 0.02);
        deviation.Should().BeApproximately(0.5, 0.02);
        values.Should().Equal(second.ToArray());
        values[^1].Should().NotBe(0f, "an odd-length tensor is filled to the end");
    }

    [Fact]
    public void Normal_rejects_a_negative_standard_deviation()
    {
        FluentActions.Invoking(() => WeightInitialization.Normal(new FloatTensor(3), -1f, new Random(1)))
            .Should().Throw<ArgumentOutOfRangeException>().WithParameterName("standardDeviation");
    }
}
