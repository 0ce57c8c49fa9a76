using ConvNet.Mnist;

namespace ConvNet.Mnist.Tests;

public sealed class ProbabilitiesTests
{
    [Fact]
    public void Softmax_MatchesHandComputedValues()
    {
        // e^0 : e^ln2 : e^ln(5) = 1 : 2 : 5, out of 8.
        float[] probabilities = Probabilities.Softmax([0f, MathF.Log(2f), MathF.Log(5f)]);

        probabilities.Should().Equal([0.125f, 0.25f, 0.625f], (actual, expected) => Math.Abs(actual - expected) < 1e-6f);
    }

    [Fact]
    public void Softmax_HugeLogits_StayFiniteAndSumToOne()
    {
        float[] probabilities = Probabilities.Softmax([1000f, 999f, -1000f]);

        probabilities.Should().OnlyContain(p => float.IsFinite(p));
        probabilities.Sum().Should().BeApproximately(1f, 1e-6f);
        probabilities[0].Should().BeApproximately(1f / (1f + MathF.Exp(-1f)), 1e-6f);
    }
}
