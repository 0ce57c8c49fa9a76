using ConvNet.Core.Layers;
using ConvNet.Core.Optimizers;
using ConvNet.Core.Tensors;

namespace ConvNet.Core.Tests.Optimizers;

public class GradientOperationsTests
{
    private static Parameter WithGradient(TensorShape shape, float[] values, float[] gradient)
    {
        var parameter = new Parameter("p", FloatTensor.FromSpan(shape, values));
        gradient.CopyTo(parameter.Gradient.Span);
        return parameter;
    }

    [Fact]
    public void Clipping_scales_all_gradients_to_the_maximum_global_norm()
    {
        var weight = WithGradient(new TensorShape(1, 1), [0f], [3f]);
        var bias = WithGradient(new TensorShape(1), [0f], [4f]);

        GradientOperations.ClipByGlobalNorm([weight, bias], 1f).Should().BeApproximately(5.0, 1e-9);

        weight.Gradient.Span[0].Should().BeApproximately(0.6f, 1e-6f);
        bias.Gradient.Span[0].Should().BeApproximately(0.8f, 1e-6f);
        GradientOperations.GlobalNorm([weight, bias]).Should().BeApproximately(1.0, 1e-6);
    }

    [Fact]
    public void Clipping_leaves_small_gradients_alone()
    {
        var weight = WithGradient(new TensorShape(2), [0f, 0f], [0.3f, -0.4f]);
        GradientOperations.ClipByGlobalNorm([weight], 1f);
        weight.Gradient.ToArray().Should().Equal(0.3f, -0.4f);
        FluentActions.Invoking(() => GradientOperations.ClipByGlobalNorm([weight], 0f)).Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void Weight_decay_adds_the_scaled_value_to_weight_gradients_only()
    {
        var weight = WithGradient(new TensorShape(1, 2), [1f, -2f], [0.5f, 0.5f]);
        var bias = WithGradient(new TensorShape(2), [1f, 1f], [0.5f, 0.5f]);

        GradientOperations.AddWeightDecay([weight, bias], 0.1f);

        weight.Gradient.Span[0].Should().BeApproximately(0.6f, 1e-7f);
        weight.Gradient.Span[1].Should().BeApproximately(0.3f, 1e-7f);
        bias.Gradient.ToArray().Should().Equal(0.5f, 0.5f);
        FluentActions.Invoking(() => GradientOperations.AddWeightDecay([weight], -1f)).Should().Throw<ArgumentOutOfRangeException>();
    }
}
